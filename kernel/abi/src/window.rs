//! Receive windows: where a caller asks the kernel to write a reply's bytes, instead of its IPC buffer.
//!
//! `x7` of `Call` names a window in the caller's memory, or is 0 for none. The
//! kernel may write the reply's bytes straight into it when they fit and the
//! window is writable, and then returns [`REPLY_IN_WINDOW`] in `x0` instead of
//! 0; otherwise the bytes arrive in the IPC buffer as usual. A read thus lands
//! in the reader's slice with no copy out of its IPC buffer. Which of the two
//! happened is the kernel's choice, so a caller handles both.

/// `x0` after a successful `Call` whose reply bytes were written to the window.
pub const REPLY_IN_WINDOW: u64 = 0x100;

/// Bits of `x7` that hold the window's address; the length sits above them.
const VA_BITS: u32 = 48;

/// A receive window: `len` bytes at user address `va`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// Where the bytes go.
    pub va: usize,
    /// How many bytes fit (at most [`crate::MAX_MSG_BYTES`]).
    pub len: usize,
}

impl Window {
    /// The window as `x7` carries it: the address in bits 0..48, the length
    /// above. 0 (no window) if it is empty, longer than a message or not
    /// inside user space.
    pub fn to_raw(self) -> u64 {
        let fits = self.len != 0
            && self.len <= crate::MAX_MSG_BYTES
            && self.va >= crate::USER_MIN
            && self
                .va
                .checked_add(self.len)
                .is_some_and(|end| end <= crate::USER_END);
        match fits {
            true => self.va as u64 | (self.len as u64) << VA_BITS,
            false => 0,
        }
    }

    /// Decodes `x7`: `None` for 0 (no window).
    pub const fn from_raw(raw: u64) -> Option<Window> {
        match raw {
            0 => None,
            _ => Some(Window {
                va: (raw & ((1 << VA_BITS) - 1)) as usize,
                len: (raw >> VA_BITS) as usize,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_round_trips_through_x7() {
        for (va, len) in [
            (crate::USER_MIN, 1),
            (0x4000_1234, 4096),
            (crate::USER_END - 10, 10),
        ] {
            let w = Window { va, len };
            assert_eq!(Window::from_raw(w.to_raw()), Some(w));
        }
    }

    #[test]
    fn windows_no_reply_could_use_are_no_window() {
        let none = [
            (0x4000_0000, 0),
            (0x4000_0000, crate::MAX_MSG_BYTES + 1),
            (0, 16),
            (crate::USER_END - 10, 11),
            (usize::MAX - 3, 8),
        ];
        for (va, len) in none {
            assert_eq!(Window { va, len }.to_raw(), 0, "va {va:#x} len {len}");
        }
        assert_eq!(Window::from_raw(0), None);
    }

    #[test]
    fn the_window_code_is_no_error_code() {
        assert_eq!(crate::Error::from_raw(REPLY_IN_WINDOW), None);
    }
}
