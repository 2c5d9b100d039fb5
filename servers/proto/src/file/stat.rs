//! `Stat`: what the file protocol's `stat` reports, and its 48-byte wire form.

use super::{FileKind, MAX_MODE, STAT_BYTES};
use crate::{DecodeError, Errno};

/// What `Stat` returns about an open file: `struct stat`, trimmed.
///
/// Encoded in [`STAT_BYTES`] little-endian bytes:
///
/// | offset | field        | type |
/// |--------|--------------|------|
/// | 0      | `kind`       | u8 ([`FileKind`]); bytes 1..4 are zero |
/// | 4      | `mode`       | u32 (at most [`MAX_MODE`]) |
/// | 8      | `major`      | u32 |
/// | 12     | `minor`      | u32 |
/// | 16     | `size_bytes` | u64 |
/// | 24     | `atime_ns`   | u64 |
/// | 32     | `mtime_ns`   | u64 |
/// | 40     | `ctime_ns`   | u64 |
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Stat {
    /// File, directory or device.
    pub kind: FileKind,
    /// Permission bits (`0o644`), at most [`MAX_MODE`].
    pub mode: u32,
    /// A device's major number (see [`crate::devreg`]), Linux's `major(st_rdev)`; 0 for files and directories.
    pub major: u32,
    /// A device's minor number, `minor(st_rdev)`; 0 for files and directories.
    pub minor: u32,
    /// Bytes in a file; 0 for a character device.
    pub size_bytes: u64,
    /// Last access, in ns of the server's clock (since boot: a Pi has no RTC); 0 if unknown.
    pub atime_ns: u64,
    /// Last change of the contents, same clock.
    pub mtime_ns: u64,
    /// Last change of the metadata, same clock.
    pub ctime_ns: u64,
}

impl Stat {
    /// The encoded bytes (see the table above).
    pub fn to_bytes(&self) -> [u8; STAT_BYTES] {
        let mut out = [0u8; STAT_BYTES];
        out[0] = self.kind as u8;
        out[4..8].copy_from_slice(&self.mode.to_le_bytes());
        out[8..12].copy_from_slice(&self.major.to_le_bytes());
        out[12..16].copy_from_slice(&self.minor.to_le_bytes());
        let times = [self.size_bytes, self.atime_ns, self.mtime_ns, self.ctime_ns];
        for (chunk, value) in out[16..].chunks_exact_mut(8).zip(times) {
            chunk.copy_from_slice(&value.to_le_bytes());
        }
        out
    }

    /// Decodes exactly [`STAT_BYTES`] bytes, checking kind, padding and mode.
    pub fn from_bytes(bytes: &[u8]) -> Result<Stat, DecodeError> {
        let b: &[u8; STAT_BYTES] = bytes.try_into().map_err(|_| DecodeError::BadBytes)?;
        let kind = FileKind::from_raw(b[0]).ok_or(DecodeError::BadBytes)?;
        let u32_at = |at: usize| u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
        let u64_at = |at: usize| u64::from(u32_at(at)) | (u64::from(u32_at(at + 4)) << 32);
        let mode = u32_at(4);
        if b[1..4] != [0, 0, 0] || mode > MAX_MODE {
            return Err(DecodeError::BadBytes);
        }
        Ok(Stat {
            kind,
            mode,
            major: u32_at(8),
            minor: u32_at(12),
            size_bytes: u64_at(16),
            atime_ns: u64_at(24),
            mtime_ns: u64_at(32),
            ctime_ns: u64_at(40),
        })
    }

    /// Checks the fields encoding relies on (`EINVAL` for a mode above [`MAX_MODE`]).
    pub(crate) fn check(&self) -> Result<(), Errno> {
        if self.mode > MAX_MODE {
            Err(Errno::Invalid)
        } else {
            Ok(())
        }
    }
}
