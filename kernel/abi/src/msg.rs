//! The message descriptor (`MsgInfo`) that travels in `x1` with every IPC.

/// Message words that travel in registers (`x2`..`x5`).
pub const MSG_REGS: usize = 4;
/// Most bytes a message carries in the IPC buffer.
pub const MAX_MSG_BYTES: usize = 4096;
/// Handles one message can carry.
pub const MAX_HANDLES_PER_MSG: usize = 1;

/// Describes a message: a label the protocol defines, how many register words
/// and buffer bytes it carries, and an optional handle to transfer.
///
/// Encoded in one u64 (see [`MsgInfo::to_raw`]): label, word count and byte
/// count in the low 32 bits, the handle in the high 32.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MsgInfo {
    /// What the message means, defined by each protocol.
    pub label: u16,
    /// Register words used (0..=4).
    pub words: u8,
    /// Bytes in the IPC buffer (0..=4096).
    pub len_bytes: u16,
    /// A handle transferred with the message (0: none). On send, the sender's
    /// handle number; on receive, the number it got in the receiver's table.
    pub handle: u32,
}

const WORDS_SHIFT: u32 = 16;
const LEN_SHIFT: u32 = 19;
const HANDLE_SHIFT: u32 = 32;

impl MsgInfo {
    /// A message with `label` and `words` register words.
    pub const fn new(label: u16, words: u8) -> Self {
        Self {
            label,
            words,
            len_bytes: 0,
            handle: 0,
        }
    }

    /// The same message with `len_bytes` in the IPC buffer.
    pub const fn with_bytes(mut self, len_bytes: u16) -> Self {
        self.len_bytes = len_bytes;
        self
    }

    /// The same message carrying `handle`.
    pub const fn with_handle(mut self, handle: u32) -> Self {
        self.handle = handle;
        self
    }

    /// Encodes for `x1`: bits 0..16 label, 16..19 words, 19..32 buffer bytes
    /// (13 bits, so 4096 fits), 32..64 handle.
    pub const fn to_raw(self) -> u64 {
        self.label as u64
            | ((self.words as u64 & 0x7) << WORDS_SHIFT)
            | ((self.len_bytes as u64 & 0x1FFF) << LEN_SHIFT)
            | ((self.handle as u64) << HANDLE_SHIFT)
    }

    /// Decodes `x1`, refusing values no valid message has (too many words or bytes).
    pub const fn from_raw(raw: u64) -> Option<Self> {
        let info = Self {
            label: raw as u16,
            words: ((raw >> WORDS_SHIFT) & 0x7) as u8,
            len_bytes: ((raw >> LEN_SHIFT) & 0x1FFF) as u16,
            handle: (raw >> HANDLE_SHIFT) as u32,
        };
        if info.words as usize > MSG_REGS || info.len_bytes as usize > MAX_MSG_BYTES {
            None
        } else {
            Some(info)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_at_the_limits() {
        for info in [
            MsgInfo::default(),
            MsgInfo::new(0xFFFF, 4)
                .with_bytes(4096)
                .with_handle(u32::MAX),
            MsgInfo::new(7, 2).with_bytes(64).with_handle(3),
        ] {
            assert_eq!(MsgInfo::from_raw(info.to_raw()), Some(info));
        }
    }

    #[test]
    fn impossible_sizes_are_refused() {
        assert_eq!(MsgInfo::from_raw(5 << WORDS_SHIFT), None);
        assert_eq!(MsgInfo::from_raw(4097 << LEN_SHIFT), None);
        assert!(MsgInfo::from_raw(4 << WORDS_SHIFT).is_some());
    }

    #[test]
    fn fields_do_not_overlap() {
        let raw = MsgInfo::new(0, 4).to_raw();
        assert_eq!(raw, 4 << 16);
        let raw = MsgInfo::new(0, 0).with_bytes(1).to_raw();
        assert_eq!(raw, 1 << 19);
        let raw = MsgInfo::new(0, 0).with_handle(1).to_raw();
        assert_eq!(raw, 1 << 32);
    }
}
