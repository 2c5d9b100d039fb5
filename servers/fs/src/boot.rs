//! What the file server does at start in either build: limits from its parameters, and the boot archive mounted read-only at `/boot`.

use crate::{Limits, MemFs, Mounted, StaticFile};
use alloc::format;
use alloc::string::String;

/// `max_kib` when not given: 16 MiB of file contents.
pub const DEFAULT_MAX_KIB: u64 = 16 * 1024;
/// `max_files` when not given.
pub const DEFAULT_MAX_FILES: u64 = 4096;

/// The limits for `max_kib` KiB of file contents (one file may fill them) and `max_files` inodes.
pub fn limits(max_kib: u64, max_files: u64) -> Limits {
    let max_bytes = max_kib.saturating_mul(1024);
    Limits {
        max_bytes,
        max_inodes: usize::try_from(max_files).unwrap_or(usize::MAX),
        max_file_bytes: max_bytes,
    }
}

/// Mounts the cpio (newc) archive `bytes` read-only at `/boot`, served in place;
/// the log line to print, or why not.
pub fn mount_archive(fs: &mut MemFs, bytes: &'static [u8]) -> Result<(Mounted, String), String> {
    let archive = newc::Archive::new(bytes)
        .map_err(|e| format!("the boot archive is malformed ({e}): running without /boot"))?;
    let files = archive.iter().map(|e| StaticFile {
        name: e.name,
        data: e.data,
        mode: e.mode,
    });
    let m = fs
        .mount_static("/boot", files)
        .map_err(|e| format!("cannot mount /boot: {e}"))?;
    let line = format!(
        "/boot: the boot archive, read-only ({} files, {} bytes, {} skipped)",
        m.files, m.bytes, m.skipped
    );
    Ok((m, line))
}
