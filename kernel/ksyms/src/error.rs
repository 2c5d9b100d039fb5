//! Why a symbol table blob was rejected.

use core::fmt;

/// A symbol table blob that cannot be used; the panic handler prints it instead of names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatError {
    /// The blob is empty or all zero: the image was built without `mkimage symbols`.
    Empty,
    /// The blob does not start with `b"KSYM"`.
    BadMagic,
    /// The blob was written in a format version this decoder does not read.
    UnsupportedVersion {
        /// The version found in the header.
        found: u32,
    },
    /// The header promises more bytes than the blob holds.
    Truncated {
        /// Bytes the header says the table occupies (saturated on overflow).
        needed_bytes: usize,
        /// Bytes actually present.
        available_bytes: usize,
    },
    /// Entry `index` does not start strictly after the entry before it.
    Unsorted {
        /// Index of the offending entry.
        index: usize,
    },
    /// Entry `index` ends beyond the 64-bit address space.
    AddressOverflow {
        /// Index of the offending entry.
        index: usize,
    },
    /// The name of entry `index` lies outside the name area or is not UTF-8.
    BadName {
        /// Index of the offending entry.
        index: usize,
    },
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Empty => {
                f.write_str("no kernel symbol table (image built without `mkimage symbols`)")
            }
            Self::BadMagic => {
                f.write_str("kernel symbol table has a bad magic (expected \"KSYM\")")
            }
            Self::UnsupportedVersion { found } => {
                write!(
                    f,
                    "kernel symbol table version {found} is not supported (expected 1)"
                )
            }
            Self::Truncated {
                needed_bytes,
                available_bytes,
            } => write!(
                f,
                "kernel symbol table truncated: needs {needed_bytes} bytes, has {available_bytes}"
            ),
            Self::Unsorted { index } => {
                write!(f, "kernel symbol table entry {index} is out of order")
            }
            Self::AddressOverflow { index } => {
                write!(
                    f,
                    "kernel symbol table entry {index} overflows the address space"
                )
            }
            Self::BadName { index } => {
                write!(f, "kernel symbol table entry {index} has a bad name")
            }
        }
    }
}

impl core::error::Error for FormatError {}
