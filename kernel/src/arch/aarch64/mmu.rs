//! MMU control: installing the kernel's page tables in TTBR1 and TLB maintenance.

use super::boot::{TCR, TCR_EPD0};
use aarch64_cpu::asm::barrier;
use aarch64_cpu::registers::{Readable, Writeable, TCR_EL1, TTBR0_EL1, TTBR1_EL1};
use core::arch::asm;

/// Makes `root` (a physical address of an L1 table) the kernel's upper-half
/// tables and stops walks through TTBR0, which now has no user space.
pub fn install_kernel_tables(root: usize) {
    barrier::dsb(barrier::ISHST); // table writes visible to the walker first
    TTBR1_EL1.set(root as u64);
    TTBR0_EL1.set(0);
    TCR_EL1.set(TCR | TCR_EPD0);
    barrier::isb(barrier::SY);
    flush_tlb_all();
}

/// Invalidates every TLB entry of this core (all ASIDs, EL1&0).
pub fn flush_tlb_all() {
    // SAFETY: TLB invalidation changes no memory; the barriers order it
    // against the table updates before and the accesses after.
    unsafe {
        asm!(
            "dsb ishst",
            "tlbi vmalle1",
            "dsb ish",
            "isb",
            options(nostack, preserves_flags)
        )
    };
}

/// Invalidates the TLB entries for one page of kernel (global) address space.
pub fn flush_tlb_kernel_page(va: usize) {
    let operand = (va >> 12) & ((1 << 44) - 1);
    // SAFETY: as in `flush_tlb_all`: invalidation changes no memory.
    unsafe {
        asm!("dsb ishst", "tlbi vaae1, {}", "dsb ish", "isb", in(reg) operand, options(nostack, preserves_flags))
    };
}

/// Installs a task's tables in TTBR0 under `asid` and enables TTBR0 walks.
/// With ASIDs, entries of other tasks stay valid in the TLB: no flush needed.
pub fn load_user_tables(root: usize, asid: u16) {
    TTBR0_EL1.set(root as u64 | (u64::from(asid) << 48));
    if TCR_EL1.get() != TCR {
        TCR_EL1.set(TCR); // walks were off (EPD0) since the last task went away
    }
    barrier::isb(barrier::SY);
}

/// [`load_user_tables`] while another task's tables are loaded, so TTBR0
/// walks are on already: the register and a barrier, no look at TCR.
#[inline(always)]
pub fn switch_user_tables(root: usize, asid: u16) {
    TTBR0_EL1.set(root as u64 | (u64::from(asid) << 48));
    barrier::isb(barrier::SY);
}

/// [`switch_user_tables`] on the way back to EL0, with no barrier: the
/// `eret` that ends the exception is a context synchronization event, so
/// the new TTBR0 is in force from the task's first instruction. For the
/// IPC fast path's switch, which touches no user address before that.
#[inline(always)]
pub fn switch_user_tables_for_eret(root: usize, asid: u16) {
    TTBR0_EL1.set(root as u64 | (u64::from(asid) << 48));
}

/// Walks the loaded TTBR0 tables for user address `va` with the `AT`
/// operation `$op` and returns `PAR_EL1`.
macro_rules! at_par {
    ($op:literal, $va:expr) => {{
        let par: u64;
        // SAFETY: address translation reads the page tables and writes PAR_EL1
        // only; no memory changes and no other register is touched.
        unsafe {
            asm!(
                concat!("at ", $op, ", {va}"),
                "isb",
                "mrs {par}, par_el1",
                va = in(reg) $va,
                par = out(reg) par,
                options(nostack, preserves_flags)
            )
        };
        par
    }};
}

/// The physical address that user address `va` maps to in the loaded TTBR0
/// tables, if a task may read it there and it is Normal memory: the
/// hardware walk (`AT S1E0R`), not a software one.
#[inline(always)]
pub fn user_readable_pa(va: usize) -> Option<usize> {
    normal_pa(at_par!("s1e0r", va), va)
}

/// [`user_readable_pa`] for writing: `AT S1E0W`, so a page the task may
/// only read (or not reach at all) gives `None`.
#[inline(always)]
pub fn user_writable_pa(va: usize) -> Option<usize> {
    normal_pa(at_par!("s1e0w", va), va)
}

/// The physical address an `AT` result `par` gives for `va`, if the walk
/// succeeded and found Normal memory.
#[inline(always)]
fn normal_pa(par: u64, va: usize) -> Option<usize> {
    // F (bit 0) set: no mapping or no EL0 access. ATTR (63:56) 0x00..0x0F is Device memory.
    if par & 1 != 0 || par >> 60 == 0 {
        return None;
    }
    Some((par & 0x0000_FFFF_FFFF_F000) as usize | (va & 0xFFF))
}

/// Stops TTBR0 walks (before the installed tables are freed).
pub fn unload_user_tables() {
    TCR_EL1.set(TCR | TCR_EPD0);
    TTBR0_EL1.set(0);
    barrier::isb(barrier::SY);
}

/// Invalidates every TLB entry tagged with `asid` (a dying or unmapping task's).
pub fn flush_tlb_asid(asid: u16) {
    let operand = u64::from(asid) << 48;
    // SAFETY: TLB invalidation changes no memory; the barriers order it.
    unsafe {
        asm!("dsb ishst", "tlbi aside1, {}", "dsb ish", "isb", in(reg) operand, options(nostack, preserves_flags))
    };
}
