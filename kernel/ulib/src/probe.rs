//! Deliberate faults for tests and crash demonstrations: each one traps into the kernel.

use core::arch::asm;

/// Loads a u64 from `addr`; if nothing is mapped there, the task takes a data abort.
pub fn read_u64(addr: usize) -> u64 {
    let value: u64;
    // SAFETY: a plain load in assembly: it reads mapped memory without changing
    // any Rust object, or faults, which ends the task; no Rust invariant depends on it.
    unsafe { asm!("ldr {}, [{}]", out(reg) value, in(reg) addr, options(nostack, readonly)) };
    value
}

/// Executes a permanently undefined instruction.
pub fn undefined_instruction() -> ! {
    // SAFETY: `udf` only raises an undefined-instruction exception, which ends the task.
    unsafe { asm!("udf #0", options(noreturn, nostack)) }
}

/// Executes an FP/SIMD instruction, which the kernel traps (tasks are soft-float).
pub fn fp_instruction() -> ! {
    // `fmov d0, xzr`, spelled as its encoding: the soft-float target has no FP registers.
    // SAFETY: with CPACR_EL1.FPEN = 0 the FP instruction only traps, which ends the task.
    unsafe { asm!(".inst 0x9e6703e0", "udf #1", options(noreturn, nostack)) }
}

/// Instructions retired so far (PMU event counter 0, which the kernel sets to
/// event 0x08 for every task). 32 bits: subtract with `wrapping_sub`.
pub fn instructions() -> u32 {
    let count: u64;
    // SAFETY: reading PMEVCNTR0_EL0 has no side effects; the kernel enables EL0 reads.
    unsafe {
        asm!("isb", "mrs {}, pmevcntr0_el0", out(reg) count, options(nostack, nomem, preserves_flags))
    };
    count as u32
}

/// An exclusive load from a misaligned address: an alignment fault (exclusives
/// must be naturally aligned whatever SCTLR_EL1.A says).
pub fn misaligned_exclusive() -> ! {
    let word = 0u64;
    let addr = core::ptr::addr_of!(word) as usize + 1;
    // SAFETY: the misaligned `ldxr` faults before it reads anything, and the
    // fault ends the task; `word` outlives the asm either way.
    unsafe { asm!("ldxr x10, [{}]", "udf #2", in(reg) addr, options(noreturn, nostack)) }
}
