//! Checks a user program's ELF image and turns it into a load plan: which pages to map, where, with what.
//!
//! mica loads static AArch64 executables only. The kernel copies each segment's
//! file bytes into fresh frames rather than mapping the image, so a segment's
//! file offset need not be congruent to its address modulo the page size.
//! Nothing in the image is trusted: every offset and size is checked with
//! checked arithmetic, and no input makes [`plan`] panic.

use alloc::vec::Vec;

use elf::abi;
use elf::endian::LittleEndian;
use elf::file::{Class, FileHeader};
use elf::segment::{ProgramHeader, SegmentTable};

#[path = "elf_error.rs"]
mod error;
pub use error::ElfError;

/// Bytes in a page, as u64 because ELF sizes are u64.
const PAGE_BYTES: u64 = crate::mem::PAGE_SIZE as u64;
/// Size of the ELF64 file header.
const EHDR_BYTES: usize = 64;
/// Size of one ELF64 program header.
const PHDR_BYTES: u16 = 56;

/// The lowest user address a segment may use: page 0 stays unmapped to catch null pointers.
pub const USER_MIN: u64 = 0x1000;
/// One past the highest user address: TTBR0 covers 39 bits (T0SZ = 25).
pub const USER_END_EXCLUSIVE: u64 = 1 << 39;
/// Most `PT_LOAD` segments one image may have; static executables have two to four.
pub const MAX_LOAD_SEGMENTS: usize = 16;
/// Default cap on the memory all segments of one program may take.
pub const DEFAULT_MAX_MEM_BYTES: u64 = 64 << 20;

/// The virtual range user segments must fit in, `min..end_exclusive`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserRange {
    /// The lowest address a segment's first page may start at.
    pub min: u64,
    /// One past the highest address a segment's last page may cover.
    pub end_exclusive: u64,
}

impl UserRange {
    /// mica's user half: `USER_MIN..USER_END_EXCLUSIVE`.
    pub const DEFAULT: UserRange = UserRange {
        min: USER_MIN,
        end_exclusive: USER_END_EXCLUSIVE,
    };
}

/// What the kernel allows one program to ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoadLimits {
    /// Where segments may go.
    pub user: UserRange,
    /// Cap on the sum of all segments' page-rounded sizes.
    pub max_mem_bytes: u64,
}

impl LoadLimits {
    /// The user half and [`DEFAULT_MAX_MEM_BYTES`].
    pub const DEFAULT: LoadLimits = LoadLimits {
        user: UserRange::DEFAULT,
        max_mem_bytes: DEFAULT_MAX_MEM_BYTES,
    };
}

/// How a segment's pages may be accessed. Never both `write` and `exec` (W^X).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Perms {
    /// Readable (`PF_R`).
    pub read: bool,
    /// Writable (`PF_W`).
    pub write: bool,
    /// Executable (`PF_X`).
    pub exec: bool,
}

/// One region to map: zeroed pages, with `file_len_bytes` of the image copied in at `offset_in_page`.
///
/// Invariants: `vaddr` and `mem_len_bytes` are page multiples, `mem_len_bytes > 0`,
/// `offset_in_page < PAGE_BYTES`, `offset_in_page + file_len_bytes <= mem_len_bytes`,
/// and `file_offset + file_len_bytes` lies inside the image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// The first page's address (page aligned).
    pub vaddr: u64,
    /// Bytes to map, from `vaddr`, rounded up to whole pages.
    pub mem_len_bytes: u64,
    /// Where the file bytes start in the image.
    pub file_offset: u64,
    /// How many bytes to copy from the image; the rest of the pages are zero.
    pub file_len_bytes: u64,
    /// Where the file bytes start within the first page (`p_vaddr % PAGE_BYTES`).
    pub offset_in_page: u64,
    /// Page permissions.
    pub perms: Perms,
}

impl Segment {
    /// One past the last mapped byte (exact for every segment `plan` returns; saturating otherwise).
    pub fn end_exclusive(&self) -> u64 {
        self.vaddr.saturating_add(self.mem_len_bytes)
    }
}

/// A checked image: where to start, and what to map. Segments are sorted by address and never share a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadPlan {
    /// The first instruction, inside an executable segment.
    pub entry: u64,
    /// The regions to map, in address order.
    pub segments: Vec<Segment>,
}

/// Checks `image` against [`LoadLimits::DEFAULT`]; see [`plan_with`].
pub fn plan(image: &[u8]) -> Result<LoadPlan, ElfError> {
    plan_with(image, &LoadLimits::DEFAULT)
}

/// Checks `image` as a static AArch64 executable and returns what to map. Never panics.
///
/// `PT_LOAD` segments with `p_memsz == 0` map nothing and are skipped; other
/// program header types are ignored.
pub fn plan_with(image: &[u8], limits: &LoadLimits) -> Result<LoadPlan, ElfError> {
    let ehdr = parse_header(image)?;
    let table = program_headers(image, &ehdr)?;

    let mut segments = Vec::new();
    segments
        .try_reserve_exact(usize::from(ehdr.e_phnum).min(MAX_LOAD_SEGMENTS))
        .map_err(|_| ElfError::OutOfMemory)?;
    let mut total_bytes: u64 = 0;
    let mut entry_ok = false;
    for (index, phdr) in table.iter().enumerate() {
        if phdr.p_type != abi::PT_LOAD {
            continue;
        }
        let Some(segment) = check_segment(index, &phdr, image.len(), &limits.user)? else {
            continue;
        };
        if segments.len() == MAX_LOAD_SEGMENTS {
            return Err(ElfError::TooManySegments {
                max: MAX_LOAD_SEGMENTS,
            });
        }
        total_bytes = total_bytes
            .checked_add(segment.mem_len_bytes)
            .ok_or(ElfError::Overflow {
                what: "the total segment size",
                index: None,
            })?;
        if total_bytes > limits.max_mem_bytes {
            return Err(ElfError::TooMuchMemory {
                total_bytes,
                limit_bytes: limits.max_mem_bytes,
            });
        }
        // check_segment proved p_vaddr + p_memsz does not overflow.
        let inside = phdr.p_vaddr <= ehdr.e_entry && ehdr.e_entry < phdr.p_vaddr + phdr.p_memsz;
        entry_ok |= segment.perms.exec && inside;
        segments.push(segment);
    }
    if segments.is_empty() {
        return Err(ElfError::NoLoadSegment);
    }

    segments.sort_unstable_by_key(|segment| segment.vaddr);
    for pair in segments.windows(2) {
        if pair[1].vaddr < pair[0].end_exclusive() {
            return Err(ElfError::Overlap {
                first_vaddr: pair[0].vaddr,
                first_end_exclusive: pair[0].end_exclusive(),
                second_vaddr: pair[1].vaddr,
            });
        }
    }
    if !entry_ok {
        return Err(ElfError::EntryNotExecutable {
            entry: ehdr.e_entry,
        });
    }
    Ok(LoadPlan {
        entry: ehdr.e_entry,
        segments,
    })
}

/// Checks the identification bytes ourselves (for precise errors), then lets `elf` parse the header.
fn parse_header(image: &[u8]) -> Result<FileHeader<LittleEndian>, ElfError> {
    let mut magic = [0u8; 4];
    let seen = image.len().min(4);
    magic[..seen].copy_from_slice(&image[..seen]);
    if magic[..seen] != abi::ELFMAGIC[..seen] {
        return Err(ElfError::NotElf { magic });
    }
    let Some(header) = image.get(..EHDR_BYTES) else {
        return Err(ElfError::Truncated {
            len_bytes: image.len(),
        });
    };
    let (class, data) = (header[abi::EI_CLASS], header[abi::EI_DATA]);
    if class != abi::ELFCLASS64 || data != abi::ELFDATA2LSB {
        return Err(ElfError::NotElf64LittleEndian { class, data });
    }
    let version = header[abi::EI_VERSION];
    if version != abi::EV_CURRENT {
        return Err(ElfError::UnsupportedVersion { version });
    }
    // Every check parse_ident and parse_tail make is done above, so these errors cannot occur.
    let ident =
        elf::file::parse_ident::<LittleEndian>(&header[..abi::EI_NIDENT]).map_err(|_| {
            ElfError::Truncated {
                len_bytes: image.len(),
            }
        })?;
    debug_assert!(ident.1 == Class::ELF64);
    let ehdr = FileHeader::parse_tail(ident, &header[abi::EI_NIDENT..]).map_err(|_| {
        ElfError::Truncated {
            len_bytes: image.len(),
        }
    })?;

    if ehdr.e_machine != abi::EM_AARCH64 {
        return Err(ElfError::NotAarch64 {
            machine: ehdr.e_machine,
        });
    }
    match ehdr.e_type {
        abi::ET_EXEC => Ok(ehdr),
        abi::ET_DYN => Err(ElfError::PositionIndependent),
        e_type => Err(ElfError::NotExecutable { e_type }),
    }
}

/// The program header table, bounds-checked against the image.
fn program_headers<'a>(
    image: &'a [u8],
    ehdr: &FileHeader<LittleEndian>,
) -> Result<SegmentTable<'a, LittleEndian>, ElfError> {
    if ehdr.e_phnum == 0 {
        return Err(ElfError::NoLoadSegment);
    }
    if ehdr.e_phentsize != PHDR_BYTES {
        return Err(ElfError::ProgramHeaderSize {
            entry_len_bytes: ehdr.e_phentsize,
        });
    }
    let outside = ElfError::ProgramHeadersOutsideImage {
        offset: ehdr.e_phoff,
        count: ehdr.e_phnum,
        image_len_bytes: image.len(),
    };
    // PN_XNUM hides the real count in section 0; no static executable needs 65535 headers.
    if ehdr.e_phnum == abi::PN_XNUM {
        return Err(outside);
    }
    let table_bytes = u64::from(ehdr.e_phnum) * u64::from(PHDR_BYTES);
    let bytes = ehdr
        .e_phoff
        .checked_add(table_bytes)
        .and_then(|end| image.get(usize::try_from(ehdr.e_phoff).ok()?..usize::try_from(end).ok()?))
        .ok_or(outside)?;
    Ok(SegmentTable::new(LittleEndian, Class::ELF64, bytes))
}

/// Checks one `PT_LOAD` header; `None` for an empty one (nothing to map).
fn check_segment(
    index: usize,
    phdr: &ProgramHeader,
    image_len_bytes: usize,
    user: &UserRange,
) -> Result<Option<Segment>, ElfError> {
    let overflow = |what| ElfError::Overflow {
        what,
        index: Some(index),
    };
    if phdr.p_filesz > phdr.p_memsz {
        return Err(ElfError::FileLargerThanMemory {
            index,
            file_len_bytes: phdr.p_filesz,
            mem_len_bytes: phdr.p_memsz,
        });
    }
    let file_end = phdr
        .p_offset
        .checked_add(phdr.p_filesz)
        .ok_or(overflow("the file range"))?;
    let in_image = usize::try_from(file_end).is_ok_and(|end| end <= image_len_bytes);
    if !in_image {
        return Err(ElfError::FileRangeOutsideImage {
            index,
            offset: phdr.p_offset,
            file_len_bytes: phdr.p_filesz,
            image_len_bytes,
        });
    }
    let mem_end = phdr
        .p_vaddr
        .checked_add(phdr.p_memsz)
        .ok_or(overflow("the address range"))?;
    if phdr.p_memsz == 0 {
        return Ok(None);
    }
    let vaddr = phdr.p_vaddr - phdr.p_vaddr % PAGE_BYTES;
    let end_exclusive = mem_end
        .checked_next_multiple_of(PAGE_BYTES)
        .ok_or(overflow("rounding the end up to a page"))?;
    if vaddr < user.min || end_exclusive > user.end_exclusive {
        return Err(ElfError::OutsideUserRange {
            index,
            vaddr,
            end_exclusive,
            user: *user,
        });
    }
    let perms = Perms {
        read: phdr.p_flags & abi::PF_R != 0,
        write: phdr.p_flags & abi::PF_W != 0,
        exec: phdr.p_flags & abi::PF_X != 0,
    };
    if perms.write && perms.exec {
        return Err(ElfError::WritableAndExecutable {
            index,
            vaddr: phdr.p_vaddr,
        });
    }
    let segment = Segment {
        vaddr,
        mem_len_bytes: end_exclusive - vaddr,
        file_offset: phdr.p_offset,
        file_len_bytes: phdr.p_filesz,
        offset_in_page: phdr.p_vaddr % PAGE_BYTES,
        perms,
    };
    debug_assert!(segment.mem_len_bytes > 0 && segment.mem_len_bytes.is_multiple_of(PAGE_BYTES));
    debug_assert!(segment.offset_in_page + segment.file_len_bytes <= segment.mem_len_bytes);
    Ok(Some(segment))
}

#[cfg(test)]
#[path = "elf_tests.rs"]
mod tests;
