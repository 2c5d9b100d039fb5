//! Memory management: frames (buddy), the kernel heap, object caches and page tables.

pub mod addr;
pub mod asid;
pub mod frame;
pub mod pagetable;
pub mod pte;
pub mod slab;
pub mod va_range;

#[cfg(target_os = "none")]
pub mod ctx_box;
#[cfg(target_os = "none")]
mod frame_access;
#[cfg(target_os = "none")]
pub mod heap;
#[cfg(target_os = "none")]
pub mod kernel_space;
#[cfg(target_os = "none")]
mod setup;
#[cfg(target_os = "none")]
pub mod vmalloc;

pub use addr::{align_down, align_up, OutOfMemory, PhysAddr, VirtAddr, KERNEL_BASE, PAGE_SIZE};
#[cfg(target_os = "none")]
pub use frame_access::{
    copy_frame_prefix, copy_into_frame, read_frame, with_frame, write_frame, zero_frame,
};
#[cfg(target_os = "none")]
pub use setup::{init, MemInitError};

/// The numbers of the kernel's object cache `index` (for `slabinfo`); `None` past the last.
#[cfg(target_os = "none")]
pub fn cache_stats(index: usize) -> Option<slab::CacheStats> {
    const CACHES: &[fn() -> slab::CacheStats] = &[ctx_box::cache_stats];
    CACHES.get(index).map(|stats| stats())
}

/// Start of the kernel's `vmap` area: virtually contiguous mappings of any
/// frames, far above the linear map (which covers the first GiBs of the upper half).
pub const VMAP_BASE: usize = KERNEL_BASE + (256 << 30);
