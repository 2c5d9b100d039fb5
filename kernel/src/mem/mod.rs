//! Memory management: frames (buddy), the kernel heap, object caches and page tables.

pub mod addr;
pub mod frame;
pub mod pagetable;
pub mod pte;
pub mod slab;

pub use addr::{align_down, align_up, OutOfMemory, PhysAddr, VirtAddr, KERNEL_BASE, PAGE_SIZE};
