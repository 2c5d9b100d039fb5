//! Reading kernel.elf: its defined symbols (demangled, classified like `nm`) and where `.ksyms` lies.

use object::{
    elf, Object, ObjectSection, ObjectSegment, ObjectSymbol, SectionFlags, SectionIndex,
    SectionKind, SymbolKind, SymbolSection,
};

/// What kind of memory a symbol lives in; decides its System.map letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// An executable section (`T`).
    Text,
    /// A read-only allocated section (`R`).
    ReadOnly,
    /// A writable allocated section with file contents (`D`).
    Data,
    /// A writable allocated section without file contents (`B`).
    Bss,
    /// An absolute value, in no section (`A`).
    Absolute,
}

/// A defined symbol of the kernel image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelSymbol {
    /// Address (st_value).
    pub addr: u64,
    /// Size in bytes (st_size); 0 for labels.
    pub size_bytes: u64,
    /// Demangled name without the Rust hash.
    pub name: String,
    /// Section kind.
    pub class: Class,
    /// Bound STB_LOCAL.
    pub local: bool,
    /// Bound STB_WEAK.
    pub weak: bool,
    /// ELF symbol type.
    pub kind: Kind,
}

/// The ELF symbol types kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// STT_FUNC: a function, usually sized.
    Function,
    /// STT_OBJECT: a variable or constant.
    Object,
    /// STT_NOTYPE: an assembly or linker-script label, usually of size 0.
    Label,
}

impl KernelSymbol {
    /// True for code the panic handler names: functions and labels in executable sections.
    pub fn is_code(&self) -> bool {
        self.class == Class::Text && matches!(self.kind, Kind::Function | Kind::Label)
    }
}

/// Where the `.ksyms` reservation lies in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KsymsSection {
    /// Offset of the reservation's bytes in the ELF file.
    pub file_offset: u64,
    /// Length of the reservation in bytes: what the kernel will read.
    pub len_bytes: u64,
}

/// Name of the section the kernel reserves for its symbol table.
pub const KSYMS_SECTION: &str = ".ksyms";
/// Linker-script symbols bracketing the bytes the kernel reads; the section may run on
/// past the end marker (alignment padding), which the kernel never sees.
pub const KSYMS_MARKERS: [&str; 2] = ["__ksyms_start", "__ksyms_end"];

/// Parses an ELF file, naming `path` in the error.
fn parse<'a>(data: &'a [u8], path: &str) -> Result<object::File<'a>, String> {
    let file =
        object::File::parse(data).map_err(|e| format!("{path}: not a readable ELF file: {e}"))?;
    if file.format() != object::BinaryFormat::Elf {
        return Err(format!("{path}: not an ELF file"));
    }
    Ok(file)
}

/// Classifies a section by its ELF flags; None for sections not loaded into memory.
fn class_of(section: &object::Section<'_, '_>) -> Option<Class> {
    let SectionFlags::Elf { sh_flags } = section.flags() else {
        return None;
    };
    if sh_flags & u64::from(elf::SHF_ALLOC) == 0 {
        return None;
    }
    Some(if sh_flags & u64::from(elf::SHF_EXECINSTR) != 0 {
        Class::Text
    } else if matches!(
        section.kind(),
        SectionKind::UninitializedData | SectionKind::UninitializedTls
    ) {
        Class::Bss
    } else if sh_flags & u64::from(elf::SHF_WRITE) != 0 {
        Class::Data
    } else {
        Class::ReadOnly
    })
}

/// True for AArch64/ARM mapping symbols (`$x`, `$d`, `$x.12`): they mark code/data, not names.
fn is_mapping_symbol(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('$') else {
        return false;
    };
    let kind = rest.split('.').next().unwrap_or(rest);
    matches!(kind, "x" | "d" | "a" | "t")
}

/// Demangles a Rust name and drops its hash; other names pass through unchanged.
pub fn demangle(raw: &str) -> String {
    format!("{:#}", rustc_demangle::demangle(raw))
}

/// Every defined, named symbol in an allocated section (or absolute), in symbol-table order.
pub fn read_symbols(data: &[u8], path: &str) -> Result<Vec<KernelSymbol>, String> {
    let file = parse(data, path)?;
    if file.symbol_table().is_none() {
        return Err(format!("{path}: has no symbol table (was it stripped?)"));
    }
    let mut symbols = Vec::new();
    for symbol in file.symbols() {
        let kind = match symbol.kind() {
            SymbolKind::Text => Kind::Function,
            SymbolKind::Data => Kind::Object,
            SymbolKind::Unknown | SymbolKind::Label => Kind::Label,
            _ => continue, // section, file and TLS symbols name no address of their own
        };
        let class = match symbol.section() {
            SymbolSection::Absolute => Class::Absolute,
            SymbolSection::Section(index) => match section_class(&file, index) {
                Some(class) => class,
                None => continue,
            },
            _ => continue, // undefined, common or unknown
        };
        let raw = String::from_utf8_lossy(symbol.name_bytes().unwrap_or_default()).into_owned();
        if raw.is_empty() || is_mapping_symbol(&raw) {
            continue;
        }
        symbols.push(KernelSymbol {
            addr: symbol.address(),
            size_bytes: symbol.size(),
            name: demangle(&raw),
            class,
            local: symbol.is_local(),
            weak: symbol.is_weak(),
            kind,
        });
    }
    Ok(symbols)
}

/// The class of section `index`, or None when it is missing or not allocated.
fn section_class(file: &object::File<'_>, index: SectionIndex) -> Option<Class> {
    class_of(&file.section_by_index(index).ok()?)
}

/// Finds `.ksyms` and checks it can be patched: PROGBITS, inside the file and a PT_LOAD segment.
pub fn find_ksyms(data: &[u8], path: &str) -> Result<KsymsSection, String> {
    let file = parse(data, path)?;
    let Some(section) = file.section_by_name(KSYMS_SECTION) else {
        return Err(format!(
            "{path}: has no {KSYMS_SECTION} section; the kernel must reserve one (KSYMS_BYTES)"
        ));
    };
    if matches!(
        section.kind(),
        SectionKind::UninitializedData | SectionKind::UninitializedTls
    ) {
        return Err(format!(
            "{path}: {KSYMS_SECTION} is NOBITS, so it has no file bytes to patch; \
             it must be PROGBITS (an initialized static, not NOLOAD)"
        ));
    }
    let Some((file_offset, len_bytes)) = section.file_range() else {
        return Err(format!("{path}: {KSYMS_SECTION} has no bytes in the file"));
    };
    let end = file_offset.checked_add(len_bytes);
    if end.is_none_or(|end| end > data.len() as u64) {
        return Err(format!(
            "{path}: {KSYMS_SECTION} claims bytes {file_offset:#x}+{len_bytes:#x}, past the end of the file"
        ));
    }
    let (file_offset, len_bytes) = match markers(&file) {
        None => (file_offset, len_bytes),
        Some((start, end)) => {
            let section_start = section.address();
            let within = start >= section_start && end >= start && end - section_start <= len_bytes;
            if !within {
                return Err(format!(
                    "{path}: {} = {start:#x} and {} = {end:#x} do not bracket bytes inside {KSYMS_SECTION} \
                     ({section_start:#x}+{len_bytes:#x})",
                    KSYMS_MARKERS[0], KSYMS_MARKERS[1]
                ));
            }
            (file_offset + (start - section_start), end - start)
        }
    };
    let end = Some(file_offset + len_bytes);
    let in_load_segment = file.segments().any(|segment| {
        let (start, size) = segment.file_range();
        file_offset >= start && end.is_some_and(|end| Some(end) <= start.checked_add(size))
    });
    if !in_load_segment {
        return Err(format!(
            "{path}: {KSYMS_SECTION} lies outside every PT_LOAD segment, so it would not reach the image"
        ));
    }
    Ok(KsymsSection {
        file_offset,
        len_bytes,
    })
}

/// The addresses of the two marker symbols, when the image defines both.
fn markers(file: &object::File<'_>) -> Option<(u64, u64)> {
    let address = |name: &str| {
        file.symbols()
            .find(|s| s.name_bytes().ok() == Some(name.as_bytes()) && !s.is_undefined())
            .map(|s| s.address())
    };
    Some((address(KSYMS_MARKERS[0])?, address(KSYMS_MARKERS[1])?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testelf::{self, Ksyms, Sec, STB_GLOBAL, STT_NOTYPE, TEXT_ADDR};

    #[test]
    fn reads_defined_symbols_demangled_and_classified() {
        let data = testelf::build(Ksyms::Progbits(256), &testelf::sample_symbols());
        let symbols = read_symbols(&data, "k.elf").expect("reads");
        let find = |name: &str| symbols.iter().find(|s| s.name == name).cloned();
        let main = find("kernel::main").expect("demangled main");
        assert_eq!(
            (main.addr, main.size_bytes, main.class),
            (TEXT_ADDR + 0x100, 0x80, Class::Text)
        );
        assert!(main.kind == Kind::Function && !main.local && main.is_code());
        let flush = find("kernel::log::flush").expect("local fn");
        assert!(flush.local);
        assert_eq!(
            find("vectors").map(|s| (s.class, s.kind)),
            Some((Class::Text, Kind::Label))
        );
        let literal = find("text_literal").expect("object in .text");
        assert!(literal.class == Class::Text && !literal.is_code());
        assert_eq!(find("BANNER").map(|s| s.class), Some(Class::ReadOnly));
        assert_eq!(find("kernel::COUNT").map(|s| s.class), Some(Class::Data));
        assert_eq!(find("STACK").map(|s| s.class), Some(Class::Bss));
        assert_eq!(find("ABS_SYM").map(|s| s.class), Some(Class::Absolute));
        assert!(find("weak_fn").is_some_and(|s| s.weak));
        for skipped in ["$x", "$d.1", "main.rs", "undefined_fn", "comment_sym", ""] {
            assert!(find(skipped).is_none(), "{skipped} should be skipped");
        }
    }

    #[test]
    fn finds_ksyms_and_refuses_bad_reservations() {
        let data = testelf::build(Ksyms::Progbits(256), &testelf::sample_symbols());
        let ksyms = find_ksyms(&data, "k.elf").expect("found");
        assert_eq!(ksyms.len_bytes, 256);
        assert!(data[ksyms.file_offset as usize..][..256]
            .iter()
            .all(|&b| b == 0));

        let nobits = testelf::build(Ksyms::Nobits(256), &testelf::sample_symbols());
        let err = find_ksyms(&nobits, "k.elf").expect_err("nobits refused");
        assert!(err.contains("NOBITS"), "{err}");

        let missing = testelf::build(Ksyms::Missing, &testelf::sample_symbols());
        let err = find_ksyms(&missing, "k.elf").expect_err("missing refused");
        assert!(err.contains("no .ksyms section"), "{err}");
    }

    #[test]
    fn marker_symbols_bound_the_reservation_inside_the_section() {
        let start = testelf::ksyms_addr();
        let mut symbols = testelf::sample_symbols();
        let marker =
            |name: &str, addr| testelf::sym(name, addr, 0, STB_GLOBAL, STT_NOTYPE, Sec::Ksyms);
        symbols.push(marker("__ksyms_start", start));
        symbols.push(marker("__ksyms_end", start + 128));
        let data = testelf::build(Ksyms::Progbits(256), &symbols);
        let whole = find_ksyms(
            &testelf::build(Ksyms::Progbits(256), &testelf::sample_symbols()),
            "k",
        )
        .expect("no markers");
        let bounded = find_ksyms(&data, "k.elf").expect("markers");
        assert_eq!(
            bounded,
            KsymsSection {
                file_offset: whole.file_offset,
                len_bytes: 128
            }
        );

        symbols.pop();
        symbols.push(marker("__ksyms_end", start + 257));
        let err = find_ksyms(&testelf::build(Ksyms::Progbits(256), &symbols), "k.elf")
            .expect_err("end marker past the section");
        assert!(err.contains("do not bracket"), "{err}");
    }

    #[test]
    fn garbage_and_truncated_files_are_errors_not_panics() {
        assert!(read_symbols(b"not an elf at all", "x").is_err());
        assert!(find_ksyms(&[], "x").is_err());
        let data = testelf::build(Ksyms::Progbits(64), &testelf::sample_symbols());
        for len in (0..data.len()).step_by(7) {
            let _ = read_symbols(&data[..len], "x");
            let _ = find_ksyms(&data[..len], "x");
        }
    }

    #[test]
    fn mapping_symbols_are_recognised() {
        assert!(is_mapping_symbol("$x"));
        assert!(is_mapping_symbol("$d.42"));
        assert!(!is_mapping_symbol("$LT$"));
        assert!(!is_mapping_symbol("x"));
    }
}
