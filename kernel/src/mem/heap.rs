//! The kernel heap: `linked_list_allocator` over a fixed region, as the global allocator.
//!
//! `alloc` collections in the kernel allocate here; code that can meet a full
//! heap uses the fallible APIs (`try_reserve`) so out-of-memory is an error.

use super::addr::VirtAddr;
use crate::sync::IrqMutex;
use core::alloc::{GlobalAlloc, Layout};
use core::ptr::NonNull;
use linked_list_allocator::Heap;

/// Bytes of the kernel heap.
#[cfg(not(feature = "monolithic"))]
pub const HEAP_BYTES: usize = 8 * 1024 * 1024;
/// Bytes of the kernel heap: the monolithic build keeps the file server's
/// files here (16 MiB of contents by default, plus room for a file to grow).
#[cfg(feature = "monolithic")]
pub const HEAP_BYTES: usize = 64 * 1024 * 1024;

/// The heap behind an IRQ-masking lock, so an interrupt handler that allocates cannot deadlock.
pub struct KernelHeap(IrqMutex<Heap>);

#[global_allocator]
static HEAP: KernelHeap = KernelHeap(IrqMutex::new(Heap::empty()));

/// Hands the region `[start, start + HEAP_BYTES)` to the heap.
///
/// # Safety
/// The region must be mapped read-write, used by nothing else for the rest of the
/// kernel's life, and this must be called once.
pub unsafe fn init(start: VirtAddr) {
    let mut heap = HEAP.0.lock();
    debug_assert_eq!(heap.size(), 0, "heap initialised twice");
    // SAFETY: the caller hands over an exclusive, mapped, writable region of
    // HEAP_BYTES bytes for good.
    unsafe { heap.init(start.as_usize() as *mut u8, HEAP_BYTES) };
}

/// Heap usage: (used bytes, free bytes).
pub fn usage() -> (usize, usize) {
    let heap = HEAP.0.lock();
    (heap.used(), heap.free())
}

// SAFETY: `Heap` hands out non-overlapping blocks of the requested layout from
// memory it owns; the lock serialises every call, including from IRQ handlers.
unsafe impl GlobalAlloc for KernelHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.0
            .lock()
            .allocate_first_fit(layout)
            .map_or(core::ptr::null_mut(), |p| p.as_ptr())
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if let Some(ptr) = NonNull::new(ptr) {
            // SAFETY: GlobalAlloc's contract: `ptr` came from `alloc` with this layout.
            unsafe { self.0.lock().deallocate(ptr, layout) };
        }
    }
}
