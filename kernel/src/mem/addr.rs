//! Physical and virtual address types, the page size and the kernel's linear map.

/// Bytes in a page (and in a frame): the 4 KiB translation granule.
pub const PAGE_SIZE: usize = 4096;

/// Where the upper half starts: TTBR1 covers 39 bits of VA (T1SZ = 25).
/// Physical address `pa` is mapped at `KERNEL_BASE + pa` (the linear map),
/// and the kernel image itself is linked inside it, at `KERNEL_BASE + 0x80000`.
pub const KERNEL_BASE: usize = 0xFFFF_FF80_0000_0000;

/// A physical address (what the MMU outputs; what devices and the mailbox see).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct PhysAddr(pub usize);

/// A virtual address (what the CPU issues).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct VirtAddr(pub usize);

impl PhysAddr {
    /// The address as a plain number.
    pub const fn as_usize(self) -> usize {
        self.0
    }
    /// The kernel's view of this physical address through the linear map.
    pub const fn to_virt(self) -> VirtAddr {
        VirtAddr(self.0 + KERNEL_BASE)
    }
    /// True when the address sits on a page boundary.
    pub const fn is_page_aligned(self) -> bool {
        self.0.is_multiple_of(PAGE_SIZE)
    }
}

impl VirtAddr {
    /// The address as a plain number.
    pub const fn as_usize(self) -> usize {
        self.0
    }
    /// The physical address behind a linear-map address, or `None` outside it.
    pub const fn linear_to_phys(self) -> Option<PhysAddr> {
        if self.0 >= KERNEL_BASE {
            Some(PhysAddr(self.0 - KERNEL_BASE))
        } else {
            None
        }
    }
    /// True when the address sits on a page boundary.
    pub const fn is_page_aligned(self) -> bool {
        self.0.is_multiple_of(PAGE_SIZE)
    }
}

/// Rounds `x` up to a multiple of `align` (a power of two).
pub const fn align_up(x: usize, align: usize) -> usize {
    debug_assert!(align.is_power_of_two());
    (x + align - 1) & !(align - 1)
}

/// Rounds `x` down to a multiple of `align` (a power of two).
pub const fn align_down(x: usize, align: usize) -> usize {
    debug_assert!(align.is_power_of_two());
    x & !(align - 1)
}

/// The one error of every allocation path: there was no memory. Callers handle it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfMemory;

impl core::fmt::Display for OutOfMemory {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("out of memory")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_map_round_trips() {
        let pa = PhysAddr(0x8_0000);
        assert_eq!(pa.to_virt(), VirtAddr(0xFFFF_FF80_0008_0000));
        assert_eq!(pa.to_virt().linear_to_phys(), Some(pa));
        assert_eq!(VirtAddr(0x1000).linear_to_phys(), None);
    }

    #[test]
    fn alignment_helpers() {
        assert_eq!(align_up(0, 4096), 0);
        assert_eq!(align_up(1, 4096), 4096);
        assert_eq!(align_up(4096, 4096), 4096);
        assert_eq!(align_down(8191, 4096), 4096);
        assert!(PhysAddr(0x2000).is_page_aligned());
        assert!(!VirtAddr(0x2001).is_page_aligned());
    }
}
