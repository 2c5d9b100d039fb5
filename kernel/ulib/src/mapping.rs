//! Owned mappings: anonymous pages or a shared region, seen as a byte slice, unmapped on drop.

use crate::{sys_map_anon, sys_mem_map, sys_unmap, Error, Handle};
use abi::PAGE_SIZE;

/// Memory this task mapped; the bytes live as long as the value.
///
/// Invariant: `[addr, addr + pages * PAGE_SIZE)` is mapped (writable if
/// `writable`) for as long as this value exists, and nothing else unmaps it.
pub struct Mapping {
    addr: usize,
    pages: usize,
    writable: bool,
}

impl Mapping {
    /// `pages` fresh zeroed pages, placed by the kernel.
    pub fn anon(pages: usize, writable: bool) -> Result<Mapping, Error> {
        let addr = sys_map_anon(0, pages, writable)?;
        Ok(Mapping {
            addr,
            pages,
            writable,
        })
    }

    /// The whole shared region `region`, placed by the kernel.
    pub fn region(region: Handle, writable: bool) -> Result<Mapping, Error> {
        let (addr, pages) = sys_mem_map(region, 0, writable)?;
        Ok(Mapping {
            addr,
            pages,
            writable,
        })
    }

    /// Where it starts.
    pub fn addr(&self) -> usize {
        self.addr
    }

    /// The mapped bytes.
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: by the invariant the range is mapped readable while `self` lives.
        unsafe { core::slice::from_raw_parts(self.addr as *const u8, self.pages * PAGE_SIZE) }
    }

    /// The mapped bytes, writable; `None` for a read-only mapping.
    pub fn bytes_mut(&mut self) -> Option<&mut [u8]> {
        if !self.writable {
            return None;
        }
        // SAFETY: mapped writable while `self` lives; `&mut self` makes it unique.
        Some(unsafe {
            core::slice::from_raw_parts_mut(self.addr as *mut u8, self.pages * PAGE_SIZE)
        })
    }

    /// Reads the 32-bit register at byte `offset` (volatile: a device register).
    /// `None` if the offset is misaligned or outside the mapping.
    pub fn read32(&self, offset: usize) -> Option<u32> {
        let end = offset.checked_add(4)?;
        if !offset.is_multiple_of(4) || end > self.pages * PAGE_SIZE {
            return None;
        }
        // SAFETY: in bounds and 4-aligned inside a mapping this value keeps alive;
        // a volatile load is what device registers need.
        Some(unsafe { core::ptr::read_volatile((self.addr + offset) as *const u32) })
    }

    /// Writes the 32-bit register at byte `offset` (volatile); false if the
    /// offset is misaligned, outside the mapping, or the mapping is read-only.
    pub fn write32(&mut self, offset: usize, value: u32) -> bool {
        let in_bounds = offset
            .checked_add(4)
            .is_some_and(|end| end <= self.pages * PAGE_SIZE);
        if !self.writable || !offset.is_multiple_of(4) || !in_bounds {
            return false;
        }
        // SAFETY: in bounds, 4-aligned, writable, and `&mut self` makes it ours.
        unsafe { core::ptr::write_volatile((self.addr + offset) as *mut u32, value) };
        true
    }

    /// Keeps the memory mapped for the rest of the task's life.
    pub fn leak(self) -> &'static [u8] {
        let (addr, len) = (self.addr, self.pages * PAGE_SIZE);
        core::mem::forget(self);
        // SAFETY: never unmapped from here on (the value is forgotten).
        unsafe { core::slice::from_raw_parts(addr as *const u8, len) }
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: the range is this value's own mapping and no borrow of it outlives `self`.
        let _ = unsafe { sys_unmap(self.addr, self.pages) };
    }
}

/// The boot archive (cpio newc bytes) from the region handle the kernel gave init.
pub fn boot_archive(region: Handle) -> Result<&'static [u8], Error> {
    let bytes = Mapping::region(region, false)?.leak();
    if bytes.len() < 16 || &bytes[..8] != b"MICAARCH" {
        return Err(Error::InvalidArgument);
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&bytes[8..16]);
    let len = usize::try_from(u64::from_le_bytes(len)).map_err(|_| Error::InvalidArgument)?;
    bytes.get(16..16 + len).ok_or(Error::InvalidArgument)
}

impl Mapping {
    /// Keeps a device mapping for the task's life and views it as the register
    /// block `T`: a driver's one MMIO constructor.
    ///
    /// # Safety
    /// The mapping must be a claimed device region whose registers are laid
    /// out as `T` (size and alignment within the mapping), and nothing else in
    /// the task may create a second view of the same registers.
    pub unsafe fn leak_registers<T>(self) -> &'static T {
        assert!(
            core::mem::size_of::<T>() <= self.pages * PAGE_SIZE,
            "register block larger than the mapping"
        );
        let addr = self.addr;
        core::mem::forget(self);
        // SAFETY: the caller vouches for the layout; the mapping stays for good
        // (forgotten), is page aligned (so aligned for any register block) and
        // device memory accessed only through `T`'s volatile registers.
        unsafe { &*(addr as *const T) }
    }
}
