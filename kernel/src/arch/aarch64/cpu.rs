//! Core-level operations: interrupt masking, waiting, halting, cache maintenance, the frame pointer.

use aarch64_cpu::asm;
use aarch64_cpu::asm::barrier;
use aarch64_cpu::registers::{CurrentEL, ReadWriteable, Readable, Writeable, DAIF, MPIDR_EL1};
use core::arch::asm;

/// Bytes in a data-cache line on the Cortex-A53.
const CACHE_LINE_BYTES: usize = 64;

/// The exception level the CPU runs at now (1 for the kernel).
pub fn current_el() -> u64 {
    CurrentEL.read(CurrentEL::EL)
}

/// The core number (MPIDR_EL1.Aff0).
pub fn core_id() -> u64 {
    MPIDR_EL1.get() & 0xff
}

/// Masks IRQs on this core and returns the previous DAIF value for `restore_irqs`.
pub fn disable_irqs() -> u64 {
    let daif = DAIF.get();
    DAIF.modify(DAIF::I::Masked);
    daif
}

/// Restores the interrupt mask saved by `disable_irqs`.
pub fn restore_irqs(saved_daif: u64) {
    DAIF.set(saved_daif);
}

/// Unmasks IRQs on this core.
pub fn enable_irqs() {
    DAIF.modify(DAIF::I::Unmasked);
}

/// True when IRQs are masked on this core.
pub fn irqs_masked() -> bool {
    DAIF.is_set(DAIF::I)
}

/// Sleeps until an interrupt (or event) arrives.
pub fn wait_for_interrupt() {
    asm::wfi();
}

/// Stops this core for good: interrupts masked, waiting for events forever.
pub fn halt() -> ! {
    DAIF.write(DAIF::D::Masked + DAIF::A::Masked + DAIF::I::Masked + DAIF::F::Masked);
    loop {
        asm::wfe();
    }
}

/// The current frame pointer (x29), where a backtrace starts.
#[inline(always)]
pub fn frame_pointer() -> usize {
    let fp: usize;
    // SAFETY: reading x29 into a register has no side effects.
    unsafe { asm!("mov {}, x29", out(reg) fp, options(nomem, nostack, preserves_flags)) };
    fp
}

/// Cleans and invalidates the data cache over `[start, start + len_bytes)` (virtual),
/// so a device that reads memory directly (the VideoCore mailbox) sees what the CPU
/// wrote and the CPU then sees what the device wrote.
pub fn clean_invalidate_dcache(start: usize, len_bytes: usize) {
    let mut line = start & !(CACHE_LINE_BYTES - 1);
    while line < start + len_bytes {
        // SAFETY: `dc civac` on a mapped address only moves data between cache and
        // memory; it changes no architectural memory contents.
        unsafe { asm!("dc civac, {}", in(reg) line, options(nostack, preserves_flags)) };
        line += CACHE_LINE_BYTES;
    }
    barrier::dsb(barrier::SY);
}

/// A full data synchronisation barrier, for ordering MMIO against memory.
pub fn dsb() {
    barrier::dsb(barrier::SY);
}

/// Loads a u64 from any kernel virtual address, taking the fault if it is not
/// mapped: the deliberate fault of the fault test kernel and of a built-in
/// server told to crash (the monolithic build's fault demonstration).
#[inline(never)]
pub fn read_u64_for_test(addr: usize) -> u64 {
    let value: u64;
    // SAFETY: a plain load through inline assembly: it either reads a mapped
    // address (no Rust object is modified) or takes a data abort, which the
    // kernel reports as a panic; it never returns a value from unmapped memory.
    unsafe { asm!("ldr {}, [{}]", out(reg) value, in(reg) addr, options(nostack, readonly)) };
    value
}

/// PMU event number of "instruction architecturally executed" (INST_RETIRED).
pub const PMU_EVENT_INST_RETIRED: u64 = 0x08;

/// Starts event counter 0 counting retired instructions at EL0 and EL1, and lets
/// tasks read it (PMUSERENR_EL0.EN/ER), so benchmarks measure in user space as
/// Linux's `perf_user_access` allows. Under QEMU it counts only with `-icount`.
pub fn start_instruction_counter() {
    // SAFETY: PMU configuration writes change no memory; counter 0 is the
    // kernel's to program, and reading counters grants tasks no access to data.
    unsafe {
        asm!(
            "msr pmevtyper0_el0, {ev}",
            "msr pmcntenset_el0, {en}",
            "mrs {t}, pmcr_el0",
            "orr {t}, {t}, #3", // E: enable; P: reset event counters
            "msr pmcr_el0, {t}",
            "msr pmuserenr_el0, {user}",
            "isb",
            ev = in(reg) PMU_EVENT_INST_RETIRED,
            en = in(reg) 1u64,
            user = in(reg) 0b1001u64, // EN | ER: EL0 may read counters
            t = out(reg) _,
            options(nostack, preserves_flags),
        )
    };
}
