//! Operations on names: lookup, create, mkdir, unlink, rmdir and readdir.

use crate::path::{self, Last};
use crate::tree::{owned_name, Body, DirEntry, Entry, Inode, MemFs};
use crate::Ino;
use alloc::vec::Vec;
use proto::file::{FileKind, MAX_MODE};
use proto::Errno;

impl MemFs {
    /// The inode `path` names (`ENOENT`, `ENOTDIR`; a trailing `/` on a file is `ENOTDIR`).
    pub fn lookup(&self, path: &str) -> Result<Ino, Errno> {
        let parsed = path::parse(path)?;
        let ino = self.walk(Ino::ROOT, path)?;
        if parsed.trailing_slash && self.node(ino)?.kind() != FileKind::Dir {
            return Err(Errno::NotDir);
        }
        Ok(ino)
    }

    /// Creates an empty regular file (`O_CREAT | O_EXCL`): `EEXIST`, `ENOENT`, `ENOTDIR`, `EISDIR` for a trailing `/`.
    ///
    /// `mode` above `0o7777` is `EINVAL`; no room for an inode is `ENOSPC`.
    pub fn create(&mut self, path: &str, mode: u32) -> Result<Ino, Errno> {
        self.make(path, mode, Body::File(Vec::new()))
    }

    /// Creates an empty directory: `EEXIST`, `ENOENT`, `ENOTDIR`, `EINVAL` for a bad mode, `ENOSPC`.
    pub fn mkdir(&mut self, path: &str, mode: u32) -> Result<Ino, Errno> {
        // The parent is filled in once the parent directory is known.
        let body = Body::Dir {
            entries: Vec::new(),
            parent: Ino::ROOT,
        };
        self.make(path, mode, body)
    }

    /// Makes a new inode with `body` under the name `path`: all checks first, then no step can fail.
    fn make(&mut self, path: &str, mode: u32, mut body: Body) -> Result<Ino, Errno> {
        let (parent, parsed) = self.parent_of(path)?;
        let Last::Name(name) = parsed.last else {
            return Err(Errno::Exists);
        };
        let Err(at) = self.find(parent, name)? else {
            return Err(Errno::Exists);
        };
        if parsed.trailing_slash && matches!(body, Body::File(_)) {
            return Err(Errno::IsDir);
        }
        if mode > MAX_MODE {
            return Err(Errno::Invalid);
        }
        self.check_inode_room()?;
        let owned = owned_name(name)?;
        self.entries_mut(parent)?
            .try_reserve(1)
            .map_err(|_| Errno::NoMemory)?;
        if let Body::Dir { parent: up, .. } = &mut body {
            *up = parent;
        }
        let now = self.now_ns;
        let ino = self.alloc(Inode {
            body,
            mode,
            linked: true,
            pins: 0,
            atime_ns: now,
            mtime_ns: now,
            ctime_ns: now,
        })?;
        self.entries_mut(parent)?
            .insert(at, Entry { name: owned, ino });
        self.touch_dir(parent);
        Ok(ino)
    }

    /// Removes a file's name (`ENOENT`; `EISDIR` for a directory; `ENOTDIR` for a trailing `/`).
    ///
    /// The data goes now, or when the last pin goes.
    pub fn unlink(&mut self, path: &str) -> Result<(), Errno> {
        let (parent, parsed) = self.parent_of(path)?;
        let Last::Name(name) = parsed.last else {
            return Err(Errno::IsDir);
        };
        let at = self.find(parent, name)?.map_err(|_| Errno::NoEntry)?;
        let ino = self.entry_ino(parent, at)?;
        if self.node(ino)?.kind() == FileKind::Dir {
            return Err(Errno::IsDir);
        }
        if parsed.trailing_slash {
            return Err(Errno::NotDir);
        }
        self.remove_entry(parent, at)
    }

    /// Removes an empty directory: `ENOENT`, `ENOTDIR`, `ENOTEMPTY`, `EBUSY` for `/`, `EINVAL` for a last `.`.
    pub fn rmdir(&mut self, path: &str) -> Result<(), Errno> {
        let (parent, parsed) = self.parent_of(path)?;
        let name = match parsed.last {
            Last::Name(name) => name,
            Last::Root => return Err(Errno::Busy),
            Last::Dot => return Err(Errno::Invalid),
            Last::DotDot => return Err(Errno::NotEmpty),
        };
        let at = self.find(parent, name)?.map_err(|_| Errno::NoEntry)?;
        let ino = self.entry_ino(parent, at)?;
        let (entries, _) = self.dir(ino)?;
        if !entries.is_empty() {
            return Err(Errno::NotEmpty);
        }
        self.remove_entry(parent, at)
    }

    /// Entry `start_index` of directory `ino` in name order, `None` past the end (`ENOTDIR` for a file).
    ///
    /// Indices shift when entries are added or removed before them, as
    /// `getdents` offsets may on Linux.
    pub fn readdir(&self, ino: Ino, start_index: usize) -> Result<Option<DirEntry<'_>>, Errno> {
        let (entries, _) = self.dir(ino)?;
        let Some(entry) = entries.get(start_index) else {
            return Ok(None);
        };
        Ok(Some(DirEntry {
            name: &entry.name,
            ino: entry.ino,
            kind: self.node(entry.ino)?.kind(),
        }))
    }
}
