//! The encoder (host side, feature `encode`): sorts and deduplicates symbols and lays out the blob.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::fmt;

use crate::{ENTRY_LEN_BYTES, HEADER_LEN_BYTES, MAGIC, MAX_NAME_LEN_BYTES, VERSION};

/// Symbols that do not fit the format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodeError {
    /// A symbol starts 4 GiB or more above the lowest symbol.
    OutOfWindow {
        /// Start of the offending symbol.
        addr: u64,
        /// Start of the lowest symbol.
        base: u64,
    },
    /// A symbol is 4 GiB or larger.
    SizeTooLarge {
        /// Start of the offending symbol.
        addr: u64,
        /// Its size.
        size_bytes: u64,
    },
    /// More symbols than a u32 counts.
    TooManySymbols {
        /// Number of distinct symbols.
        count: usize,
    },
    /// The names together exceed 4 GiB.
    NamesTooLarge {
        /// Length the name area would have.
        len_bytes: usize,
    },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::OutOfWindow { addr, base } => write!(
                f,
                "symbol at {addr:#x} lies 4 GiB or more above the lowest symbol at {base:#x}"
            ),
            Self::SizeTooLarge { addr, size_bytes } => {
                write!(
                    f,
                    "symbol at {addr:#x} has size {size_bytes:#x}, 4 GiB or more"
                )
            }
            Self::TooManySymbols { count } => write!(f, "{count} symbols exceed the u32 count"),
            Self::NamesTooLarge { len_bytes } => {
                write!(
                    f,
                    "symbol names need {len_bytes} bytes, more than a u32 offset reaches"
                )
            }
        }
    }
}

impl core::error::Error for EncodeError {}

/// Encodes `(start address, size in bytes, demangled name)` triples into a blob.
///
/// Symbols are sorted by address. One symbol is kept per address: the largest wins, and
/// among equal sizes the one earliest in `symbols` (so callers list preferred names first).
/// Identical names are stored once; names longer than [`MAX_NAME_LEN_BYTES`] are truncated
/// at a character boundary.
pub fn encode(symbols: &[(u64, u64, &str)]) -> Result<Vec<u8>, EncodeError> {
    let mut sorted: Vec<(u64, u64, &str)> = symbols.to_vec();
    // Stable sort: equal (addr, size) keep their input order.
    sorted.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    sorted.dedup_by_key(|symbol| symbol.0);

    let count = u32::try_from(sorted.len()).map_err(|_| EncodeError::TooManySymbols {
        count: sorted.len(),
    })?;
    let base = sorted.first().map_or(0, |symbol| symbol.0);

    let mut entries = Vec::with_capacity(sorted.len() * ENTRY_LEN_BYTES);
    let mut names = Vec::new();
    let mut name_offsets: BTreeMap<&str, u32> = BTreeMap::new();
    for &(addr, size_bytes, name) in &sorted {
        let addr_offset =
            u32::try_from(addr - base).map_err(|_| EncodeError::OutOfWindow { addr, base })?;
        let size = u32::try_from(size_bytes)
            .map_err(|_| EncodeError::SizeTooLarge { addr, size_bytes })?;
        let name = truncate(name);
        let name_offset = match name_offsets.get(name) {
            Some(&offset) => offset,
            None => {
                let offset =
                    u32::try_from(names.len()).map_err(|_| EncodeError::NamesTooLarge {
                        len_bytes: names.len(),
                    })?;
                push_name(&mut names, name);
                name_offsets.insert(name, offset);
                offset
            }
        };
        entries.extend_from_slice(&addr_offset.to_le_bytes());
        entries.extend_from_slice(&size.to_le_bytes());
        entries.extend_from_slice(&name_offset.to_le_bytes());
    }
    let names_len = u32::try_from(names.len()).map_err(|_| EncodeError::NamesTooLarge {
        len_bytes: names.len(),
    })?;

    let mut blob = Vec::with_capacity(HEADER_LEN_BYTES + entries.len() + names.len());
    blob.extend_from_slice(&MAGIC);
    blob.extend_from_slice(&VERSION.to_le_bytes());
    blob.extend_from_slice(&count.to_le_bytes());
    blob.extend_from_slice(&names_len.to_le_bytes());
    blob.extend_from_slice(&base.to_le_bytes());
    debug_assert_eq!(blob.len(), HEADER_LEN_BYTES);
    blob.extend_from_slice(&entries);
    blob.extend_from_slice(&names);
    Ok(blob)
}

/// Cuts `name` to at most [`MAX_NAME_LEN_BYTES`], on a character boundary.
fn truncate(name: &str) -> &str {
    let mut end = name.len().min(MAX_NAME_LEN_BYTES);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// Appends a name: LEB128 length (1 byte below 0x80, else 2 bytes), then its bytes.
fn push_name(names: &mut Vec<u8>, name: &str) {
    let len = name.len();
    debug_assert!(len <= MAX_NAME_LEN_BYTES, "names are truncated first");
    if len < 0x80 {
        names.push(len as u8);
    } else {
        names.push((len & 0x7f) as u8 | 0x80);
        names.push((len >> 7) as u8);
    }
    names.extend_from_slice(name.as_bytes());
}
