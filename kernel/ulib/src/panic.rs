//! The panic handler: logs "panicked at file:line: message" and exits with it as the task's last words.
//!
//! The message is formatted straight into the IPC buffer (no heap, no big
//! stack buffer; it may be the heap that failed), logged at error level, and
//! passed to `Exit` with code [`PANIC_EXIT_CODE`], so the supervisor's
//! [`abi::label::EXIT`] message carries it. A panic while formatting that
//! message exits with [`NESTED_PANIC_MESSAGE`] instead.

use crate::print::floor_char_boundary;
use core::fmt;

/// The exit code of a task that panicked (Rust's own choice for a panicking process).
pub const PANIC_EXIT_CODE: i32 = 101;

/// The last words of a task that panicked while panicking.
pub const NESTED_PANIC_MESSAGE: &str = "panicked while processing a panic";

/// A `fmt::Write` into a byte slice that keeps what fits, cut at a char boundary.
///
/// Invariant: `out[..len]` is valid UTF-8 and `len <= out.len()`.
pub struct SliceWriter<'a> {
    out: &'a mut [u8],
    len: usize,
    truncated: bool,
}

impl<'a> SliceWriter<'a> {
    /// An empty writer over `out`.
    pub fn new(out: &'a mut [u8]) -> Self {
        Self {
            out,
            len: 0,
            truncated: false,
        }
    }

    /// Bytes written.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing was written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True when some text did not fit and was dropped.
    pub fn truncated(&self) -> bool {
        self.truncated
    }
}

impl fmt::Write for SliceWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.truncated {
            return Ok(()); // a later, shorter piece must not follow a gap
        }
        let room = self.out.len() - self.len;
        let take = floor_char_boundary(s, room);
        self.out[self.len..self.len + take].copy_from_slice(&s.as_bytes()[..take]);
        self.len += take;
        self.truncated = take < s.len();
        // Ok even when cut: a Display impl that unwraps its writes must not panic again.
        Ok(())
    }
}

/// Writes "panicked at FILE:LINE: MESSAGE" (or "panicked: MESSAGE" without
/// a location) into `out`, cut at a char boundary; returns the bytes written.
pub fn format_panic(
    out: &mut [u8],
    location: Option<(&str, u32)>,
    message: impl fmt::Display,
) -> usize {
    let mut w = SliceWriter::new(out);
    // SliceWriter never fails; an Err from a Display impl just ends the message early.
    let _ = match location {
        Some((file, line)) => {
            fmt::write(&mut w, format_args!("panicked at {file}:{line}: {message}"))
        }
        None => fmt::write(&mut w, format_args!("panicked: {message}")),
    };
    w.len()
}

#[cfg(target_os = "none")]
mod handler {
    use super::{format_panic, NESTED_PANIC_MESSAGE, PANIC_EXIT_CODE};
    use crate::print::{LineWriter, PRINT_BUF_BYTES};
    use core::fmt::Write;
    use core::sync::atomic::{AtomicBool, Ordering};

    /// Set by the first panic: a second one skips the formatting that caused it.
    static PANICKING: AtomicBool = AtomicBool::new(false);

    #[panic_handler]
    fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
        // SAFETY: a panic handler never returns and panics abort, so whatever held
        // the buffer (a `with_buffer` closure that panicked) never runs again.
        let buf = unsafe { crate::ipc::buffer_for_panic() };
        if PANICKING.swap(true, Ordering::Relaxed) {
            let len = NESTED_PANIC_MESSAGE.len();
            buf[..len].copy_from_slice(NESTED_PANIC_MESSAGE.as_bytes());
            crate::sys::exit_with_buffer(PANIC_EXIT_CODE, len);
        }
        let location = info.location().map(|l| (l.file(), l.line()));
        let len = format_panic(buf, location, info.message());
        // format_panic writes whole chars only, so this is the whole message.
        let text = core::str::from_utf8(&buf[..len]).unwrap_or(NESTED_PANIC_MESSAGE);
        let mut log = LineWriter::<PRINT_BUF_BYTES, _>::new(|line: &str| {
            // Exiting matters more than a failed log write.
            let _ = crate::sys_log(crate::level::ERR, line);
        });
        let _ = log.write_str(text);
        log.finish();
        crate::sys::exit_with_buffer(PANIC_EXIT_CODE, len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::fmt::Write;

    fn formatted(
        cap: usize,
        location: Option<(&str, u32)>,
        msg: fmt::Arguments<'_>,
    ) -> std::string::String {
        let mut out = std::vec![0xAA; cap];
        let len = format_panic(&mut out, location, msg);
        std::string::String::from_utf8(out[..len].to_vec()).unwrap()
    }

    #[test]
    fn message_has_location_and_text() {
        let text = formatted(256, Some(("src/main.rs", 12)), format_args!("x = {}", 5));
        assert_eq!(text, "panicked at src/main.rs:12: x = 5");
        assert_eq!(formatted(256, None, format_args!("boom")), "panicked: boom");
    }

    #[test]
    fn long_messages_are_cut_at_a_char_boundary() {
        // "panicked: " is 10 bytes, then 3-byte chars: 17 bytes hold 10 + 3 + 3, not a third.
        let text = formatted(17, None, format_args!("{}", "€€€€"));
        assert_eq!(text, "panicked: €€");
        let text = formatted(4096, Some(("f.rs", 1)), format_args!("{:5000}", "x"));
        assert_eq!(text.len(), 4096);
        assert!(text.starts_with("panicked at f.rs:1: x"));
        assert_eq!(formatted(0, None, format_args!("x")), "");
    }

    #[test]
    fn writer_reports_truncation_and_leaves_no_gap() {
        let mut buf = [0u8; 5];
        let mut w = SliceWriter::new(&mut buf);
        assert!(w.is_empty());
        w.write_str("abc").unwrap();
        assert!(!w.truncated());
        w.write_str("dé").unwrap(); // 'é' does not fit in the last byte
        assert!(w.truncated());
        w.write_str("f").unwrap(); // would fit, but must not follow the gap
        assert_eq!(w.len(), 4);
        assert_eq!(&buf[..4], b"abcd");
    }
}
