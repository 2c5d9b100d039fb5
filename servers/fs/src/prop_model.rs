//! The property test's model: files as a map from path to bytes, directories as a set of paths, read-only mounts as path prefixes.

use crate::{Errno, FileKind, Limits};
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The model: file contents by path, the set of directories (with `/`), and the tops of read-only mounts.
pub(crate) struct Model {
    pub(crate) files: BTreeMap<String, Vec<u8>>,
    pub(crate) dirs: BTreeSet<String>,
    /// Each is a directory in `dirs`; it and everything below it is read-only.
    pub(crate) mounts: Vec<String>,
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
pub(crate) fn is_below(path: &str, dir: &str) -> bool {
    dir == "/" && path != "/" || path.starts_with(dir) && path[dir.len()..].starts_with('/')
}

impl Model {
    pub(crate) fn new(limits: Limits) -> Model {
        let mut dirs = BTreeSet::new();
        dirs.insert(String::from("/"));
        Model {
            files: BTreeMap::new(),
            dirs,
            mounts: Vec::new(),
            limits,
        }
    }

    /// Adds a read-only mount at `at` holding `files` (paths relative to it) and the directories they imply.
    pub(crate) fn mount(&mut self, at: &str, files: &[(&str, &[u8])]) {
        self.dirs.insert(String::from(at));
        for (name, data) in files {
            let mut prefix = String::from(at);
            let parts: Vec<&str> = name.split('/').collect();
            for part in &parts[..parts.len() - 1] {
                prefix = format!("{prefix}/{part}");
                self.dirs.insert(prefix.clone());
            }
            self.files.insert(format!("{at}/{name}"), data.to_vec());
        }
        self.mounts.push(String::from(at));
    }

    /// Whether `path` is in a read-only mount (its top included).
    pub(crate) fn is_read_only(&self, path: &str) -> bool {
        self.mounts.iter().any(|m| path == m || is_below(path, m))
    }

    /// `EROFS` if the directory holding `path` is read-only.
    fn check_parent_writable(&self, path: &str) -> Result<(), Errno> {
        if self.is_read_only(parent(path)) {
            Err(Errno::ReadOnly)
        } else {
            Ok(())
        }
    }

    /// Files and directories outside the mounts (what counts against `max_inodes`, the root included).
    pub(crate) fn writable_inodes(&self) -> usize {
        let paths = self.files.keys().chain(self.dirs.iter());
        paths.filter(|p| !self.is_read_only(p)).count()
    }

    /// Files and directories of the mounts, their tops included.
    pub(crate) fn mounted_inodes(&self) -> usize {
        self.files.len() + self.dirs.len() - self.writable_inodes()
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
        self.check_parent_writable(path)?;
        if self.writable_inodes() >= self.limits.max_inodes {
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
        self.check_parent_writable(path)?;
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
        self.check_parent_writable(path)?;
        if self.files.contains_key(path) {
            return Err(Errno::NotDir);
        }
        if !self.dirs.contains(path) {
            return Err(Errno::NoEntry);
        }
        if self.mounts.iter().any(|m| m == path) {
            return Err(Errno::Busy);
        }
        if self.has_children(path) {
            return Err(Errno::NotEmpty);
        }
        self.dirs.remove(path);
        Ok(())
    }

    /// Bytes of the files outside the mounts.
    pub(crate) fn used_bytes(&self) -> u64 {
        let files = self.files.iter().filter(|(p, _)| !self.is_read_only(p));
        files.map(|(_, d)| d.len() as u64).sum()
    }

    /// The file at `path` for reading, after the checks `lookup` and `EISDIR` make.
    pub(crate) fn file_ref(&self, path: &str) -> Result<&Vec<u8>, Errno> {
        if self.lookup(path)? == FileKind::Dir {
            return Err(Errno::IsDir);
        }
        self.files.get(path).ok_or(Errno::NoEntry)
    }

    /// The file at `path` for changing: as `file_ref`, then `EROFS` in a mount.
    pub(crate) fn file(&mut self, path: &str) -> Result<&mut Vec<u8>, Errno> {
        self.file_ref(path)?;
        if self.is_read_only(path) {
            return Err(Errno::ReadOnly);
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
        self.check_parent_writable(from)?;
        self.check_parent_writable(to)?;
        let from_dir = match self.lookup(from) {
            Ok(kind) => kind == FileKind::Dir,
            Err(_) => return Err(Errno::NoEntry),
        };
        let is_mount = |p: &str| self.mounts.iter().any(|m| m == p);
        if is_mount(from) {
            return Err(Errno::Busy);
        }
        if from_dir && is_below(to, from) {
            return Err(Errno::Invalid);
        }
        if self.exists(to) {
            if to == from {
                return Ok(());
            }
            if is_mount(to) {
                return Err(Errno::Busy);
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
