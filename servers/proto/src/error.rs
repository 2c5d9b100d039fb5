//! `Errno`: why a protocol operation failed, numbered and named like Linux's errno.

/// Why an operation failed: the label of an error reply.
///
/// The numbers are Linux's (`asm-generic/errno-base.h`, `errno.h`), so a
/// reader who knows `ENOENT` is 2 there knows it here. Every number is below
/// `0x100`, so an error label never collides with an operation's label.
///
/// Stored as a u64 although every code fits in 16 bits: a `Result<T, Errno>`
/// then keeps its payload 8-byte aligned, and moving one is word copies. As
/// `u16`, the target (strict alignment) moved such results with byte-wise
/// `memcpy` calls, about 300 instructions per file request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u64)]
pub enum Errno {
    /// `EPERM`: the caller is not the one allowed to do this (e.g. not the owner).
    NotPermitted = 1,
    /// `ENOENT`: no file, directory or device has that name.
    NoEntry = 2,
    /// `ESRCH`: no task has that id.
    NoSuchTask = 3,
    /// `EIO`: the device or the server failed.
    Io = 5,
    /// `ENXIO`: the device exists but is not there (unplugged, not probed).
    NoDeviceOrAddress = 6,
    /// `E2BIG`: data or a length exceeds what one message carries.
    TooBig = 7,
    /// `EBADF`: the fd is not open, is stale, or belongs to another client.
    BadFd = 9,
    /// `EAGAIN`: nothing to do now, and the fd is nonblocking.
    WouldBlock = 11,
    /// `ENOMEM`: the server is out of memory.
    NoMemory = 12,
    /// `EACCES`: the open mode or rights do not allow this.
    AccessDenied = 13,
    /// `EFAULT`: a buffer address was bad.
    BadAddress = 14,
    /// `EBUSY`: the resource is taken (a name, a device number, a pin).
    Busy = 16,
    /// `EEXIST`: the name exists and the open asked for a new one.
    Exists = 17,
    /// `ENODEV`: no such device (no server for it, or it went away).
    NoDevice = 19,
    /// `ENOTDIR`: a path component, or a `DIRECTORY` open, is not a directory.
    NotDir = 20,
    /// `EISDIR`: the operation needs a file and found a directory.
    IsDir = 21,
    /// `EINVAL`: an argument is out of range or malformed.
    Invalid = 22,
    /// `EMFILE`: the server's open table is full.
    TooManyOpen = 24,
    /// `ENOTTY`: the ioctl command means nothing to this device.
    NotTty = 25,
    /// `EFBIG`: the file would grow past its limit.
    FileTooBig = 27,
    /// `ENOSPC`: no room left (on the device, in a table, among numbers).
    NoSpace = 28,
    /// `ESPIPE`: the fd cannot seek (a character device, a pipe).
    IllegalSeek = 29,
    /// `EROFS`: the file system is read-only.
    ReadOnly = 30,
    /// `ENAMETOOLONG`: a path or device name exceeds its limit.
    NameTooLong = 36,
    /// `ENOSYS`: the server does not implement this operation.
    NotImplemented = 38,
    /// `ENOTEMPTY`: the directory still has entries.
    NotEmpty = 39,
    /// `ETIMEDOUT`: the server or the device did not answer in time.
    TimedOut = 110,
}

impl Errno {
    /// Every errno, in number order.
    pub const ALL: [Errno; 27] = [
        Errno::NotPermitted,
        Errno::NoEntry,
        Errno::NoSuchTask,
        Errno::Io,
        Errno::NoDeviceOrAddress,
        Errno::TooBig,
        Errno::BadFd,
        Errno::WouldBlock,
        Errno::NoMemory,
        Errno::AccessDenied,
        Errno::BadAddress,
        Errno::Busy,
        Errno::Exists,
        Errno::NoDevice,
        Errno::NotDir,
        Errno::IsDir,
        Errno::Invalid,
        Errno::TooManyOpen,
        Errno::NotTty,
        Errno::FileTooBig,
        Errno::NoSpace,
        Errno::IllegalSeek,
        Errno::ReadOnly,
        Errno::NameTooLong,
        Errno::NotImplemented,
        Errno::NotEmpty,
        Errno::TimedOut,
    ];

    /// The number: Linux's errno value, and the label of the error reply.
    pub const fn code(self) -> u16 {
        self as u16
    }

    /// The errno numbered `raw`, if it is one of ours (0 is success, not an errno).
    pub fn from_raw(raw: u64) -> Option<Errno> {
        Self::ALL
            .iter()
            .copied()
            .find(|e| u64::from(e.code()) == raw)
    }

    /// The symbolic name, as in C (`"ENOENT"`).
    pub const fn name(self) -> &'static str {
        match self {
            Errno::NotPermitted => "EPERM",
            Errno::NoEntry => "ENOENT",
            Errno::NoSuchTask => "ESRCH",
            Errno::Io => "EIO",
            Errno::NoDeviceOrAddress => "ENXIO",
            Errno::TooBig => "E2BIG",
            Errno::BadFd => "EBADF",
            Errno::WouldBlock => "EAGAIN",
            Errno::NoMemory => "ENOMEM",
            Errno::AccessDenied => "EACCES",
            Errno::BadAddress => "EFAULT",
            Errno::Busy => "EBUSY",
            Errno::Exists => "EEXIST",
            Errno::NoDevice => "ENODEV",
            Errno::NotDir => "ENOTDIR",
            Errno::IsDir => "EISDIR",
            Errno::Invalid => "EINVAL",
            Errno::TooManyOpen => "EMFILE",
            Errno::NotTty => "ENOTTY",
            Errno::FileTooBig => "EFBIG",
            Errno::NoSpace => "ENOSPC",
            Errno::IllegalSeek => "ESPIPE",
            Errno::ReadOnly => "EROFS",
            Errno::NameTooLong => "ENAMETOOLONG",
            Errno::NotImplemented => "ENOSYS",
            Errno::NotEmpty => "ENOTEMPTY",
            Errno::TimedOut => "ETIMEDOUT",
        }
    }

    /// What went wrong, in words (Linux's `strerror` text, lower case).
    pub const fn description(self) -> &'static str {
        match self {
            Errno::NotPermitted => "operation not permitted",
            Errno::NoEntry => "no such file or directory",
            Errno::NoSuchTask => "no such task",
            Errno::Io => "input/output error",
            Errno::NoDeviceOrAddress => "no such device or address",
            Errno::TooBig => "too big for one message",
            Errno::BadFd => "bad file descriptor",
            Errno::WouldBlock => "resource temporarily unavailable",
            Errno::NoMemory => "cannot allocate memory",
            Errno::AccessDenied => "permission denied",
            Errno::BadAddress => "bad address",
            Errno::Busy => "device or resource busy",
            Errno::Exists => "file exists",
            Errno::NoDevice => "no such device",
            Errno::NotDir => "not a directory",
            Errno::IsDir => "is a directory",
            Errno::Invalid => "invalid argument",
            Errno::TooManyOpen => "too many open files",
            Errno::NotTty => "inappropriate ioctl for device",
            Errno::FileTooBig => "file too large",
            Errno::NoSpace => "no space left on device",
            Errno::IllegalSeek => "illegal seek",
            Errno::ReadOnly => "read-only file system",
            Errno::NameTooLong => "file name too long",
            Errno::NotImplemented => "function not implemented",
            Errno::NotEmpty => "directory not empty",
            Errno::TimedOut => "timed out",
        }
    }
}

impl core::fmt::Display for Errno {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} ({})", self.description(), self.name())
    }
}

/// What a client reports when the IPC itself failed (the runtime's translation).
impl From<abi::Error> for Errno {
    fn from(e: abi::Error) -> Errno {
        use abi::Error as E;
        match e {
            E::InvalidHandle | E::WrongType => Errno::BadFd,
            E::NoRights => Errno::AccessDenied,
            E::BadAddress => Errno::BadAddress,
            E::InvalidArgument => Errno::Invalid,
            E::OutOfMemory => Errno::NoMemory,
            E::TimedOut => Errno::TimedOut,
            E::TooLarge => Errno::TooBig,
            E::TableFull => Errno::TooManyOpen,
            E::WouldBlock => Errno::WouldBlock,
            // The server died or closed its endpoint: the device is gone.
            E::PeerGone => Errno::NoDevice,
            E::Busy => Errno::Busy,
            E::NotFound => Errno::NoEntry,
            _ => Errno::Io,
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::ToString;

    #[test]
    fn numbers_are_linuxs() {
        let expect = [
            ("EPERM", 1),
            ("ENOENT", 2),
            ("EIO", 5),
            ("E2BIG", 7),
            ("EBADF", 9),
            ("EAGAIN", 11),
            ("ENOMEM", 12),
            ("EACCES", 13),
            ("EBUSY", 16),
            ("EEXIST", 17),
            ("ENODEV", 19),
            ("ENOTDIR", 20),
            ("EISDIR", 21),
            ("EINVAL", 22),
            ("EMFILE", 24),
            ("ENOTTY", 25),
            ("EFBIG", 27),
            ("ENOSPC", 28),
            ("ESPIPE", 29),
            ("ENAMETOOLONG", 36),
            ("ENOSYS", 38),
            ("ENOTEMPTY", 39),
            ("ETIMEDOUT", 110),
        ];
        for (name, code) in expect {
            let e = Errno::from_raw(code).unwrap();
            assert_eq!(e.name(), name);
            assert_eq!(u64::from(e.code()), code);
        }
    }

    #[test]
    fn all_is_sorted_unique_and_below_op_labels() {
        for pair in Errno::ALL.windows(2) {
            assert!(pair[0].code() < pair[1].code());
        }
        for e in Errno::ALL {
            assert!(e.code() != 0 && e.code() < 0x100);
            assert_eq!(Errno::from_raw(e.code().into()), Some(e));
            assert!(e.name().starts_with('E'));
        }
        assert_eq!(Errno::from_raw(0), None);
        assert_eq!(Errno::from_raw(4), None);
        assert_eq!(Errno::from_raw(u64::MAX), None);
    }

    #[test]
    fn display_has_words_and_name() {
        assert_eq!(
            Errno::NoEntry.to_string(),
            "no such file or directory (ENOENT)"
        );
        assert_eq!(
            Errno::NotTty.to_string(),
            "inappropriate ioctl for device (ENOTTY)"
        );
    }

    #[test]
    fn ipc_errors_translate() {
        assert_eq!(Errno::from(abi::Error::PeerGone), Errno::NoDevice);
        assert_eq!(Errno::from(abi::Error::TimedOut), Errno::TimedOut);
        assert_eq!(Errno::from(abi::Error::InvalidHandle), Errno::BadFd);
        assert_eq!(Errno::from(abi::Error::BadElf), Errno::Io);
    }
}
