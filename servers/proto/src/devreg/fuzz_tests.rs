//! Device-registry fuzz tests: random and mutated messages never panic the decoders.

extern crate alloc;

use super::tests::{dev, name, page};
use super::*;
use crate::test_rng::{FuzzMsg, Rng};
use alloc::vec::Vec;

/// A label near the protocol's: its ops, just past them, success, errno labels, anything.
fn fuzz_label(rng: &mut Rng) -> u16 {
    match rng.below(4) {
        0 => 0x200 + rng.below(5) as u16,
        1 => 0,
        2 => rng.below(0x20) as u16,
        _ => rng.next() as u16,
    }
}

/// Valid requests and replies (with the op they answer), encoded: the seeds the fuzzer mutates.
fn seeds() -> Vec<(Option<Op>, FuzzMsg)> {
    let devices: Vec<Device> = (0..5)
        .map(|i| dev("node", DevKind::Char, 1 + i, i, 9))
        .collect();
    let mut scratch = page();
    let entries = ListEntries::pack(&devices, &mut scratch).unwrap();
    let replies = [
        (Op::Register, Reply::Registered { major: 1, minor: 2 }),
        (Op::Unregister, Reply::Unregistered),
        (Op::Lookup, Reply::Found(devices[2])),
        (Op::List, Reply::Listed { total: 5, entries }),
        (
            Op::Register,
            Reply::Busy(Conflict {
                existing: devices[1],
            }),
        ),
        (Op::Lookup, Reply::Error(Errno::NoEntry)),
    ];
    let requests = [
        Request::Register {
            name: name("abc"),
            kind: DevKind::Block,
            major: 0,
            minor: 3,
        },
        Request::Unregister { name: name("z9") },
        Request::Lookup {
            name: name("serial0"),
        },
        Request::List { start: 2 },
    ];
    let mut out = Vec::new();
    let mut buf = page();
    for req in requests {
        let enc = req.encode(&mut buf).unwrap();
        out.push((None, FuzzMsg::from_valid(enc.label, enc.words, &[])));
    }
    for (op, reply) in replies {
        let enc = reply.encode(&mut buf).unwrap();
        let msg = FuzzMsg::from_valid(enc.label, enc.words, &buf[..usize::from(enc.len_bytes)]);
        out.push((Some(op), msg));
    }
    out
}

#[test]
fn decoding_garbage_never_panics_and_what_decodes_round_trips() {
    let mut rng = Rng::new(0xDE7_BE61);
    let seeds = seeds();
    let (mut requests, mut replies) = (0, 0);
    for round in 0..60_000 {
        let (seed_op, msg) = if round % 2 == 0 {
            let label = fuzz_label(&mut rng);
            let msg = FuzzMsg::garbage(&mut rng, label);
            (None, msg)
        } else {
            let (op, seed) = &seeds[rng.below(seeds.len() as u64) as usize];
            let mut msg = FuzzMsg::from_valid(seed.label, seed.words, seed.sent());
            for _ in 0..=rng.below(3) {
                rng.mutate(&mut msg, fuzz_label);
            }
            (*op, msg)
        };
        let (label, words, bytes) = (msg.label, msg.words, msg.sent());
        if let Ok(req) = Request::decode(label, words, bytes) {
            requests += 1;
            let enc = req.encode(&mut []).expect("a decoded request encodes");
            assert_eq!(Request::decode(enc.label, enc.words, &[]), Ok(req));
        }
        let op = seed_op.unwrap_or(Op::ALL[rng.below(4) as usize]);
        if let Ok(reply) = Reply::decode(op, label, words, bytes) {
            replies += 1;
            let mut buf = page();
            let enc = reply.encode(&mut buf).expect("a decoded reply encodes");
            let sent = &buf[..usize::from(enc.len_bytes)];
            assert_eq!(Reply::decode(op, enc.label, enc.words, sent), Ok(reply));
        }
    }
    assert!(requests > 3_000 && replies > 3_000, "{requests} {replies}");
}
