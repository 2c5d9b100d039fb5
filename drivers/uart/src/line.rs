//! The console line discipline: line editing and echo, as a Unix tty's `ICANON` and `ECHO`.
//!
//! In line mode (`TtyMode { raw: false, .. }`) typed bytes collect in a line
//! that can be edited; only a completed line becomes readable:
//!
//! | key                       | effect                                   | echo          |
//! |---------------------------|------------------------------------------|---------------|
//! | printable, UTF-8          | appended to the line                     | the byte      |
//! | backspace (0x7F or 0x08)  | erases the last character                | `\x08 \x08`   |
//! | CR or LF (CR LF is one)   | the line, ending in `\n`, becomes readable | `\r\n`      |
//! | Ctrl-U (0x15)             | erases the whole line                    | `\x08 \x08` each |
//! | Ctrl-C (0x03)             | discards the line                        | `^C\r\n`      |
//! | past [`LINE_MAX_BYTES`]   | refused                                  | bell (0x07)   |
//! | other control bytes, escape sequences (arrow keys) | dropped       | nothing       |
//!
//! In raw mode every byte is readable as it comes. Echo happens only with
//! `echo` set, through the sink the caller passes to [`LineDiscipline::input`]
//! (the server writes it to the UART).

use crate::ring::Ring;
use proto::ioctl::TtyMode;

/// The longest line, in bytes without its `\n`.
pub const LINE_MAX_BYTES: usize = 256;
/// Bytes the read queue holds: completed lines (or raw bytes) not yet read.
pub const READ_QUEUE_BYTES: usize = 1024;

/// Echoed to erase one column: back, blank, back.
const ERASE: &[u8] = b"\x08 \x08";
/// Echoed when a byte is refused.
const BELL: &[u8] = b"\x07";

/// What one input byte did, so the server knows whom to wake.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Appended to the line being edited; nothing readable yet.
    Buffered,
    /// Backspace or Ctrl-U changed the line being edited (or found it empty).
    Edited,
    /// Bytes became readable (a completed line, a raw byte): wake readers and pollers.
    Delivered,
    /// Ctrl-C discarded the line being edited.
    Interrupted,
    /// No room (the line is at its maximum, or the read queue is full); the byte is lost.
    Refused,
    /// Dropped: a control byte without a meaning here, part of an escape sequence, or CR LF's LF.
    Ignored,
}

/// Where the discipline is in an escape sequence it is dropping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Escape {
    /// Not in one.
    None,
    /// After ESC.
    Esc,
    /// After ESC `[`: parameters until a final byte 0x40..=0x7E.
    Csi,
    /// After ESC `O`: one more byte.
    Ss3,
}

/// A TTY's input side: the line being edited, the bytes ready to read, and the mode.
#[derive(Clone, Debug)]
pub struct LineDiscipline {
    mode: TtyMode,
    /// The line being edited is `line[..line_len]`; always empty in raw mode.
    line: [u8; LINE_MAX_BYTES],
    line_len: usize,
    /// Readable bytes. In line mode: an `unterminated` chunk, then whole lines ending in `\n`.
    queue: Ring<READ_QUEUE_BYTES>,
    /// Bytes at the queue's front left from raw mode, read in line mode as one line.
    /// Invariant: at most `queue.len()`, and 0 in raw mode.
    unterminated: usize,
    /// The last byte was a CR that ended a line, so an LF now is its pair.
    after_cr: bool,
    escape: Escape,
}

impl Default for LineDiscipline {
    fn default() -> Self {
        Self::new()
    }
}

impl LineDiscipline {
    /// A fresh terminal: line mode with echo.
    pub const fn new() -> Self {
        Self::with_mode(TtyMode {
            raw: false,
            echo: true,
        })
    }

    /// An empty discipline in `mode`.
    pub const fn with_mode(mode: TtyMode) -> Self {
        LineDiscipline {
            mode,
            line: [0; LINE_MAX_BYTES],
            line_len: 0,
            queue: Ring::new(),
            unterminated: 0,
            after_cr: false,
            escape: Escape::None,
        }
    }

    /// The mode now (`TTY_GET_MODE`).
    pub const fn mode(&self) -> TtyMode {
        self.mode
    }

    /// Switches mode (`TTY_SET_MODE`), keeping what was typed, as Linux does:
    /// leaving line mode makes the half-typed line readable at once; entering
    /// it makes the bytes queued in raw mode readable as one line.
    pub fn set_mode(&mut self, mode: TtyMode) {
        match (self.mode.raw, mode.raw) {
            (false, true) => {
                // What does not fit in the queue is lost, and counted as overruns.
                self.queue.push_slice(&self.line[..self.line_len]);
                self.line_len = 0;
                self.unterminated = 0;
            }
            (true, false) => self.unterminated = self.queue.len(),
            _ => {}
        }
        self.escape = Escape::None;
        self.after_cr = false;
        self.mode = mode;
        self.check_invariants();
    }

    /// Takes one received byte; anything to echo goes to `echo`.
    pub fn input(&mut self, byte: u8, echo: &mut impl FnMut(&[u8])) -> Action {
        let action = if self.mode.raw {
            self.input_raw(byte, echo)
        } else {
            self.input_line(byte, echo)
        };
        self.check_invariants();
        action
    }

    /// Moves readable bytes into `buf`; returns how many. In line mode one
    /// read returns at most one line: a short `buf` gets the line's start and
    /// the next read the rest.
    pub fn read(&mut self, buf: &mut [u8]) -> usize {
        let n = if self.mode.raw {
            self.queue.pop_into(buf)
        } else if self.unterminated > 0 {
            let want = buf.len().min(self.unterminated);
            let n = self.queue.pop_into(&mut buf[..want]);
            self.unterminated -= n;
            n
        } else {
            let mut n = 0;
            while n < buf.len() {
                let Some(b) = self.queue.pop() else { break };
                buf[n] = b;
                n += 1;
                if b == b'\n' {
                    break;
                }
            }
            n
        };
        self.check_invariants();
        n
    }

    /// Whether a read would return bytes now (`poll`'s readable).
    pub fn readable(&self) -> bool {
        // In line mode the queue holds only whole lines and raw leftovers, all readable.
        !self.queue.is_empty()
    }

    /// The line being edited, not yet readable (empty in raw mode).
    pub fn pending_line(&self) -> &[u8] {
        &self.line[..self.line_len]
    }

    /// Discards the line being edited and everything not yet read.
    pub fn flush_input(&mut self) {
        self.line_len = 0;
        self.queue.clear();
        self.unterminated = 0;
        self.after_cr = false;
        self.escape = Escape::None;
    }

    /// Received bytes lost because the read queue was full.
    pub fn overruns(&self) -> u64 {
        self.queue.overruns()
    }

    fn check_invariants(&self) {
        debug_assert!(self.unterminated <= self.queue.len());
        debug_assert!(!self.mode.raw || (self.unterminated == 0 && self.line_len == 0));
        debug_assert!(self.line_len <= LINE_MAX_BYTES);
    }

    fn input_raw(&mut self, byte: u8, echo: &mut impl FnMut(&[u8])) -> Action {
        if !self.queue.push(byte) {
            return Action::Refused;
        }
        if self.mode.echo {
            echo(&[byte]);
        }
        Action::Delivered
    }

    fn input_line(&mut self, byte: u8, echo: &mut impl FnMut(&[u8])) -> Action {
        let after_cr = core::mem::replace(&mut self.after_cr, false);
        if self.swallow_escape(byte) {
            return Action::Ignored;
        }
        match byte {
            b'\r' => self.complete_line(true, echo),
            b'\n' if after_cr => Action::Ignored,
            b'\n' => self.complete_line(false, echo),
            0x7F | 0x08 => {
                if self.line_len > 0 {
                    let width = self.pop_char();
                    self.echo_erase(width, echo);
                }
                Action::Edited
            }
            0x15 => {
                while self.line_len > 0 {
                    let width = self.pop_char();
                    self.echo_erase(width, echo);
                }
                Action::Edited
            }
            0x03 => {
                self.line_len = 0;
                self.echo(b"^C\r\n", echo);
                Action::Interrupted
            }
            0x1B => {
                self.escape = Escape::Esc;
                Action::Ignored
            }
            0x20..=0x7E | 0x80..=0xFF => {
                if self.line_len == LINE_MAX_BYTES {
                    self.echo(BELL, echo);
                    return Action::Refused;
                }
                self.line[self.line_len] = byte;
                self.line_len += 1;
                self.echo(&[byte], echo);
                Action::Buffered
            }
            _ => Action::Ignored,
        }
    }

    /// Whether `byte` belongs to the escape sequence being dropped. A control
    /// byte ends the sequence and is taken as itself, so Ctrl-C always works.
    fn swallow_escape(&mut self, byte: u8) -> bool {
        let printable = (0x20..=0x7E).contains(&byte);
        let (next, swallowed) = match self.escape {
            Escape::None => return false,
            Escape::Esc if byte == b'[' => (Escape::Csi, true),
            Escape::Esc if byte == b'O' => (Escape::Ss3, true),
            Escape::Csi if (0x20..=0x3F).contains(&byte) => (Escape::Csi, true),
            // ESC x (Alt-x), SS3's one byte, CSI's final byte.
            Escape::Esc | Escape::Ss3 | Escape::Csi => (Escape::None, printable),
        };
        self.escape = next;
        swallowed
    }

    /// Queues the line and its `\n`, unless the queue cannot take it whole.
    fn complete_line(&mut self, by_cr: bool, echo: &mut impl FnMut(&[u8])) -> Action {
        if self.queue.free() <= self.line_len {
            // Keep the line: a reader will make room, and a whole line is never split.
            self.echo(BELL, echo);
            return Action::Refused;
        }
        self.queue.push_slice(&self.line[..self.line_len]);
        self.queue.push(b'\n');
        self.line_len = 0;
        self.after_cr = by_cr;
        self.echo(b"\r\n", echo);
        Action::Delivered
    }

    /// Removes the line's last character; returns its width in terminal columns.
    fn pop_char(&mut self) -> usize {
        debug_assert!(self.line_len > 0);
        let end = self.line_len;
        // A UTF-8 character is a lead byte and at most three continuation bytes.
        let mut start = end - 1;
        while start > 0 && end - start < 4 && self.line[start] & 0xC0 == 0x80 {
            start -= 1;
        }
        let width = match core::str::from_utf8(&self.line[start..end]) {
            Ok(text) => text.chars().next().map_or(1, char_width),
            Err(_) => {
                // Not one whole character: erase a single byte.
                start = end - 1;
                1
            }
        };
        self.line_len = start;
        width
    }

    fn echo_erase(&self, width: usize, echo: &mut impl FnMut(&[u8])) {
        for _ in 0..width {
            self.echo(ERASE, echo);
        }
    }

    fn echo(&self, bytes: &[u8], echo: &mut impl FnMut(&[u8])) {
        if self.mode.echo {
            echo(bytes);
        }
    }
}

/// Columns a terminal gives `c`: two for the wide East Asian scripts (Hangul, CJK, fullwidth).
fn char_width(c: char) -> usize {
    const WIDE: [(u32, u32); 13] = [
        (0x1100, 0x115F),   // Hangul Jamo initial consonants
        (0x2E80, 0x303E),   // CJK radicals, punctuation
        (0x3041, 0x33FF),   // kana, CJK compatibility
        (0x3400, 0x4DBF),   // CJK extension A
        (0x4E00, 0x9FFF),   // CJK unified ideographs
        (0xA000, 0xA4CF),   // Yi
        (0xAC00, 0xD7A3),   // Hangul syllables
        (0xF900, 0xFAFF),   // CJK compatibility ideographs
        (0xFE30, 0xFE4F),   // CJK compatibility forms
        (0xFF00, 0xFF60),   // fullwidth forms
        (0xFFE0, 0xFFE6),   // fullwidth signs
        (0x1F300, 0x1F64F), // pictographs, emoticons
        (0x20000, 0x3FFFD), // CJK extensions B and later
    ];
    let cp = u32::from(c);
    if WIDE.iter().any(|&(lo, hi)| (lo..=hi).contains(&cp)) {
        2
    } else {
        1
    }
}

#[cfg(test)]
mod tests;
