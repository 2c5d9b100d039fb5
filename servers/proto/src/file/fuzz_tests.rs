//! File-protocol fuzz tests: random and mutated messages never panic the decoders.

extern crate std;

use super::tests::{page, sample_replies, sample_requests, sent};
use super::*;
use crate::test_rng::{FuzzMsg, Rng};
use std::vec::Vec;

/// A label near the protocol's: its ops, just past them, success, redirect, errno labels, anything.
fn fuzz_label(rng: &mut Rng) -> u16 {
    match rng.below(6) {
        0 | 1 => 0x100 + rng.below(Op::ALL.len() as u64 + 1) as u16,
        2 => 0,
        5 => REDIRECT_LABEL,
        3 => rng.below(0x80) as u16,
        _ => rng.next() as u16,
    }
}

/// Valid encodings of every sample request and reply: the seeds the fuzzer mutates.
fn seeds() -> Vec<(&'static [Op], FuzzMsg)> {
    let data = [0x61u8; MAX_IO_BYTES];
    let long_path: &str = &"p".repeat(MAX_PATH_BYTES);
    let mut out = Vec::new();
    let mut buf = page();
    for req in sample_requests(&data, long_path) {
        let enc = req.encode(&mut buf).unwrap();
        out.push((
            &Op::ALL[..],
            FuzzMsg::from_valid(enc.label, enc.words, sent(&buf, &enc)),
        ));
    }
    for reply in sample_replies(&data, long_path) {
        let enc = reply.encode(&mut buf).unwrap();
        let msg = FuzzMsg::from_valid(enc.label, enc.words, sent(&buf, &enc));
        out.push((reply.ops(), msg));
    }
    out
}

#[test]
fn decoding_garbage_never_panics_and_what_decodes_round_trips() {
    let mut rng = Rng::new(0x5EED_F11E);
    let seeds = seeds();
    let (mut requests, mut replies) = (0, 0);
    for round in 0..60_000 {
        let (seed_ops, msg) = if round % 2 == 0 {
            let label = fuzz_label(&mut rng);
            let msg = FuzzMsg::garbage(&mut rng, label);
            (&Op::ALL[..], msg)
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
            let mut buf = page();
            let enc = req.encode(&mut buf).expect("a decoded request encodes");
            assert_eq!(
                Request::decode(enc.label, enc.words, sent(&buf, &enc)),
                Ok(req)
            );
        }
        // A reply seed is decoded as an answer to one of its ops; anything else, to any op.
        let op = seed_ops[rng.below(seed_ops.len() as u64) as usize];
        if let Ok(reply) = Reply::decode(op, label, words, bytes) {
            replies += 1;
            let mut buf = page();
            let enc = reply.encode(&mut buf).expect("a decoded reply encodes");
            let back = Reply::decode(op, enc.label, enc.words, sent(&buf, &enc));
            assert_eq!(back, Ok(reply));
        }
    }
    // The generator must reach the decoders' success paths, not only their errors.
    assert!(requests > 5_000 && replies > 5_000, "{requests} {replies}");
}

#[test]
fn rename_and_readdir_edges_never_panic_and_round_trip() {
    let mut rng = Rng::new(0xD1EC_7000);
    let mut buf = [0u8; crate::test_rng::FUZZ_BYTES];
    let (mut decoded, mut entries) = (0, 0);
    for _ in 0..20_000 {
        // Lengths near the real ones, the limit, and the buffer's size.
        let len = |rng: &mut Rng, n: usize| match rng.below(3) {
            0 => rng.below(n as u64 + 2),
            1 => (MAX_PATH_BYTES as u64)
                .wrapping_add(rng.below(3))
                .wrapping_sub(1),
            _ => rng.word(),
        };
        let bytes = rng.bytes(&mut buf);
        let mut words = [
            len(&mut rng, bytes.len()),
            len(&mut rng, bytes.len()),
            rng.word(),
            0,
        ];
        if rng.below(2) == 0 {
            words[1] = (bytes.len() as u64).wrapping_sub(words[0]);
        }
        if let Ok(req) = Request::decode(Op::Rename.label(), words, bytes) {
            decoded += 1;
            let mut out = page();
            let enc = req.encode(&mut out).expect("a decoded rename encodes");
            assert_eq!(
                (enc.words, sent(&out, &enc)),
                ([words[0], words[1], 0, 0], bytes)
            );
        }
        let kind = [0, rng.below(6), rng.word()][rng.below(3) as usize];
        if let Ok(reply) = Reply::decode(Op::Readdir, 0, [kind, words[2], 0, 0], bytes) {
            entries += usize::from(matches!(reply, Reply::Entry { .. }));
            let mut out = page();
            let enc = reply.encode(&mut out).expect("a decoded entry encodes");
            let back = Reply::decode(Op::Readdir, enc.label, enc.words, sent(&out, &enc));
            assert_eq!(back, Ok(reply));
        }
    }
    assert!(decoded > 1_000 && entries > 500, "{decoded} {entries}");
}
