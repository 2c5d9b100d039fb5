//! The decoder: validates a blob once, then answers address lookups by binary search without allocating.
// The panic handler calls this on arbitrary bytes: no indexing, no unchecked arithmetic, no panics.
#![deny(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

use core::fmt;
use core::iter::FusedIterator;

use crate::{FormatError, ENTRY_LEN_BYTES, HEADER_LEN_BYTES, MAGIC, VERSION};

/// A validated symbol table borrowed from its blob.
#[derive(Clone, Copy)]
pub struct SymbolTable<'a> {
    /// Address every entry's `addr_offset` is relative to.
    base: u64,
    /// Exactly `count * ENTRY_LEN_BYTES` bytes; start offsets strictly ascending,
    /// every end fits in u64 and every name decodes (all checked by `parse`).
    entries: &'a [u8],
    /// The name area the entries point into.
    names: &'a [u8],
    /// Number of entries.
    count: usize,
}

/// A symbol found by [`SymbolTable::lookup`] or yielded by [`SymbolTable::iter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Symbol<'a> {
    /// Demangled name, without the Rust hash suffix.
    pub name: &'a str,
    /// Start address of the symbol.
    pub addr: u64,
    /// Size recorded in the symbol table; 0 for labels, which extend to the next symbol.
    pub size_bytes: u64,
    /// Looked-up address minus `addr`; 0 for symbols yielded by the iterator.
    pub offset: u64,
}

impl fmt::Display for Symbol<'_> {
    /// Formats like Linux's `%pS`: `name+0x1c/0x80`, or `name+0x1c` for a label.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}+{:#x}", self.name, self.offset)?;
        if self.size_bytes != 0 {
            write!(f, "/{:#x}", self.size_bytes)?;
        }
        Ok(())
    }
}

/// One entry as stored, before its name is resolved.
#[derive(Clone, Copy)]
struct RawEntry {
    addr_offset: u32,
    size_bytes: u32,
    name_offset: u32,
}

/// Reads a little-endian u32 at `at`, or None when out of bounds.
fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let end = at.checked_add(4)?;
    let field = bytes.get(at..end)?;
    Some(u32::from_le_bytes(field.try_into().ok()?))
}

/// Reads a little-endian u64 at `at`, or None when out of bounds.
fn read_u64(bytes: &[u8], at: usize) -> Option<u64> {
    let end = at.checked_add(8)?;
    let field = bytes.get(at..end)?;
    Some(u64::from_le_bytes(field.try_into().ok()?))
}

/// Decodes the name starting at `offset` in the name area: a 1- or 2-byte LEB128 length, then UTF-8.
fn read_name(names: &[u8], offset: u32) -> Option<&str> {
    let at = usize::try_from(offset).ok()?;
    let first = *names.get(at)?;
    let (len, body_at) = if first & 0x80 == 0 {
        (usize::from(first), at.checked_add(1)?)
    } else {
        let second = *names.get(at.checked_add(1)?)?;
        if second & 0x80 != 0 {
            return None;
        }
        let len = usize::from(first & 0x7f) | (usize::from(second) << 7);
        (len, at.checked_add(2)?)
    };
    let body = names.get(body_at..body_at.checked_add(len)?)?;
    core::str::from_utf8(body).ok()
}

impl<'a> SymbolTable<'a> {
    /// Validates `bytes` (a blob, possibly followed by padding) and returns the table it holds.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, FormatError> {
        if bytes.iter().all(|&b| b == 0) {
            return Err(FormatError::Empty);
        }
        if bytes.get(..MAGIC.len()) != Some(&MAGIC[..]) {
            return Err(FormatError::BadMagic);
        }
        let truncated = |needed_bytes| FormatError::Truncated {
            needed_bytes,
            available_bytes: bytes.len(),
        };
        let (Some(version), Some(count), Some(names_len), Some(base)) = (
            read_u32(bytes, 4),
            read_u32(bytes, 8),
            read_u32(bytes, 12),
            read_u64(bytes, 16),
        ) else {
            return Err(truncated(HEADER_LEN_BYTES));
        };
        if version != VERSION {
            return Err(FormatError::UnsupportedVersion { found: version });
        }
        let count = usize::try_from(count).unwrap_or(usize::MAX);
        let names_len = usize::try_from(names_len).unwrap_or(usize::MAX);
        let entries_len = count.saturating_mul(ENTRY_LEN_BYTES);
        let names_at = HEADER_LEN_BYTES.saturating_add(entries_len);
        let needed_bytes = names_at.saturating_add(names_len);
        let (Some(entries), Some(names)) = (
            bytes.get(HEADER_LEN_BYTES..names_at),
            bytes.get(names_at..needed_bytes),
        ) else {
            return Err(truncated(needed_bytes));
        };
        let table = Self {
            base,
            entries,
            names,
            count,
        };
        table.validate()?;
        Ok(table)
    }

    /// Checks the invariants `lookup` relies on, once, so lookups stay cheap.
    fn validate(&self) -> Result<(), FormatError> {
        let mut previous: Option<u32> = None;
        for index in 0..self.count {
            let entry = self.entry(index).ok_or(FormatError::Truncated {
                needed_bytes: self.entries.len(),
                available_bytes: self.entries.len(),
            })?;
            if previous.is_some_and(|p| entry.addr_offset <= p) {
                return Err(FormatError::Unsorted { index });
            }
            previous = Some(entry.addr_offset);
            let end = self
                .base
                .checked_add(u64::from(entry.addr_offset))
                .and_then(|start| start.checked_add(u64::from(entry.size_bytes)));
            if end.is_none() {
                return Err(FormatError::AddressOverflow { index });
            }
            if read_name(self.names, entry.name_offset).is_none() {
                return Err(FormatError::BadName { index });
            }
        }
        Ok(())
    }

    /// Number of symbols in the table.
    pub fn len(&self) -> usize {
        self.count
    }

    /// True when the table holds no symbols.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The symbol at `index` in address order, with offset 0.
    pub fn get(&self, index: usize) -> Option<Symbol<'a>> {
        let entry = self.entry(index)?;
        self.symbol(entry, 0)
    }

    /// The symbols in ascending address order.
    pub fn iter(&self) -> Iter<'a> {
        Iter {
            table: *self,
            front: 0,
            back: self.count,
        }
    }

    /// The symbol containing `addr`, or None if `addr` precedes the first symbol or lies past
    /// the end of the symbol it follows. A label (size 0) extends to the next symbol; a label
    /// that is the last symbol covers only its own address.
    pub fn lookup(&self, addr: u64) -> Option<Symbol<'a>> {
        let delta = addr.checked_sub(self.base)?;
        // Binary search for the number of entries starting at or below `addr`.
        let (mut low, mut high) = (0usize, self.count);
        while low < high {
            let mid = low.checked_add(high.checked_sub(low)? / 2)?;
            if u64::from(self.entry(mid)?.addr_offset) <= delta {
                low = mid.checked_add(1)?;
            } else {
                high = mid;
            }
        }
        let index = low.checked_sub(1)?;
        let entry = self.entry(index)?;
        let start = u64::from(entry.addr_offset);
        let end = if entry.size_bytes != 0 {
            start.checked_add(u64::from(entry.size_bytes))?
        } else {
            match index.checked_add(1).and_then(|next| self.entry(next)) {
                Some(next) => u64::from(next.addr_offset),
                None => start.checked_add(1)?,
            }
        };
        if delta >= end {
            return None;
        }
        self.symbol(entry, delta.checked_sub(start)?)
    }

    /// Reads entry `index`, or None when out of range.
    fn entry(&self, index: usize) -> Option<RawEntry> {
        if index >= self.count {
            return None;
        }
        let at = index.checked_mul(ENTRY_LEN_BYTES)?;
        Some(RawEntry {
            addr_offset: read_u32(self.entries, at)?,
            size_bytes: read_u32(self.entries, at.checked_add(4)?)?,
            name_offset: read_u32(self.entries, at.checked_add(8)?)?,
        })
    }

    /// Resolves an entry into a symbol; None only if the blob broke a validated invariant.
    fn symbol(&self, entry: RawEntry, offset: u64) -> Option<Symbol<'a>> {
        let name = read_name(self.names, entry.name_offset);
        debug_assert!(name.is_some(), "names are validated by parse");
        Some(Symbol {
            name: name?,
            addr: self.base.checked_add(u64::from(entry.addr_offset))?,
            size_bytes: u64::from(entry.size_bytes),
            offset,
        })
    }
}

impl fmt::Debug for SymbolTable<'_> {
    /// Summarises instead of dumping the blob, which may be 192 KiB.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SymbolTable")
            .field("base", &format_args!("{:#x}", self.base))
            .field("len", &self.count)
            .finish()
    }
}

impl<'a> IntoIterator for &SymbolTable<'a> {
    type Item = Symbol<'a>;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// Iterator over a table's symbols in ascending address order.
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    table: SymbolTable<'a>,
    /// Next index from the front; `front <= back` always.
    front: usize,
    /// One past the next index from the back.
    back: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = Symbol<'a>;

    fn next(&mut self) -> Option<Symbol<'a>> {
        if self.front >= self.back {
            return None;
        }
        let symbol = self.table.get(self.front);
        // A missing symbol (impossible after validation) ends the iteration for good.
        self.front = if symbol.is_some() {
            self.front.checked_add(1)?
        } else {
            self.back
        };
        symbol
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.back.saturating_sub(self.front);
        (left, Some(left))
    }
}

impl<'a> DoubleEndedIterator for Iter<'a> {
    fn next_back(&mut self) -> Option<Symbol<'a>> {
        if self.front >= self.back {
            return None;
        }
        self.back = self.back.checked_sub(1)?;
        let symbol = self.table.get(self.back);
        if symbol.is_none() {
            self.back = self.front;
        }
        symbol
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl FusedIterator for Iter<'_> {}
