//! A small deterministic PRNG (xorshift64*) for the property tests: the same inputs every run.

/// Bytes of the largest buffer the fuzz tests make: past one message, to hit the limit.
pub(crate) const FUZZ_BYTES: usize = abi::MAX_MSG_BYTES + 100;

/// xorshift64* state (never 0).
pub(crate) struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    /// The next 64 random bits.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (`n > 0`).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A word biased towards the interesting: small values, edges, anything.
    pub(crate) fn word(&mut self) -> u64 {
        match self.below(6) {
            0 => self.next(),
            1 => self.below(8),
            2 => self.below(0x1_0000),
            3 => u64::MAX - self.below(4),
            4 => (i64::MAX as u64)
                .wrapping_add(self.below(3))
                .wrapping_sub(1),
            _ => self.next() & 0x0000_0001_FFFF_FFFF,
        }
    }

    /// Four words.
    pub(crate) fn words(&mut self) -> [u64; 4] {
        [self.word(), self.word(), self.word(), self.word()]
    }

    /// Random bytes in `buf`, of a length biased towards the protocols' sizes.
    pub(crate) fn bytes<'a>(&mut self, buf: &'a mut [u8; FUZZ_BYTES]) -> &'a [u8] {
        let len = match self.below(6) {
            0 => 0,
            1 => self.below(20) as usize,
            2 => 32 * self.below(4) as usize,
            3 => 48,
            4 => abi::MAX_MSG_BYTES + self.below(2) as usize,
            _ => self.below(FUZZ_BYTES as u64 + 1) as usize,
        };
        let printable = self.below(2) == 0;
        for b in buf.iter_mut().take(len) {
            let r = self.next() as u8;
            *b = if printable { b'a' + r % 26 } else { r };
        }
        &buf[..len]
    }
}

/// A message under test: label, words and `len` bytes of `bytes`.
pub(crate) struct FuzzMsg {
    /// The label.
    pub(crate) label: u16,
    /// The register words.
    pub(crate) words: [u64; 4],
    /// The buffer; the first `len` bytes are sent.
    pub(crate) bytes: [u8; FUZZ_BYTES],
    /// Bytes sent.
    pub(crate) len: usize,
}

impl FuzzMsg {
    /// A random message with `label`: random words and random buffer bytes.
    pub(crate) fn garbage(rng: &mut Rng, label: u16) -> FuzzMsg {
        let mut msg = FuzzMsg::from_valid(label, rng.words(), &[]);
        msg.len = rng.bytes(&mut msg.bytes).len();
        msg
    }

    /// A copy of a valid message, to be mutated.
    pub(crate) fn from_valid(label: u16, words: [u64; 4], sent: &[u8]) -> FuzzMsg {
        let mut bytes = [0; FUZZ_BYTES];
        bytes[..sent.len()].copy_from_slice(sent);
        FuzzMsg {
            label,
            words,
            bytes,
            len: sent.len(),
        }
    }

    /// The bytes sent.
    pub(crate) fn sent(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl Rng {
    /// One random change to a message: its label, a word, a bit of a byte, or its length.
    pub(crate) fn mutate(&mut self, msg: &mut FuzzMsg, label: impl FnOnce(&mut Rng) -> u16) {
        match self.below(5) {
            0 => msg.label = label(self),
            1 => msg.words[self.below(4) as usize] = self.word(),
            2 => msg.words[self.below(4) as usize] ^= 1 << self.below(64),
            3 if msg.len > 0 => {
                let at = self.below(msg.len as u64) as usize;
                msg.bytes[at] ^= 1 << self.below(8);
            }
            _ => {
                let delta = self.below(3) as usize;
                msg.len = (msg.len + delta).saturating_sub(1).min(FUZZ_BYTES);
            }
        }
    }
}
