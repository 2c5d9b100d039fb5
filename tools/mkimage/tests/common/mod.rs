//! A tiny ELF64 writer for tests: a kernel-like executable with a `.ksyms` reservation and symbols.
// Shared by the unit tests (via #[path]) and the integration test, which each use part of it.
#![allow(dead_code)]

/// Where `.text` is linked, as in the kernel's linker.ld.
pub const TEXT_ADDR: u64 = 0xffff_ff80_0008_0000;
const TEXT_LEN: u64 = 0x1000;
const RODATA_LEN: u64 = 0x100;
const DATA_LEN: u64 = 0x40;
const BSS_LEN: u64 = 0x100;
/// File offset of `.text`; every allocated section follows at address = TEXT_ADDR + (offset - this).
const CONTENT_OFFSET: u64 = 0x100;

pub const STB_LOCAL: u8 = 0;
pub const STB_GLOBAL: u8 = 1;
pub const STB_WEAK: u8 = 2;
pub const STT_NOTYPE: u8 = 0;
pub const STT_OBJECT: u8 = 1;
pub const STT_FUNC: u8 = 2;
pub const STT_SECTION: u8 = 3;
pub const STT_FILE: u8 = 4;

/// How the image reserves its symbol table.
#[derive(Debug, Clone, Copy)]
pub enum Ksyms {
    /// A PROGBITS `.ksyms` of this many zero bytes.
    Progbits(u64),
    /// A NOBITS `.ksyms` of this size: nothing in the file to patch.
    Nobits(u64),
    /// No `.ksyms` section at all.
    Missing,
}

/// The section a test symbol is defined in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sec {
    Text,
    Rodata,
    Data,
    Bss,
    /// The `.ksyms` reservation (index 3; only when the image has one).
    Ksyms,
    /// A non-allocated section (`.comment`).
    Comment,
    Abs,
    Undef,
}

/// One symbol-table entry; `value` is an absolute address.
#[derive(Debug, Clone)]
pub struct Sym {
    pub name: String,
    pub value: u64,
    pub size: u64,
    pub bind: u8,
    pub kind: u8,
    pub sec: Sec,
}

pub fn sym(name: &str, value: u64, size: u64, bind: u8, kind: u8, sec: Sec) -> Sym {
    Sym {
        name: name.to_string(),
        value,
        size,
        bind,
        kind,
        sec,
    }
}

pub fn rodata_addr() -> u64 {
    TEXT_ADDR + TEXT_LEN
}

pub fn ksyms_addr() -> u64 {
    rodata_addr() + RODATA_LEN
}

pub fn data_addr(ksyms: Ksyms) -> u64 {
    let ksyms_len = match ksyms {
        Ksyms::Progbits(len) => len,
        _ => 0,
    };
    align8(rodata_addr() + RODATA_LEN + ksyms_len)
}

fn align8(value: u64) -> u64 {
    (value + 7) & !7
}

/// Symbols of every sort the reader must keep or skip (see the unit tests in src/elf.rs).
pub fn sample_symbols() -> Vec<Sym> {
    const T: u64 = TEXT_ADDR;
    let table: [(&str, u64, u64, u8, u8, Sec); 17] = [
        ("main.rs", 0, 0, STB_LOCAL, STT_FILE, Sec::Abs),
        ("", T, 0, STB_LOCAL, STT_SECTION, Sec::Text),
        ("$x", T, 0, STB_LOCAL, STT_NOTYPE, Sec::Text),
        ("$d.1", T + 0x300, 0, STB_LOCAL, STT_NOTYPE, Sec::Text),
        (
            "_ZN6kernel3log5flush17hfedcba9876543210E",
            T + 0x200,
            0x40,
            STB_LOCAL,
            STT_FUNC,
            Sec::Text,
        ),
        ("vectors", T + 0x800, 0, STB_LOCAL, STT_NOTYPE, Sec::Text),
        (
            "text_literal",
            T + 0x300,
            8,
            STB_LOCAL,
            STT_OBJECT,
            Sec::Text,
        ),
        (
            "_ZN6kernel5COUNT17h0011223344556677E",
            0,
            8,
            STB_LOCAL,
            STT_OBJECT,
            Sec::Data,
        ),
        ("comment_sym", 0, 0, STB_LOCAL, STT_NOTYPE, Sec::Comment),
        ("__text_start", T, 0, STB_GLOBAL, STT_NOTYPE, Sec::Text),
        ("_start", T, 0, STB_GLOBAL, STT_NOTYPE, Sec::Text),
        (
            "_ZN6kernel4main17h0123456789abcdefE",
            T + 0x100,
            0x80,
            STB_GLOBAL,
            STT_FUNC,
            Sec::Text,
        ),
        ("weak_fn", T + 0x400, 0x20, STB_WEAK, STT_FUNC, Sec::Text),
        (
            "BANNER",
            rodata_addr(),
            0x10,
            STB_GLOBAL,
            STT_OBJECT,
            Sec::Rodata,
        ),
        ("STACK", 0, 0x100, STB_GLOBAL, STT_OBJECT, Sec::Bss),
        ("ABS_SYM", 0x1234, 0, STB_GLOBAL, STT_NOTYPE, Sec::Abs),
        ("undefined_fn", 0, 0, STB_GLOBAL, STT_NOTYPE, Sec::Undef),
    ];
    table
        .iter()
        .map(|&(name, value, size, bind, kind, sec)| sym(name, value, size, bind, kind, sec))
        .collect()
}

/// A string table: NUL-separated names, starting with the empty name.
struct StrTab(Vec<u8>);

impl StrTab {
    fn new() -> Self {
        StrTab(vec![0])
    }

    fn add(&mut self, name: &str) -> u32 {
        if name.is_empty() {
            return 0;
        }
        let at = self.0.len() as u32;
        self.0.extend_from_slice(name.as_bytes());
        self.0.push(0);
        at
    }
}

/// A section header to emit.
struct Shdr {
    name: &'static str,
    kind: u32,
    flags: u64,
    addr: u64,
    offset: u64,
    size: u64,
    link: u32,
    info: u32,
    align: u64,
    entsize: u64,
}

/// A section header with no link, info or entry size, aligned to 8.
fn shdr(name: &'static str, kind: u32, flags: u64, addr: u64, offset: u64, size: u64) -> Shdr {
    Shdr {
        name,
        kind,
        flags,
        addr,
        offset,
        size,
        link: 0,
        info: 0,
        align: 8,
        entsize: 0,
    }
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}
fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}
fn put64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

const SHT_PROGBITS: u32 = 1;
const SHT_SYMTAB: u32 = 2;
const SHT_STRTAB: u32 = 3;
const SHT_NOBITS: u32 = 8;
const SHF_WRITE: u64 = 1;
const SHF_ALLOC: u64 = 2;
const SHF_EXECINSTR: u64 = 4;
const SHN_ABS: u16 = 0xfff1;

/// Builds an AArch64 ELF64 executable with .text/.rodata/[.ksyms]/.data/.bss and `symbols`.
/// Symbols in `.data`/`.bss` with value 0 are placed at the start of their section.
pub fn build(ksyms: Ksyms, symbols: &[Sym]) -> Vec<u8> {
    let text_off = CONTENT_OFFSET;
    let rodata_off = text_off + TEXT_LEN;
    let ksyms_off = rodata_off + RODATA_LEN;
    let data_off = CONTENT_OFFSET + (data_addr(ksyms) - TEXT_ADDR);
    let comment_off = data_off + DATA_LEN;
    let addr_of = |off: u64| TEXT_ADDR + (off - CONTENT_OFFSET);
    let bss_addr = addr_of(comment_off);

    let mut shdrs = vec![
        shdr("", 0, 0, 0, 0, 0),
        shdr(
            ".text",
            SHT_PROGBITS,
            SHF_ALLOC | SHF_EXECINSTR,
            TEXT_ADDR,
            text_off,
            TEXT_LEN,
        ),
        shdr(
            ".rodata",
            SHT_PROGBITS,
            SHF_ALLOC,
            addr_of(rodata_off),
            rodata_off,
            RODATA_LEN,
        ),
    ];
    match ksyms {
        Ksyms::Progbits(len) => shdrs.push(shdr(
            ".ksyms",
            SHT_PROGBITS,
            SHF_ALLOC,
            addr_of(ksyms_off),
            ksyms_off,
            len,
        )),
        Ksyms::Nobits(len) => shdrs.push(shdr(
            ".ksyms",
            SHT_NOBITS,
            SHF_ALLOC,
            addr_of(ksyms_off),
            ksyms_off,
            len,
        )),
        Ksyms::Missing => {}
    }
    let data_index = shdrs.len() as u16;
    let rw = SHF_ALLOC | SHF_WRITE;
    shdrs.push(shdr(
        ".data",
        SHT_PROGBITS,
        rw,
        addr_of(data_off),
        data_off,
        DATA_LEN,
    ));
    shdrs.push(shdr(".bss", SHT_NOBITS, rw, bss_addr, comment_off, BSS_LEN));
    shdrs.push(shdr(".comment", SHT_PROGBITS, 0, 0, comment_off, 8));
    let index_of = |sec: Sec| -> u16 {
        match sec {
            Sec::Text => 1,
            Sec::Rodata => 2,
            Sec::Ksyms => 3,
            Sec::Data => data_index,
            Sec::Bss => data_index + 1,
            Sec::Comment => data_index + 2,
            Sec::Abs => SHN_ABS,
            Sec::Undef => 0,
        }
    };

    // Symbol table: the null symbol, then locals, then the rest (sh_info = first non-local).
    let mut strtab = StrTab::new();
    let mut symtab = vec![0u8; 24];
    let mut ordered: Vec<&Sym> = symbols.iter().filter(|s| s.bind == STB_LOCAL).collect();
    let first_global = ordered.len() as u32 + 1;
    ordered.extend(symbols.iter().filter(|s| s.bind != STB_LOCAL));
    for s in ordered {
        let value = match (s.sec, s.value) {
            (Sec::Data, 0) => addr_of(data_off),
            (Sec::Bss, 0) => bss_addr,
            _ => s.value,
        };
        put32(&mut symtab, strtab.add(&s.name));
        symtab.push((s.bind << 4) | s.kind);
        symtab.push(0);
        put16(&mut symtab, index_of(s.sec));
        put64(&mut symtab, value);
        put64(&mut symtab, s.size);
    }

    let mut out = vec![0u8; (comment_off + 8) as usize];
    out[text_off as usize..][..4].copy_from_slice(&[0x1f, 0x20, 0x03, 0xd5]); // a nop
    out[comment_off as usize..][..8].copy_from_slice(b"rustc\0\0\0");
    let symtab_off = out.len() as u64;
    out.extend_from_slice(&symtab);
    let strtab_off = out.len() as u64;
    out.extend_from_slice(&strtab.0);
    let symtab_index = shdrs.len() as u32;
    let mut symtab_shdr = shdr(".symtab", SHT_SYMTAB, 0, 0, symtab_off, symtab.len() as u64);
    (symtab_shdr.link, symtab_shdr.info, symtab_shdr.entsize) =
        (symtab_index + 1, first_global, 24);
    shdrs.push(symtab_shdr);
    shdrs.push(shdr(
        ".strtab",
        SHT_STRTAB,
        0,
        0,
        strtab_off,
        strtab.0.len() as u64,
    ));
    let mut shstrtab = StrTab::new();
    let shstr_names: Vec<u32> = shdrs.iter().map(|s| shstrtab.add(s.name)).collect();
    let shstrtab_name = shstrtab.add(".shstrtab");
    let shstrtab_off = out.len() as u64;
    out.extend_from_slice(&shstrtab.0);
    shdrs.push(shdr(
        ".shstrtab",
        SHT_STRTAB,
        0,
        0,
        shstrtab_off,
        shstrtab.0.len() as u64,
    ));
    while !out.len().is_multiple_of(8) {
        out.push(0);
    }
    let shoff = out.len() as u64;
    for (i, s) in shdrs.iter().enumerate() {
        put32(
            &mut out,
            shstr_names.get(i).copied().unwrap_or(shstrtab_name),
        );
        put32(&mut out, s.kind);
        put64(&mut out, s.flags);
        put64(&mut out, s.addr);
        put64(&mut out, s.offset);
        put64(&mut out, s.size);
        put32(&mut out, s.link);
        put32(&mut out, s.info);
        put64(&mut out, s.align);
        put64(&mut out, s.entsize);
    }

    // ELF header and the one PT_LOAD covering .text through .data.
    let mut header = Vec::with_capacity(CONTENT_OFFSET as usize);
    header.extend_from_slice(&[0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    put16(&mut header, 2); // ET_EXEC
    put16(&mut header, 183); // EM_AARCH64
    put32(&mut header, 1);
    put64(&mut header, TEXT_ADDR);
    put64(&mut header, 64); // e_phoff
    put64(&mut header, shoff);
    put32(&mut header, 0);
    put16(&mut header, 64);
    put16(&mut header, 56);
    put16(&mut header, 1);
    put16(&mut header, 64);
    put16(&mut header, shdrs.len() as u16);
    put16(&mut header, shdrs.len() as u16 - 1);
    put32(&mut header, 1); // PT_LOAD
    put32(&mut header, 5); // R X
    put64(&mut header, text_off);
    put64(&mut header, TEXT_ADDR);
    put64(&mut header, 0x80000);
    put64(&mut header, comment_off - text_off);
    put64(&mut header, bss_addr + BSS_LEN - TEXT_ADDR);
    put64(&mut header, 0x1000);
    out[..header.len()].copy_from_slice(&header);
    out
}
