//! `MemFs`'s tree: the inode arena, path walks, read-only marks, and the helpers the operations share.

use crate::limits::Limits;
use crate::path::{self, Parsed};
use crate::Ino;
use alloc::string::String;
use alloc::vec::Vec;
use proto::file::FileKind;
use proto::Errno;

/// One entry of a directory.
#[derive(Debug)]
pub(crate) struct Entry {
    /// 1..=255 bytes, no `/` or NUL, not `.` or `..`.
    pub(crate) name: String,
    /// The inode it names (live, linked).
    pub(crate) ino: Ino,
}

/// What an inode holds.
#[derive(Debug)]
pub(crate) enum Body {
    /// A regular file's bytes; its length is counted in `MemFs::used_bytes`.
    File(Vec<u8>),
    /// A read-only file's bytes, borrowed (a boot-archive member): never copied, never counted.
    Static(&'static [u8]),
    /// A directory: entries sorted by name, unique; the parent (itself for the root).
    Dir {
        /// Sorted strictly ascending by `name` (bytewise).
        entries: Vec<Entry>,
        /// The directory holding this one; meaningful while linked.
        parent: Ino,
    },
}

/// One inode: contents, mode, link state, pins and times.
#[derive(Debug)]
pub(crate) struct Inode {
    /// File bytes or directory entries.
    pub(crate) body: Body,
    /// Permission bits, at most `MAX_MODE`.
    pub(crate) mode: u32,
    /// Part of a read-only mount: contents and entries never change (`EROFS`).
    /// A read-only directory holds only read-only inodes; a `Static` file is read-only.
    pub(crate) read_only: bool,
    /// A device directory (`/dev`): read-only, no stored entries; the server names what is in it.
    pub(crate) devices: bool,
    /// Some directory names it (always true for the root); freed once false with no pins.
    pub(crate) linked: bool,
    /// Open files on it (the server's opens).
    pub(crate) pins: u32,
    /// Last read.
    pub(crate) atime_ns: u64,
    /// Last change of contents.
    pub(crate) mtime_ns: u64,
    /// Last change of contents or metadata.
    pub(crate) ctime_ns: u64,
}

impl Inode {
    /// File or directory.
    pub(crate) fn kind(&self) -> FileKind {
        match self.body {
            Body::File(_) | Body::Static(_) => FileKind::File,
            Body::Dir { .. } => FileKind::Dir,
        }
    }

    /// A fresh inode holding `body`, stamped `now_ns`, linked, unpinned.
    pub(crate) fn new(body: Body, mode: u32, read_only: bool, now_ns: u64) -> Inode {
        debug_assert!(read_only || !matches!(body, Body::Static(_)));
        Inode {
            body,
            mode,
            read_only,
            devices: false,
            linked: true,
            pins: 0,
            atime_ns: now_ns,
            mtime_ns: now_ns,
            ctime_ns: now_ns,
        }
    }
}

/// An arena slot: its generation and, while live, the inode.
#[derive(Debug)]
pub(crate) struct Slot {
    /// Bumped each time the slot is freed, so old `Ino`s go stale.
    pub(crate) generation: u32,
    /// The live inode, or `None` while the slot is on the free list.
    pub(crate) inode: Option<Inode>,
}

/// One directory entry as `readdir` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DirEntry<'a> {
    /// The entry's name.
    pub name: &'a str,
    /// The inode it names.
    pub ino: Ino,
    /// File or directory.
    pub kind: FileKind,
}

/// An in-memory file system: a tree of files and directories under limits (see the crate docs).
#[derive(Debug)]
pub struct MemFs {
    /// The arena; slot 0 is always the root.
    pub(crate) slots: Vec<Slot>,
    /// Indices of empty slots; capacity kept >= `slots.len()`, so freeing never allocates.
    pub(crate) free: Vec<u32>,
    /// Budgets, clamped.
    pub(crate) limits: Limits,
    /// Sum of the lengths of all live `File`s (`Static` bytes are not counted).
    pub(crate) used_bytes: u64,
    /// Live writable inodes: the ones counted against `max_inodes`.
    pub(crate) used_inodes: usize,
    /// Live read-only inodes (mounts); with `used_inodes`, the `Some` slots.
    pub(crate) mounted_inodes: usize,
    /// The clock the server last set, in ns.
    pub(crate) now_ns: u64,
}

impl MemFs {
    /// An empty file system (just `/`, mode `0o755`) under `limits` (see [`Limits`] for the clamping).
    pub fn new(limits: Limits) -> MemFs {
        let body = Body::Dir {
            entries: Vec::new(),
            parent: Ino::ROOT,
        };
        let root = Inode::new(body, 0o755, false, 0);
        let slots = alloc::vec![Slot {
            generation: 0,
            inode: Some(root),
        }];
        MemFs {
            slots,
            free: Vec::with_capacity(1),
            limits: limits.clamped(),
            used_bytes: 0,
            used_inodes: 1,
            mounted_inodes: 0,
            now_ns: 0,
        }
    }

    /// The live inode `ino` names (`ENOENT` if freed or never made).
    pub(crate) fn node(&self, ino: Ino) -> Result<&Inode, Errno> {
        match self.slots.get(ino.index()) {
            Some(Slot {
                generation,
                inode: Some(inode),
            }) if *generation == ino.generation() => Ok(inode),
            _ => Err(Errno::NoEntry),
        }
    }

    /// The live inode `ino` names, mutable (`ENOENT` if freed or never made).
    pub(crate) fn node_mut(&mut self, ino: Ino) -> Result<&mut Inode, Errno> {
        match self.slots.get_mut(ino.index()) {
            Some(Slot {
                generation,
                inode: Some(inode),
            }) if *generation == ino.generation() => Ok(inode),
            _ => Err(Errno::NoEntry),
        }
    }

    /// Directory `ino`'s entries and parent (`ENOTDIR` for a file).
    pub(crate) fn dir(&self, ino: Ino) -> Result<(&[Entry], Ino), Errno> {
        match &self.node(ino)?.body {
            Body::Dir { entries, parent } => Ok((entries, *parent)),
            Body::File(_) | Body::Static(_) => Err(Errno::NotDir),
        }
    }

    /// Directory `ino`'s entries, mutable (`ENOTDIR` for a file).
    ///
    /// Does not check `read_only`: callers refuse changes to read-only
    /// directories first; mounting fills them through here.
    pub(crate) fn entries_mut(&mut self, ino: Ino) -> Result<&mut Vec<Entry>, Errno> {
        match &mut self.node_mut(ino)?.body {
            Body::Dir { entries, .. } => Ok(entries),
            Body::File(_) | Body::Static(_) => Err(Errno::NotDir),
        }
    }

    /// `EROFS` if `ino` is part of a read-only mount.
    pub(crate) fn check_writable(&self, ino: Ino) -> Result<(), Errno> {
        if self.node(ino)?.read_only {
            Err(Errno::ReadOnly)
        } else {
            Ok(())
        }
    }

    /// Whether `ino`, named in directory `parent`, is the top of a mount: read-only under a writable directory.
    ///
    /// `rmdir` and `rename` refuse a mount's top with `EBUSY`, as Linux a mount point.
    pub(crate) fn is_mount_root(&self, parent: Ino, ino: Ino) -> Result<bool, Errno> {
        Ok(self.node(ino)?.read_only && !self.node(parent)?.read_only)
    }

    /// Where `name` is in directory `dir`: `Ok(index)` if present, `Err(insertion index)` if not.
    pub(crate) fn find(&self, dir: Ino, name: &str) -> Result<Result<usize, usize>, Errno> {
        let (entries, _) = self.dir(dir)?;
        Ok(entries.binary_search_by(|e| e.name.as_str().cmp(name)))
    }

    /// The inode `name` names in `dir`, if any.
    pub(crate) fn child(&self, dir: Ino, name: &str) -> Result<Option<Ino>, Errno> {
        let (entries, _) = self.dir(dir)?;
        Ok(self
            .find(dir, name)?
            .ok()
            .and_then(|i| entries.get(i))
            .map(|e| e.ino))
    }

    /// Follows the components of `text` from `start`: `ENOENT` for a missing name, `ENOTDIR` through a file.
    pub(crate) fn walk(&self, start: Ino, text: &str) -> Result<Ino, Errno> {
        let mut at = start;
        for component in path::components(text) {
            let (_, parent) = self.dir(at)?;
            at = match component {
                "." => at,
                ".." => parent,
                name => self.child(at, name)?.ok_or(Errno::NoEntry)?,
            };
        }
        Ok(at)
    }

    /// Parses `path` and walks to the directory holding its last component.
    pub(crate) fn parent_of<'p>(&self, path: &'p str) -> Result<(Ino, Parsed<'p>), Errno> {
        let parsed = path::parse(path)?;
        let parent = self.walk(Ino::ROOT, parsed.parent)?;
        self.dir(parent)?;
        Ok((parent, parsed))
    }

    /// The inode of entry `at` of `dir`.
    pub(crate) fn entry_ino(&self, dir: Ino, at: usize) -> Result<Ino, Errno> {
        let (entries, _) = self.dir(dir)?;
        entries.get(at).map(|e| e.ino).ok_or(Errno::NoEntry)
    }

    /// Takes entry `at` out of `dir`, unlinks its inode and stamps the directory.
    pub(crate) fn remove_entry(&mut self, dir: Ino, at: usize) -> Result<(), Errno> {
        let entries = self.entries_mut(dir)?;
        if at >= entries.len() {
            return Err(Errno::NoEntry);
        }
        let gone = entries.remove(at);
        self.touch_dir(dir);
        self.drop_link(gone.ino);
        Ok(())
    }

    /// Marks `ino` nameless; frees it if nothing pins it.
    pub(crate) fn drop_link(&mut self, ino: Ino) {
        let now = self.now_ns;
        if let Ok(node) = self.node_mut(ino) {
            node.linked = false;
            node.ctime_ns = now;
            if node.pins == 0 {
                self.free_inode(ino);
            }
        }
    }

    /// Stamps a directory whose entries changed.
    pub(crate) fn touch_dir(&mut self, dir: Ino) {
        let now = self.now_ns;
        if let Ok(node) = self.node_mut(dir) {
            node.mtime_ns = now;
            node.ctime_ns = now;
        }
    }

    /// Puts `inode` in a slot (the inode room is already checked): its number, or `ENOMEM`.
    pub(crate) fn alloc(&mut self, inode: Inode) -> Result<Ino, Errno> {
        let index = match self.free.pop() {
            Some(index) => index,
            None => {
                let index = u32::try_from(self.slots.len()).map_err(|_| Errno::NoSpace)?;
                self.slots.try_reserve(1).map_err(|_| Errno::NoMemory)?;
                let want = self.slots.len() + 1 - self.free.len();
                self.free.try_reserve(want).map_err(|_| Errno::NoMemory)?;
                self.slots.push(Slot {
                    generation: 0,
                    inode: None,
                });
                index
            }
        };
        let slot = self.slots.get_mut(index as usize).ok_or(Errno::NoMemory)?;
        debug_assert!(slot.inode.is_none(), "a free-listed slot is empty");
        let read_only = inode.read_only;
        slot.inode = Some(inode);
        if read_only {
            self.mounted_inodes += 1;
        } else {
            self.used_inodes += 1;
            debug_assert!(self.used_inodes <= self.limits.max_inodes);
        }
        Ok(Ino::new(index, slot.generation))
    }

    /// Frees `ino`'s slot and its bytes; the root is never freed.
    pub(crate) fn free_inode(&mut self, ino: Ino) {
        if ino == Ino::ROOT {
            return;
        }
        let Some(slot) = self.slots.get_mut(ino.index()) else {
            return;
        };
        if slot.generation != ino.generation() {
            return;
        }
        let Some(inode) = slot.inode.take() else {
            return;
        };
        slot.generation = slot.generation.wrapping_add(1);
        if let Body::File(data) = &inode.body {
            self.used_bytes -= data.len() as u64;
        }
        if inode.read_only {
            self.mounted_inodes -= 1;
        } else {
            self.used_inodes -= 1;
        }
        debug_assert!(
            self.free.capacity() > self.free.len(),
            "freeing never allocates"
        );
        self.free.push(ino.index() as u32);
    }
}

/// `name` as an owned string, or `ENOMEM`.
pub(crate) fn owned_name(name: &str) -> Result<String, Errno> {
    let mut owned = String::new();
    owned
        .try_reserve_exact(name.len())
        .map_err(|_| Errno::NoMemory)?;
    owned.push_str(name);
    Ok(owned)
}
