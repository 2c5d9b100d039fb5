//! File contents and metadata: read, write, truncate, stat, pins and the clock.

use crate::limits::MAX_OFFSET;
use crate::tree::{Body, MemFs};
use crate::Ino;
use alloc::vec::Vec;
use proto::file::Stat;
use proto::Errno;

impl MemFs {
    /// Sets the clock (ns since boot) that stamps every later change; the server sets it per request.
    pub fn set_clock(&mut self, now_ns: u64) {
        self.now_ns = now_ns;
    }

    /// The clock as last set (0 at first).
    pub fn now_ns(&self) -> u64 {
        self.now_ns
    }

    /// Reads from `offset` into `buf` (`pread`): the bytes read, 0 at or past the end; stamps `atime`.
    ///
    /// `EISDIR` for a directory, `EINVAL` for an offset above `i64::MAX`, `ENOENT` for a stale `ino`.
    pub fn read(&mut self, ino: Ino, offset: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        let src = self.read_ref(ino, offset, buf.len())?;
        let n = src.len();
        if let Some(dst) = buf.get_mut(..n) {
            dst.copy_from_slice(src);
        }
        Ok(n)
    }

    /// The bytes a `read` of at most `max_len` from `offset` would copy, borrowed where they live.
    ///
    /// A server encodes them straight into its reply: for a `Static` file,
    /// straight from the boot archive's mapping. Stamps `atime` (not on a
    /// read-only mount, as Linux does not); errors as [`read`](Self::read).
    pub fn read_ref(&mut self, ino: Ino, offset: u64, max_len: usize) -> Result<&[u8], Errno> {
        if offset > MAX_OFFSET {
            return Err(Errno::Invalid);
        }
        let now = self.now_ns;
        let node = self.node_mut(ino)?;
        if !node.read_only {
            node.atime_ns = now;
        }
        let data: &[u8] = match &node.body {
            Body::File(data) => data,
            Body::Static(data) => data,
            Body::Dir { .. } => return Err(Errno::IsDir),
        };
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(data.len());
        let tail = data.get(start..).unwrap_or(&[]);
        Ok(tail.get(..max_len).unwrap_or(tail))
    }

    /// Writes all of `data` at `offset` (`pwrite`), filling any gap past the end with zeros: `data.len()`.
    ///
    /// All or nothing: `EFBIG` if the end would pass the file limit,
    /// `ENOSPC` if the growth would pass the byte budget, `ENOMEM` if memory
    /// runs out, each leaving the file as it was. An empty write changes
    /// nothing. `EROFS` for a read-only file (even an empty write), `EISDIR`,
    /// `EINVAL` (offset above `i64::MAX`), `ENOENT` as `read`.
    pub fn write(&mut self, ino: Ino, offset: u64, data: &[u8]) -> Result<usize, Errno> {
        if offset > MAX_OFFSET {
            return Err(Errno::Invalid);
        }
        let old_len = self.file_len(ino)?;
        self.check_writable(ino)?;
        if data.is_empty() {
            return Ok(0);
        }
        let end = offset
            .checked_add(data.len() as u64)
            .ok_or(Errno::FileTooBig)?;
        let new_len = old_len.max(end);
        self.check_resize(old_len, new_len)?;
        let contents = self.contents_mut(ino)?;
        grow(contents, new_len)?;
        let start = usize::try_from(offset).map_err(|_| Errno::FileTooBig)?;
        let dst = contents
            .get_mut(start..start + data.len())
            .ok_or(Errno::FileTooBig)?;
        dst.copy_from_slice(data);
        self.account_resize(old_len, new_len);
        self.stamp_change(ino);
        Ok(data.len())
    }

    /// Sets a file's length (`ftruncate`): cuts, or extends with zeros; stamps if the size changes.
    ///
    /// `EINVAL` above `i64::MAX`, `EFBIG`, `ENOSPC`, `ENOMEM` (nothing
    /// changed), `EISDIR`, `EROFS` (a read-only file, even at its size), `ENOENT`.
    pub fn truncate(&mut self, ino: Ino, len_bytes: u64) -> Result<(), Errno> {
        if len_bytes > MAX_OFFSET {
            return Err(Errno::Invalid);
        }
        let old_len = self.file_len(ino)?;
        self.check_writable(ino)?;
        if len_bytes == old_len {
            return Ok(());
        }
        self.check_resize(old_len, len_bytes)?;
        let contents = self.contents_mut(ino)?;
        if len_bytes > old_len {
            grow(contents, len_bytes)?;
        } else {
            let keep = usize::try_from(len_bytes).map_err(|_| Errno::Invalid)?;
            contents.truncate(keep);
            // Give memory back when most of it is no longer used.
            if contents.capacity() / 2 > keep {
                contents.shrink_to(keep);
            }
        }
        self.account_resize(old_len, len_bytes);
        self.stamp_change(ino);
        Ok(())
    }

    /// What `fstat` reports: kind, mode, size (0 for a directory) and times; major and minor are 0.
    pub fn stat(&self, ino: Ino) -> Result<Stat, Errno> {
        let node = self.node(ino)?;
        let size_bytes = match &node.body {
            Body::File(data) => data.len() as u64,
            Body::Static(data) => data.len() as u64,
            Body::Dir { .. } => 0,
        };
        Ok(Stat {
            kind: node.kind(),
            mode: node.mode,
            major: 0,
            minor: 0,
            size_bytes,
            atime_ns: node.atime_ns,
            mtime_ns: node.mtime_ns,
            ctime_ns: node.ctime_ns,
        })
    }

    /// Takes a reference for an open file: `ino` stays (data and all) until a matching `unpin`.
    ///
    /// `ENOENT` for a stale `ino`; `EMFILE` if its count would overflow.
    pub fn pin(&mut self, ino: Ino) -> Result<(), Errno> {
        let node = self.node_mut(ino)?;
        node.pins = node.pins.checked_add(1).ok_or(Errno::TooManyOpen)?;
        Ok(())
    }

    /// Drops a reference taken by `pin`; an unlinked inode goes with its last pin (`EINVAL` if unpinned).
    pub fn unpin(&mut self, ino: Ino) -> Result<(), Errno> {
        let node = self.node_mut(ino)?;
        node.pins = node.pins.checked_sub(1).ok_or(Errno::Invalid)?;
        if node.pins == 0 && !node.linked {
            self.free_inode(ino);
        }
        Ok(())
    }

    /// The pins on `ino` now.
    pub fn pins(&self, ino: Ino) -> Result<u32, Errno> {
        Ok(self.node(ino)?.pins)
    }

    /// Whether a directory names `ino` (false once unlinked, while pins keep it).
    pub fn is_linked(&self, ino: Ino) -> Result<bool, Errno> {
        Ok(self.node(ino)?.linked)
    }

    /// Whether `ino` is part of a read-only mount (its files, directories and top).
    pub fn is_read_only(&self, ino: Ino) -> Result<bool, Errno> {
        Ok(self.node(ino)?.read_only)
    }

    /// A file's length (`EISDIR` for a directory).
    fn file_len(&self, ino: Ino) -> Result<u64, Errno> {
        match &self.node(ino)?.body {
            Body::File(data) => Ok(data.len() as u64),
            Body::Static(data) => Ok(data.len() as u64),
            Body::Dir { .. } => Err(Errno::IsDir),
        }
    }

    /// A file's bytes, mutable (`EISDIR` for a directory, `EROFS` for a static file).
    fn contents_mut(&mut self, ino: Ino) -> Result<&mut Vec<u8>, Errno> {
        match &mut self.node_mut(ino)?.body {
            Body::File(data) => Ok(data),
            Body::Static(_) => Err(Errno::ReadOnly),
            Body::Dir { .. } => Err(Errno::IsDir),
        }
    }

    /// Stamps `mtime` and `ctime` of a file whose contents changed.
    fn stamp_change(&mut self, ino: Ino) {
        let now = self.now_ns;
        if let Ok(node) = self.node_mut(ino) {
            node.mtime_ns = now;
            node.ctime_ns = now;
        }
    }
}

/// Extends `contents` with zeros to `new_len` bytes, or `ENOMEM` leaving it as it was.
fn grow(contents: &mut Vec<u8>, new_len: u64) -> Result<(), Errno> {
    let new_len = usize::try_from(new_len).map_err(|_| Errno::FileTooBig)?;
    let more = new_len.saturating_sub(contents.len());
    contents.try_reserve(more).map_err(|_| Errno::NoMemory)?;
    contents.resize(new_len, 0);
    Ok(())
}
