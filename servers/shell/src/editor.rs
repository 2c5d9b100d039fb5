//! `LineEditor`: a byte-at-a-time line editor with history, echoing plain VT100.
//!
//! The editor is a state machine: the shell feeds it each byte read from the
//! terminal and writes out whatever the editor echoes. It knows nothing of
//! the terminal's width, so a line longer than one screen row is edited
//! correctly but may be displayed wrongly (VT100 cursor moves stop at the
//! margin).
//!
//! Only printable ASCII (0x20..=0x7e) is inserted; bytes at or above
//! 0x80 are ignored, so UTF-8 input is dropped rather than half-inserted.
//!
//! | keys | action |
//! |------|--------|
//! | CR, LF (CR LF counts once) | [`Event::Line`] |
//! | Ctrl-C | [`Event::Interrupt`]: the line is abandoned, `^C` echoed after it |
//! | Ctrl-D | [`Event::Eof`] on an empty line, else delete under the cursor |
//! | Backspace (0x7f, 0x08) | delete before the cursor |
//! | Delete (`ESC [ 3 ~`) | delete under the cursor |
//! | Left, Right (`ESC [ D`/`C`, `ESC O D`/`C`), Ctrl-B, Ctrl-F | move one |
//! | Home (`ESC [ H`, `ESC O H`, `ESC [ 1 ~`, `ESC [ 7 ~`, Ctrl-A) | to the start |
//! | End (`ESC [ F`, `ESC O F`, `ESC [ 4 ~`, `ESC [ 8 ~`, Ctrl-E) | to the end |
//! | Up, Down (`ESC [ A`/`B`, `ESC O A`/`B`), Ctrl-P, Ctrl-N | walk the history (edits to a shown entry are dropped when walking on) |
//! | Ctrl-U, Ctrl-K | kill to the start, to the end |
//! | Ctrl-W | kill the word before the cursor |
//! | Ctrl-L | clear the screen and redraw |
//!
//! Modifier parameters (`ESC [ 1 ; 5 D`) are ignored; any other escape
//! sequence is swallowed whole; a control byte inside one aborts it and is
//! then handled as itself. Other control bytes are ignored.

use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::keys::{Key, KeyDecoder};

/// The longest line [`LineEditor::new`] accepts, in bytes; more input is refused with a BEL.
pub const MAX_LINE_BYTES: usize = 512;

const BEL: u8 = 0x07;

/// What a fed byte completed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// Enter: the finished line (without the newline).
    Line(String),
    /// Ctrl-C: the line was abandoned.
    Interrupt,
    /// Ctrl-D on an empty line: end of input.
    Eof,
}

/// A line editor: the line being typed, its cursor, the prompt and the history.
#[derive(Clone, Debug)]
pub struct LineEditor {
    /// The line; only bytes 0x20..=0x7e, at most `max_line_bytes` of them.
    buf: Vec<u8>,
    /// Byte index of the cursor; `cursor <= buf.len()`.
    cursor: usize,
    max_line_bytes: usize,
    prompt: String,
    /// Past lines, oldest first; `history.len() <= history_capacity`, none blank.
    history: VecDeque<String>,
    history_capacity: usize,
    /// The history entry shown while walking it; `None` is the line being typed.
    walk: Option<usize>,
    /// The line being typed, kept while the history is shown.
    stash: Vec<u8>,
    keys: KeyDecoder,
}

impl LineEditor {
    /// An editor keeping up to `history_capacity` lines, refusing lines over [`MAX_LINE_BYTES`].
    pub fn new(history_capacity: usize) -> LineEditor {
        LineEditor::with_limits(history_capacity, MAX_LINE_BYTES)
    }

    /// An editor keeping up to `history_capacity` lines of at most `max_line_bytes`.
    pub fn with_limits(history_capacity: usize, max_line_bytes: usize) -> LineEditor {
        LineEditor {
            buf: Vec::new(),
            cursor: 0,
            max_line_bytes,
            prompt: String::new(),
            history: VecDeque::new(),
            history_capacity,
            walk: None,
            stash: Vec::new(),
            keys: KeyDecoder::default(),
        }
    }

    /// Sets the prompt that [`LineEditor::prompt`] and redraws print (e.g. `"mica> "`).
    pub fn set_prompt(&mut self, prompt: &str) {
        self.prompt = String::from(prompt);
    }

    /// The line being edited.
    pub fn line(&self) -> &str {
        // Only printable ASCII is ever inserted, so this cannot fail.
        core::str::from_utf8(&self.buf).unwrap_or_default()
    }

    /// The cursor's byte index in [`LineEditor::line`].
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The history, oldest first.
    pub fn history(&self) -> impl Iterator<Item = &str> {
        self.history.iter().map(String::as_str)
    }

    /// Prints the prompt and the current line, leaving the terminal cursor at
    /// the editor's; the terminal cursor must be at the start of a line.
    pub fn prompt(&self, out: &mut impl FnMut(&[u8])) {
        out(self.prompt.as_bytes());
        out(&self.buf);
        move_left(out, self.buf.len() - self.cursor);
    }

    /// Prints the prompt and the line again over the current terminal line
    /// (after other output disturbed it).
    pub fn redraw(&self, out: &mut impl FnMut(&[u8])) {
        out(b"\r");
        out(self.prompt.as_bytes());
        out(&self.buf);
        out(b"\x1b[K");
        move_left(out, self.buf.len() - self.cursor);
    }

    /// Feeds one byte from the terminal, echoing through `out`; returns what it completed.
    pub fn feed(&mut self, byte: u8, out: &mut impl FnMut(&[u8])) -> Option<Event> {
        let event = self.keys.feed(byte).and_then(|key| self.key(key, out));
        self.check();
        event
    }

    /// Performs a decoded key.
    fn key(&mut self, key: Key, out: &mut impl FnMut(&[u8])) -> Option<Event> {
        let (cursor, len) = (self.cursor, self.buf.len());
        match key {
            Key::Enter => {
                out(b"\r\n");
                let line = self.take_line();
                self.remember(&line);
                return Some(Event::Line(line));
            }
            Key::Interrupt => {
                self.move_to(len, out); // so "^C" does not cover part of the line
                out(b"^C\r\n");
                self.take_line();
                return Some(Event::Interrupt);
            }
            Key::CtrlD if len == 0 => {
                out(b"\r\n");
                self.take_line();
                return Some(Event::Eof);
            }
            Key::Insert(_) if len >= self.max_line_bytes => out(&[BEL]),
            Key::Insert(byte) => self.edit(cursor..cursor, &[byte], out),
            Key::Backspace if cursor > 0 => self.edit(cursor - 1..cursor, &[], out),
            Key::Delete | Key::CtrlD if cursor < len => self.edit(cursor..cursor + 1, &[], out),
            Key::Left => self.move_to(cursor.saturating_sub(1), out),
            Key::Right => self.move_to((cursor + 1).min(len), out),
            Key::Home => self.move_to(0, out),
            Key::End => self.move_to(len, out),
            Key::Up => self.walk_history(true, out),
            Key::Down => self.walk_history(false, out),
            Key::KillStart => self.edit(0..cursor, &[], out),
            Key::KillEnd => self.edit(cursor..len, &[], out),
            Key::KillWord => {
                let before = &self.buf[..cursor];
                let word_end = before.iter().rposition(|b| *b != b' ').map_or(0, |i| i + 1);
                let start = before[..word_end]
                    .iter()
                    .rposition(|b| *b == b' ')
                    .map_or(0, |i| i + 1);
                self.edit(start..cursor, &[], out);
            }
            Key::ClearScreen => {
                out(b"\x1b[H\x1b[2J");
                self.prompt(out);
            }
            Key::Backspace | Key::Delete | Key::CtrlD => {} // nothing there to delete
        }
        None
    }

    /// Replaces `range` of the line with `with`, leaving the cursor after it, and echoes the change.
    fn edit(&mut self, range: core::ops::Range<usize>, with: &[u8], out: &mut impl FnMut(&[u8])) {
        let old_len = self.buf.len();
        let start = range.start;
        self.buf.splice(range, with.iter().copied());
        let cursor = start + with.len();
        self.repaint(start, old_len, cursor, out);
    }

    /// Echoes the line from `from` on (the screen before it is right), then places the cursor.
    /// `from` is at most the old cursor, so moving there only reprints unchanged bytes.
    fn repaint(&mut self, from: usize, old_len: usize, cursor: usize, out: &mut impl FnMut(&[u8])) {
        debug_assert!(from <= self.cursor && cursor <= self.buf.len());
        self.move_to(from, out);
        out(&self.buf[from..]);
        if old_len > self.buf.len() {
            out(b"\x1b[K");
        }
        move_left(out, self.buf.len() - cursor);
        self.cursor = cursor;
    }

    /// Moves the cursor within the line, echoing the shortest move.
    fn move_to(&mut self, to: usize, out: &mut impl FnMut(&[u8])) {
        debug_assert!(to <= self.buf.len());
        if to < self.cursor {
            move_left(out, self.cursor - to);
        } else if to == self.cursor + 1 {
            out(&self.buf[self.cursor..to]); // reprinting a byte is shorter than a CSI
        } else if to > self.cursor {
            write_csi(out, to - self.cursor, b'C');
        }
        self.cursor = to;
    }

    /// Shows the previous (`up`) or next history entry, or the stashed line past the newest.
    fn walk_history(&mut self, up: bool, out: &mut impl FnMut(&[u8])) {
        let newest = self.history.len().checked_sub(1);
        let next = match (self.walk, up) {
            (None, true) => newest,
            (Some(i), true) => i.checked_sub(1),
            (Some(i), false) if Some(i) == newest => {
                let stash = core::mem::take(&mut self.stash);
                self.walk = None;
                return self.replace_line(stash, out);
            }
            (Some(i), false) => Some(i + 1),
            (None, false) => None,
        };
        let Some(index) = next else { return };
        if self.walk.is_none() {
            self.stash = self.buf.clone();
        }
        self.walk = Some(index);
        let entry = self.history[index].as_bytes().to_vec();
        self.replace_line(entry, out);
    }

    /// Replaces the whole line with `line`, cursor at its end.
    fn replace_line(&mut self, line: Vec<u8>, out: &mut impl FnMut(&[u8])) {
        let old_len = self.buf.len();
        self.move_to(0, out);
        self.buf = line;
        let end = self.buf.len();
        self.repaint(0, old_len, end, out);
    }

    /// Empties the editor for the next line, returning the line.
    fn take_line(&mut self) -> String {
        let line = core::mem::take(&mut self.buf);
        self.cursor = 0;
        self.walk = None;
        self.stash.clear();
        // Only printable ASCII is ever inserted, so this cannot fail.
        String::from_utf8(line).unwrap_or_default()
    }

    /// Adds `line` to the history unless it is blank or repeats the newest entry.
    fn remember(&mut self, line: &str) {
        let blank = line.trim().is_empty();
        if blank
            || self.history_capacity == 0
            || self.history.back().map(String::as_str) == Some(line)
        {
            return;
        }
        if self.history.len() == self.history_capacity {
            self.history.pop_front();
        }
        self.history.push_back(String::from(line));
    }

    /// Checks the invariants written on the fields.
    fn check(&self) {
        debug_assert!(self.cursor <= self.buf.len());
        debug_assert!(self.buf.len() <= self.max_line_bytes);
        debug_assert!(self.buf.iter().all(|b| (0x20..=0x7e).contains(b)));
        debug_assert!(self.history.len() <= self.history_capacity);
        debug_assert!(self.walk.is_none_or(|i| i < self.history.len()));
    }
}

/// Moves the terminal cursor `n` columns left: BS for one, `ESC [ n D` for more.
fn move_left(out: &mut impl FnMut(&[u8]), n: usize) {
    match n {
        0 => {}
        1 => out(b"\x08"),
        _ => write_csi(out, n, b'D'),
    }
}

/// Writes `ESC [ n final`.
fn write_csi(out: &mut impl FnMut(&[u8]), n: usize, final_byte: u8) {
    out(format!("\x1b[{n}{}", char::from(final_byte)).as_bytes());
}
