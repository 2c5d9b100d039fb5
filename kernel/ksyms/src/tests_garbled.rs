//! Host tests: parse and lookup never panic on random, garbled or truncated blobs.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::{encode, SymbolTable, HEADER_LEN_BYTES};

/// xorshift64*: a deterministic PRNG, so any failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Parses `bytes` and, if it is accepted, exercises every read path; returns whether it parsed.
fn exercise(bytes: &[u8], rng: &mut Rng) -> bool {
    let Ok(table) = SymbolTable::parse(bytes) else {
        return false;
    };
    let mut previous = None;
    for symbol in table.iter() {
        // Anything accepted must honour the sorted-order invariant.
        assert!(previous.is_none_or(|p| p < symbol.addr));
        previous = Some(symbol.addr);
        let _ = table.lookup(symbol.addr);
        let _ = table.lookup(symbol.addr.wrapping_add(symbol.size_bytes));
        let _ = table.lookup(symbol.addr.wrapping_sub(1));
    }
    let _ = table.iter().rev().count();
    for _ in 0..32 {
        let _ = table.lookup(rng.next());
    }
    for addr in [0, 1, u64::MAX, u64::MAX - 1, 1 << 63] {
        let _ = table.lookup(addr);
    }
    let _ = table.get(usize::MAX);
    true
}

/// A valid blob of `n` random symbols to mutate.
fn valid_blob(rng: &mut Rng, n: usize) -> Vec<u8> {
    let names: Vec<String> = (0..n)
        .map(|i| format!("sym{}_{}", i, "x".repeat(rng.below(200))))
        .collect();
    let base = rng.next() & 0x7fff_ffff_ffff_0000;
    let symbols: Vec<(u64, u64, &str)> = names
        .iter()
        .map(|name| {
            (
                base + (rng.next() & 0xffff),
                rng.next() & 0xff,
                name.as_str(),
            )
        })
        .collect();
    encode(&symbols).expect("random symbols encode")
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..5_000 {
        let len = rng.below(256);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        exercise(&bytes, &mut rng);
        // With the real magic and version in front, the counts are random instead.
        let mut headed = Vec::from(*b"KSYM\x01\x00\x00\x00");
        headed.extend_from_slice(&bytes);
        exercise(&headed, &mut rng);
    }
}

#[test]
fn garbled_valid_blobs_never_panic() {
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let mut accepted = 0;
    for round in 0..2_000 {
        let mut blob = valid_blob(&mut rng, 1 + round % 40);
        assert!(exercise(&blob, &mut rng), "an unmodified blob parses");
        let flips = 1 + rng.below(4);
        for _ in 0..flips {
            let at = rng.below(blob.len());
            blob[at] = match rng.below(4) {
                0 => 0,
                1 => 0xff,
                2 => blob[at] ^ (1 << rng.below(8)),
                _ => rng.next() as u8,
            };
        }
        if exercise(&blob, &mut rng) {
            accepted += 1;
        }
    }
    // Some flips (inside names, sizes) leave a valid table: those paths got exercised too.
    assert!(accepted > 0);
}

#[test]
fn extreme_header_fields_never_panic() {
    let mut rng = Rng(42);
    let blob = valid_blob(&mut rng, 10);
    for at in (4..HEADER_LEN_BYTES).step_by(4) {
        for value in [0u32, 1, 0x7fff_ffff, 0x8000_0000, u32::MAX] {
            let mut garbled = blob.clone();
            garbled[at..at + 4].copy_from_slice(&value.to_le_bytes());
            exercise(&garbled, &mut rng);
        }
    }
}

#[test]
fn every_truncation_never_panics_and_only_the_full_blob_parses() {
    let mut rng = Rng(7);
    let blob = valid_blob(&mut rng, 50);
    for len in 0..blob.len() {
        assert!(
            !exercise(&blob[..len], &mut rng),
            "truncated to {len} bytes parsed"
        );
    }
    assert!(exercise(&blob, &mut rng));
}
