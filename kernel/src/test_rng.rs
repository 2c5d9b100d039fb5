//! A small deterministic PRNG (xorshift64*) for host property tests, so failures replay.

/// xorshift64* state; seed with any non-zero value.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `0..n` (`n > 0`), as u64.
    pub fn below_u64(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}
