//! A fixed-capacity byte ring: received bytes wait here between the interrupt and the reader.

/// A first-in first-out queue of at most `N` bytes that counts the bytes it had to refuse.
#[derive(Clone, Debug)]
pub struct Ring<const N: usize> {
    /// Storage: the queued bytes are `len` bytes from `head`, wrapping at `N`.
    buf: [u8; N],
    /// Index of the oldest byte. Invariant: `head < N`.
    head: usize,
    /// Bytes queued. Invariant: `len <= N`.
    len: usize,
    /// Bytes refused by `push` because the ring was full.
    overruns: u64,
}

impl<const N: usize> Default for Ring<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Ring<N> {
    /// An empty ring. `N` must be at least 1 (checked at compile time).
    pub const fn new() -> Self {
        const { assert!(N > 0, "a ring needs room for at least one byte") };
        Ring {
            buf: [0; N],
            head: 0,
            len: 0,
            overruns: 0,
        }
    }

    /// Bytes the ring holds when full.
    pub const fn capacity(&self) -> usize {
        N
    }

    /// Bytes queued.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether no byte is queued.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether `push` would refuse a byte now.
    pub const fn is_full(&self) -> bool {
        self.len == N
    }

    /// Bytes `push` can still take.
    pub const fn free(&self) -> usize {
        N - self.len
    }

    /// Bytes refused because the ring was full, since it was made.
    pub const fn overruns(&self) -> u64 {
        self.overruns
    }

    /// Queues `byte` at the back; false (and one more overrun) when full.
    pub fn push(&mut self, byte: u8) -> bool {
        if self.is_full() {
            self.overruns = self.overruns.saturating_add(1);
            return false;
        }
        let tail = (self.head + self.len) % N;
        self.buf[tail] = byte;
        self.len += 1;
        debug_assert!(self.len <= N);
        true
    }

    /// Queues as many of `bytes` as fit, in order; returns how many. The rest count as overruns.
    pub fn push_slice(&mut self, bytes: &[u8]) -> usize {
        let taken = bytes.len().min(self.free());
        for &b in &bytes[..taken] {
            self.push(b);
        }
        let refused = (bytes.len() - taken) as u64;
        self.overruns = self.overruns.saturating_add(refused);
        taken
    }

    /// Takes the oldest byte.
    pub fn pop(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.head = (self.head + 1) % N;
        self.len -= 1;
        Some(byte)
    }

    /// The oldest byte, left in place.
    pub fn peek(&self) -> Option<u8> {
        (!self.is_empty()).then(|| self.buf[self.head])
    }

    /// Moves the oldest bytes into `out`, as many as fit; returns how many.
    pub fn pop_into(&mut self, out: &mut [u8]) -> usize {
        let n = out.len().min(self.len);
        // At most two runs: head to the end of storage, then from its start.
        let first = n.min(N - self.head);
        out[..first].copy_from_slice(&self.buf[self.head..self.head + first]);
        out[first..n].copy_from_slice(&self.buf[..n - first]);
        self.head = (self.head + n) % N;
        self.len -= n;
        n
    }

    /// Drops every queued byte; the overrun count stays.
    pub fn clear(&mut self) {
        self.head = 0;
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::Ring;
    use std::collections::VecDeque;
    use std::vec::Vec;

    #[test]
    fn fifo_order_and_full() {
        let mut r = Ring::<3>::new();
        assert!(r.is_empty());
        assert!(r.push(1) && r.push(2) && r.push(3));
        assert!(r.is_full());
        assert!(!r.push(4));
        assert_eq!(r.overruns(), 1);
        assert_eq!(r.peek(), Some(1));
        assert_eq!(r.pop(), Some(1));
        assert!(r.push(5));
        assert_eq!(
            (r.pop(), r.pop(), r.pop(), r.pop()),
            (Some(2), Some(3), Some(5), None)
        );
        assert_eq!(r.peek(), None);
    }

    #[test]
    fn pop_into_wraps_and_stops_at_the_shorter() {
        let mut r = Ring::<4>::new();
        r.push_slice(b"abc");
        r.pop();
        r.pop();
        assert_eq!(r.push_slice(b"def"), 3); // c d e f, wrapped
        let mut out = [0u8; 3];
        assert_eq!(r.pop_into(&mut out), 3);
        assert_eq!(&out, b"cde");
        let mut big = [0u8; 8];
        assert_eq!(r.pop_into(&mut big), 1);
        assert_eq!(big[0], b'f');
        assert_eq!(r.pop_into(&mut big), 0);
    }

    #[test]
    fn push_slice_counts_what_it_refuses() {
        let mut r = Ring::<4>::new();
        assert_eq!(r.push_slice(b"abcdef"), 4);
        assert_eq!(r.overruns(), 2);
        r.clear();
        assert!(r.is_empty());
        assert_eq!(r.free(), 4);
        assert_eq!(r.overruns(), 2, "clear keeps the count");
    }

    /// xorshift64: a fixed sequence, so a failure replays.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    #[test]
    fn behaves_like_a_bounded_deque() {
        const N: usize = 7;
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut ring = Ring::<N>::new();
        let mut model: VecDeque<u8> = VecDeque::new();
        let mut model_overruns = 0u64;
        for step in 0..20_000 {
            match rng.below(6) {
                0 | 1 => {
                    let b = rng.next() as u8;
                    let fits = model.len() < N;
                    if fits {
                        model.push_back(b);
                    } else {
                        model_overruns += 1;
                    }
                    assert_eq!(ring.push(b), fits, "step {step}");
                }
                2 => assert_eq!(ring.pop(), model.pop_front(), "step {step}"),
                3 => {
                    let mut out = [0u8; N + 2];
                    let want = rng.below(N as u64 + 3) as usize;
                    let n = ring.pop_into(&mut out[..want]);
                    let expect: Vec<u8> = (0..want.min(model.len()))
                        .filter_map(|_| model.pop_front())
                        .collect();
                    assert_eq!(&out[..n], &expect[..], "step {step}");
                }
                4 => {
                    let bytes: Vec<u8> = (0..rng.below(5)).map(|_| rng.next() as u8).collect();
                    let fits = bytes.len().min(N - model.len());
                    model.extend(&bytes[..fits]);
                    model_overruns += (bytes.len() - fits) as u64;
                    assert_eq!(ring.push_slice(&bytes), fits, "step {step}");
                }
                _ if rng.below(20) == 0 => {
                    ring.clear();
                    model.clear();
                }
                _ => assert_eq!(ring.peek(), model.front().copied(), "step {step}"),
            }
            assert_eq!(ring.len(), model.len(), "step {step}");
            assert_eq!(ring.is_empty(), model.is_empty());
            assert_eq!(ring.is_full(), model.len() == N);
            assert_eq!(ring.overruns(), model_overruns);
        }
    }
}
