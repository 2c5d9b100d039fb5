//! Paths and directory-entry names on the wire: their checks, and the two-path layout of `Rename`.

use super::{MAX_NAME_BYTES, MAX_PATH_BYTES};
use crate::wire::{put_bytes, DecodeError};
use crate::Errno;

/// Checks a path before encoding: `ENAMETOOLONG` past [`MAX_PATH_BYTES`], `EINVAL` for a NUL.
pub(super) fn check_path(path: &str) -> Result<(), Errno> {
    if path.len() > MAX_PATH_BYTES {
        Err(Errno::NameTooLong)
    } else if path.contains('\0') {
        Err(Errno::Invalid)
    } else {
        Ok(())
    }
}

/// A path from received bytes: at most [`MAX_PATH_BYTES`], UTF-8, no NUL.
pub(super) fn path_from_bytes(bytes: &[u8]) -> Result<&str, DecodeError> {
    if bytes.len() > MAX_PATH_BYTES {
        return Err(DecodeError::NameTooLong);
    }
    let path = core::str::from_utf8(bytes).map_err(|_| DecodeError::BadName)?;
    if path.contains('\0') {
        return Err(DecodeError::BadName);
    }
    Ok(path)
}

/// Whether a short-enough name is one entry's: non-empty, no NUL, no `/`.
fn is_entry_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['\0', '/'])
}

/// Checks a directory entry's name before encoding (`ENAMETOOLONG`, `EINVAL`).
pub(super) fn check_name(name: &str) -> Result<(), Errno> {
    if name.len() > MAX_NAME_BYTES {
        Err(Errno::NameTooLong)
    } else if !is_entry_name(name) {
        Err(Errno::Invalid)
    } else {
        Ok(())
    }
}

/// A directory entry's name from received bytes.
pub(super) fn name_from_bytes(bytes: &[u8]) -> Result<&str, DecodeError> {
    if bytes.len() > MAX_NAME_BYTES {
        return Err(DecodeError::NameTooLong);
    }
    let name = core::str::from_utf8(bytes).map_err(|_| DecodeError::BadName)?;
    if !is_entry_name(name) {
        return Err(DecodeError::BadName);
    }
    Ok(name)
}

/// Writes `from` then `to` at the start of `buf`: the two length words and the total length.
pub(super) fn put_two_paths(
    buf: &mut [u8],
    from: &str,
    to: &str,
) -> Result<([u64; 2], usize), Errno> {
    check_path(from)?;
    check_path(to)?;
    let from_len = put_bytes(buf, from.as_bytes())?;
    let rest = buf.get_mut(from_len..).ok_or(Errno::TooBig)?;
    let to_len = put_bytes(rest, to.as_bytes())?;
    // Two paths of at most MAX_PATH_BYTES fit one message (asserted in file.rs).
    debug_assert!(from_len + to_len <= abi::MAX_MSG_BYTES);
    Ok(([from_len as u64, to_len as u64], from_len + to_len))
}

/// Splits received bytes into two paths by the lengths in words 0 and 1.
///
/// A length past [`MAX_PATH_BYTES`] is `ENAMETOOLONG`; lengths that do not
/// add up to the bytes received are `EINVAL` ([`DecodeError::BadBytes`]).
pub(super) fn two_paths_from(w0: u64, w1: u64, bytes: &[u8]) -> Result<(&str, &str), DecodeError> {
    let len = |word: u64| {
        usize::try_from(word)
            .ok()
            .filter(|&n| n <= MAX_PATH_BYTES)
            .ok_or(DecodeError::NameTooLong)
    };
    let (from_len, to_len) = (len(w0)?, len(w1)?);
    if from_len + to_len != bytes.len() {
        return Err(DecodeError::BadBytes);
    }
    let (from, to) = bytes
        .split_at_checked(from_len)
        .ok_or(DecodeError::BadBytes)?;
    Ok((path_from_bytes(from)?, path_from_bytes(to)?))
}
