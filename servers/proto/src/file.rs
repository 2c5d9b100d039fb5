//! The file protocol: mica's `file_operations`, spoken by every device server and the file server.
//!
//! A client opens a name on a server and gets an fd; later requests name the
//! fd. Each request is one `call` on the server's endpoint; the server
//! answers each with one reply. An fd belongs to the client that opened it
//! (the server tells clients apart by the badge of their endpoint handle)
//! and means nothing to other clients or other servers.
//!
//! # Messages
//!
//! A request's label is its [`Op`]; a reply's label is
//! [`OK_LABEL`](crate::OK_LABEL) (0) on success, or the [`Errno`] number on
//! failure (then the reply carries no words and no bytes). Words are `w0..w3`
//! (`x2..x5`); bytes travel in the IPC buffer.
//!
//! | op        | label   | request words                         | request bytes | reply words     | reply bytes     |
//! |-----------|---------|---------------------------------------|---------------|-----------------|-----------------|
//! | `Open`    | `0x100` | w0 [`OpenFlags`], w1 mode             | the path      | w0 fd           | —               |
//! | `Read`    | `0x101` | w0 fd, w1 `len_bytes`, w2 offset      | —             | w0 bytes read   | the data        |
//! | `Write`   | `0x102` | w0 fd, w1 offset                      | the data      | w0 bytes written| —               |
//! | `Ioctl`   | `0x103` | w0 fd, w1 cmd, w2 arg                 | optional data | w0 value        | optional data   |
//! | `Seek`    | `0x104` | w0 fd, w1 offset (i64), w2 [`Whence`] | —             | w0 new offset   | —               |
//! | `Poll`    | `0x105` | w0 fd, w1 [`PollEvents`]              | —             | w0 revents      | —               |
//! | `Release` | `0x106` | w0 fd                                 | —             | —               | —               |
//! | `Stat`    | `0x107` | w0 fd                                 | —             | —               | [`Stat`], 48 B  |
//!
//! Each [`Request`] variant documents its operation. Rules common to all:
//!
//! - An fd is a nonzero u32 ([`crate::open_table`] hands them out); a zero
//!   or wider fd word decodes as `EBADF`.
//! - An offset word of [`CURRENT_OFFSET`](crate::CURRENT_OFFSET)
//!   (`u64::MAX`) means "at the fd's position, and move it"; other offsets
//!   stop at `i64::MAX` (Linux's `loff_t`).
//! - Data moves at most [`MAX_IO_BYTES`] per message: a larger `Read` or
//!   `Write` is the client's to split (`E2BIG` otherwise).
//! - Words past an operation's fields are ignored (registers carry whatever
//!   they held); bytes an operation does not take are refused (`EINVAL`).
//! - An unknown label is answered with `ENOSYS`.

#[cfg(test)]
mod fuzz_tests;
mod reply;
mod request;
#[cfg(test)]
mod tests;

pub use reply::Reply;
pub use request::Request;

use crate::wire::DecodeError;
use crate::Errno;

/// Longest path or device-relative name an `Open` carries.
pub const MAX_PATH_BYTES: usize = 1024;
/// Most data bytes one `Read`, `Write` or `Ioctl` moves (one IPC buffer).
pub const MAX_IO_BYTES: usize = abi::MAX_MSG_BYTES;
/// Highest permission mode (`0o7777`: rwx for user, group, other, plus setuid, setgid, sticky).
pub const MAX_MODE: u32 = 0o7777;
/// Bytes of an encoded [`Stat`].
pub const STAT_BYTES: usize = 48;

/// The operations of the file protocol; the value is the request label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum Op {
    /// Open a name: `open(2)`, `file_operations.open`.
    Open = 0x100,
    /// Read bytes: `read(2)` / `pread(2)`.
    Read = 0x101,
    /// Write bytes: `write(2)` / `pwrite(2)`.
    Write = 0x102,
    /// A device-specific command: `ioctl(2)`, `unlocked_ioctl`.
    Ioctl = 0x103,
    /// Move the position: `lseek(2)`, `llseek`.
    Seek = 0x104,
    /// Ask what is ready now: `poll(2)`, `file_operations.poll`.
    Poll = 0x105,
    /// Close the fd: `close(2)`, `file_operations.release`.
    Release = 0x106,
    /// Describe the open file: `fstat(2)`.
    Stat = 0x107,
}

impl Op {
    /// Every operation, in label order.
    pub const ALL: [Op; 8] = [
        Op::Open,
        Op::Read,
        Op::Write,
        Op::Ioctl,
        Op::Seek,
        Op::Poll,
        Op::Release,
        Op::Stat,
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

/// How `Open` opens: a set of bits (`O_RDONLY`.. of `open(2)`, as separate bits).
///
/// At least one of [`READ`](Self::READ) and [`WRITE`](Self::WRITE) is set;
/// no bit outside [`ALL`](Self::ALL) is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct OpenFlags(u32);

impl OpenFlags {
    /// Open for reading.
    pub const READ: OpenFlags = OpenFlags(1 << 0);
    /// Open for writing.
    pub const WRITE: OpenFlags = OpenFlags(1 << 1);
    /// Never wait: `Read`/`Write` that would block fail with `EAGAIN`.
    pub const NONBLOCK: OpenFlags = OpenFlags(1 << 2);
    /// Create the file if it does not exist (with the request's mode).
    pub const CREATE: OpenFlags = OpenFlags(1 << 3);
    /// Cut an existing file to 0 bytes (needs `WRITE`).
    pub const TRUNCATE: OpenFlags = OpenFlags(1 << 4);
    /// Every `Write` goes to the end, whatever its offset.
    pub const APPEND: OpenFlags = OpenFlags(1 << 5);
    /// The name must be a directory (`ENOTDIR` otherwise).
    pub const DIRECTORY: OpenFlags = OpenFlags(1 << 6);
    /// Every defined bit.
    pub const ALL: OpenFlags = OpenFlags(0x7F);

    /// The raw bits.
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// Flags from raw bits, if they are valid (known bits, and READ or WRITE).
    pub const fn from_bits(bits: u32) -> Option<OpenFlags> {
        let access = Self::READ.0 | Self::WRITE.0;
        if bits & !Self::ALL.0 != 0 || bits & access == 0 {
            None
        } else {
            Some(OpenFlags(bits))
        }
    }

    /// The bits of both (as `|`, usable in consts).
    pub const fn union(self, other: OpenFlags) -> OpenFlags {
        OpenFlags(self.0 | other.0)
    }

    /// Whether every bit of `other` is set here.
    pub const fn contains(self, other: OpenFlags) -> bool {
        self.0 & other.0 == other.0
    }
}

impl core::ops::BitOr for OpenFlags {
    type Output = OpenFlags;
    fn bitor(self, rhs: OpenFlags) -> OpenFlags {
        OpenFlags(self.0 | rhs.0)
    }
}

/// Where a `Seek` offset counts from (`SEEK_SET`, `SEEK_CUR`, `SEEK_END`, same numbers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Whence {
    /// From the start of the file.
    Set = 0,
    /// From the current position.
    Cur = 1,
    /// From the end of the file.
    End = 2,
}

impl Whence {
    /// The whence numbered `raw`.
    pub const fn from_raw(raw: u64) -> Option<Whence> {
        match raw {
            0 => Some(Whence::Set),
            1 => Some(Whence::Cur),
            2 => Some(Whence::End),
            _ => None,
        }
    }
}

/// Readiness bits of `Poll`, with `poll(2)`'s numbers (`POLLIN`, `POLLPRI`, ...).
///
/// A client asks for some in `events`; the server answers with those that
/// hold now, plus [`ERROR`](Self::ERROR), [`HANGUP`](Self::HANGUP) and
/// [`INVALID`](Self::INVALID) whenever they hold, asked or not.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PollEvents(u32);

impl PollEvents {
    /// No event.
    pub const NONE: PollEvents = PollEvents(0);
    /// `POLLIN`: a `Read` would not block.
    pub const READABLE: PollEvents = PollEvents(0x01);
    /// `POLLPRI`: urgent data (a GPIO edge event, a break on a line).
    pub const PRIORITY: PollEvents = PollEvents(0x02);
    /// `POLLOUT`: a `Write` would not block.
    pub const WRITABLE: PollEvents = PollEvents(0x04);
    /// `POLLERR`: the device reports an error.
    pub const ERROR: PollEvents = PollEvents(0x08);
    /// `POLLHUP`: the other end is gone; reads return 0 bytes.
    pub const HANGUP: PollEvents = PollEvents(0x10);
    /// `POLLNVAL`: the fd is not open.
    pub const INVALID: PollEvents = PollEvents(0x20);
    /// Every defined bit.
    pub const ALL: PollEvents = PollEvents(0x3F);

    /// The raw bits.
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// Events from raw bits, if no unknown bit is set.
    pub const fn from_bits(bits: u32) -> Option<PollEvents> {
        if bits & !Self::ALL.0 != 0 {
            None
        } else {
            Some(PollEvents(bits))
        }
    }

    /// Whether every bit of `other` is set here.
    pub const fn contains(self, other: PollEvents) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether no bit is set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl core::ops::BitOr for PollEvents {
    type Output = PollEvents;
    fn bitor(self, rhs: PollEvents) -> PollEvents {
        PollEvents(self.0 | rhs.0)
    }
}

impl core::ops::BitAnd for PollEvents {
    type Output = PollEvents;
    fn bitand(self, rhs: PollEvents) -> PollEvents {
        PollEvents(self.0 & rhs.0)
    }
}

/// What an open file is (`S_IFREG`, `S_IFDIR`, `S_IFCHR`, `S_IFBLK`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum FileKind {
    /// A regular file.
    File = 1,
    /// A directory.
    Dir = 2,
    /// A character device (UART, GPIO).
    CharDev = 3,
    /// A block device (the SD card, later).
    BlockDev = 4,
}

impl FileKind {
    /// The kind numbered `raw`.
    pub const fn from_raw(raw: u8) -> Option<FileKind> {
        match raw {
            1 => Some(FileKind::File),
            2 => Some(FileKind::Dir),
            3 => Some(FileKind::CharDev),
            4 => Some(FileKind::BlockDev),
            _ => None,
        }
    }
}

/// What `Stat` returns about an open file: `struct stat`, trimmed.
///
/// Encoded in [`STAT_BYTES`] little-endian bytes:
///
/// | offset | field        | type |
/// |--------|--------------|------|
/// | 0      | `kind`       | u8 ([`FileKind`]); bytes 1..4 are zero |
/// | 4      | `mode`       | u32 (at most [`MAX_MODE`]) |
/// | 8      | `major`      | u32 |
/// | 12     | `minor`      | u32 |
/// | 16     | `size_bytes` | u64 |
/// | 24     | `atime_ns`   | u64 |
/// | 32     | `mtime_ns`   | u64 |
/// | 40     | `ctime_ns`   | u64 |
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Stat {
    /// File, directory or device.
    pub kind: FileKind,
    /// Permission bits (`0o644`), at most [`MAX_MODE`].
    pub mode: u32,
    /// A device's major number (see [`crate::devreg`]); 0 for files and directories.
    pub major: u32,
    /// A device's minor number; 0 for files and directories.
    pub minor: u32,
    /// Bytes in a file; 0 for a character device.
    pub size_bytes: u64,
    /// Last access, in ns of the server's clock (since boot: a Pi has no RTC); 0 if unknown.
    pub atime_ns: u64,
    /// Last change of the contents, same clock.
    pub mtime_ns: u64,
    /// Last change of the metadata, same clock.
    pub ctime_ns: u64,
}

impl Stat {
    /// The encoded bytes (see the table above).
    pub fn to_bytes(&self) -> [u8; STAT_BYTES] {
        let mut out = [0u8; STAT_BYTES];
        out[0] = self.kind as u8;
        out[4..8].copy_from_slice(&self.mode.to_le_bytes());
        out[8..12].copy_from_slice(&self.major.to_le_bytes());
        out[12..16].copy_from_slice(&self.minor.to_le_bytes());
        let times = [self.size_bytes, self.atime_ns, self.mtime_ns, self.ctime_ns];
        for (chunk, value) in out[16..].chunks_exact_mut(8).zip(times) {
            chunk.copy_from_slice(&value.to_le_bytes());
        }
        out
    }

    /// Decodes exactly [`STAT_BYTES`] bytes, checking kind, padding and mode.
    pub fn from_bytes(bytes: &[u8]) -> Result<Stat, DecodeError> {
        let b: &[u8; STAT_BYTES] = bytes.try_into().map_err(|_| DecodeError::BadBytes)?;
        let kind = FileKind::from_raw(b[0]).ok_or(DecodeError::BadBytes)?;
        let u32_at = |at: usize| u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
        let u64_at = |at: usize| u64::from(u32_at(at)) | (u64::from(u32_at(at + 4)) << 32);
        let mode = u32_at(4);
        if b[1..4] != [0, 0, 0] || mode > MAX_MODE {
            return Err(DecodeError::BadBytes);
        }
        Ok(Stat {
            kind,
            mode,
            major: u32_at(8),
            minor: u32_at(12),
            size_bytes: u64_at(16),
            atime_ns: u64_at(24),
            mtime_ns: u64_at(32),
            ctime_ns: u64_at(40),
        })
    }

    /// Checks the fields encoding relies on (`EINVAL` for a mode above [`MAX_MODE`]).
    pub(crate) fn check(&self) -> Result<(), Errno> {
        if self.mode > MAX_MODE {
            Err(Errno::Invalid)
        } else {
            Ok(())
        }
    }
}
