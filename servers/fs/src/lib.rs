//! mica's file-server logic: `MemFs`, an in-memory hierarchical file system (tmpfs) with read-only and device mounts, with no syscalls.
//!
//! [`server::FsServer`] answers the file protocol: one [`MemFs`] and a
//! [`proto::OpenTable`] of open files, with the transport (the IPC loop of
//! `src/bin/fs.rs`, or the kernel) behind [`server::Host`]. All of it is
//! tested on the host. The tree speaks in [`Ino`]s and [`Errno`]s, so a
//! request's failure is the reply label as it stands.
//!
//! # The tree
//!
//! - Inodes live in an arena; an [`Ino`] names one and carries a generation,
//!   so a freed and reused slot never answers to an old `Ino` (`ENOENT`).
//! - Regular files hold bytes; directories hold entries sorted by name
//!   (bytewise), and [`MemFs::readdir`] walks them by index in that order.
//!   `.` and `..` are not listed (the server may add them).
//! - Paths are absolute UTF-8, at most [`proto::file::MAX_PATH_BYTES`],
//!   components separated by one or more `/`. `.` and `..` are resolved
//!   while walking, so `/file/..` is `ENOTDIR` as on Linux; `..` of `/` is `/`.
//!   A trailing `/` demands a directory. There are no symlinks or hard links.
//! - Names are 1..=[`MAX_NAME_BYTES`] bytes without `/` or NUL.
//! - Permissions are stored and reported, never checked (one user).
//!
//! # Time
//!
//! Time stamps come from a clock the server sets with [`MemFs::set_clock`]
//! before each request (ns since boot): creating stamps all three times,
//! a change of contents stamps `mtime` and `ctime`, a read stamps `atime`,
//! a rename stamps the moved inode's `ctime`, and adding or removing an
//! entry stamps the directory's `mtime` and `ctime`.
//!
//! # Limits
//!
//! [`Limits`] caps the total file bytes, the inodes (the root and unlinked
//! but pinned inodes count) and one file's size. Every operation is
//! all-or-nothing: a write or truncate that does not fit fails with
//! `ENOSPC` (or `EFBIG`) and changes nothing, never a partial write; an
//! allocation failure is `ENOMEM`, also with nothing changed.
//!
//! # Mounts
//!
//! - [`MemFs::mount_static`] makes a directory (`/boot`) holding borrowed
//!   bytes (the boot archive's members), served in place. Everything in it
//!   is read-only: writing, truncating, creating, unlinking, `mkdir`,
//!   `rmdir` and renaming into or out of it fail with `EROFS`; the mount's
//!   top cannot be removed or renamed (`EBUSY`). Its bytes and inodes count
//!   against no [`Limits`].
//! - [`MemFs::mount_devices`] makes a read-only directory (`/dev`) with no
//!   stored entries: [`MemFs::resolve`] turns `/dev/NAME` into a
//!   [`DevicePath`] for the server to look up in the device registry
//!   ([`devfs`] has the rules: `ENOENT` for an unknown name, `EROFS` for
//!   creating one, a device node's [`Stat`]).
//!
//! # Open files
//!
//! Open files are the server's ([`proto::OpenTable`]). It [`MemFs::pin`]s
//! an inode at open and [`MemFs::unpin`]s it at release: an unlinked
//! inode keeps its data while pinned and is freed when the last pin goes.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod boot;
pub mod devfs;
mod file;
mod limits;
mod mount;
mod names;
mod open;
mod path;
mod rename;
pub mod server;
mod server_dev;
mod server_reply;
mod tree;

#[cfg(test)]
mod file_tests;
#[cfg(test)]
mod limits_tests;
#[cfg(test)]
mod mount_tests;
#[cfg(test)]
mod open_tests;
#[cfg(test)]
mod prop_model;
#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod server_fuzz_tests;
#[cfg(test)]
mod server_test_rig;
#[cfg(test)]
mod server_tests;
#[cfg(test)]
mod test_util;
#[cfg(test)]
mod tree_tests;

pub use devfs::DevicePath;
pub use limits::{Limits, Usage};
pub use mount::{Mounted, StaticFile};
pub use open::{Opened, Resolved};
pub use path::MAX_NAME_BYTES;
pub use proto::file::{FileKind, Stat};
pub use proto::Errno;
pub use tree::{DirEntry, MemFs};

/// An inode number: arena slot in the low 32 bits, the slot's generation in the high 32.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ino(u64);

impl Ino {
    /// The root directory, `/`.
    pub const ROOT: Ino = Ino(0);

    /// The inode in arena slot `index` at `generation`.
    pub(crate) const fn new(index: u32, generation: u32) -> Ino {
        Ino((generation as u64) << 32 | index as u64)
    }

    /// The arena slot.
    pub(crate) const fn index(self) -> usize {
        (self.0 & 0xFFFF_FFFF) as usize
    }

    /// The slot generation this number was handed out at.
    pub(crate) const fn generation(self) -> u32 {
        (self.0 >> 32) as u32
    }

    /// The raw number (what a server may put in a message or a table).
    pub const fn raw(self) -> u64 {
        self.0
    }

    /// The inode number `raw` (it may be stale: operations then fail with `ENOENT`).
    pub const fn from_raw(raw: u64) -> Ino {
        Ino(raw)
    }
}
