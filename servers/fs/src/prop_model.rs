//! The property test's model: files as a map from path to bytes, directories as a set of paths.

use crate::{Errno, FileKind, Limits};
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The model: file contents by path, and the set of directories (with `/`).
pub(crate) struct Model {
    pub(crate) files: BTreeMap<String, Vec<u8>>,
    pub(crate) dirs: BTreeSet<String>,
    limits: Limits,
}

/// The directory holding `path` (`/` for a top-level name).
pub(crate) fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// Whether `path` is strictly below `dir`.
fn is_below(path: &str, dir: &str) -> bool {
    dir == "/" && path != "/" || path.starts_with(dir) && path[dir.len()..].starts_with('/')
}

impl Model {
    pub(crate) fn new(limits: Limits) -> Model {
        let mut dirs = BTreeSet::new();
        dirs.insert(String::from("/"));
        Model {
            files: BTreeMap::new(),
            dirs,
            limits,
        }
    }

    pub(crate) fn exists(&self, path: &str) -> bool {
        self.files.contains_key(path) || self.dirs.contains(path)
    }

    pub(crate) fn has_children(&self, dir: &str) -> bool {
        let below = |p: &String| is_below(p, dir);
        self.files.keys().any(below) || self.dirs.iter().any(below)
    }

    /// Walks the directories holding `path`: `ENOTDIR` through a file, `ENOENT` if missing.
    pub(crate) fn walk_parent(&self, path: &str) -> Result<(), Errno> {
        let mut prefix = String::new();
        let parts: Vec<&str> = path.split('/').filter(|c| !c.is_empty()).collect();
        for part in &parts[..parts.len().saturating_sub(1)] {
            prefix = format!("{prefix}/{part}");
            if self.files.contains_key(&prefix) {
                return Err(Errno::NotDir);
            }
            if !self.dirs.contains(&prefix) {
                return Err(Errno::NoEntry);
            }
        }
        Ok(())
    }

    pub(crate) fn lookup(&self, path: &str) -> Result<FileKind, Errno> {
        self.walk_parent(path)?;
        if self.dirs.contains(path) {
            Ok(FileKind::Dir)
        } else if self.files.contains_key(path) {
            Ok(FileKind::File)
        } else {
            Err(Errno::NoEntry)
        }
    }

    pub(crate) fn make(&mut self, path: &str, dir: bool) -> Result<(), Errno> {
        self.walk_parent(path)?;
        if self.exists(path) {
            return Err(Errno::Exists);
        }
        if self.dirs.len() + self.files.len() >= self.limits.max_inodes {
            return Err(Errno::NoSpace);
        }
        if dir {
            self.dirs.insert(String::from(path));
        } else {
            self.files.insert(String::from(path), Vec::new());
        }
        Ok(())
    }

    pub(crate) fn unlink(&mut self, path: &str) -> Result<(), Errno> {
        self.walk_parent(path)?;
        if self.dirs.contains(path) {
            return Err(Errno::IsDir);
        }
        self.files.remove(path).map(|_| ()).ok_or(Errno::NoEntry)
    }

    pub(crate) fn rmdir(&mut self, path: &str) -> Result<(), Errno> {
        if path == "/" {
            return Err(Errno::Busy);
        }
        self.walk_parent(path)?;
        if self.files.contains_key(path) {
            return Err(Errno::NotDir);
        }
        if !self.dirs.contains(path) {
            return Err(Errno::NoEntry);
        }
        if self.has_children(path) {
            return Err(Errno::NotEmpty);
        }
        self.dirs.remove(path);
        Ok(())
    }

    pub(crate) fn used_bytes(&self) -> u64 {
        self.files.values().map(|d| d.len() as u64).sum()
    }

    /// The file at `path` after the checks `lookup` and `EISDIR` make.
    pub(crate) fn file(&mut self, path: &str) -> Result<&mut Vec<u8>, Errno> {
        if self.lookup(path)? == FileKind::Dir {
            return Err(Errno::IsDir);
        }
        self.files.get_mut(path).ok_or(Errno::NoEntry)
    }

    pub(crate) fn resize_ok(&self, old_len: usize, new_len: usize) -> Result<(), Errno> {
        if new_len > old_len {
            if new_len as u64 > self.limits.max_file_bytes {
                return Err(Errno::FileTooBig);
            }
            if self.used_bytes() + (new_len - old_len) as u64 > self.limits.max_bytes {
                return Err(Errno::NoSpace);
            }
        }
        Ok(())
    }

    pub(crate) fn write(&mut self, path: &str, offset: usize, data: &[u8]) -> Result<usize, Errno> {
        let old_len = self.file(path)?.len();
        if data.is_empty() {
            return Ok(0);
        }
        let new_len = old_len.max(offset + data.len());
        self.resize_ok(old_len, new_len)?;
        let file = self.file(path)?;
        file.resize(new_len, 0);
        file[offset..offset + data.len()].copy_from_slice(data);
        Ok(data.len())
    }

    pub(crate) fn truncate(&mut self, path: &str, len: usize) -> Result<(), Errno> {
        let old_len = self.file(path)?.len();
        self.resize_ok(old_len, len)?;
        self.file(path)?.resize(len, 0);
        Ok(())
    }

    pub(crate) fn rename(&mut self, from: &str, to: &str) -> Result<(), Errno> {
        self.walk_parent(from)?;
        self.walk_parent(to)?;
        let from_dir = match self.lookup(from) {
            Ok(kind) => kind == FileKind::Dir,
            Err(_) => return Err(Errno::NoEntry),
        };
        if from_dir && is_below(to, from) {
            return Err(Errno::Invalid);
        }
        if self.exists(to) {
            if to == from {
                return Ok(());
            }
            let to_dir = self.dirs.contains(to);
            if is_below(from, to) {
                return Err(Errno::NotEmpty);
            }
            match (from_dir, to_dir) {
                (true, false) => return Err(Errno::NotDir),
                (false, true) => return Err(Errno::IsDir),
                (true, true) if self.has_children(to) => return Err(Errno::NotEmpty),
                _ => {}
            }
            self.files.remove(to);
            self.dirs.remove(to);
        }
        let moved = |p: &String| p == from || is_below(p, from);
        let renamed = |p: &String| format!("{to}{}", &p[from.len()..]);
        let files: Vec<String> = self.files.keys().filter(|p| moved(p)).cloned().collect();
        for p in files {
            let data = self.files.remove(&p).unwrap_or_default();
            self.files.insert(renamed(&p), data);
        }
        let dirs: Vec<String> = self.dirs.iter().filter(|p| moved(p)).cloned().collect();
        for p in dirs {
            self.dirs.remove(&p);
            self.dirs.insert(renamed(&p));
        }
        Ok(())
    }

    /// `(name, kind)` of each entry of `dir`, in name order.
    pub(crate) fn list(&self, dir: &str) -> Vec<(String, FileKind)> {
        let child = |p: &String| p != "/" && parent(p) == dir;
        let name = |p: &String| String::from(&p[p.rfind('/').unwrap() + 1..]);
        let mut out: Vec<(String, FileKind)> = self
            .files
            .keys()
            .filter(|p| child(p))
            .map(|p| (name(p), FileKind::File))
            .collect();
        out.extend(
            self.dirs
                .iter()
                .filter(|p| child(p))
                .map(|p| (name(p), FileKind::Dir)),
        );
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}
