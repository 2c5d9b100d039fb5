//! Mounts: a read-only tree of borrowed files (the boot archive at `/boot`) and the device directory (`/dev`).

use crate::path::{self, Last, MAX_NAME_BYTES};
use crate::tree::{Body, Inode, MemFs};
use crate::Ino;
use alloc::vec::Vec;
use proto::file::{MAX_MODE, MAX_PATH_BYTES};
use proto::Errno;

/// `st_mode`'s file-type bits, and the two types a mount takes.
const S_IFMT: u32 = 0o170_000;
const S_IFDIR: u32 = 0o040_000;
const S_IFREG: u32 = 0o100_000;
/// Permissions of a directory a member's path implies but the archive does not list.
const IMPLIED_DIR_MODE: u32 = 0o755;

/// One member to mount read-only: a boot-archive entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StaticFile<'n> {
    /// Its path inside the mount (`init`, `etc/motd`, `./x`): split at `/`, empty and `.` components dropped.
    pub name: &'n str,
    /// Its bytes (ignored for a directory), served where they are, never copied.
    pub data: &'static [u8],
    /// `st_mode`: type bits `0o100000` (or none) for a file, `0o040000` for a directory; the low 12 bits are permissions.
    pub mode: u32,
}

/// What [`MemFs::mount_static`] made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mounted {
    /// The mount's top directory.
    pub root: Ino,
    /// Files made.
    pub files: usize,
    /// Directories made below the top (listed or implied by a path).
    pub dirs: usize,
    /// Bytes of the files made (served in place, not counted against [`Limits`](crate::Limits)).
    pub bytes: u64,
    /// Members left out: a `..` component, a name too long, an odd type (symlink, device),
    /// a name taken by an earlier member, or a path through a file.
    pub skipped: usize,
}

impl MemFs {
    /// Makes directory `at` (like `mkdir`, mode `0o755`) and fills it read-only with `files`.
    ///
    /// Everything under `at`, and `at` itself, then refuses every change
    /// with `EROFS`, and `at` cannot be removed or renamed (`EBUSY`). File
    /// bytes stay where they are (`Body::Static`) and count against no
    /// limit; neither do the mount's inodes. Errors are `mkdir`'s for `at`,
    /// and `ENOMEM`, after which nothing is left mounted. Members that cannot
    /// be placed are skipped and counted ([`Mounted::skipped`]).
    pub fn mount_static<'n>(
        &mut self,
        at: &str,
        files: impl IntoIterator<Item = StaticFile<'n>>,
    ) -> Result<Mounted, Errno> {
        let root = self.make_mount_root(at)?;
        let mut mounted = Mounted {
            root,
            files: 0,
            dirs: 0,
            bytes: 0,
            skipped: 0,
        };
        // Room left for a member's name so that `at/name` still fits a path.
        let room = MAX_PATH_BYTES.saturating_sub(at.trim_end_matches('/').len() + 1);
        for file in files {
            if file.name.len() > room {
                mounted.skipped += 1;
                continue;
            }
            if let Err(e) = self.mount_one(root, &file, &mut mounted) {
                self.unmount(at, root);
                return Err(e);
            }
        }
        Ok(mounted)
    }

    /// Makes the device directory `at`: read-only, with no stored entries (see [`MemFs::resolve`]).
    ///
    /// The server lists and opens what is in it (the device registry's
    /// names). Errors are `mkdir`'s.
    pub fn mount_devices(&mut self, at: &str) -> Result<Ino, Errno> {
        let ino = self.make_mount_root(at)?;
        self.node_mut(ino)?.devices = true;
        Ok(ino)
    }

    /// Whether `ino` is a device directory made by [`mount_devices`](Self::mount_devices).
    pub fn is_devices(&self, ino: Ino) -> Result<bool, Errno> {
        Ok(self.node(ino)?.devices)
    }

    /// Creates the read-only top directory `at` under a writable parent.
    fn make_mount_root(&mut self, at: &str) -> Result<Ino, Errno> {
        let (parent, parsed) = self.parent_of(at)?;
        let Last::Name(name) = parsed.last else {
            return Err(Errno::Exists);
        };
        let Err(slot) = self.find(parent, name)? else {
            return Err(Errno::Exists);
        };
        self.check_writable(parent)?;
        let body = Body::Dir {
            entries: Vec::new(),
            parent,
        };
        let inode = Inode::new(body, IMPLIED_DIR_MODE, true, self.now_ns);
        self.link_new(parent, slot, name, inode)
    }

    /// Places one member below `root`, making the directories its path implies; `Err` only for `ENOMEM`.
    fn mount_one(
        &mut self,
        root: Ino,
        file: &StaticFile,
        mounted: &mut Mounted,
    ) -> Result<(), Errno> {
        let is_dir = match file.mode & S_IFMT {
            S_IFDIR => true,
            0 | S_IFREG => false,
            _ => return skip(mounted),
        };
        let mut parts = path::components(file.name).filter(|c| *c != ".");
        let bad = |c: &str| c == ".." || c.len() > MAX_NAME_BYTES || c.contains('\0');
        if path::components(file.name).any(bad) {
            return skip(mounted);
        }
        let Some(mut name) = parts.next() else {
            // `.` or an empty name: the mount's top itself, already made.
            return Ok(());
        };
        let mut dir = root;
        for next in parts {
            dir = match self.find(dir, name)? {
                Ok(at) => {
                    let ino = self.entry_ino(dir, at)?;
                    if self.dir(ino).is_err() {
                        return skip(mounted);
                    }
                    ino
                }
                Err(at) => {
                    let inode = self.static_dir(IMPLIED_DIR_MODE);
                    mounted.dirs += 1;
                    self.link_new(dir, at, name, inode)?
                }
            };
            name = next;
        }
        let at = match self.find(dir, name)? {
            Err(at) => at,
            // A directory the archive lists after a member inside it: take its mode.
            Ok(at) if is_dir => {
                let ino = self.entry_ino(dir, at)?;
                let node = self.node_mut(ino)?;
                if !matches!(node.body, Body::Dir { .. }) {
                    return skip(mounted);
                }
                node.mode = file.mode & MAX_MODE;
                return Ok(());
            }
            Ok(_) => return skip(mounted),
        };
        let inode = if is_dir {
            mounted.dirs += 1;
            self.static_dir(file.mode & MAX_MODE)
        } else {
            mounted.files += 1;
            mounted.bytes += file.data.len() as u64;
            Inode::new(
                Body::Static(file.data),
                file.mode & MAX_MODE,
                true,
                self.now_ns,
            )
        };
        self.link_new(dir, at, name, inode).map(drop)
    }

    /// A new, empty read-only directory (its parent is set when it is linked).
    fn static_dir(&self, mode: u32) -> Inode {
        let body = Body::Dir {
            entries: Vec::new(),
            parent: Ino::ROOT,
        };
        Inode::new(body, mode, true, self.now_ns)
    }

    /// Takes the half-made mount `root` (named by `at`) away again, without allocating.
    pub(crate) fn unmount(&mut self, at: &str, root: Ino) {
        if let Ok((parent, Last::Name(name))) =
            self.parent_of(at).map(|(p, parsed)| (p, parsed.last))
        {
            if let (Ok(Ok(index)), Ok(entries)) =
                (self.find(parent, name), self.entries_mut(parent))
            {
                entries.remove(index);
            }
        }
        // Depth first, always through the last entry: no stack, no recursion.
        let mut dir = root;
        loop {
            let last = self
                .dir(dir)
                .ok()
                .and_then(|(entries, _)| entries.last().map(|e| e.ino));
            match last {
                Some(child)
                    if self
                        .dir(child)
                        .is_ok_and(|(entries, _)| !entries.is_empty()) =>
                {
                    dir = child;
                }
                Some(child) => {
                    if let Ok(entries) = self.entries_mut(dir) {
                        entries.pop();
                    }
                    self.free_inode(child);
                }
                None if dir == root => {
                    self.free_inode(root);
                    return;
                }
                None => {
                    let parent = self.dir(dir).map(|(_, p)| p).unwrap_or(root);
                    if let Ok(entries) = self.entries_mut(parent) {
                        entries.pop();
                    }
                    self.free_inode(dir);
                    dir = parent;
                }
            }
        }
    }
}

/// Counts a member left out.
fn skip(mounted: &mut Mounted) -> Result<(), Errno> {
    mounted.skipped += 1;
    Ok(())
}
