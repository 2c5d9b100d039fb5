//! The kernel image's sections and stack, as the linker placed them.

use core::ptr::addr_of;

extern "C" {
    static __kernel_start: u8;
    static __text_start: u8;
    static __text_end: u8;
    static __rodata_start: u8;
    static __rodata_end: u8;
    static __data_start: u8;
    static __kernel_end: u8;
    static __boot_stack_bottom: u8;
    static __boot_stack_top: u8;
    static __ksyms_start: u8;
    static __ksyms_end: u8;
}

/// Virtual address ranges `[start, end)` of the kernel image.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    /// Whole image, page aligned.
    pub image: (usize, usize),
    /// Code: read-only, executable.
    pub text: (usize, usize),
    /// Constants and the symbol table: read-only.
    pub rodata: (usize, usize),
    /// Data, BSS and the boot stack: read-write.
    pub data: (usize, usize),
}

/// Where the linker put each part of the image.
pub fn layout() -> Layout {
    // Only addresses of linker symbols are taken; nothing is dereferenced.
    Layout {
        image: (
            addr_of!(__kernel_start) as usize,
            addr_of!(__kernel_end) as usize,
        ),
        text: (
            addr_of!(__text_start) as usize,
            addr_of!(__text_end) as usize,
        ),
        rodata: (
            addr_of!(__rodata_start) as usize,
            addr_of!(__rodata_end) as usize,
        ),
        data: (
            addr_of!(__data_start) as usize,
            addr_of!(__kernel_end) as usize,
        ),
    }
}

/// The boot stack `[bottom, top)`: the only kernel stack until threads exist.
pub fn boot_stack() -> (usize, usize) {
    (
        addr_of!(__boot_stack_bottom) as usize,
        addr_of!(__boot_stack_top) as usize,
    )
}

/// Bytes reserved for the symbol table in the image. `mkimage symbols` refuses
/// to build an image whose table does not fit, and says to raise this.
pub const KSYMS_BYTES: usize = 192 * 1024;

/// The reservation itself: zeros at link time, overwritten in the ELF file by the build.
#[used]
#[link_section = ".ksyms"]
static KSYMS_RESERVED: [u8; KSYMS_BYTES] = [0; KSYMS_BYTES];

/// The `.ksyms` section: the symbol table `mkimage` wrote after linking (zeros if it did not).
pub fn ksyms_blob() -> &'static [u8] {
    let start = addr_of!(__ksyms_start);
    let len_bytes = addr_of!(__ksyms_end) as usize - start as usize;
    // The linker script brackets `.ksyms` with these symbols; reading through them
    // (not the Rust static) keeps the compiler from assuming the table is zeros.
    // SAFETY: the section is loaded with the image, mapped read-only for the
    // kernel's life and never written after the build: a 'static slice is valid.
    unsafe { core::slice::from_raw_parts(start, len_bytes) }
}

/// Magic that starts the boot archive appended to the image (`mkimage pack`).
pub const BOOT_ARCHIVE_MAGIC: [u8; 8] = *b"MICAARCH";
/// Largest boot archive the kernel accepts.
const MAX_BOOT_ARCHIVE_BYTES: usize = 64 << 20;

/// The boot archive (a cpio newc image) that `mkimage pack` appended right
/// after the kernel's BSS: an 8-byte magic, a little-endian u64 length, then
/// the archive. `None` if the image carries none.
pub fn boot_archive() -> Option<&'static [u8]> {
    let header_va = addr_of!(__kernel_end) as usize;
    // SAFETY: `__kernel_end` is the page-aligned end of the loaded image, and the
    // loader (firmware or QEMU) loads the whole file there; the boot tables map
    // RAM far beyond it, so 16 bytes are readable whatever they hold.
    let header = unsafe { core::slice::from_raw_parts(header_va as *const u8, 16) };
    if header[..8] != BOOT_ARCHIVE_MAGIC {
        return None;
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&header[8..16]);
    let len_bytes = usize::try_from(u64::from_le_bytes(len)).ok()?;
    if len_bytes > MAX_BOOT_ARCHIVE_BYTES {
        return None;
    }
    // SAFETY: the header says the file goes on for `len_bytes` more bytes (bounded
    // above), all of it RAM that the memory setup keeps out of every allocator.
    Some(unsafe { core::slice::from_raw_parts((header_va + 16) as *const u8, len_bytes) })
}
