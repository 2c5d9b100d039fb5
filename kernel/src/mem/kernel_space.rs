//! The kernel's address space: upper-half tables built from frames, and the global allocators.

use super::addr::{align_up, OutOfMemory, PhysAddr, VirtAddr, PAGE_SIZE};
use super::frame::FrameAllocator;
use super::pagetable::{Half, MapError, PageTable, TableMemory, UnmapError};
use super::pte::{Attrs, ENTRIES_PER_TABLE};
use super::slab::PageSource;
use crate::arch::aarch64::mmu;
use crate::sync::IrqMutex;
use core::ptr::NonNull;

/// Physical frames for the whole kernel (and, later, every task).
pub static FRAMES: IrqMutex<FrameAllocator> = IrqMutex::new(FrameAllocator::new());
/// The kernel's TTBR1 tables, once built.
static KERNEL_TABLE: IrqMutex<Option<PageTable>> = IrqMutex::new(None);

/// Table frames come from the frame allocator and are reached through the linear map.
pub struct FrameTables<'a>(pub &'a mut FrameAllocator);

impl TableMemory for FrameTables<'_> {
    fn alloc_table(&mut self) -> Result<PhysAddr, OutOfMemory> {
        let pa = self.0.alloc_one()?;
        self.table(pa).fill(0);
        Ok(pa)
    }

    fn free_table(&mut self, table: PhysAddr) {
        self.0.free(table, 1);
    }

    fn table(&mut self, table: PhysAddr) -> &mut [u64; ENTRIES_PER_TABLE] {
        debug_assert!(table.is_page_aligned());
        let va = table.to_virt().as_usize();
        // `table` is a frame this page table took from the frame allocator.
        // SAFETY: nothing else owns that frame, the linear map covers it read-write,
        // and the `&mut self` borrow makes this the only reference until it ends.
        unsafe { &mut *(va as *mut [u64; ENTRIES_PER_TABLE]) }
    }
}

/// One region of the kernel's map: virtual start, physical start, length, attributes.
pub struct Region {
    /// Virtual start (page aligned).
    pub va: VirtAddr,
    /// Physical start (page aligned).
    pub pa: PhysAddr,
    /// Length in bytes (rounded up to pages).
    pub len_bytes: usize,
    /// What the mapping allows.
    pub attrs: Attrs,
}

/// Builds the kernel's tables from `regions`, checks W^X, installs them in
/// TTBR1 and returns how many 4 KiB pages the W^X check covered.
pub fn install(regions: &[Region]) -> Result<usize, MapError> {
    let mut frames = FRAMES.lock();
    let mut mem = FrameTables(&mut frames);
    let mut table = PageTable::new(&mut mem, Half::Upper).map_err(|_| MapError::OutOfMemory)?;
    for r in regions.iter().filter(|r| r.len_bytes > 0) {
        let len = align_up(r.len_bytes, PAGE_SIZE);
        if let Err(e) = table.map(&mut mem, r.va, r.pa, len, r.attrs, true) {
            table.destroy(&mut mem);
            return Err(e);
        }
    }
    let checked = match table.check_wx(&mut mem) {
        Ok(n) => n,
        Err(v) => panic!("kernel map breaks W^X at {:#x}", v.va.as_usize()),
    };
    mmu::install_kernel_tables(table.root().as_usize());
    *KERNEL_TABLE.lock() = Some(table);
    Ok(checked)
}

/// Maps `len_bytes` at `va` to `pa` in the kernel's tables (the `vmap` of mica).
pub fn map(va: VirtAddr, pa: PhysAddr, len_bytes: usize, attrs: Attrs) -> Result<(), MapError> {
    let mut frames = FRAMES.lock();
    let mut guard = KERNEL_TABLE.lock();
    let table = guard.as_mut().expect("kernel tables exist after mem::init");
    table.map(
        &mut FrameTables(&mut frames),
        va,
        pa,
        len_bytes,
        attrs,
        true,
    )
}

/// Removes a kernel mapping and flushes the TLB.
pub fn unmap(va: VirtAddr, len_bytes: usize) -> Result<(), UnmapError> {
    let mut frames = FRAMES.lock();
    let mut guard = KERNEL_TABLE.lock();
    let table = guard.as_mut().expect("kernel tables exist after mem::init");
    table.unmap(&mut FrameTables(&mut frames), va, len_bytes)?;
    mmu::flush_tlb_all();
    Ok(())
}

/// Where a kernel virtual address leads, if it is mapped.
pub fn translate(va: VirtAddr) -> Option<(PhysAddr, Attrs)> {
    let mut frames = FRAMES.lock();
    let guard = KERNEL_TABLE.lock();
    guard.as_ref()?.translate(&mut FrameTables(&mut frames), va)
}

/// Slab pages come from the frame allocator, one frame each, through the linear map.
pub struct FramePages;

// SAFETY: every page handed out is a whole frame taken from the frame allocator,
// so nothing else uses it until `free_page` gives it back; the linear map
// covers all RAM read-write, so the pointer is valid and page aligned.
unsafe impl PageSource for FramePages {
    fn alloc_page(&mut self) -> Result<NonNull<u8>, OutOfMemory> {
        let pa = FRAMES.lock().alloc_one()?;
        NonNull::new(pa.to_virt().as_usize() as *mut u8).ok_or(OutOfMemory)
    }

    unsafe fn free_page(&mut self, page: NonNull<u8>) {
        match VirtAddr(page.as_ptr() as usize).linear_to_phys() {
            Some(pa) => FRAMES.lock().free(pa, 1),
            None => debug_assert!(false, "slab page outside the linear map"),
        }
    }
}
