//! Fuzzing the console: random calls and random typed bytes, interleaved, never panic and always answer in one message.

extern crate std;

use super::fake::FakeUart;
use super::*;
use proto::file::Op;

/// xorshift64: a fixed, repeatable stream of test inputs.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn fuzzed_calls_and_input_never_panic() {
    let uart = FakeUart::default();
    let mut console = Console::new(&uart, 64);
    let mut out = [0u8; MAX_MSG_BYTES];
    let mut bytes = [0u8; 64];
    let mut rng = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..20_000 {
        let r = next(&mut rng);
        // Mostly real operations with small fds and flags, so deep paths run too.
        let label = if r.is_multiple_of(8) {
            r as u16 >> 3
        } else {
            Op::ALL[(r >> 8) as usize % Op::ALL.len()].label()
        };
        let small = |x: u64| if x.is_multiple_of(4) { x } else { x % 5 };
        let words = [
            small(next(&mut rng)),
            small(next(&mut rng)),
            small(next(&mut rng)),
            next(&mut rng),
        ];
        let len = (r >> 16) as usize % bytes.len();
        for b in &mut bytes[..len] {
            *b = next(&mut rng) as u8;
        }
        let call = Call {
            label,
            words,
            bytes: &bytes[..len],
            badge: r >> 60,
        };
        if let Answer::Reply(e, h) = console.call::<()>(&call, &mut out) {
            assert!(h.is_none());
            assert!(usize::from(e.len_bytes) <= MAX_MSG_BYTES);
        }
        if r.is_multiple_of(3) {
            uart.rx.borrow_mut().extend_from_slice(&bytes[..len]);
            console.on_interrupt();
        }
    }
}
