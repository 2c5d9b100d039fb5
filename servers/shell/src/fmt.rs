//! Output helpers for the commands: `ls -l` modes, sizes, durations, tables and number parsing.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use proto::file::FileKind;

/// `ls -l`'s type-and-permission string: `drwxr-xr-x`, `-rw-r--r--`, `crw-rw----`.
///
/// The set-user-ID, set-group-ID and sticky bits show as `s`/`S` and
/// `t`/`T` in the execute places, as `ls` does; bits above `0o7777` are ignored.
pub fn mode_string(kind: FileKind, mode: u32) -> String {
    let mut s = String::with_capacity(10);
    s.push(match kind {
        FileKind::File => '-',
        FileKind::Dir => 'd',
        FileKind::CharDev => 'c',
        FileKind::BlockDev => 'b',
    });
    // (shift of the rwx triple, the special bit, its letter when also executable)
    for (shift, special, letter) in [(6, 0o4000, 's'), (3, 0o2000, 's'), (0, 0o1000, 't')] {
        let bits = (mode >> shift) & 0o7;
        s.push(if bits & 0o4 != 0 { 'r' } else { '-' });
        s.push(if bits & 0o2 != 0 { 'w' } else { '-' });
        s.push(match (bits & 0o1 != 0, mode & special != 0) {
            (true, true) => letter,
            (false, true) => letter.to_ascii_uppercase(),
            (true, false) => 'x',
            (false, false) => '-',
        });
    }
    s
}

/// A size in bytes as `ls -h` shows it: `512`, `4.0K`, `1.5M`, `12K`, `16E`.
///
/// Below 1024 the exact number; above, powers of 1024 with one decimal
/// below 10 and none from 10 on, rounded to nearest.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [char; 6] = ['K', 'M', 'G', 'T', 'P', 'E'];
    if bytes < 1024 {
        return format!("{bytes}");
    }
    let n = u128::from(bytes);
    let mut unit = 0;
    while unit + 1 < UNITS.len() && n >= 1u128 << (10 * (unit + 2)) {
        unit += 1;
    }
    let scale = 1u128 << (10 * (unit + 1));
    let tenths = (n * 10 + scale / 2) / scale;
    if tenths < 100 {
        return format!("{}.{}{}", tenths / 10, tenths % 10, UNITS[unit]);
    }
    let whole = (n + scale / 2) / scale;
    if whole >= 1024 && unit + 1 < UNITS.len() {
        return format!("1.0{}", UNITS[unit + 1]); // rounding carried into the next unit
    }
    format!("{whole}{}", UNITS[unit])
}

/// A duration for `uptime` and `ps`: `12.345s` below a minute, then
/// `H:MM:SS` (`1:02:03`, `0:01:05`), then `Dd HH:MM:SS` from a day on.
///
/// Sub-millisecond and (from a minute on) sub-second parts are truncated, never rounded up.
pub fn duration(ns: u64) -> String {
    const NS_PER_MS: u64 = 1_000_000;
    const NS_PER_S: u64 = 1_000_000_000;
    let s = ns / NS_PER_S;
    if s < 60 {
        return format!("{s}.{:03}s", ns % NS_PER_S / NS_PER_MS);
    }
    let (days, h, m, sec) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    if days == 0 {
        format!("{h}:{m:02}:{sec:02}")
    } else {
        format!("{days}d {h:02}:{m:02}:{sec:02}")
    }
}

/// A column table: left-aligned text, right-aligned numbers, widths fit to the content.
///
/// A column is numeric, and right-aligned with its header, when every
/// non-empty cell under the header starts with an ASCII digit (or `-` and a
/// digit) and at least one does: `42`, `4.0K`, `0x1f`, `1:02:03`. Columns
/// are separated by two spaces; lines carry no trailing spaces and are
/// separated by `\n`, with none after the last (so `println!("{table}")`
/// fits). A row shorter than the others is padded with empty cells; a
/// longer one adds columns with empty headers.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// The header row and the body rows.
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers.
    pub fn new(headers: &[&str]) -> Table {
        Table {
            rows: alloc::vec![headers.iter().map(|h| String::from(*h)).collect()],
        }
    }

    /// Adds a row of cells (`&[&name, "ok", &size]`: `&String`s coerce).
    pub fn row(&mut self, cells: &[&str]) -> &mut Table {
        self.rows
            .push(cells.iter().map(|c| String::from(*c)).collect());
        self
    }

    /// Number of body rows (not counting the headers).
    pub fn len(&self) -> usize {
        self.rows.len() - 1
    }

    /// Whether the table has no body rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Each column's width in chars and whether it is numeric.
    fn columns(&self) -> Vec<(usize, bool)> {
        let count = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        (0..count)
            .map(|col| {
                let cells = || self.rows.iter().filter_map(move |r| r.get(col));
                let width = cells().map(|c| c.chars().count()).max().unwrap_or(0);
                let mut body = cells().skip(1).filter(|c| !c.is_empty()).peekable();
                let numeric = body.peek().is_some() && body.all(|c| looks_numeric(c));
                (width, numeric)
            })
            .collect()
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let columns = self.columns();
        for (index, row) in self.rows.iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            let mut line = String::new();
            for (col, &(width, numeric)) in columns.iter().enumerate() {
                let cell = row.get(col).map_or("", String::as_str);
                if col > 0 {
                    line.push_str("  ");
                }
                let pad = width - cell.chars().count();
                if numeric {
                    line.extend(core::iter::repeat_n(' ', pad));
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    line.extend(core::iter::repeat_n(' ', pad));
                }
            }
            f.write_str(line.trim_end())?;
        }
        Ok(())
    }
}

/// Whether a cell reads as a number: an ASCII digit first, or `-` and a digit.
fn looks_numeric(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    digits.starts_with(|c: char| c.is_ascii_digit())
}

/// Why [`parse_int`] refused a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntError {
    /// The string was empty.
    Empty,
    /// `0x` with no hex digits after it.
    NoHexDigits,
    /// A character that is not a digit of the number's base.
    InvalidDigit {
        /// The offending character.
        found: char,
        /// Whether the number was hex (`0x`).
        hex: bool,
    },
    /// The value does not fit in 64 bits.
    TooLarge,
}

impl fmt::Display for IntError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntError::Empty => f.write_str("empty number"),
            IntError::NoHexDigits => f.write_str("no hex digits after 0x"),
            IntError::InvalidDigit { found, hex: true } => {
                write!(f, "invalid hex digit {found:?}")
            }
            IntError::InvalidDigit { found, hex: false } => {
                write!(f, "invalid digit {found:?} (want decimal, or hex after 0x)")
            }
            IntError::TooLarge => write!(f, "number too large (max {})", u64::MAX),
        }
    }
}

impl core::error::Error for IntError {}

/// Parses a decimal (`4096`) or `0x` hex (`0x3f`, `0X3F`) unsigned number; no sign, no spaces.
pub fn parse_int(s: &str) -> Result<u64, IntError> {
    if s.is_empty() {
        return Err(IntError::Empty);
    }
    let (digits, radix) = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some("") => return Err(IntError::NoHexDigits),
        Some(hex) => (hex, 16),
        None => (s, 10),
    };
    let mut value: u64 = 0;
    for c in digits.chars() {
        let digit = c.to_digit(radix).ok_or(IntError::InvalidDigit {
            found: c,
            hex: radix == 16,
        })?;
        value = value
            .checked_mul(u64::from(radix))
            .and_then(|v| v.checked_add(u64::from(digit)))
            .ok_or(IntError::TooLarge)?;
    }
    Ok(value)
}

#[cfg(test)]
#[path = "fmt_tests.rs"]
mod tests;
