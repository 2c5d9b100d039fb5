//! Log records: their byte encoding in the ring, the decoded [`Record`] and its `dmesg` line.
//!
//! A record is `[text_len: u16][level: u8][flags: u8][seq: u64][time_ns: u64][text]`,
//! little-endian. A record never straddles the end of the array: the rest of the array
//! becomes padding, marked by a `text_len` of `0xFFFF` when a header fits there and implied
//! when not.

use core::fmt::{self, Write};

use super::LogRing;
use crate::klog::level::Level;

/// Bytes of a record header in front of its text.
pub const HEADER_BYTES: usize = 20;

/// `text_len` value that marks padding up to the end of the array.
const PAD_MARKER: u16 = u16::MAX;

/// Flag bit: the text was cut to fit a record.
const FLAG_TRUNCATED: u8 = 1 << 0;

/// One log record, borrowed from the ring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    /// Sequence number: 0 for the first record ever pushed, then +1 per record.
    pub seq: u64,
    /// When the record was logged, in nanoseconds since boot.
    pub time_ns: u64,
    /// The record's printk level.
    pub level: Level,
    /// The message, without a trailing newline.
    pub text: &'a str,
    /// True when the message was longer than a record and was cut at a char boundary.
    pub truncated: bool,
}

/// Writes `record` as one line in Linux's style, without a trailing newline.
///
/// `[    1.234567] text`: seconds since boot with six decimals, the seconds
/// right-aligned in at least five columns. With `raw`, the level number goes
/// in front as `dmesg -r` prints it: `<6>[    1.234567] text`.
pub fn format_line(record: &Record<'_>, raw: bool, out: &mut impl Write) -> fmt::Result {
    if raw {
        write!(out, "<{}>", record.level.as_u8())?;
    }
    let secs = record.time_ns / 1_000_000_000;
    let micros = record.time_ns % 1_000_000_000 / 1_000;
    write!(out, "[{secs:>5}.{micros:06}] ")?;
    out.write_str(record.text)
}

impl<const N: usize> LogRing<N> {
    /// Writes the header of a record at `off` whose text of `len_bytes` follows it.
    pub(super) fn write_header(
        &mut self,
        off: usize,
        len_bytes: usize,
        level: Level,
        truncated: bool,
        seq: u64,
        time_ns: u64,
    ) {
        let header = &mut self.buf[off..off + HEADER_BYTES];
        header[0..2].copy_from_slice(&(len_bytes as u16).to_le_bytes());
        header[2] = level.as_u8();
        header[3] = if truncated { FLAG_TRUNCATED } else { 0 };
        header[4..12].copy_from_slice(&seq.to_le_bytes());
        header[12..20].copy_from_slice(&time_ns.to_le_bytes());
    }

    /// Marks padding from `off` to the end of the array; only needed where a full header fits.
    pub(super) fn write_pad_marker(&mut self, off: usize) {
        self.buf[off..off + 2].copy_from_slice(&PAD_MARKER.to_le_bytes());
    }

    /// Bytes of padding starting at `off` (running to the end of the array), or 0 if a record starts there.
    pub(super) fn padding_at(&self, off: usize) -> usize {
        let room_to_end = N - off;
        if room_to_end < HEADER_BYTES || self.read_u16(off) == PAD_MARKER {
            room_to_end
        } else {
            0
        }
    }

    /// The text length of the record at `off`.
    pub(super) fn text_len_at(&self, off: usize) -> usize {
        usize::from(self.read_u16(off))
    }

    fn read_u16(&self, off: usize) -> u16 {
        u16::from_le_bytes([self.buf[off], self.buf[off + 1]])
    }

    fn read_u64(&self, off: usize) -> u64 {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(&self.buf[off..off + 8]);
        u64::from_le_bytes(bytes)
    }

    /// Decodes the record at `off`, which must be a record start.
    pub(super) fn record_at(&self, off: usize) -> Record<'_> {
        let len_bytes = self.text_len_at(off);
        let level = Level::from_u8(self.buf[off + 2]);
        debug_assert!(level.is_some(), "log record with a bad level");
        let start = off + HEADER_BYTES;
        let text = core::str::from_utf8(&self.buf[start..start + len_bytes]);
        debug_assert!(text.is_ok(), "log record with bad UTF-8");
        Record {
            seq: self.read_u64(off + 4),
            time_ns: self.read_u64(off + 12),
            level: level.unwrap_or(Level::Err),
            text: text.unwrap_or("<bad UTF-8>"),
            truncated: self.buf[off + 3] & FLAG_TRUNCATED != 0,
        }
    }
}
