//! Operations on names: lookup, create, mkdir, unlink, rmdir and readdir.

use crate::open::Resolved;
use crate::path::Last;
use crate::tree::{owned_name, Body, DirEntry, Entry, Inode, MemFs};
use crate::Ino;
use alloc::vec::Vec;
use proto::file::{FileKind, MAX_MODE};
use proto::Errno;

impl MemFs {
    /// The inode `path` names (`ENOENT`, `ENOTDIR`; a trailing `/` on a file is `ENOTDIR`).
    ///
    /// A name in a device directory is no inode: `ENOENT` (see [`resolve`](Self::resolve)).
    pub fn lookup(&self, path: &str) -> Result<Ino, Errno> {
        match self.resolve(path)? {
            Resolved::Inode(ino) => Ok(ino),
            Resolved::Device(_) => Err(Errno::NoEntry),
        }
    }

    /// Creates an empty regular file (`O_CREAT | O_EXCL`): `EEXIST`, `ENOENT`, `ENOTDIR`, `EISDIR` for a trailing `/`.
    ///
    /// `EROFS` in a read-only directory (a name that exists there is still
    /// `EEXIST`); `mode` above `0o7777` is `EINVAL`; no room for an inode is `ENOSPC`.
    pub fn create(&mut self, path: &str, mode: u32) -> Result<Ino, Errno> {
        self.make(path, mode, Body::File(Vec::new()))
    }

    /// Creates an empty directory: `EEXIST`, `ENOENT`, `ENOTDIR`, `EROFS`, `EINVAL` for a bad mode, `ENOSPC`.
    pub fn mkdir(&mut self, path: &str, mode: u32) -> Result<Ino, Errno> {
        // The parent is filled in once the parent directory is known.
        let body = Body::Dir {
            entries: Vec::new(),
            parent: Ino::ROOT,
        };
        self.make(path, mode, body)
    }

    /// Makes a new inode with `body` under the name `path`: all checks first, then no step can fail.
    fn make(&mut self, path: &str, mode: u32, body: Body) -> Result<Ino, Errno> {
        let (parent, parsed) = self.parent_of(path)?;
        let Last::Name(name) = parsed.last else {
            return Err(Errno::Exists);
        };
        let Err(at) = self.find(parent, name)? else {
            return Err(Errno::Exists);
        };
        self.check_writable(parent)?;
        if parsed.trailing_slash && matches!(body, Body::File(_)) {
            return Err(Errno::IsDir);
        }
        if mode > MAX_MODE {
            return Err(Errno::Invalid);
        }
        self.check_inode_room()?;
        let inode = Inode::new(body, mode, false, self.now_ns);
        self.link_new(parent, at, name, inode)
    }

    /// Puts the new `inode` in directory `parent` as `name`, at entry index `at` (checked free).
    ///
    /// Fails only with `ENOMEM`, changing nothing; a directory's parent is set here.
    pub(crate) fn link_new(
        &mut self,
        parent: Ino,
        at: usize,
        name: &str,
        mut inode: Inode,
    ) -> Result<Ino, Errno> {
        debug_assert!(
            self.find(parent, name) == Ok(Err(at)),
            "the name is free at `at`"
        );
        let owned = owned_name(name)?;
        self.entries_mut(parent)?
            .try_reserve(1)
            .map_err(|_| Errno::NoMemory)?;
        if let Body::Dir { parent: up, .. } = &mut inode.body {
            *up = parent;
        }
        let ino = self.alloc(inode)?;
        self.entries_mut(parent)?
            .insert(at, Entry { name: owned, ino });
        self.touch_dir(parent);
        Ok(ino)
    }

    /// Removes a file's name (`ENOENT`; `EISDIR` for a directory; `ENOTDIR` for a trailing `/`).
    ///
    /// `EROFS` in a read-only directory, whether the name exists or not (as
    /// Linux). The data goes now, or when the last pin goes.
    pub fn unlink(&mut self, path: &str) -> Result<(), Errno> {
        let (parent, parsed) = self.parent_of(path)?;
        let Last::Name(name) = parsed.last else {
            return Err(Errno::IsDir);
        };
        self.check_writable(parent)?;
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
    ///
    /// `EROFS` in a read-only directory; `EBUSY` for the top of a mount.
    pub fn rmdir(&mut self, path: &str) -> Result<(), Errno> {
        let (parent, parsed) = self.parent_of(path)?;
        let name = match parsed.last {
            Last::Name(name) => name,
            Last::Root => return Err(Errno::Busy),
            Last::Dot => return Err(Errno::Invalid),
            Last::DotDot => return Err(Errno::NotEmpty),
        };
        self.check_writable(parent)?;
        let at = self.find(parent, name)?.map_err(|_| Errno::NoEntry)?;
        let ino = self.entry_ino(parent, at)?;
        if self.is_mount_root(parent, ino)? {
            return Err(Errno::Busy);
        }
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
