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
