//! vmalloc: virtually contiguous kernel memory from scattered frames, with a guard page after each area.

use super::addr::{OutOfMemory, PhysAddr, VirtAddr, PAGE_SIZE};
use super::kernel_space::{self, FRAMES};
use super::pte::Attrs;
use super::va_range::VaAllocator;
use super::VMAP_BASE;
use crate::sync::IrqMutex;
use alloc::vec::Vec;

/// Pages in the vmap area (64 GiB of address space).
const VMAP_PAGES: usize = (64 << 30) / PAGE_SIZE;

static VA: IrqMutex<Option<VaAllocator>> = IrqMutex::new(None);

/// A mapped, zeroed, virtually contiguous area; unmapped and freed on drop.
///
/// Invariant: `frames[i]` is mapped read-write at `va + i * PAGE_SIZE`; the
/// page after the area is reserved and never mapped (a guard).
pub struct VmArea {
    va: VirtAddr,
    frames: Vec<PhysAddr>,
    /// Pages of address space reserved: the area plus its guard.
    reserved_pages: usize,
}

/// Allocates `pages` pages of kernel memory, each from its own frame.
pub fn vmalloc(pages: usize) -> Result<VmArea, OutOfMemory> {
    let mut frames = Vec::new();
    frames.try_reserve_exact(pages).map_err(|_| OutOfMemory)?;
    let va = {
        let mut guard = VA.lock();
        let area = guard.get_or_insert_with(|| VaAllocator::new(VirtAddr(VMAP_BASE), VMAP_PAGES));
        area.alloc(pages + 1).ok_or(OutOfMemory)?
    };
    let mut vm = VmArea {
        va,
        frames,
        reserved_pages: pages + 1,
    };
    for i in 0..pages {
        let pa = FRAMES.lock().alloc_one()?;
        let va = VirtAddr(vm.va.as_usize() + i * PAGE_SIZE);
        if kernel_space::map(va, pa, PAGE_SIZE, Attrs::KERNEL_DATA).is_err() {
            FRAMES.lock().free(pa, 1);
            return Err(OutOfMemory); // `vm` drops: what was mapped is undone
        }
        vm.frames.push(pa);
    }
    vm.as_mut_slice().fill(0);
    Ok(vm)
}

impl VmArea {
    /// Where the area starts.
    pub fn va(&self) -> VirtAddr {
        self.va
    }

    /// The frames behind it, in order.
    pub fn frames(&self) -> &[PhysAddr] {
        &self.frames
    }

    /// Length in bytes.
    pub fn len_bytes(&self) -> usize {
        self.frames.len() * PAGE_SIZE
    }

    /// The area's bytes.
    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: by the invariant, `len_bytes` bytes from `va` are mapped
        // read-write to frames this area owns; `&self` keeps them alive.
        unsafe { core::slice::from_raw_parts(self.va.as_usize() as *const u8, self.len_bytes()) }
    }

    /// The area's bytes, writable.
    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: as in `as_slice`; `&mut self` makes this the only reference.
        unsafe { core::slice::from_raw_parts_mut(self.va.as_usize() as *mut u8, self.len_bytes()) }
    }
}

impl Drop for VmArea {
    fn drop(&mut self) {
        let mapped = self.len_bytes();
        if mapped > 0 && kernel_space::unmap(self.va, mapped).is_err() {
            crate::pr_err!(
                "vmalloc: area at {:#x} was not fully mapped",
                self.va.as_usize()
            );
        }
        let mut frames = FRAMES.lock();
        for &pa in &self.frames {
            frames.free(pa, 1);
        }
        drop(frames);
        if let Some(area) = VA.lock().as_mut() {
            if let Err(e) = area.free(self.va, self.reserved_pages) {
                crate::pr_err!("vmalloc: freeing {:#x}: {e:?}", self.va.as_usize());
            }
        }
    }
}
