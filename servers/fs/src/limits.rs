//! `Limits` and `Usage`: the byte and inode budgets of a `MemFs`, and the checks that enforce them.

use crate::tree::MemFs;
use proto::Errno;

/// Highest file size or offset: Linux's `loff_t` is signed.
pub(crate) const MAX_OFFSET: u64 = i64::MAX as u64;

/// The budgets a `MemFs` is made with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Total bytes of all file contents (linked or pinned); past it, `ENOSPC`.
    pub max_bytes: u64,
    /// Inodes at once, the root included; past it, `ENOSPC`. At least 1 is kept.
    pub max_inodes: usize,
    /// Bytes of one file; growing past it is `EFBIG`. At most `i64::MAX` is kept.
    pub max_file_bytes: u64,
}

/// What a `MemFs` holds now, counted against its [`Limits`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Usage {
    /// Bytes of file contents (lengths, not allocation capacity).
    pub bytes: u64,
    /// Live writable inodes: the root, every linked inode and every unlinked one still pinned.
    pub inodes: usize,
    /// Live inodes of read-only mounts (not counted against `max_inodes`).
    pub mounted_inodes: usize,
}

impl Limits {
    /// These limits with the ranges `MemFs` relies on: `max_inodes >= 1`, `max_file_bytes <= i64::MAX`.
    pub(crate) fn clamped(self) -> Limits {
        Limits {
            max_bytes: self.max_bytes,
            max_inodes: self.max_inodes.max(1),
            max_file_bytes: self.max_file_bytes.min(MAX_OFFSET),
        }
    }
}

impl MemFs {
    /// The limits in force (as clamped at construction).
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Bytes and inodes in use now.
    pub fn usage(&self) -> Usage {
        Usage {
            bytes: self.used_bytes,
            inodes: self.used_inodes,
            mounted_inodes: self.mounted_inodes,
        }
    }

    /// Whether one more inode fits (`ENOSPC` otherwise).
    pub(crate) fn check_inode_room(&self) -> Result<(), Errno> {
        if self.used_inodes >= self.limits.max_inodes {
            Err(Errno::NoSpace)
        } else {
            Ok(())
        }
    }

    /// Whether a file may go from `old_len` to `new_len` bytes: `EFBIG` past the file limit, `ENOSPC` past the budget.
    pub(crate) fn check_resize(&self, old_len: u64, new_len: u64) -> Result<(), Errno> {
        if new_len <= old_len {
            return Ok(());
        }
        if new_len > self.limits.max_file_bytes {
            return Err(Errno::FileTooBig);
        }
        let grown = self.used_bytes.checked_add(new_len - old_len);
        match grown {
            Some(total) if total <= self.limits.max_bytes => Ok(()),
            _ => Err(Errno::NoSpace),
        }
    }

    /// Accounts a file's change from `old_len` to `new_len` bytes (already checked).
    pub(crate) fn account_resize(&mut self, old_len: u64, new_len: u64) {
        self.used_bytes = self.used_bytes - old_len + new_len;
        debug_assert!(self.used_bytes <= self.limits.max_bytes || new_len <= old_len);
    }
}
