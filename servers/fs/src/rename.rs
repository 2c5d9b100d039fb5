//! `rename`: moving a name, possibly across directories, possibly replacing what the target named.

use crate::path::Last;
use crate::tree::{owned_name, Body, Entry, MemFs};
use crate::Ino;
use proto::file::FileKind;
use proto::Errno;

impl MemFs {
    /// Renames `from` to `to` (`rename(2)`), replacing a file or an empty directory at `to`.
    ///
    /// Errors, checked in this order (as Linux): a bad path; a missing or
    /// non-directory parent (`ENOENT`, `ENOTDIR`); `/`, `.` or `..` as either
    /// last component (`EBUSY`); either parent read-only (`EROFS`: nothing
    /// moves into or out of a mount); no `from` (`ENOENT`); `from` the top
    /// of a mount (`EBUSY`); a trailing `/` on a
    /// non-directory (`ENOTDIR`); a directory moved into its own subtree
    /// (`EINVAL`); `to` an ancestor of `from` (`ENOTEMPTY`); a directory
    /// over a file (`ENOTDIR`), a file over a directory (`EISDIR`), or over
    /// a non-empty directory (`ENOTEMPTY`); `to` the top of a mount
    /// (`EBUSY`) is checked just before those three. Renaming a name onto
    /// itself changes nothing. A replaced inode goes as with `unlink`.
    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), Errno> {
        let (from_dir, from_parsed) = self.parent_of(from)?;
        let (to_dir, to_parsed) = self.parent_of(to)?;
        let (Last::Name(from_name), Last::Name(to_name)) = (from_parsed.last, to_parsed.last)
        else {
            return Err(Errno::Busy);
        };
        self.check_writable(from_dir)?;
        self.check_writable(to_dir)?;
        let from_at = self
            .find(from_dir, from_name)?
            .map_err(|_| Errno::NoEntry)?;
        let moved = self.entry_ino(from_dir, from_at)?;
        if self.is_mount_root(from_dir, moved)? {
            return Err(Errno::Busy);
        }
        let moved_kind = self.node(moved)?.kind();
        let trailing = from_parsed.trailing_slash || to_parsed.trailing_slash;
        if trailing && moved_kind != FileKind::Dir {
            return Err(Errno::NotDir);
        }
        if moved_kind == FileKind::Dir && self.is_within(to_dir, moved)? {
            return Err(Errno::Invalid);
        }
        let to_slot = self.find(to_dir, to_name)?;
        if let Ok(to_at) = to_slot {
            let old = self.entry_ino(to_dir, to_at)?;
            if old == moved {
                return Ok(());
            }
            if self.is_mount_root(to_dir, old)? {
                return Err(Errno::Busy);
            }
            self.check_replace(from_dir, moved_kind, old)?;
        }
        // Everything that can fail (the new name, room in the target) happens before any change.
        let new_name = match to_slot {
            Ok(_) => None,
            Err(_) => {
                let name = owned_name(to_name)?;
                self.entries_mut(to_dir)?
                    .try_reserve(1)
                    .map_err(|_| Errno::NoMemory)?;
                Some(name)
            }
        };
        let entry = self.entries_mut(from_dir)?.remove(from_at);
        let replaced = match new_name {
            None => {
                // Same directory: the removal may have shifted the target's index by one.
                let at = self.find(to_dir, to_name)?.map_err(|_| Errno::NoEntry)?;
                let target = self.entries_mut(to_dir)?;
                let slot = target.get_mut(at).ok_or(Errno::NoEntry)?;
                Some(core::mem::replace(&mut slot.ino, entry.ino))
            }
            Some(name) => {
                let at = self.find(to_dir, to_name)?.err().ok_or(Errno::Exists)?;
                let target = self.entries_mut(to_dir)?;
                target.insert(at, Entry { name, ino: moved });
                None
            }
        };
        let now = self.now_ns;
        let node = self.node_mut(moved)?;
        node.ctime_ns = now;
        if let Body::Dir { parent, .. } = &mut node.body {
            *parent = to_dir;
        }
        self.touch_dir(from_dir);
        self.touch_dir(to_dir);
        if let Some(old) = replaced {
            self.drop_link(old);
        }
        Ok(())
    }

    /// Whether an inode of `moved_kind` from directory `from_dir` may replace `old`.
    fn check_replace(&self, from_dir: Ino, moved_kind: FileKind, old: Ino) -> Result<(), Errno> {
        let old_node = self.node(old)?;
        match (moved_kind, old_node.kind()) {
            // `old` is an ancestor of the moved inode: Linux's "target is an ancestor" trap.
            (_, FileKind::Dir) if self.is_within(from_dir, old)? => Err(Errno::NotEmpty),
            (FileKind::Dir, FileKind::Dir) => match &old_node.body {
                Body::Dir { entries, .. } if !entries.is_empty() => Err(Errno::NotEmpty),
                _ => Ok(()),
            },
            (FileKind::Dir, _) => Err(Errno::NotDir),
            (_, FileKind::Dir) => Err(Errno::IsDir),
            _ => Ok(()),
        }
    }

    /// Whether linked directory `dir` is `ancestor` or below it, following parents up to `/`.
    pub(crate) fn is_within(&self, dir: Ino, ancestor: Ino) -> Result<bool, Errno> {
        let mut at = dir;
        // Bounded by the arena: a cycle would be a broken invariant, not a hang.
        for _ in 0..=self.slots.len() {
            if at == ancestor {
                return Ok(true);
            }
            if at == Ino::ROOT {
                return Ok(false);
            }
            at = self.dir(at)?.1;
        }
        debug_assert!(false, "parent chain of {dir:?} does not reach the root");
        Err(Errno::Io)
    }
}
