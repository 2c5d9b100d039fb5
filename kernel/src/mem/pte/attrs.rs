//! What a leaf maps: memory kind (MAIR slot), access permissions, executability, and their W^X rules.

use super::{AF, AP_SHIFT, ATTR_INDX_SHIFT, NG, PXN, SH_INNER, UXN};

/// The MAIR_EL1 value whose slots match [`MemKind::attr_index`]: 0 = Normal WB, 1 = Device, 2 = Normal NC.
pub const MAIR_EL1_VALUE: u64 =
    MemKind::Normal.mair_slot() | MemKind::Device.mair_slot() | MemKind::NonCacheable.mair_slot();

/// The memory type of a mapping; each kind is one MAIR_EL1 slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MemKind {
    /// Normal memory, write-back cacheable (RAM).
    Normal,
    /// Device-nGnRnE (MMIO registers).
    Device,
    /// Normal memory, non-cacheable (buffers shared with non-coherent devices).
    NonCacheable,
}

impl MemKind {
    /// The AttrIndx that selects this kind's MAIR_EL1 slot.
    pub const fn attr_index(self) -> u64 {
        match self {
            MemKind::Normal => 0,
            MemKind::Device => 1,
            MemKind::NonCacheable => 2,
        }
    }

    /// The attribute byte MAIR_EL1 holds for this kind.
    pub const fn mair_attr(self) -> u64 {
        match self {
            MemKind::Normal => 0xFF,
            MemKind::Device => 0x00,
            MemKind::NonCacheable => 0x44,
        }
    }

    /// This kind's attribute byte placed in its MAIR_EL1 slot.
    const fn mair_slot(self) -> u64 {
        self.mair_attr() << (8 * self.attr_index())
    }

    fn from_attr_index(index: u64) -> Option<MemKind> {
        [MemKind::Normal, MemKind::Device, MemKind::NonCacheable]
            .into_iter()
            .find(|kind| kind.attr_index() == index)
    }
}

/// Data access permissions (AP\[2:1\]); EL1 can always read what EL0 can.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Access {
    /// EL1 read-only, no EL0 access (AP = 0b10).
    KernelRo,
    /// EL1 read-write, no EL0 access (AP = 0b00).
    KernelRw,
    /// EL1 and EL0 read-only (AP = 0b11).
    UserRo,
    /// EL1 and EL0 read-write (AP = 0b01).
    UserRw,
}

impl Access {
    /// The AP\[2:1\] field value.
    pub const fn ap_bits(self) -> u64 {
        match self {
            Access::KernelRw => 0b00,
            Access::UserRw => 0b01,
            Access::KernelRo => 0b10,
            Access::UserRo => 0b11,
        }
    }

    /// The access the AP\[2:1\] field grants (only the low two bits of `ap` are read).
    pub const fn from_ap_bits(ap: u64) -> Access {
        match ap & 0b11 {
            0b00 => Access::KernelRw,
            0b01 => Access::UserRw,
            0b10 => Access::KernelRo,
            _ => Access::UserRo,
        }
    }

    /// EL1 may write.
    pub const fn kernel_writable(self) -> bool {
        matches!(self, Access::KernelRw | Access::UserRw)
    }

    /// EL0 may read (and so may fetch instructions, if not UXN).
    pub const fn user_readable(self) -> bool {
        matches!(self, Access::UserRo | Access::UserRw)
    }

    /// EL0 may write.
    pub const fn user_writable(self) -> bool {
        matches!(self, Access::UserRw)
    }
}

/// What a leaf mapping is: memory kind, permissions, executability and TLB scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Attrs {
    /// Memory type (AttrIndx); Normal and NonCacheable are mapped inner shareable.
    pub mem: MemKind,
    /// Read/write permissions at EL1 and EL0 (AP).
    pub access: Access,
    /// EL1 may execute (PXN clear).
    pub kernel_exec: bool,
    /// EL0 may execute (UXN clear).
    pub user_exec: bool,
    /// Global (nG clear); user mappings are not global so they are tagged with an ASID.
    pub global: bool,
}

impl Attrs {
    /// Kernel text: read-only, executable at EL1 only.
    pub const KERNEL_CODE: Attrs = Attrs::kernel(Access::KernelRo, MemKind::Normal, true);
    /// Kernel read-only data.
    pub const KERNEL_RODATA: Attrs = Attrs::kernel(Access::KernelRo, MemKind::Normal, false);
    /// Kernel data, stacks, heap and the linear map.
    pub const KERNEL_DATA: Attrs = Attrs::kernel(Access::KernelRw, MemKind::Normal, false);
    /// Kernel MMIO.
    pub const KERNEL_DEVICE: Attrs = Attrs::kernel(Access::KernelRw, MemKind::Device, false);
    /// User text: read-only, executable at EL0 only.
    pub const USER_CODE: Attrs = Attrs::user(Access::UserRo, MemKind::Normal, true);
    /// User read-only data.
    pub const USER_RODATA: Attrs = Attrs::user(Access::UserRo, MemKind::Normal, false);
    /// User data, stacks and heap.
    pub const USER_DATA: Attrs = Attrs::user(Access::UserRw, MemKind::Normal, false);
    /// MMIO granted to a user-space driver.
    pub const USER_DEVICE: Attrs = Attrs::user(Access::UserRw, MemKind::Device, false);

    const fn kernel(access: Access, mem: MemKind, exec: bool) -> Attrs {
        Attrs {
            mem,
            access,
            kernel_exec: exec,
            user_exec: false,
            global: true,
        }
    }

    const fn user(access: Access, mem: MemKind, exec: bool) -> Attrs {
        Attrs {
            mem,
            access,
            kernel_exec: false,
            user_exec: exec,
            global: false,
        }
    }

    /// EL1 may both write and execute.
    pub const fn kernel_wx(self) -> bool {
        self.access.kernel_writable() && self.kernel_exec
    }

    /// EL0 may both write and execute.
    pub const fn user_wx(self) -> bool {
        self.access.user_writable() && self.user_exec
    }

    /// EL0 may write what EL1 may execute (the kernel could be fed code).
    pub const fn user_writes_kernel_code(self) -> bool {
        self.access.user_writable() && self.kernel_exec
    }

    /// Breaks W^X: any of [`Self::kernel_wx`], [`Self::user_wx`], [`Self::user_writes_kernel_code`].
    pub const fn is_writable_and_executable(self) -> bool {
        self.kernel_wx() || self.user_wx() || self.user_writes_kernel_code()
    }

    /// The attribute bits of a leaf descriptor, access flag included.
    pub(super) const fn bits(self) -> u64 {
        let sh = match self.mem {
            MemKind::Normal | MemKind::NonCacheable => SH_INNER,
            MemKind::Device => 0, // ignored for Device memory, which is always outer shareable
        };
        let ng = if self.global { 0 } else { NG };
        let pxn = if self.kernel_exec { 0 } else { PXN };
        let uxn = if self.user_exec { 0 } else { UXN };
        (self.mem.attr_index() << ATTR_INDX_SHIFT)
            | (self.access.ap_bits() << AP_SHIFT)
            | sh
            | AF
            | ng
            | pxn
            | uxn
    }

    /// Decodes leaf attribute bits; `None` for an AttrIndx without a [`MemKind`].
    pub(super) fn from_bits(bits: u64) -> Option<Attrs> {
        Some(Attrs {
            mem: MemKind::from_attr_index((bits >> ATTR_INDX_SHIFT) & 0b111)?,
            access: Access::from_ap_bits(bits >> AP_SHIFT),
            kernel_exec: bits & PXN == 0,
            user_exec: bits & UXN == 0,
            global: bits & NG == 0,
        })
    }
}
