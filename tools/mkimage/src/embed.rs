//! Embedding: encode the code symbols into a ksyms blob and write it in place over `.ksyms`.

use std::fs::OpenOptions;
use std::io::{Seek, SeekFrom, Write};

use crate::elf::{KernelSymbol, Kind, KsymsSection, KSYMS_SECTION};

/// The source file that sizes the reservation, named when the table does not fit.
pub const KSYMS_BYTES_SOURCE: &str = "kernel/src/arch/aarch64/sections.rs";

/// The bytes to write over `.ksyms` and what they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embedded {
    /// The whole section: the blob followed by zero padding.
    pub section_bytes: Vec<u8>,
    /// Length of the blob itself.
    pub used_bytes: usize,
    /// Symbols in the table after deduplication.
    pub symbol_count: usize,
}

/// The code symbols as `(addr, size, name)`, preferred names first: among symbols at one
/// address the encoder keeps the largest, then the first listed, so functions come before
/// labels, globals before locals, and linker-script markers (`__text_start`) last.
pub fn code_symbols(symbols: &[KernelSymbol]) -> Vec<(u64, u64, &str)> {
    let mut code: Vec<&KernelSymbol> = symbols.iter().filter(|s| s.is_code()).collect();
    code.sort_by_key(|s| (s.kind != Kind::Function, s.local, s.name.starts_with("__")));
    code.iter()
        .map(|s| (s.addr, s.size_bytes, s.name.as_str()))
        .collect()
}

/// Encodes the code symbols and pads them to the section, refusing a table that does not fit.
pub fn build(symbols: &[KernelSymbol], section_len_bytes: u64) -> Result<Embedded, String> {
    let code = code_symbols(symbols);
    let blob = ksyms::encode(&code).map_err(|e| format!("cannot encode the symbol table: {e}"))?;
    let available = usize::try_from(section_len_bytes).unwrap_or(usize::MAX);
    if blob.len() > available {
        return Err(format!(
            "symbol table needs {} bytes but {KSYMS_SECTION} holds {section_len_bytes}; \
             raise KSYMS_BYTES in {KSYMS_BYTES_SOURCE}",
            blob.len()
        ));
    }
    let mut section_bytes = blob;
    let used_bytes = section_bytes.len();
    section_bytes.resize(available, 0);
    // Read it back as the kernel will, so a broken encoder fails the build, not a panic report.
    let symbol_count = ksyms::SymbolTable::parse(&section_bytes)
        .map_err(|e| format!("the encoded symbol table does not decode: {e}"))?
        .len();
    Ok(Embedded {
        section_bytes,
        used_bytes,
        symbol_count,
    })
}

/// Overwrites the section's bytes in the file at `path`; nothing else in the file moves.
pub fn patch_file(path: &str, section: KsymsSection, section_bytes: &[u8]) -> Result<(), String> {
    debug_assert_eq!(section_bytes.len() as u64, section.len_bytes);
    let io_error = |e: std::io::Error| format!("{path}: cannot patch {KSYMS_SECTION}: {e}");
    let mut file = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(io_error)?;
    file.seek(SeekFrom::Start(section.file_offset))
        .map_err(io_error)?;
    file.write_all(section_bytes).map_err(io_error)?;
    file.flush().map_err(io_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elf::Class;

    fn code(addr: u64, size_bytes: u64, name: &str, kind: Kind, local: bool) -> KernelSymbol {
        KernelSymbol {
            addr,
            size_bytes,
            name: name.to_string(),
            class: Class::Text,
            local,
            weak: false,
            kind,
        }
    }

    #[test]
    fn preferred_names_win_at_a_shared_address() {
        let symbols = [
            code(0x1000, 0, "__text_start", Kind::Label, false),
            code(0x1000, 0, "local_alias", Kind::Label, true),
            code(0x1000, 0, "_start", Kind::Label, false),
            code(0x2000, 0x10, "kernel::main", Kind::Function, false),
            code(0x2000, 0, "main_label", Kind::Label, false),
        ];
        let embedded = build(&symbols, 4096).expect("fits");
        let table = ksyms::SymbolTable::parse(&embedded.section_bytes).expect("decodes");
        let names: Vec<&str> = table.iter().map(|s| s.name).collect();
        assert_eq!(names, ["_start", "kernel::main"]);
        assert_eq!(embedded.symbol_count, 2);
        assert_eq!(embedded.section_bytes.len(), 4096);
        assert!(embedded.section_bytes[embedded.used_bytes..]
            .iter()
            .all(|&b| b == 0));
    }

    #[test]
    fn only_code_symbols_are_embedded() {
        let mut data = code(0x3000, 8, "COUNTER", Kind::Object, false);
        data.class = Class::Data;
        let literal = code(0x2100, 8, "literal_pool", Kind::Object, true);
        let symbols = [
            code(0x2000, 0x10, "f", Kind::Function, false),
            data,
            literal,
        ];
        assert_eq!(code_symbols(&symbols), [(0x2000, 0x10, "f")]);
    }

    #[test]
    fn a_table_that_does_not_fit_is_refused_naming_both_sizes() {
        let symbols = [code(0x2000, 0x10, "kernel::main", Kind::Function, false)];
        let needed = build(&symbols, 4096).expect("fits").used_bytes;
        assert!(
            build(&symbols, needed as u64).is_ok(),
            "an exact fit is fine"
        );
        let err = build(&symbols, needed as u64 - 1).expect_err("too small");
        assert_eq!(
            err,
            format!(
                "symbol table needs {needed} bytes but .ksyms holds {}; \
                 raise KSYMS_BYTES in kernel/src/arch/aarch64/sections.rs",
                needed - 1
            )
        );
    }

    #[test]
    fn symbols_beyond_the_window_are_an_error() {
        let symbols = [
            code(0x1000, 4, "low", Kind::Function, false),
            code(0x2_0000_0000, 4, "high", Kind::Function, false),
        ];
        let err = build(&symbols, 4096).expect_err("out of window");
        assert!(err.contains("4 GiB"), "{err}");
    }
}
