//! What every protocol shares: the encoded message, decode errors and checked field helpers.

use crate::Errno;
use abi::{MsgInfo, MAX_MSG_BYTES, MSG_REGS};

/// The label of a successful reply (an error reply's label is its [`Errno`] number).
pub const OK_LABEL: u16 = 0;

/// One message ready to send: what goes in `x1` (label, counts) and `x2..x5`.
///
/// The bytes themselves were written into the buffer passed to `encode`
/// (normally the IPC buffer), `len_bytes` of them from its start. A handle
/// to move with the message is the runtime's to add ([`MsgInfo::with_handle`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Encoded {
    /// The operation (requests) or [`OK_LABEL`] / errno (replies).
    pub label: u16,
    /// The register words; those past `word_count` are zero.
    pub words: [u64; MSG_REGS],
    /// Words the operation uses (0..=4).
    pub word_count: u8,
    /// Bytes written at the start of the buffer (0..=[`MAX_MSG_BYTES`]).
    pub len_bytes: u16,
}

impl Encoded {
    /// A message with `label`, the `N` words given and `len_bytes` of buffer.
    pub(crate) fn new<const N: usize>(label: u16, words: [u64; N], len_bytes: usize) -> Encoded {
        const { assert!(N <= MSG_REGS, "a message has at most 4 register words") };
        debug_assert!(len_bytes <= MAX_MSG_BYTES);
        let mut all = [0; MSG_REGS];
        all[..N].copy_from_slice(&words);
        Encoded {
            label,
            words: all,
            word_count: N as u8,
            len_bytes: len_bytes as u16,
        }
    }

    /// The message descriptor for `x1`, without a handle.
    pub const fn info(&self) -> MsgInfo {
        MsgInfo::new(self.label, self.word_count).with_bytes(self.len_bytes)
    }
}

/// Why a received message is not a valid request or reply.
///
/// A server answers a request it cannot decode with [`DecodeError::errno`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The label names no operation of this protocol (`ENOSYS`).
    UnknownOp(u16),
    /// A reply label that is neither success nor a known errno (`EIO`).
    UnknownErrno(u16),
    /// The fd word is 0 or wider than 32 bits (`EBADF`).
    BadFd,
    /// Word `n` holds a value out of range for its field (`EINVAL`).
    BadWord(u8),
    /// The buffer holds bytes the operation does not take, or is malformed (`EINVAL`).
    BadBytes,
    /// More bytes than one message or the field allows (`E2BIG`).
    TooBig,
    /// A path or name is longer than its limit (`ENAMETOOLONG`).
    NameTooLong,
    /// A path or name has a byte it may not have (`EINVAL`).
    BadName,
}

impl DecodeError {
    /// The errno a server replies with.
    pub const fn errno(self) -> Errno {
        match self {
            DecodeError::UnknownOp(_) => Errno::NotImplemented,
            DecodeError::UnknownErrno(_) => Errno::Io,
            DecodeError::BadFd => Errno::BadFd,
            DecodeError::BadWord(_) | DecodeError::BadBytes | DecodeError::BadName => {
                Errno::Invalid
            }
            DecodeError::TooBig => Errno::TooBig,
            DecodeError::NameTooLong => Errno::NameTooLong,
        }
    }
}

impl From<DecodeError> for Errno {
    fn from(e: DecodeError) -> Errno {
        e.errno()
    }
}

impl core::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            DecodeError::UnknownOp(label) => write!(f, "unknown operation {label:#x}"),
            DecodeError::UnknownErrno(label) => write!(f, "unknown error label {label}"),
            DecodeError::BadFd => f.write_str("bad fd word"),
            DecodeError::BadWord(n) => write!(f, "word {n} out of range"),
            DecodeError::BadBytes => f.write_str("malformed buffer bytes"),
            DecodeError::TooBig => f.write_str("too many bytes"),
            DecodeError::NameTooLong => f.write_str("name too long"),
            DecodeError::BadName => f.write_str("invalid name"),
        }
    }
}

/// Copies `data` to the start of `buf`: `E2BIG` if it exceeds `buf` or one message.
pub(crate) fn put_bytes(buf: &mut [u8], data: &[u8]) -> Result<usize, Errno> {
    if data.len() > MAX_MSG_BYTES {
        return Err(Errno::TooBig);
    }
    let dst = buf.get_mut(..data.len()).ok_or(Errno::TooBig)?;
    dst.copy_from_slice(data);
    Ok(data.len())
}

/// Refuses a received buffer longer than one message.
pub(crate) fn check_len(bytes: &[u8]) -> Result<(), DecodeError> {
    if bytes.len() > MAX_MSG_BYTES {
        Err(DecodeError::TooBig)
    } else {
        Ok(())
    }
}

/// Refuses bytes sent with an operation that takes none.
pub(crate) fn no_bytes(bytes: &[u8]) -> Result<(), DecodeError> {
    if bytes.is_empty() {
        Ok(())
    } else {
        Err(DecodeError::BadBytes)
    }
}

/// An fd from a word: nonzero and 32 bits wide.
pub(crate) fn fd_from_word(word: u64) -> Result<u32, DecodeError> {
    match u32::try_from(word) {
        Ok(fd) if fd != 0 => Ok(fd),
        _ => Err(DecodeError::BadFd),
    }
}

/// Checks an fd before encoding it (0 is never an fd).
pub(crate) fn fd_to_word(fd: u32) -> Result<u64, Errno> {
    if fd == 0 {
        Err(Errno::BadFd)
    } else {
        Ok(fd.into())
    }
}

/// A u32 field from word `n`, at most `max`.
pub(crate) fn u32_from_word(words: &[u64; MSG_REGS], n: u8, max: u32) -> Result<u32, DecodeError> {
    let word = words.get(usize::from(n)).copied().unwrap_or(u64::MAX);
    match u32::try_from(word) {
        Ok(v) if v <= max => Ok(v),
        _ => Err(DecodeError::BadWord(n)),
    }
}

/// The word meaning "at the fd's current position" in Read and Write.
pub const CURRENT_OFFSET: u64 = u64::MAX;

/// Encodes an optional file offset: `None` is [`CURRENT_OFFSET`]; offsets stop at `i64::MAX`.
pub(crate) fn offset_to_word(offset: Option<u64>) -> Result<u64, Errno> {
    match offset {
        None => Ok(CURRENT_OFFSET),
        Some(at) if at <= i64::MAX as u64 => Ok(at),
        Some(_) => Err(Errno::Invalid),
    }
}

/// Decodes an optional file offset from word `n`.
pub(crate) fn offset_from_word(word: u64, n: u8) -> Result<Option<u64>, DecodeError> {
    match word {
        CURRENT_OFFSET => Ok(None),
        at if at <= i64::MAX as u64 => Ok(Some(at)),
        _ => Err(DecodeError::BadWord(n)),
    }
}

/// The errno of a failed reply's label, or `None` for [`OK_LABEL`].
pub(crate) fn reply_errno(label: u16) -> Result<Option<Errno>, DecodeError> {
    if label == OK_LABEL {
        return Ok(None);
    }
    Errno::from_raw(label.into())
        .map(Some)
        .ok_or(DecodeError::UnknownErrno(label))
}
