//! The kernel's own symbol table (kallsyms): reserved here, filled by `mkimage` after linking.

pub use crate::arch::aarch64::sections::KSYMS_BYTES;

/// The symbol containing `addr`, as `name+0xoffset`, if the table is present and knows it.
pub fn lookup(addr: u64) -> Option<ksyms::Symbol<'static>> {
    let table = ksyms::SymbolTable::parse(crate::arch::aarch64::sections::ksyms_blob()).ok()?;
    table.lookup(addr)
}
