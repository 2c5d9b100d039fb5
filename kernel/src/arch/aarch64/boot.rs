//! The boot path: `boot.s` assembled with its constants, from the load address to `kernel_entry`.

use crate::board;

/// Bytes of the boot (and, for now, only) kernel stack.
pub const BOOT_STACK_BYTES: usize = 64 * 1024;

/// MAIR_EL1: the memory kinds that page-table entries index (defined in `mem::pte`).
pub const MAIR: u64 = crate::mem::pte::MAIR_EL1_VALUE;

/// TCR_EL1: 39-bit VA in both halves, 4 KiB granule, inner-shareable WBWA walks,
/// 40-bit PA (the Cortex-A53's; `mem::pte::PA_BITS`), 16-bit ASIDs taken from TTBR0.
#[allow(clippy::identity_op)] // every field is spelled out, zeros included
pub const TCR: u64 = 25                 // T0SZ
    | (0b01 << 8) | (0b01 << 10)        // IRGN0, ORGN0: write-back write-allocate
    | (0b11 << 12)                      // SH0: inner shareable
    | (0b00 << 14)                      // TG0: 4 KiB
    | (25 << 16)                        // T1SZ
    | (0b01 << 24) | (0b01 << 26)       // IRGN1, ORGN1
    | (0b11 << 28)                      // SH1
    | (0b10 << 30)                      // TG1: 4 KiB
    | (0b010 << 32)                     // IPS: 40 bits, 1 TiB
    | (1 << 36); // AS: 16-bit ASIDs

/// TCR_EL1.EPD0: no walks through TTBR0 (set while no user address space is live).
pub const TCR_EPD0: u64 = 1 << 7;

/// SCTLR_EL1 bits that are RES1 on ARMv8.0.
const SCTLR_RES1: u64 = (1 << 11) | (1 << 20) | (1 << 22) | (1 << 23) | (1 << 28) | (1 << 29);
/// SCTLR_EL1 with MMU and caches off.
pub const SCTLR_MMU_OFF: u64 = SCTLR_RES1;
/// SCTLR_EL1 with MMU, caches, SP alignment checks and alignment-fault-free accesses.
pub const SCTLR_MMU_ON: u64 = SCTLR_RES1
    | 1          // M: MMU
    | (1 << 2)   // C: data cache
    | (1 << 3)   // SA: SP alignment check at EL1
    | (1 << 4)   // SA0: SP alignment check at EL0
    | (1 << 12); // I: instruction cache

/// Boot 2 MiB block for RAM: valid block, AttrIndx 0, inner shareable, AF, UXN.
/// (Only the boot tables use raw bits; everything later goes through `mem::pte`.)
#[allow(clippy::identity_op)] // AttrIndx 0 spelled out
const BOOT_BLOCK_NORMAL: u64 = 0b01 | (0 << 2) | (0b11 << 8) | (1 << 10) | (1 << 54);
/// Boot block for device memory: AttrIndx 1 (nGnRnE), AF, PXN, UXN.
const BOOT_BLOCK_DEVICE: u64 = 0b01 | (1 << 2) | (1 << 10) | (1 << 53) | (1 << 54);

core::arch::global_asm!(
    include_str!("boot.s"),
    SCTLR_MMU_OFF = const SCTLR_MMU_OFF,
    SCTLR_MMU_ON = const SCTLR_MMU_ON,
    MAIR = const MAIR,
    TCR = const TCR,
    PERIPHERAL_BASE = const board::PERIPHERAL_BASE,
    BLOCK_NORMAL = const BOOT_BLOCK_NORMAL,
    BLOCK_DEVICE = const BOOT_BLOCK_DEVICE,
    L1_DEVICE_GIB1 = const (board::LOCAL_PERIPHERAL_BASE as u64 | BOOT_BLOCK_DEVICE),
    BOOT_STACK_BYTES = const BOOT_STACK_BYTES,
);
