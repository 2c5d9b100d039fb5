//! Read-only access to a cpio "newc" archive (the initramfs format), validated once when opened.
//!
//! Each entry is a 110-byte ASCII header (magic `070701` and 13 fields of 8 hex
//! digits), the NUL-terminated name padded to 4 bytes, then the data padded to
//! 4 bytes; the entry named `TRAILER!!!` ends the archive. Only zero bytes may
//! follow it (block padding). Written here rather than taken from the
//! `cpio_reader` crate because that crate's iterator stops silently at the first
//! bad header, so a corrupt or cut-off archive looks like a shorter valid one,
//! and it accepts `+` signs in fields and skips entries whose mode it does not know.
#![no_std]
#![forbid(unsafe_code)]

#[cfg(test)]
extern crate alloc;

use core::fmt;

/// The "new ASCII" format's magic.
const MAGIC: &[u8; 6] = b"070701";
/// Magic plus 13 fields of 8 hex digits.
const HEADER_BYTES: usize = 6 + 13 * 8;
/// The name of the entry that ends the archive.
const TRAILER: &str = "TRAILER!!!";
/// The header's fields, in order, for error messages.
const FIELDS: [&str; 13] = [
    "ino",
    "mode",
    "uid",
    "gid",
    "nlink",
    "mtime",
    "filesize",
    "devmajor",
    "devminor",
    "rdevmajor",
    "rdevminor",
    "namesize",
    "check",
];
const MODE_FIELD: usize = 1;
const FILESIZE_FIELD: usize = 6;
const NAMESIZE_FIELD: usize = 11;

/// One archive member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry<'a> {
    /// The path as stored, without the terminating NUL (never empty).
    pub name: &'a str,
    /// The file's bytes (empty for directories).
    pub data: &'a [u8],
    /// File type and permission bits, as in `st_mode` (0o100755 for an executable file).
    pub mode: u32,
}

/// Why bytes are not a well-formed newc archive. Offsets are from the archive's start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CpioError {
    /// An entry does not start with `070701`.
    BadMagic {
        /// Where the entry starts.
        offset: usize,
        /// The bytes found there (fewer than 6 if the archive ends; missing ones 0).
        found: [u8; 6],
    },
    /// An entry's header, name or data runs past the end.
    Truncated {
        /// Where the entry starts.
        offset: usize,
        /// One past the last byte it needs.
        needed_end: usize,
        /// The archive's length.
        len_bytes: usize,
    },
    /// A header field is not 8 hex digits.
    BadHex {
        /// Where the entry starts.
        offset: usize,
        /// Which field.
        field: &'static str,
        /// The field's bytes.
        found: [u8; 8],
    },
    /// The name is empty, not NUL-terminated, or holds a NUL.
    BadName {
        /// Where the entry starts.
        offset: usize,
        /// The `namesize` field (counting the NUL).
        namesize: u32,
    },
    /// The name is not UTF-8.
    NameNotUtf8 {
        /// Where the entry starts.
        offset: usize,
    },
    /// The bytes end, on an entry boundary, before a `TRAILER!!!` entry.
    MissingTrailer {
        /// The archive's length.
        len_bytes: usize,
    },
    /// Something other than zero padding follows the trailer.
    TrailingData {
        /// The first non-zero byte.
        offset: usize,
    },
}

impl fmt::Display for CpioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            CpioError::BadMagic { offset, found } => write!(
                f,
                "cpio entry at {offset:#x}: magic \"{}\" is not \"070701\" (newc)",
                found.escape_ascii()
            ),
            CpioError::Truncated {
                offset,
                needed_end,
                len_bytes,
            } => write!(
                f,
                "cpio entry at {offset:#x} needs bytes up to {needed_end:#x}, but the archive is {len_bytes:#x} bytes"
            ),
            CpioError::BadHex {
                offset,
                field,
                found,
            } => write!(
                f,
                "cpio entry at {offset:#x}: field {field} \"{}\" is not 8 hex digits",
                found.escape_ascii()
            ),
            CpioError::BadName { offset, namesize } => write!(
                f,
                "cpio entry at {offset:#x}: name of {namesize} bytes is empty, unterminated or holds a NUL"
            ),
            CpioError::NameNotUtf8 { offset } => {
                write!(f, "cpio entry at {offset:#x}: name is not UTF-8")
            }
            CpioError::MissingTrailer { len_bytes } => write!(
                f,
                "cpio archive of {len_bytes:#x} bytes ends without a {TRAILER} entry"
            ),
            CpioError::TrailingData { offset } => {
                write!(f, "cpio archive has data after its trailer, at {offset:#x}")
            }
        }
    }
}

impl core::error::Error for CpioError {}

/// A newc archive whose every entry was checked by [`Archive::new`].
#[derive(Clone, Copy, Debug)]
pub struct Archive<'a> {
    /// The whole archive; parsing entries from offset 0 succeeds up to the trailer.
    bytes: &'a [u8],
    /// Entries before the trailer.
    len: usize,
}

impl<'a> Archive<'a> {
    /// Checks every entry and the trailer. Never panics.
    pub fn new(bytes: &'a [u8]) -> Result<Archive<'a>, CpioError> {
        let mut offset = 0;
        let mut len = 0;
        loop {
            if offset == bytes.len() {
                return Err(CpioError::MissingTrailer {
                    len_bytes: bytes.len(),
                });
            }
            let (entry, next) = parse_entry(bytes, offset)?;
            if entry.name == TRAILER {
                // The trailer's own padding may be cut off: nothing follows it that needs it.
                let rest = bytes.get(next..).unwrap_or(&[]);
                if let Some(at) = rest.iter().position(|&byte| byte != 0) {
                    return Err(CpioError::TrailingData { offset: next + at });
                }
                return Ok(Archive { bytes, len });
            }
            len += 1;
            offset = next;
        }
    }

    /// The entries before the trailer, in archive order.
    pub fn iter(&self) -> Entries<'a> {
        Entries {
            bytes: self.bytes,
            offset: 0,
            left: self.len,
        }
    }

    /// The data of the first entry called `name`, if any.
    pub fn find(&self, name: &str) -> Option<&'a [u8]> {
        self.iter()
            .find(|entry| entry.name == name)
            .map(|entry| entry.data)
    }

    /// How many entries there are (not counting the trailer).
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the archive holds only the trailer.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<'a> IntoIterator for &Archive<'a> {
    type Item = Entry<'a>;
    type IntoIter = Entries<'a>;

    fn into_iter(self) -> Entries<'a> {
        self.iter()
    }
}

/// Iterator over an [`Archive`]'s entries.
#[derive(Clone, Debug)]
pub struct Entries<'a> {
    bytes: &'a [u8],
    offset: usize,
    /// Entries still to yield; the archive was validated, so each parse succeeds.
    left: usize,
}

impl<'a> Iterator for Entries<'a> {
    type Item = Entry<'a>;

    fn next(&mut self) -> Option<Entry<'a>> {
        if self.left == 0 {
            return None;
        }
        let parsed = parse_entry(self.bytes, self.offset);
        debug_assert!(parsed.is_ok(), "Archive::new validated every entry");
        let (entry, next) = parsed.ok()?;
        self.left -= 1;
        self.offset = next;
        Some(entry)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

/// Parses the entry at `offset` (a multiple of 4); returns it and where the next one starts.
fn parse_entry(bytes: &[u8], offset: usize) -> Result<(Entry<'_>, usize), CpioError> {
    let truncated = |needed_end: usize| CpioError::Truncated {
        offset,
        needed_end,
        len_bytes: bytes.len(),
    };
    let rest = bytes.get(offset..).unwrap_or(&[]);
    let magic_seen = rest.len().min(MAGIC.len());
    if rest[..magic_seen] != MAGIC[..magic_seen] {
        let mut found = [0u8; 6];
        found[..magic_seen].copy_from_slice(&rest[..magic_seen]);
        return Err(CpioError::BadMagic { offset, found });
    }
    let header_end = offset.saturating_add(HEADER_BYTES);
    let header = rest.get(..HEADER_BYTES).ok_or(truncated(header_end))?;

    let mut fields = [0u32; 13];
    for (index, value) in fields.iter_mut().enumerate() {
        let start = MAGIC.len() + index * 8;
        let mut digits = [0u8; 8];
        digits.copy_from_slice(&header[start..start + 8]);
        *value = parse_hex(&digits).ok_or(CpioError::BadHex {
            offset,
            field: FIELDS[index],
            found: digits,
        })?;
    }
    let namesize = fields[NAMESIZE_FIELD];
    let bad_name = CpioError::BadName { offset, namesize };

    // u32 always fits usize on the 64-bit targets mica builds for; saturate so it cannot wrap.
    let name_end = header_end.saturating_add(to_usize(namesize));
    let name_bytes = bytes.get(header_end..name_end).ok_or(truncated(name_end))?;
    let Some((&0, name)) = name_bytes.split_last() else {
        return Err(bad_name);
    };
    if name.is_empty() || name.contains(&0) {
        return Err(bad_name);
    }
    let name = core::str::from_utf8(name).map_err(|_| CpioError::NameNotUtf8 { offset })?;

    let data_start = align4(name_end);
    let data_len_bytes = to_usize(fields[FILESIZE_FIELD]);
    let data = if data_len_bytes == 0 {
        &[][..]
    } else {
        let data_end = data_start.saturating_add(data_len_bytes);
        bytes.get(data_start..data_end).ok_or(truncated(data_end))?
    };
    let next = align4(data_start.saturating_add(data_len_bytes));
    let entry = Entry {
        name,
        data,
        mode: fields[MODE_FIELD],
    };
    Ok((entry, next))
}

/// Exactly 8 ASCII hex digits, either case; no sign, no spaces.
fn parse_hex(digits: &[u8; 8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |value, &digit| {
        let nibble = char::from(digit).to_digit(16)?;
        Some(value << 4 | nibble)
    })
}

/// A header field as a byte count.
fn to_usize(value: u32) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

/// Rounds up to a multiple of 4, saturating (a saturated offset is past any real archive).
fn align4(offset: usize) -> usize {
    offset.checked_next_multiple_of(4).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests;
