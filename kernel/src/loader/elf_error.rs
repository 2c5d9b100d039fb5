//! Why an ELF image cannot be loaded: one variant per check in `plan`, each naming the value that failed.

use core::fmt;

use super::{UserRange, EHDR_BYTES, PHDR_BYTES};
use elf::abi;

/// Why an image cannot be loaded. Each names the value that failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElfError {
    /// The first bytes are not `\x7fELF` (missing bytes shown as 0).
    NotElf {
        /// The first four bytes found.
        magic: [u8; 4],
    },
    /// Shorter than the 64-byte ELF64 header.
    Truncated {
        /// The image's length.
        len_bytes: usize,
    },
    /// Not ELFCLASS64 (2) with ELFDATA2LSB (1).
    NotElf64LittleEndian {
        /// `e_ident[EI_CLASS]`.
        class: u8,
        /// `e_ident[EI_DATA]`.
        data: u8,
    },
    /// `e_ident[EI_VERSION]` is not EV_CURRENT (1).
    UnsupportedVersion {
        /// The version found.
        version: u8,
    },
    /// `e_machine` is not EM_AARCH64 (183).
    NotAarch64 {
        /// The machine found.
        machine: u16,
    },
    /// ET_DYN: a PIE or shared object; mica loads static executables only.
    PositionIndependent,
    /// `e_type` is not ET_EXEC (2).
    NotExecutable {
        /// The type found.
        e_type: u16,
    },
    /// `e_phentsize` is not 56.
    ProgramHeaderSize {
        /// The entry size found.
        entry_len_bytes: u16,
    },
    /// The program header table does not fit in the image (or uses PN_XNUM extended numbering).
    ProgramHeadersOutsideImage {
        /// `e_phoff`.
        offset: u64,
        /// `e_phnum`.
        count: u16,
        /// The image's length.
        image_len_bytes: usize,
    },
    /// More than [`MAX_LOAD_SEGMENTS`](super::MAX_LOAD_SEGMENTS) non-empty `PT_LOAD` segments.
    TooManySegments {
        /// The cap that was hit.
        max: usize,
    },
    /// No non-empty `PT_LOAD` segment: nothing to run.
    NoLoadSegment,
    /// `p_filesz > p_memsz`.
    FileLargerThanMemory {
        /// Program header index.
        index: usize,
        /// `p_filesz`.
        file_len_bytes: u64,
        /// `p_memsz`.
        mem_len_bytes: u64,
    },
    /// `p_offset .. p_offset + p_filesz` goes past the end of the image.
    FileRangeOutsideImage {
        /// Program header index.
        index: usize,
        /// `p_offset`.
        offset: u64,
        /// `p_filesz`.
        file_len_bytes: u64,
        /// The image's length.
        image_len_bytes: usize,
    },
    /// The segment's pages are not all inside the user range.
    OutsideUserRange {
        /// Program header index.
        index: usize,
        /// First page address.
        vaddr: u64,
        /// One past the last page.
        end_exclusive: u64,
        /// The range allowed.
        user: UserRange,
    },
    /// Both `PF_W` and `PF_X`.
    WritableAndExecutable {
        /// Program header index.
        index: usize,
        /// `p_vaddr`.
        vaddr: u64,
    },
    /// Two segments share a page after rounding.
    Overlap {
        /// The lower segment's first page.
        first_vaddr: u64,
        /// One past the lower segment's last page.
        first_end_exclusive: u64,
        /// The higher segment's first page, below `first_end_exclusive`.
        second_vaddr: u64,
    },
    /// The segments together need more memory than allowed.
    TooMuchMemory {
        /// Sum of page-rounded sizes so far.
        total_bytes: u64,
        /// The cap.
        limit_bytes: u64,
    },
    /// `e_entry` is not inside any executable segment.
    EntryNotExecutable {
        /// `e_entry`.
        entry: u64,
    },
    /// A sum or rounding overflowed u64.
    Overflow {
        /// Which computation.
        what: &'static str,
        /// Program header index, if it was a segment's.
        index: Option<usize>,
    },
    /// The kernel heap could not hold the segment list.
    OutOfMemory,
}

impl fmt::Display for ElfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ElfError::*;
        match *self {
            NotElf { magic: [a, b, c, d] } => write!(
                f,
                "not an ELF file: starts with {a:02x} {b:02x} {c:02x} {d:02x}, not 7f 45 4c 46 (\\x7fELF)"
            ),
            Truncated { len_bytes } => write!(
                f,
                "truncated ELF: {len_bytes} bytes, shorter than the {EHDR_BYTES}-byte ELF64 header"
            ),
            NotElf64LittleEndian { class, data } => write!(
                f,
                "ELF class {class} with data encoding {data}: mica loads 64-bit little-endian ELF (class 2, encoding 1)"
            ),
            UnsupportedVersion { version } => {
                write!(f, "ELF version {version}: only version 1 exists")
            }
            NotAarch64 { machine } => write!(
                f,
                "ELF machine {machine} is not AArch64 (EM_AARCH64 = {})",
                abi::EM_AARCH64
            ),
            PositionIndependent => f.write_str(
                "ELF type ET_DYN (3): a position-independent executable or shared object; \
                 mica loads static executables (ET_EXEC), so link with -static and without -pie",
            ),
            NotExecutable { e_type } => {
                write!(f, "ELF type {e_type} is not an executable (ET_EXEC = 2)")
            }
            ProgramHeaderSize { entry_len_bytes } => write!(
                f,
                "program header entries are {entry_len_bytes} bytes, not {PHDR_BYTES}"
            ),
            ProgramHeadersOutsideImage {
                offset,
                count,
                image_len_bytes,
            } => write!(
                f,
                "{count} program headers at offset {offset:#x} do not fit in the {image_len_bytes}-byte image"
            ),
            TooManySegments { max } => write!(f, "more than {max} PT_LOAD segments"),
            NoLoadSegment => f.write_str("no non-empty PT_LOAD segment: nothing to load"),
            FileLargerThanMemory {
                index,
                file_len_bytes,
                mem_len_bytes,
            } => write!(
                f,
                "segment {index}: {file_len_bytes:#x} file bytes exceed its {mem_len_bytes:#x} memory bytes"
            ),
            FileRangeOutsideImage {
                index,
                offset,
                file_len_bytes,
                image_len_bytes,
            } => write!(
                f,
                "segment {index}: file bytes {offset:#x} + {file_len_bytes:#x} run past the {image_len_bytes}-byte image"
            ),
            OutsideUserRange {
                index,
                vaddr,
                end_exclusive,
                user,
            } => write!(
                f,
                "segment {index}: pages {vaddr:#x}..{end_exclusive:#x} are outside user space {:#x}..{:#x}",
                user.min, user.end_exclusive
            ),
            WritableAndExecutable { index, vaddr } => write!(
                f,
                "segment {index} at {vaddr:#x} is both writable and executable (W^X)"
            ),
            Overlap {
                first_vaddr,
                first_end_exclusive,
                second_vaddr,
            } => write!(
                f,
                "segments overlap: pages {first_vaddr:#x}..{first_end_exclusive:#x} and a segment from {second_vaddr:#x}"
            ),
            TooMuchMemory {
                total_bytes,
                limit_bytes,
            } => write!(
                f,
                "segments need {total_bytes:#x} bytes, more than the {limit_bytes:#x}-byte limit"
            ),
            EntryNotExecutable { entry } => {
                write!(f, "entry point {entry:#x} is not inside an executable segment")
            }
            Overflow { what, index } => match index {
                Some(index) => write!(f, "segment {index}: {what} overflows"),
                None => write!(f, "{what} overflows"),
            },
            OutOfMemory => f.write_str("out of kernel memory for the segment list"),
        }
    }
}

impl core::error::Error for ElfError {}
