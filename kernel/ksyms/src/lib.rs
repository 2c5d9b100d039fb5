//! The kernel symbol table (mica's kallsyms): a compact sorted blob of text symbols, its decoder and encoder.
//!
//! The build (`mkimage symbols`) encodes the kernel's text symbols into the
//! `.ksyms` section of `kernel.elf`; the panic handler decodes them in place to
//! print `name+0x1c/0x80` for each return address. The decoder never allocates
//! and never panics, whatever the bytes.
//!
//! # Format, version 1 (all integers little-endian)
//!
//! ```text
//! offset  size        field
//! 0       4           magic b"KSYM"
//! 4       4           version (u32) = 1
//! 8       4           count: number of entries (u32)
//! 12      4           names_len_bytes: length of the name area (u32)
//! 16      8           base: address all entry offsets are relative to (u64)
//! 24      12 * count  entries, sorted by strictly ascending addr_offset:
//!                       addr_offset (u32)  symbol start - base
//!                       size_bytes  (u32)  0 for labels: extends to the next symbol
//!                       name_offset (u32)  into the name area
//! ..      names_len   name area: per name a length (LEB128, 1 or 2 bytes)
//!                     then that many UTF-8 bytes; entries may share a name
//! ..      any         trailing bytes (zero padding of the section) are ignored
//! ```
//!
//! Offsets are 32-bit because the kernel text lies within one 4 GiB window.
#![no_std]
#![forbid(unsafe_code)]

#[cfg(any(feature = "encode", test))]
extern crate alloc;

mod decode;
#[cfg(any(feature = "encode", test))]
mod encode;
mod error;

pub use decode::{Iter, Symbol, SymbolTable};
#[cfg(any(feature = "encode", test))]
pub use encode::{encode, EncodeError};
pub use error::FormatError;

/// The first four bytes of every symbol table blob.
pub const MAGIC: [u8; 4] = *b"KSYM";
/// The format version this crate reads and writes.
pub const VERSION: u32 = 1;
/// Length of the fixed header in bytes.
pub const HEADER_LEN_BYTES: usize = 24;
/// Length of one entry in bytes.
pub const ENTRY_LEN_BYTES: usize = 12;
/// Longest name the format stores; the encoder truncates longer names.
pub const MAX_NAME_LEN_BYTES: usize = 0x3fff;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_garbled;
