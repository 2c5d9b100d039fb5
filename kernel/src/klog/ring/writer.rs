//! A `fmt::Write` sink for one record's text: bounded, cut at a char boundary, or only measuring.

use core::fmt::{self, Write};

/// Formats into at most `cap_bytes`, cutting at a char boundary; measures only when it has no buffer.
///
/// A `'\n'` ending a piece is held back until more text follows, so the
/// final one is dropped before, not after, the length limit applies.
pub(super) struct BoundedWriter<'a> {
    buf: Option<&'a mut [u8]>,
    cap_bytes: usize,
    pub(super) len_bytes: usize,
    pub(super) truncated: bool,
    held_newline: bool,
}

impl<'a> BoundedWriter<'a> {
    pub(super) fn new(buf: Option<&'a mut [u8]>, cap_bytes: usize) -> Self {
        debug_assert!(buf.as_ref().is_none_or(|b| b.len() == cap_bytes));
        BoundedWriter {
            buf,
            cap_bytes,
            len_bytes: 0,
            truncated: false,
            held_newline: false,
        }
    }

    /// Appends as much of `s` as fits, ending on a char boundary.
    fn put(&mut self, s: &str) -> fmt::Result {
        let room_bytes = self.cap_bytes - self.len_bytes;
        let take_bytes = if s.len() <= room_bytes {
            s.len()
        } else {
            self.truncated = true;
            s.floor_char_boundary(room_bytes)
        };
        if let Some(buf) = self.buf.as_deref_mut() {
            buf[self.len_bytes..self.len_bytes + take_bytes]
                .copy_from_slice(&s.as_bytes()[..take_bytes]);
        }
        self.len_bytes += take_bytes;
        if self.truncated {
            Err(fmt::Error)
        } else {
            Ok(())
        }
    }
}

impl Write for BoundedWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        // Once cut, later pieces must not be appended after the gap.
        if self.truncated {
            return Err(fmt::Error);
        }
        if s.is_empty() {
            return Ok(());
        }
        if self.held_newline {
            self.held_newline = false;
            self.put("\n")?;
        }
        let (body, newline) = match s.strip_suffix('\n') {
            Some(body) => (body, true),
            None => (s, false),
        };
        self.put(body)?;
        self.held_newline = newline;
        Ok(())
    }
}
