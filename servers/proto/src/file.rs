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
//! [`OK_LABEL`](crate::OK_LABEL) (0) on success, or the [`Errno`](crate::Errno) number on
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
//! | `Mkdir`   | `0x108` | w0 mode                               | the path      | —               | —               |
//! | `Unlink`  | `0x109` | —                                     | the path      | —               | —               |
//! | `Rmdir`   | `0x10A` | —                                     | the path      | —               | —               |
//! | `Rename`  | `0x10B` | w0 `from` bytes, w1 `to` bytes        | `from` ++ `to`| —               | —               |
//! | `Readdir` | `0x10C` | w0 fd, w1 index                       | —             | w0 kind, w1 ino | the entry name  |
//!
//! A `Readdir` past the last entry is answered with w0 = 0 (no
//! [`FileKind`] is 0) and no bytes: [`Reply::End`]. An `Open` may be
//! answered with a `Redirect` instead of an fd (below).
//!
//! # Redirects
//!
//! A server may answer `Open` not with an fd but with [`Reply::Redirect`]:
//! "open this elsewhere". Its label is [`REDIRECT_LABEL`] (`0x1F0`), it has
//! no words, its bytes are the path to open at the other server (often
//! empty: that server's only device), and the message's handle field
//! carries a send handle to the other server's endpoint, which the client
//! now owns. The client sends the same `Open` (flags and mode unchanged)
//! with the new path to that handle, keeps the handle for the fd's
//! requests, and closes it after `Release`. The file server answers this
//! way for `/dev/NAME`, handing out the driver's endpoint from the device
//! registry. A Redirect without a handle is a broken reply (the client
//! fails the open with `EIO`). `Open` with [`OpenFlags::PATH`] is never
//! redirected.
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
//! - Paths are UTF-8 without NUL bytes, at most [`MAX_PATH_BYTES`]
//!   (`ENAMETOOLONG`); a directory entry's name is also non-empty and
//!   without `/`, at most [`MAX_NAME_BYTES`].
//! - Words past an operation's fields are ignored (registers carry whatever
//!   they held); bytes an operation does not take are refused (`EINVAL`).
//! - An unknown label is answered with `ENOSYS`.

#[cfg(test)]
mod dir_tests;
#[cfg(test)]
mod fuzz_tests;
mod names;
#[cfg(test)]
mod redirect_tests;
mod reply;
mod request;
mod stat;
#[cfg(test)]
mod tests;

pub use reply::Reply;
pub use request::Request;
pub use stat::Stat;

/// Longest path or device-relative name a request carries (`PATH_MAX`).
pub const MAX_PATH_BYTES: usize = 1024;
/// Longest name of one directory entry (`NAME_MAX`).
pub const MAX_NAME_BYTES: usize = 255;
// Rename carries two full paths in one message.
const _: () = assert!(2 * MAX_PATH_BYTES <= abi::MAX_MSG_BYTES);
/// Most data bytes one `Read`, `Write` or `Ioctl` moves (one IPC buffer).
pub const MAX_IO_BYTES: usize = abi::MAX_MSG_BYTES;
/// Highest permission mode (`0o7777`: rwx for user, group, other, plus setuid, setgid, sticky).
pub const MAX_MODE: u32 = 0o7777;
/// Bytes of an encoded [`Stat`].
pub const STAT_BYTES: usize = 48;
/// The label of a [`Reply::Redirect`]: in the file protocol's range, but no request's.
pub const REDIRECT_LABEL: u16 = 0x1F0;

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
    /// Make a directory: `mkdir(2)`, `inode_operations.mkdir`.
    Mkdir = 0x108,
    /// Remove a name that is not a directory: `unlink(2)`.
    Unlink = 0x109,
    /// Remove an empty directory: `rmdir(2)`.
    Rmdir = 0x10A,
    /// Move or rename a name: `rename(2)`.
    Rename = 0x10B,
    /// One entry of an open directory: `getdents(2)`, one entry a call.
    Readdir = 0x10C,
}

impl Op {
    /// Every operation, in label order.
    pub const ALL: [Op; 13] = [
        Op::Open,
        Op::Read,
        Op::Write,
        Op::Ioctl,
        Op::Seek,
        Op::Poll,
        Op::Release,
        Op::Stat,
        Op::Mkdir,
        Op::Unlink,
        Op::Rmdir,
        Op::Rename,
        Op::Readdir,
    ];

    /// The request label.
    pub const fn label(self) -> u16 {
        self as u16
    }

    /// Whether the request's w0 is an fd (every operation but those taking a path).
    pub const fn takes_fd(self) -> bool {
        !matches!(
            self,
            Op::Open | Op::Mkdir | Op::Unlink | Op::Rmdir | Op::Rename
        )
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
    /// Open the name itself (Linux's `O_PATH`): the fd answers only `Stat`
    /// and `Release` (`EBADF` for the rest), nothing is created, truncated
    /// or redirected (`EINVAL` with `CREATE` or `TRUNCATE`), and `WRITE`
    /// is not checked. How a client stats `/dev/NAME` at the file server
    /// rather than at the driver. Device servers may ignore it.
    pub const PATH: OpenFlags = OpenFlags(1 << 7);
    /// Every defined bit.
    pub const ALL: OpenFlags = OpenFlags(0xFF);

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

/// What an open file or directory entry is (`S_IFREG`, `S_IFDIR`, `S_IFCHR`, `S_IFBLK`).
///
/// The numbers start at 1: 0 on the wire marks the end of a directory.
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
