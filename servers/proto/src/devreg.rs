//! The device-registry protocol: mica's `register_chrdev`, device lookup and `/proc/devices`.
//!
//! A device server registers each device it serves under a name and a
//! (major, minor) number, passing its endpoint with the message; a client
//! looks a name up and gets that endpoint back, then speaks the
//! [file protocol](mod@crate::file) on it. The registry is a server too (its
//! logic is [`Registry`]); it knows each caller's task id by the badge of
//! the endpoint handle it gave that task.
//!
//! # Messages
//!
//! Replies use labels as in the file protocol: 0 on success, the [`Errno`]
//! number on failure. Every message fits in registers except `List`'s reply.
//!
//! | op           | label   | request words  | reply words        | reply bytes     |
//! |--------------|---------|----------------|--------------------|-----------------|
//! | `Register`   | `0x200` | w0..w2 device  | w0 major, w1 minor | —               |
//! | `Unregister` | `0x201` | w0..w1 name    | —                  | —               |
//! | `Lookup`     | `0x202` | w0..w1 name    | w0..w3 [`Device`]  | —               |
//! | `List`       | `0x203` | w0 start index | w0 count, w1 total | `count` entries |
//!
//! Two messages move a handle: a `Register` request carries the server's
//! endpoint, and a `Lookup` reply carries a copy of it (the registry
//! duplicates the handle it keeps, because sending moves a handle). An
//! `EBUSY` reply to `Register` carries, in w0..w3, the device that holds the
//! name or number ([`Reply::Busy`]); other error replies carry nothing.
//!
//! # Device words
//!
//! A [`Device`] travels as four words, and a `List` entry is the same four
//! words as 32 little-endian bytes:
//!
//! | word | bits   | field |
//! |------|--------|-------|
//! | w0   | 0..64  | name bytes 0..8 (byte 0 in the low byte), zero-padded |
//! | w1   | 0..64  | name bytes 8..16, zero-padded |
//! | w2   | 0..20  | minor (at most [`MAX_MINOR`]) |
//! | w2   | 20..32 | major (at most [`MAX_MAJOR`]) |
//! | w2   | 32..64 | kind: 0 char, 1 block |
//! | w3   | 0..64  | owner task id (ignored in `Register`: the badge says who registers) |
//!
//! Errors are listed on each [`Request`] variant.

#[cfg(test)]
mod fuzz_tests;
mod msg;
mod registry;
#[cfg(test)]
mod tests;

pub use msg::{ListEntries, Reply, Request};
pub use registry::{Conflict, ProcDevices, RegisterError, Registry, DYNAMIC_MAJORS, MAX_DEVICES};

use crate::wire::DecodeError;
use crate::Errno;

/// Longest device name in bytes.
pub const MAX_NAME_BYTES: usize = 16;
/// Highest major number (12 bits, as Linux's `dev_t`).
pub const MAX_MAJOR: u32 = (1 << 12) - 1;
/// Highest minor number (20 bits, as Linux's `dev_t`).
pub const MAX_MINOR: u32 = (1 << 20) - 1;
/// Bytes of one `List` entry.
pub const ENTRY_BYTES: usize = 32;
/// Most entries one `List` reply carries (one IPC buffer).
pub const MAX_LIST_ENTRIES: usize = abi::MAX_MSG_BYTES / ENTRY_BYTES;

/// The operations of the registry protocol; the value is the request label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum Op {
    /// Register a device: `register_chrdev`.
    Register = 0x200,
    /// Remove one's own device: `unregister_chrdev`.
    Unregister = 0x201,
    /// Find a device by name and get its server's endpoint.
    Lookup = 0x202,
    /// List devices: `/proc/devices`.
    List = 0x203,
    /// Drop every device a server registered (it ended): init only.
    RemoveOwner = 0x204,
}

impl Op {
    /// Every operation, in label order.
    pub const ALL: [Op; 5] = [
        Op::Register,
        Op::Unregister,
        Op::Lookup,
        Op::List,
        Op::RemoveOwner,
    ];

    /// The request label.
    pub const fn label(self) -> u16 {
        self as u16
    }

    /// The operation whose request label is `label`.
    pub fn from_label(label: u16) -> Option<Op> {
        Self::ALL.iter().copied().find(|op| op.label() == label)
    }
}

/// A device name: 1 to [`MAX_NAME_BYTES`] bytes of `[A-Za-z0-9]` (`serial0`, `gpiochip0`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DevName {
    /// The name, zero-padded: the first `len` bytes are `[A-Za-z0-9]`, the rest 0.
    bytes: [u8; MAX_NAME_BYTES],
    /// Bytes used (1..=16).
    len: u8,
}

impl DevName {
    /// Checks `name`: `ENAMETOOLONG` beyond 16 bytes, `EINVAL` if empty or not `[A-Za-z0-9]`.
    pub fn new(name: &str) -> Result<DevName, Errno> {
        if name.len() > MAX_NAME_BYTES {
            return Err(Errno::NameTooLong);
        }
        let ok = |b: &u8| b.is_ascii_alphanumeric();
        if name.is_empty() || !name.bytes().all(|b| ok(&b)) {
            return Err(Errno::Invalid);
        }
        let mut bytes = [0; MAX_NAME_BYTES];
        bytes[..name.len()].copy_from_slice(name.as_bytes());
        Ok(DevName {
            bytes,
            len: name.len() as u8,
        })
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        let used = self.bytes.get(..usize::from(self.len)).unwrap_or(&[]);
        // Only [A-Za-z0-9] bytes get in, so this is always UTF-8.
        core::str::from_utf8(used).unwrap_or("")
    }

    /// The name as two words (w0, w1).
    pub fn to_words(&self) -> [u64; 2] {
        let (mut lo, mut hi) = ([0u8; 8], [0u8; 8]);
        lo.copy_from_slice(&self.bytes[..8]);
        hi.copy_from_slice(&self.bytes[8..]);
        [u64::from_le_bytes(lo), u64::from_le_bytes(hi)]
    }

    /// The name from two words: `EINVAL`-class [`DecodeError::BadName`] unless well formed.
    pub fn from_words(w0: u64, w1: u64) -> Result<DevName, DecodeError> {
        let mut bytes = [0u8; MAX_NAME_BYTES];
        bytes[..8].copy_from_slice(&w0.to_le_bytes());
        bytes[8..].copy_from_slice(&w1.to_le_bytes());
        let len = bytes.iter().position(|&b| b == 0).unwrap_or(MAX_NAME_BYTES);
        let (used, rest) = bytes.split_at(len);
        if rest.iter().any(|&b| b != 0) {
            return Err(DecodeError::BadName);
        }
        let text = core::str::from_utf8(used).map_err(|_| DecodeError::BadName)?;
        DevName::new(text).map_err(|_| DecodeError::BadName)
    }
}

impl core::fmt::Debug for DevName {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl core::fmt::Display for DevName {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Character or block device; each kind has its own number space, as in Linux.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum DevKind {
    /// A character device: a stream of bytes (UART, GPIO).
    Char = 0,
    /// A block device: fixed-size blocks at offsets (the SD card).
    Block = 1,
}

/// One registered device: what `Lookup` returns and `List` lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Device {
    /// Its name, unique in the registry.
    pub name: DevName,
    /// Char or block.
    pub kind: DevKind,
    /// Major number (the driver), at most [`MAX_MAJOR`]; unique with `kind` and `minor`.
    pub major: u32,
    /// Minor number (the unit), at most [`MAX_MINOR`].
    pub minor: u32,
    /// Task id of the server that registered it.
    pub owner: u64,
}

impl Device {
    /// The four words of the layout above; `EINVAL` if major or minor is out of range.
    pub fn to_words(&self) -> Result<[u64; 4], Errno> {
        let [w0, w1] = self.name.to_words();
        Ok([
            w0,
            w1,
            number_word(self.kind, self.major, self.minor)?,
            self.owner,
        ])
    }

    /// A device from its four words.
    pub fn from_words(words: [u64; 4]) -> Result<Device, DecodeError> {
        let [w0, w1, w2, owner] = words;
        let name = DevName::from_words(w0, w1)?;
        let (kind, major, minor) = number_from_word(w2, 2)?;
        Ok(Device {
            name,
            kind,
            major,
            minor,
            owner,
        })
    }
}

/// Packs kind, major and minor into one word (w2 of the layout).
pub(crate) fn number_word(kind: DevKind, major: u32, minor: u32) -> Result<u64, Errno> {
    if major > MAX_MAJOR || minor > MAX_MINOR {
        return Err(Errno::Invalid);
    }
    Ok(u64::from(kind as u8) << 32 | u64::from(major) << 20 | u64::from(minor))
}

/// Unpacks kind, major and minor from word `n`.
pub(crate) fn number_from_word(word: u64, n: u8) -> Result<(DevKind, u32, u32), DecodeError> {
    let kind = match word >> 32 {
        0 => DevKind::Char,
        1 => DevKind::Block,
        _ => return Err(DecodeError::BadWord(n)),
    };
    let major = (word >> 20) as u32 & MAX_MAJOR;
    let minor = word as u32 & MAX_MINOR;
    Ok((kind, major, minor))
}
