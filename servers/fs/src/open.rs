//! Resolving a path to an inode or a device name, and `open` with the file protocol's flags.

use crate::devfs::DevicePath;
use crate::path;
use crate::tree::MemFs;
use crate::Ino;
use proto::file::{FileKind, OpenFlags};
use proto::Errno;

/// Where a path leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolved<'p> {
    /// An inode of the tree.
    Inode(Ino),
    /// A name inside a device directory: the server asks the device registry.
    Device(DevicePath<'p>),
}

/// What [`MemFs::open`] opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opened<'p> {
    /// An inode, now pinned: the server keeps it in its open table and unpins it at release.
    Inode(Ino),
    /// A device name: nothing is pinned; the server checks the registry ([`DevicePath::open_check`]).
    Device(DevicePath<'p>),
}

impl MemFs {
    /// Walks `path` (as [`lookup`](Self::lookup)); a walk that enters a device directory stops at the next name.
    ///
    /// `/dev/x/..` is the device `x` with `must_be_dir`, as Linux makes it
    /// `ENOTDIR` when `x` is a device. Errors: a bad path, `ENOENT`,
    /// `ENOTDIR` (through a file, or a trailing `/` on a file).
    pub fn resolve<'p>(&self, path: &'p str) -> Result<Resolved<'p>, Errno> {
        let parsed = path::parse(path)?;
        let mut parts = path::components(path);
        let mut at = Ino::ROOT;
        while let Some(component) = parts.next() {
            let (_, parent) = self.dir(at)?;
            at = match component {
                "." => at,
                ".." => parent,
                name if self.node(at)?.devices => {
                    let must_be_dir = parts.next().is_some() || parsed.trailing_slash;
                    return Ok(Resolved::Device(DevicePath { name, must_be_dir }));
                }
                name => self.child(at, name)?.ok_or(Errno::NoEntry)?,
            };
        }
        if parsed.trailing_slash && self.node(at)?.kind() != FileKind::Dir {
            return Err(Errno::NotDir);
        }
        Ok(Resolved::Inode(at))
    }

    /// Opens `path` as the file protocol's `Open` asks, pinning the inode it opens.
    ///
    /// - Missing with `CREATE`: created with `mode` (errors as [`create`](Self::create),
    ///   `EROFS` in a read-only directory).
    /// - `DIRECTORY` on a file: `ENOTDIR`.
    /// - `WRITE` on a directory: `EISDIR`; on a read-only mount: `EROFS`.
    /// - `TRUNCATE` with `WRITE`: the file is cut to 0 bytes (errors as [`truncate`](Self::truncate)).
    /// - `PATH`: the name itself; `WRITE` is not checked and nothing is created or
    ///   truncated (`EINVAL` with `CREATE` or `TRUNCATE`).
    /// - A device name: [`Opened::Device`], whatever the flags (the server checks them).
    pub fn open<'p>(
        &mut self,
        path: &'p str,
        flags: OpenFlags,
        mode: u32,
    ) -> Result<Opened<'p>, Errno> {
        let path_only = flags.contains(OpenFlags::PATH);
        if path_only && (flags.contains(OpenFlags::CREATE) || flags.contains(OpenFlags::TRUNCATE)) {
            return Err(Errno::Invalid);
        }
        let ino = match self.resolve(path) {
            Ok(Resolved::Inode(ino)) => ino,
            Ok(Resolved::Device(device)) => return Ok(Opened::Device(device)),
            Err(Errno::NoEntry) if flags.contains(OpenFlags::CREATE) => self.create(path, mode)?,
            Err(e) => return Err(e),
        };
        let node = self.node(ino)?;
        let is_dir = node.kind() == FileKind::Dir;
        if flags.contains(OpenFlags::DIRECTORY) && !is_dir {
            return Err(Errno::NotDir);
        }
        if !path_only && flags.contains(OpenFlags::WRITE) {
            if is_dir {
                return Err(Errno::IsDir);
            }
            if node.read_only {
                return Err(Errno::ReadOnly);
            }
            if flags.contains(OpenFlags::TRUNCATE) {
                self.truncate(ino, 0)?;
            }
        }
        self.pin(ino)?;
        Ok(Opened::Inode(ino))
    }
}
