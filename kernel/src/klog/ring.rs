//! The kernel log ring buffer that `dmesg` reads: variable-length records in a fixed byte array.
//!
//! As in Linux's printk ring, each record has a sequence number, a timestamp,
//! a level and one line of UTF-8; when full, the oldest records are
//! overwritten, and a reader learns from the gap in sequence numbers how many
//! it missed. How records and padding are laid out in the array is in `ring/record.rs`.

mod record;
mod writer;

use core::fmt::{self, Write};

use super::level::Level;
pub use record::{format_line, Record, HEADER_BYTES};
use writer::BoundedWriter;

/// The longest record (header and text) any ring stores, as Linux's 1024-byte line limit.
pub const MAX_RECORD_LIMIT_BYTES: usize = 1024;

/// A log ring of `N` bytes holding variable-length records; no heap, so it can live in a static.
///
/// Sequence numbers `first_seq..next_seq` are kept, oldest first.
pub struct LogRing<const N: usize> {
    /// Record storage. Invariant: starting at `head`, `used_bytes` bytes
    /// (wrapping at `N`) hold whole records and padding, and nothing else is live.
    buf: [u8; N],
    /// Offset of the oldest record. Invariant: a record start (never padding) when non-empty.
    head: usize,
    /// Offset where the next record or padding goes. Invariant: `(head + used_bytes) % N`.
    tail: usize,
    /// Offset of the newest record (`next_seq - 1`), so printk reads it back without a walk.
    /// Invariant: a record start when non-empty; stale (never read) when empty.
    newest: usize,
    /// Live bytes, records and padding. Invariant: `<= N`; 0 when empty.
    used_bytes: usize,
    /// Sequence number of the oldest kept record.
    first_seq: u64,
    /// Sequence number the next pushed record gets. Invariant: `>= first_seq`.
    next_seq: u64,
    /// Records overwritten because the ring was full.
    dropped: u64,
}

impl<const N: usize> LogRing<N> {
    /// The longest record (header and text): 1024 bytes or a quarter of the ring, whichever is smaller.
    pub const MAX_RECORD_BYTES: usize = if N / 4 < MAX_RECORD_LIMIT_BYTES {
        N / 4
    } else {
        MAX_RECORD_LIMIT_BYTES
    };

    /// The longest text a record keeps; longer text is truncated.
    pub const MAX_TEXT_BYTES: usize = Self::MAX_RECORD_BYTES - HEADER_BYTES;

    /// Compile-time check that a ring can hold a useful record.
    const SIZE_OK: () = assert!(N >= 256, "a LogRing needs at least 256 bytes");

    /// An empty ring; `const` so it can initialise a static.
    pub const fn new() -> Self {
        let () = Self::SIZE_OK;
        LogRing {
            buf: [0; N],
            head: 0,
            tail: 0,
            newest: 0,
            used_bytes: 0,
            first_seq: 0,
            next_seq: 0,
            dropped: 0,
        }
    }

    /// Sequence number of the oldest record still kept (equals `next_seq` when empty).
    pub const fn first_seq(&self) -> u64 {
        self.first_seq
    }

    /// Sequence number the next pushed record will get.
    pub const fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Number of records kept.
    pub const fn len(&self) -> u64 {
        self.next_seq - self.first_seq
    }

    /// True when no record is kept.
    pub const fn is_empty(&self) -> bool {
        self.first_seq == self.next_seq
    }

    /// Records overwritten so far because the ring was full (not counting [`clear`](Self::clear)).
    pub const fn dropped(&self) -> u64 {
        self.dropped
    }

    /// How many records a reader that wants `seq` next has missed because they were overwritten or cleared.
    pub const fn missed_since(&self, seq: u64) -> u64 {
        self.first_seq.saturating_sub(seq)
    }

    /// Drops every record (as `dmesg -c`); sequence numbers continue where they were.
    pub fn clear(&mut self) {
        self.first_seq = self.next_seq;
        self.reset_offsets();
    }

    /// Appends a record and returns its sequence number, dropping the oldest records if needed.
    ///
    /// One trailing `'\n'` is removed (every record is a line, as in printk);
    /// text longer than [`MAX_TEXT_BYTES`](Self::MAX_TEXT_BYTES) is cut at a char
    /// boundary and the record marked truncated.
    pub fn push(&mut self, level: Level, time_ns: u64, text: &str) -> u64 {
        self.push_with(level, time_ns, |w| w.write_str(text))
    }

    /// Formats `args` straight into the ring (no heap, no stack buffer) and appends it like [`push`](Self::push).
    ///
    /// Formats twice, as Linux's `vprintk_store` does: once to measure (with
    /// truncation, so exactly the space needed is reserved), once into the
    /// record. Output that grows between the passes is cut and marked truncated.
    pub fn push_fmt(&mut self, level: Level, time_ns: u64, args: fmt::Arguments<'_>) -> u64 {
        self.push_with(level, time_ns, |w| w.write_fmt(args))
    }

    /// The record numbered `seq`, if it is still kept; the newest without a walk.
    pub fn get(&self, seq: u64) -> Option<Record<'_>> {
        if seq < self.first_seq || seq >= self.next_seq {
            return None;
        }
        if seq + 1 == self.next_seq {
            let record = self.record_at(self.newest);
            debug_assert_eq!(record.seq, seq, "newest record offset lost");
            return Some(record);
        }
        self.iter_from(seq).next()
    }

    /// All kept records, oldest first.
    pub fn iter(&self) -> Iter<'_, N> {
        Iter {
            ring: self,
            off: self.head,
            seq: self.first_seq,
        }
    }

    /// Records from `seq` on, oldest first; starts at [`first_seq`](Self::first_seq)
    /// if `seq` was already overwritten, and yields nothing if `seq >= next_seq`.
    pub fn iter_from(&self, seq: u64) -> Iter<'_, N> {
        let mut iter = self.iter();
        let skip = seq.saturating_sub(self.first_seq).min(self.len());
        for _ in 0..skip {
            iter.advance();
        }
        iter
    }

    /// Forgets every record's position: used when the ring becomes empty.
    fn reset_offsets(&mut self) {
        self.head = 0;
        self.tail = 0;
        self.used_bytes = 0;
    }

    /// Makes room for a record of `rec_bytes` and returns the offset to write it at.
    fn reserve(&mut self, rec_bytes: usize) -> usize {
        debug_assert!((HEADER_BYTES..=Self::MAX_RECORD_BYTES).contains(&rec_bytes));
        loop {
            if self.is_empty() {
                self.reset_offsets();
            }
            let room_to_end = N - self.tail;
            let pad_bytes = if room_to_end < rec_bytes {
                room_to_end
            } else {
                0
            };
            if self.used_bytes + pad_bytes + rec_bytes <= N {
                if pad_bytes > 0 {
                    // Readers infer padding from a short remainder, so only a full header needs a marker.
                    if pad_bytes >= HEADER_BYTES {
                        self.write_pad_marker(self.tail);
                    }
                    self.tail = 0;
                    self.used_bytes += pad_bytes;
                }
                return self.tail;
            }
            // Terminates: an empty ring always has room, as records are at most N/4.
            self.drop_oldest();
            self.dropped += 1;
        }
    }

    /// Measures what `emit` writes, reserves exactly that, writes it into the record and publishes it.
    fn push_with(
        &mut self,
        level: Level,
        time_ns: u64,
        emit: impl Fn(&mut BoundedWriter<'_>) -> fmt::Result,
    ) -> u64 {
        let mut measure = BoundedWriter::new(None, Self::MAX_TEXT_BYTES);
        // Errors from `emit` only mean the text was cut, which `truncated` records.
        let _ = emit(&mut measure);
        let off = self.reserve(HEADER_BYTES + measure.len_bytes);
        let (start, end) = (off + HEADER_BYTES, off + HEADER_BYTES + measure.len_bytes);
        let mut writer = BoundedWriter::new(Some(&mut self.buf[start..end]), measure.len_bytes);
        let _ = emit(&mut writer);
        let (len_bytes, truncated) = (writer.len_bytes, writer.truncated);
        debug_assert!(off == self.tail && len_bytes <= Self::MAX_TEXT_BYTES);
        let seq = self.next_seq;
        self.write_header(off, len_bytes, level, truncated, seq, time_ns);
        self.newest = off;
        let rec_bytes = HEADER_BYTES + len_bytes;
        self.tail = (off + rec_bytes) % N;
        self.used_bytes += rec_bytes;
        self.next_seq += 1;
        debug_assert!(self.used_bytes <= N);
        debug_assert_eq!((self.head + self.used_bytes) % N, self.tail);
        seq
    }

    /// Removes the oldest record, and any padding after it so `head` stays on a record.
    fn drop_oldest(&mut self) {
        debug_assert!(!self.is_empty() && self.padding_at(self.head) == 0);
        let rec_bytes = HEADER_BYTES + self.text_len_at(self.head);
        self.first_seq += 1;
        if self.is_empty() {
            self.reset_offsets();
            return;
        }
        self.head = (self.head + rec_bytes) % N;
        self.used_bytes -= rec_bytes;
        let pad_bytes = self.padding_at(self.head);
        if pad_bytes > 0 {
            self.head = 0;
            self.used_bytes -= pad_bytes;
        }
    }
}

impl<const N: usize> Default for LogRing<N> {
    fn default() -> Self {
        Self::new()
    }
}

/// Iterator over a ring's records in sequence order; see [`LogRing::iter_from`].
pub struct Iter<'a, const N: usize> {
    ring: &'a LogRing<N>,
    /// Offset of the record numbered `seq` (or of padding before it).
    off: usize,
    /// The next sequence number to yield.
    seq: u64,
}

impl<'a, const N: usize> Iter<'a, N> {
    /// Steps past the next record and returns its offset, or `None` at the end.
    fn advance(&mut self) -> Option<usize> {
        if self.seq >= self.ring.next_seq {
            return None;
        }
        if self.ring.padding_at(self.off) > 0 {
            self.off = 0;
        }
        let off = self.off;
        self.off = (off + HEADER_BYTES + self.ring.text_len_at(off)) % N;
        self.seq += 1;
        Some(off)
    }
}

impl<'a, const N: usize> Iterator for Iter<'a, N> {
    type Item = Record<'a>;

    fn next(&mut self) -> Option<Record<'a>> {
        let seq = self.seq;
        let off = self.advance()?;
        let record = self.ring.record_at(off);
        debug_assert_eq!(record.seq, seq, "log ring walk lost its place");
        Some(record)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left =
            usize::try_from(self.ring.next_seq.saturating_sub(self.seq)).unwrap_or(usize::MAX);
        (left, Some(left))
    }
}

#[cfg(test)]
#[path = "ring_model_tests.rs"]
mod model_tests;
#[cfg(test)]
#[path = "ring_tests.rs"]
mod tests;
