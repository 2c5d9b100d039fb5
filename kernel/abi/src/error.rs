//! Error codes: what `x0` holds after a syscall that failed, with names and words.

/// Why a syscall failed. 0 (not a variant) means success.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u64)]
pub enum Error {
    /// `x8` holds no operation's number.
    InvalidSyscall = 1,
    /// The handle names nothing in the caller's table (or was closed).
    InvalidHandle = 2,
    /// The handle names an object of another kind than the operation needs.
    WrongType = 3,
    /// The handle lacks a right the operation needs.
    NoRights = 4,
    /// A pointer argument is not mapped with the access the operation needs.
    BadAddress = 5,
    /// An argument is out of range or malformed.
    InvalidArgument = 6,
    /// The kernel has no memory for it.
    OutOfMemory = 7,
    /// The timeout passed first.
    TimedOut = 8,
    /// The other side of the IPC is gone: the server that received a call
    /// ended, the endpoint has no handle with RECV left (a pipe with no
    /// readers), or the object was closed.
    PeerGone = 9,
    /// A message or buffer exceeds its limit.
    TooLarge = 10,
    /// The caller's handle table is full.
    TableFull = 11,
    /// The ELF image is malformed or breaks a load rule (see the kernel log).
    BadElf = 12,
    /// Part of the range is already mapped.
    AlreadyMapped = 13,
    /// Part of the range is not mapped.
    NotMapped = 14,
    /// The operation would block and the timeout was `NO_WAIT`.
    WouldBlock = 15,
    /// `Reply` without a caller waiting for one.
    NoReplyTarget = 16,
    /// Another task holds it (a device or interrupt claim).
    Busy = 17,
    /// Nothing has that name or number.
    NotFound = 18,
}

impl Error {
    /// Every error, in number order.
    pub const ALL: [Error; 18] = [
        Error::InvalidSyscall,
        Error::InvalidHandle,
        Error::WrongType,
        Error::NoRights,
        Error::BadAddress,
        Error::InvalidArgument,
        Error::OutOfMemory,
        Error::TimedOut,
        Error::PeerGone,
        Error::TooLarge,
        Error::TableFull,
        Error::BadElf,
        Error::AlreadyMapped,
        Error::NotMapped,
        Error::WouldBlock,
        Error::NoReplyTarget,
        Error::Busy,
        Error::NotFound,
    ];

    /// Decodes `x0`: `Ok(())` for 0, `Err(e)` for an error, `Err(InvalidSyscall)` for garbage.
    pub fn check(raw: u64) -> Result<(), Error> {
        if raw == 0 {
            return Ok(());
        }
        Err(Self::from_raw(raw).unwrap_or(Error::InvalidSyscall))
    }

    /// The error with number `raw`.
    pub fn from_raw(raw: u64) -> Option<Error> {
        Self::ALL
            .get(usize::try_from(raw.checked_sub(1)?).ok()?)
            .copied()
    }

    /// Short name, like errno's symbolic names.
    pub fn name(self) -> &'static str {
        match self {
            Error::InvalidSyscall => "EINVALSYSCALL",
            Error::InvalidHandle => "EBADHANDLE",
            Error::WrongType => "EWRONGTYPE",
            Error::NoRights => "ENORIGHTS",
            Error::BadAddress => "EFAULT",
            Error::InvalidArgument => "EINVAL",
            Error::OutOfMemory => "ENOMEM",
            Error::TimedOut => "ETIMEDOUT",
            Error::PeerGone => "EPEERGONE",
            Error::TooLarge => "E2BIG",
            Error::TableFull => "EMFILE",
            Error::BadElf => "ENOEXEC",
            Error::AlreadyMapped => "EEXIST",
            Error::NotMapped => "ENOTMAPPED",
            Error::WouldBlock => "EAGAIN",
            Error::NoReplyTarget => "ENOREPLY",
            Error::Busy => "EBUSY",
            Error::NotFound => "ENOENT",
        }
    }

    /// What went wrong, in words.
    pub fn description(self) -> &'static str {
        match self {
            Error::InvalidSyscall => "no such system call",
            Error::InvalidHandle => "no such handle",
            Error::WrongType => "handle names the wrong kind of object",
            Error::NoRights => "handle lacks the right for this operation",
            Error::BadAddress => "bad address",
            Error::InvalidArgument => "invalid argument",
            Error::OutOfMemory => "out of memory",
            Error::TimedOut => "timed out",
            Error::PeerGone => "the other side is gone",
            Error::TooLarge => "too large",
            Error::TableFull => "handle table full",
            Error::BadElf => "not a loadable program",
            Error::AlreadyMapped => "already mapped",
            Error::NotMapped => "not mapped",
            Error::WouldBlock => "would block",
            Error::NoReplyTarget => "nobody to reply to",
            Error::Busy => "device or resource busy",
            Error::NotFound => "not found",
        }
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} ({})", self.description(), self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        assert_eq!(Error::check(0), Ok(()));
        for (i, e) in Error::ALL.iter().enumerate() {
            assert_eq!(*e as u64, i as u64 + 1);
            assert_eq!(Error::check(*e as u64), Err(*e));
        }
        assert_eq!(Error::check(999), Err(Error::InvalidSyscall));
        assert_eq!(Error::from_raw(0), None);
    }

    #[test]
    fn display_has_words_and_name() {
        extern crate std;
        use std::string::ToString;
        assert_eq!(Error::BadAddress.to_string(), "bad address (EFAULT)");
    }
}
