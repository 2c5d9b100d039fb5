//! `/dev` as the file server shows it: names from the device registry, their stat, their entry numbers, their open rules.

use proto::devreg::DevKind;
use proto::file::{FileKind, OpenFlags, Stat};
use proto::Errno;

/// Permissions a device node shows (`crw-rw----`): reported, never checked.
pub const DEVICE_MODE: u32 = 0o660;

/// Set in the inode number of every device entry, so none equals a [`crate::Ino`] (whose
/// generation would need 2^31 reuses of one slot to reach it).
const DEVICE_INO_BIT: u64 = 1 << 63;

/// A path that ends in a device directory: the device's name, and whether more path followed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DevicePath<'p> {
    /// The component after the device directory (any text: the registry decides if it names a device).
    pub name: &'p str,
    /// More components, or a trailing `/`, followed the name: only a directory would do.
    pub must_be_dir: bool,
}

impl DevicePath<'_> {
    /// What an `Open` with `flags` gets, given whether the registry knows the name: `Ok` to open it.
    ///
    /// Unknown: `ENOENT`, or `EROFS` under `CREATE` (nobody makes device
    /// nodes by opening them; `/dev` is read-only, as `mkdir` and `unlink`
    /// there say too). Known: `ENOTDIR` if a directory was asked for (more
    /// path, a trailing `/`, or `DIRECTORY`), else `Ok`; `TRUNCATE` means
    /// nothing to a device and is ignored, as Linux does.
    pub fn open_check(&self, registered: bool, flags: OpenFlags) -> Result<(), Errno> {
        if !registered {
            if flags.contains(OpenFlags::CREATE) && !self.must_be_dir {
                return Err(Errno::ReadOnly);
            }
            return Err(Errno::NoEntry);
        }
        if self.must_be_dir || flags.contains(OpenFlags::DIRECTORY) {
            return Err(Errno::NotDir);
        }
        Ok(())
    }
}

/// The file kind a registry device shows as.
pub const fn device_kind(kind: DevKind) -> FileKind {
    match kind {
        DevKind::Char => FileKind::CharDev,
        DevKind::Block => FileKind::BlockDev,
    }
}

/// What `stat` of `/dev/NAME` says: a device node with the registry's numbers (its `st_rdev`).
pub fn device_stat(kind: DevKind, major: u32, minor: u32) -> Stat {
    Stat {
        kind: device_kind(kind),
        mode: DEVICE_MODE,
        major,
        minor,
        size_bytes: 0,
        atime_ns: 0,
        mtime_ns: 0,
        ctime_ns: 0,
    }
}

/// The inode number `readdir` of `/dev` gives a device: from its numbers, never a [`crate::Ino`]'s.
pub const fn device_ino(major: u32, minor: u32) -> u64 {
    DEVICE_INO_BIT | (major as u64) << 32 | minor as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Ino;

    const R: OpenFlags = OpenFlags::READ;

    #[test]
    fn open_rules() {
        let plain = DevicePath {
            name: "gpiochip0",
            must_be_dir: false,
        };
        let deeper = DevicePath {
            must_be_dir: true,
            ..plain
        };
        assert_eq!(plain.open_check(true, R | OpenFlags::WRITE), Ok(()));
        assert_eq!(plain.open_check(true, R | OpenFlags::TRUNCATE), Ok(()));
        assert_eq!(plain.open_check(true, R | OpenFlags::CREATE), Ok(()));
        assert_eq!(plain.open_check(false, R), Err(Errno::NoEntry));
        assert_eq!(
            plain.open_check(false, R | OpenFlags::CREATE),
            Err(Errno::ReadOnly)
        );
        assert_eq!(
            plain.open_check(true, R | OpenFlags::DIRECTORY),
            Err(Errno::NotDir)
        );
        assert_eq!(deeper.open_check(true, R), Err(Errno::NotDir));
        assert_eq!(deeper.open_check(false, R), Err(Errno::NoEntry));
        assert_eq!(
            deeper.open_check(false, R | OpenFlags::CREATE),
            Err(Errno::NoEntry)
        );
    }

    #[test]
    fn stat_and_numbers() {
        let st = device_stat(DevKind::Char, 254, 0);
        assert_eq!(
            (st.kind, st.major, st.minor, st.mode, st.size_bytes),
            (FileKind::CharDev, 254, 0, DEVICE_MODE, 0)
        );
        assert_eq!(device_stat(DevKind::Block, 179, 1).kind, FileKind::BlockDev);
        let a = device_ino(4, 64);
        assert_ne!(a, device_ino(4, 65));
        assert_ne!(a, device_ino(5, 64));
        assert_ne!(a, Ino::ROOT.raw());
        assert_eq!(a, 1 << 63 | 4 << 32 | 64);
    }
}
