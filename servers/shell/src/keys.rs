//! `KeyDecoder`: terminal input bytes to editing keys (control bytes, VT100/xterm escape sequences).
//!
//! The key table is in the [`crate::editor`] module doc.

/// One editing key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Key {
    /// A printable ASCII byte (0x20..=0x7e).
    Insert(u8),
    Enter,
    Interrupt,
    /// Ctrl-D: end of input or delete, depending on the line.
    CtrlD,
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
    Up,
    Down,
    KillStart,
    KillEnd,
    KillWord,
    ClearScreen,
}

/// Where the escape-sequence parser is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Escape {
    /// Not in a sequence.
    #[default]
    None,
    /// After ESC.
    Start,
    /// After `ESC [`: the first numeric parameter so far (saturating; `u16::MAX`
    /// once anything but digits came, so modified keys keep only their final byte).
    Csi { param: u16 },
    /// After `ESC O`.
    Ss3,
}

/// Decodes a byte stream into [`Key`]s, one byte at a time.
#[derive(Clone, Debug, Default)]
pub(crate) struct KeyDecoder {
    escape: Escape,
    /// The last byte was CR, so an LF right after it is the same Enter.
    after_cr: bool,
}

impl KeyDecoder {
    /// Feeds one byte; returns the key it completed, if any.
    pub(crate) fn feed(&mut self, byte: u8) -> Option<Key> {
        let after_cr = core::mem::replace(&mut self.after_cr, byte == b'\r');
        let escape = core::mem::take(&mut self.escape);
        if escape == Escape::None || byte < 0x20 || byte == 0x7f {
            // A control byte aborts a sequence and is then itself.
            return self.plain(byte, after_cr);
        }
        match (escape, byte) {
            (Escape::Start, b'[') => self.escape = Escape::Csi { param: 0 },
            (Escape::Start, b'O') => self.escape = Escape::Ss3,
            (Escape::Csi { param }, b'0'..=b'9') => {
                let digit = u16::from(byte - b'0');
                let param = param.saturating_mul(10).saturating_add(digit);
                self.escape = Escape::Csi { param };
            }
            // The rest of the parameters, and intermediate bytes.
            (Escape::Csi { .. }, 0x20..=0x3f) => self.escape = Escape::Csi { param: u16::MAX },
            (Escape::Csi { param }, b'~') => {
                return match param {
                    1 | 7 => Some(Key::Home),
                    4 | 8 => Some(Key::End),
                    3 => Some(Key::Delete),
                    _ => None,
                }
            }
            // A final byte (or a stray byte after ESC O): unknown ones are swallowed.
            (Escape::Csi { .. } | Escape::Ss3, _) => {
                return match byte {
                    b'A' => Some(Key::Up),
                    b'B' => Some(Key::Down),
                    b'C' => Some(Key::Right),
                    b'D' => Some(Key::Left),
                    b'H' => Some(Key::Home),
                    b'F' => Some(Key::End),
                    _ => None,
                }
            }
            _ => {} // ESC and a byte (Alt-x): swallowed
        }
        None
    }

    /// Decodes a byte outside any escape sequence.
    fn plain(&mut self, byte: u8, after_cr: bool) -> Option<Key> {
        Some(match byte {
            b'\n' if after_cr => return None,
            b'\r' | b'\n' => Key::Enter,
            0x01 => Key::Home,
            0x02 => Key::Left,
            0x03 => Key::Interrupt,
            0x04 => Key::CtrlD,
            0x05 => Key::End,
            0x06 => Key::Right,
            0x08 | 0x7f => Key::Backspace,
            0x0b => Key::KillEnd,
            0x0c => Key::ClearScreen,
            0x0e => Key::Down,
            0x10 => Key::Up,
            0x15 => Key::KillStart,
            0x17 => Key::KillWord,
            0x1b => {
                self.escape = Escape::Start;
                return None;
            }
            0x20..=0x7e => Key::Insert(byte),
            _ => return None, // other control bytes and non-ASCII are ignored
        })
    }
}
