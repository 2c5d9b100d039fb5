//! A tiny ELF64 writer for tests (this crate's and, with feature `test-elf`, mkimage's): an AArch64 file with the given sections.

use alloc::vec::Vec;

const EHDR_BYTES: usize = 64;
const SHDR_BYTES: usize = 64;
const SHT_PROGBITS: u32 = 1;
const SHT_STRTAB: u32 = 3;
const SHF_ALLOC: u64 = 2;
const EM_AARCH64: u16 = 183;

/// A little-endian ELF64 executable with no segments and one allocated PROGBITS section per `(name, bytes)`, then `.shstrtab`.
pub fn elf_with_sections(sections: &[(&str, &[u8])]) -> Vec<u8> {
    let mut shstrtab = alloc::vec![0u8];
    let mut names = Vec::new();
    for (name, _) in sections.iter().copied().chain([(".shstrtab", &[][..])]) {
        names.push(shstrtab.len() as u32);
        shstrtab.extend_from_slice(name.as_bytes());
        shstrtab.push(0);
    }
    // Contents right after the file header, then the section header table.
    let mut out = alloc::vec![0u8; EHDR_BYTES];
    let mut placed = Vec::new();
    for (_, bytes) in sections.iter().copied().chain([("", &shstrtab[..])]) {
        placed.push((out.len() as u64, bytes.len() as u64));
        out.extend_from_slice(bytes);
    }
    out.resize(out.len().next_multiple_of(8), 0);
    let shoff = out.len() as u64;
    let shnum = sections.len() + 2;
    out.extend_from_slice(&[0u8; SHDR_BYTES]); // the null section
    for (i, (offset, size)) in placed.iter().enumerate() {
        let last = i == sections.len();
        let (kind, flags) = if last {
            (SHT_STRTAB, 0)
        } else {
            (SHT_PROGBITS, SHF_ALLOC)
        };
        out.extend_from_slice(&names[i].to_le_bytes());
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&flags.to_le_bytes());
        out.extend_from_slice(&0x40_0000u64.to_le_bytes()); // sh_addr
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&[0u8; 8]); // sh_link, sh_info
        out.extend_from_slice(&1u64.to_le_bytes()); // sh_addralign
        out.extend_from_slice(&0u64.to_le_bytes()); // sh_entsize
    }
    let header = &mut out[..EHDR_BYTES];
    header[..8].copy_from_slice(&[0x7f, b'E', b'L', b'F', 2, 1, 1, 0]);
    header[16..18].copy_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    header[18..20].copy_from_slice(&EM_AARCH64.to_le_bytes());
    header[20..24].copy_from_slice(&1u32.to_le_bytes());
    header[40..48].copy_from_slice(&shoff.to_le_bytes());
    header[52..54].copy_from_slice(&(EHDR_BYTES as u16).to_le_bytes());
    header[54..56].copy_from_slice(&56u16.to_le_bytes());
    header[58..60].copy_from_slice(&(SHDR_BYTES as u16).to_le_bytes());
    header[60..62].copy_from_slice(&(shnum as u16).to_le_bytes());
    header[62..64].copy_from_slice(&((shnum - 1) as u16).to_le_bytes());
    out
}
