//! `print!`/`println!`/`eprint!`/`eprintln!`: formatted text to the kernel log, one record per line.
//!
//! Text is formatted into a [`PRINT_BUF_BYTES`] stack buffer, never the heap.
//! Each line becomes one log record (the kernel adds the timestamp and the
//! line end); a line longer than the buffer is split into several records at
//! character boundaries, so nothing is lost. `print!` without a newline still
//! makes a record of its own at the end of the call.

use core::fmt;

/// Bytes of text per log record (the kernel takes up to 1024).
pub const PRINT_BUF_BYTES: usize = 512;

/// Cuts formatted text into records of at most `N` bytes, one per line, and
/// hands each to `sink`.
///
/// Invariant: `buf[..len]` is valid UTF-8 (only whole chars are copied in)
/// and holds no `'\n'`.
pub struct LineWriter<const N: usize, F: FnMut(&str)> {
    buf: [u8; N],
    len: usize,
    sink: F,
}

impl<const N: usize, F: FnMut(&str)> LineWriter<N, F> {
    /// An empty writer sending records to `sink`.
    pub const fn new(sink: F) -> Self {
        const { assert!(N >= 4, "a record must hold any one char") };
        Self {
            buf: [0; N],
            len: 0,
            sink,
        }
    }

    /// Sends the text buffered so far as a record, even an empty one (a blank line).
    fn emit(&mut self) {
        let bytes = &self.buf[..self.len];
        debug_assert!(core::str::from_utf8(bytes).is_ok());
        // The invariant makes this Ok; the fallback keeps what is valid.
        let text = match core::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => core::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or(""),
        };
        (self.sink)(text);
        self.len = 0;
    }

    /// Appends `text` (no newlines), emitting a record each time the buffer fills.
    fn push(&mut self, mut text: &str) {
        while !text.is_empty() {
            let room = N - self.len;
            let take = floor_char_boundary(text, room);
            self.buf[self.len..self.len + take].copy_from_slice(&text.as_bytes()[..take]);
            self.len += take;
            text = &text[take..];
            if !text.is_empty() {
                self.emit();
            }
        }
    }

    /// Ends the text: emits what is left of a line without a newline (nothing if empty).
    pub fn finish(mut self) {
        if self.len > 0 {
            self.emit();
        }
    }
}

impl<const N: usize, F: FnMut(&str)> fmt::Write for LineWriter<N, F> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let mut lines = s.split('\n');
        if let Some(first) = lines.next() {
            self.push(first);
        }
        // Each further piece follows a newline: the line before it is complete.
        for line in lines {
            self.emit();
            self.push(line);
        }
        Ok(())
    }
}

/// The largest `i <= max` that is a char boundary of `text` (`str::floor_char_boundary` is unstable).
pub(crate) fn floor_char_boundary(text: &str, max: usize) -> usize {
    if max >= text.len() {
        return text.len();
    }
    (0..=max)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0)
}

/// Formats `args` to the kernel log at `level`; `newline` ends the line (`println!`).
#[cfg(target_os = "none")]
#[doc(hidden)]
pub fn _print(level: u8, args: fmt::Arguments<'_>, newline: bool) {
    use fmt::Write;
    let mut out = LineWriter::<PRINT_BUF_BYTES, _>::new(|text: &str| {
        // Nowhere to report a failed log write: printing never fails the program.
        let _ = crate::sys_log(level, text);
    });
    // LineWriter never fails; an Err comes only from a Display impl and ends that output.
    let _ = out.write_fmt(args);
    if newline {
        let _ = out.write_str("\n");
    }
    out.finish();
}

/// Prints to the kernel log at info level; a record per line, the last one unterminated too.
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => {
        $crate::print::_print($crate::level::INFO, format_args!($($arg)*), false)
    };
}

/// Prints a line to the kernel log at info level.
#[macro_export]
macro_rules! println {
    () => {
        $crate::print::_print($crate::level::INFO, format_args!(""), true)
    };
    ($($arg:tt)*) => {
        $crate::print::_print($crate::level::INFO, format_args!($($arg)*), true)
    };
}

/// Prints to the kernel log at error level.
#[macro_export]
macro_rules! eprint {
    ($($arg:tt)*) => {
        $crate::print::_print($crate::level::ERR, format_args!($($arg)*), false)
    };
}

/// Prints a line to the kernel log at error level.
#[macro_export]
macro_rules! eprintln {
    () => {
        $crate::print::_print($crate::level::ERR, format_args!(""), true)
    };
    ($($arg:tt)*) => {
        $crate::print::_print($crate::level::ERR, format_args!($($arg)*), true)
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::fmt::Write;
    use std::string::{String, ToString};
    use std::vec::Vec;

    /// Formats with a buffer of `N` bytes and returns the records.
    fn records<const N: usize>(pieces: &[&str], newline: bool) -> Vec<String> {
        let mut out = Vec::new();
        let mut w = LineWriter::<N, _>::new(|t: &str| out.push(t.to_string()));
        for p in pieces {
            w.write_str(p).unwrap();
        }
        if newline {
            w.write_str("\n").unwrap();
        }
        w.finish();
        out
    }

    #[test]
    fn one_record_per_line() {
        assert_eq!(records::<16>(&["hello"], true), ["hello"]);
        assert_eq!(records::<16>(&["hello"], false), ["hello"]);
        assert_eq!(
            records::<16>(&["a\nb", "c\n\nd"], true),
            ["a", "bc", "", "d"]
        );
        assert_eq!(records::<16>(&[""], true), [""]);
        assert_eq!(records::<16>(&[""], false), Vec::<String>::new());
        assert_eq!(records::<16>(&["x\n"], false), ["x"]);
    }

    #[test]
    fn long_lines_split_without_loss() {
        let line: String = (0..1300)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let out = records::<PRINT_BUF_BYTES>(&[&line], true);
        assert_eq!(out.len(), 3);
        assert!(out.iter().all(|r| r.len() <= PRINT_BUF_BYTES));
        assert_eq!(out[0].len(), PRINT_BUF_BYTES);
        assert_eq!(out.concat(), line);
    }

    #[test]
    fn splits_fall_on_char_boundaries() {
        // 'é' is 2 bytes, '€' 3: an 8-byte buffer cannot end mid-char.
        let text = "aéé€€bé€";
        let out = records::<8>(&[text], false);
        assert!(out.iter().all(|r| r.len() <= 8 && !r.is_empty()));
        assert_eq!(out.concat(), text);
        // "aéé€" fills 8 bytes exactly; the next cut comes before a '€' that would straddle it.
        assert_eq!(out, ["aéé€", "€bé", "€"]);
        let out = records::<4>(&["€€€€"], false);
        assert_eq!(out, ["€", "€", "€", "€"]);
    }

    #[test]
    fn pieces_from_formatting_join_into_lines() {
        let mut out = Vec::new();
        let mut w = LineWriter::<64, _>::new(|t: &str| out.push(t.to_string()));
        write!(w, "{}-{:>4}|{:?}", 1, "ab", 'c').unwrap();
        w.finish();
        assert_eq!(out, ["1-  ab|'c'"]);
    }

    #[test]
    fn floor_boundary_never_splits_a_char() {
        let s = "a€b";
        assert_eq!(floor_char_boundary(s, 0), 0);
        assert_eq!(floor_char_boundary(s, 1), 1);
        assert_eq!(floor_char_boundary(s, 2), 1);
        assert_eq!(floor_char_boundary(s, 3), 1);
        assert_eq!(floor_char_boundary(s, 4), 4);
        assert_eq!(floor_char_boundary(s, 99), 5);
    }
}
