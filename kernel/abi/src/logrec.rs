//! Kernel log records as `log_read` lays them out in the IPC buffer: the encoder and a decoder that never panics.
//!
//! A record is `[seq: u64][time_ns: u64][level: u8][text_len: u16][text]`,
//! little-endian, [`HEADER_BYTES`] of header and then `text_len` bytes of
//! UTF-8. Records follow each other with no padding, oldest first.

/// Bytes of a record's header in front of its text.
pub const HEADER_BYTES: usize = 19;
/// The least severe printk level (debug); 0 is emerg.
pub const MAX_LEVEL: u8 = 7;

/// One kernel log record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogRecord<'a> {
    /// Sequence number: 0 for the first record since boot, then one more per record.
    pub seq: u64,
    /// When it was logged, in nanoseconds since boot.
    pub time_ns: u64,
    /// Its printk level, 0 (emerg) to [`MAX_LEVEL`] (debug).
    pub level: u8,
    /// The line, without a trailing newline.
    pub text: &'a str,
}

/// Why bytes are not a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The bytes end inside a header or a text.
    Truncated,
    /// The level is above [`MAX_LEVEL`].
    BadLevel(u8),
    /// The text is not UTF-8.
    BadText,
}

impl LogRecord<'_> {
    /// Bytes the record takes once encoded.
    pub fn encoded_len(&self) -> usize {
        HEADER_BYTES + self.text.len()
    }
}

/// The header of a record whose text of `text_len` bytes follows it.
pub fn encode_header(seq: u64, time_ns: u64, level: u8, text_len: u16) -> [u8; HEADER_BYTES] {
    let mut header = [0u8; HEADER_BYTES];
    header[0..8].copy_from_slice(&seq.to_le_bytes());
    header[8..16].copy_from_slice(&time_ns.to_le_bytes());
    header[16] = level;
    header[17..19].copy_from_slice(&text_len.to_le_bytes());
    header
}

/// Writes `record` at the start of `out` and returns the bytes written; `None`
/// (and nothing written) if it does not fit, its text is longer than
/// `u16::MAX` bytes or its level is above [`MAX_LEVEL`].
pub fn encode(record: &LogRecord<'_>, out: &mut [u8]) -> Option<usize> {
    let text_len = u16::try_from(record.text.len()).ok()?;
    let len = record.encoded_len();
    if record.level > MAX_LEVEL || out.len() < len {
        return None;
    }
    out[..HEADER_BYTES].copy_from_slice(&encode_header(
        record.seq,
        record.time_ns,
        record.level,
        text_len,
    ));
    out[HEADER_BYTES..len].copy_from_slice(record.text.as_bytes());
    Some(len)
}

/// Decodes the record at the start of `bytes`; returns it and the bytes it took.
pub fn decode(bytes: &[u8]) -> Result<(LogRecord<'_>, usize), DecodeError> {
    let header = bytes.get(..HEADER_BYTES).ok_or(DecodeError::Truncated)?;
    let word = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&header[at..at + 8]);
        u64::from_le_bytes(b)
    };
    let level = header[16];
    if level > MAX_LEVEL {
        return Err(DecodeError::BadLevel(level));
    }
    let text_len = usize::from(u16::from_le_bytes([header[17], header[18]]));
    let len = HEADER_BYTES + text_len;
    let text = bytes.get(HEADER_BYTES..len).ok_or(DecodeError::Truncated)?;
    let text = core::str::from_utf8(text).map_err(|_| DecodeError::BadText)?;
    let record = LogRecord {
        seq: word(0),
        time_ns: word(8),
        level,
        text,
    };
    Ok((record, len))
}

/// The records in `bytes`, back to back, oldest first.
pub fn records(bytes: &[u8]) -> Records<'_> {
    Records {
        rest: bytes,
        failed: false,
    }
}

/// Iterator over encoded records (see [`records`]); it ends after the first error.
#[derive(Clone, Debug)]
pub struct Records<'a> {
    rest: &'a [u8],
    failed: bool,
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<LogRecord<'a>, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        match decode(self.rest) {
            Ok((record, len)) => {
                self.rest = &self.rest[len..];
                Some(Ok(record))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

#[cfg(test)]
#[path = "logrec_tests.rs"]
mod tests;
