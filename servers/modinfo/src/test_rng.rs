//! Deterministic randomness for the fuzz tests (no dependencies).

use alloc::string::String;

/// xorshift64*: deterministic, dependency-free randomness for the fuzz tests.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A string of `max_len` or fewer characters drawn from `alphabet`.
    pub fn text(&mut self, alphabet: &[char], max_len: usize) -> String {
        (0..self.below(max_len + 1))
            .map(|_| alphabet[self.below(alphabet.len())])
            .collect()
    }
}
