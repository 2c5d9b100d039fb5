//! The per-core ARM generic timer: the counter for clocks and delays, the EL1 physical timer for ticks.

use aarch64_cpu::asm::barrier;
use aarch64_cpu::registers::{
    ReadWriteable, Readable, Writeable, CNTFRQ_EL0, CNTKCTL_EL1, CNTPCT_EL0, CNTP_CTL_EL0,
    CNTP_TVAL_EL0,
};

/// Lets tasks read the counter and its frequency (CNTPCT_EL0, CNTFRQ_EL0), as
/// Linux's vDSO lets programs: the clock then costs a task no syscall. The
/// timer registers themselves stay the kernel's.
pub fn allow_user_counter_reads() {
    CNTKCTL_EL1.modify(CNTKCTL_EL1::EL0PCTEN::SET);
}

/// The counter frequency in Hz, as the firmware (or QEMU) programmed CNTFRQ_EL0.
pub fn frequency_hz() -> u64 {
    CNTFRQ_EL0.get()
}

/// The current counter value (ordered after earlier instructions).
pub fn counter() -> u64 {
    barrier::isb(barrier::SY);
    CNTPCT_EL0.get()
}

/// Arms the EL1 physical timer to fire `ticks` counter periods from now, interrupt unmasked.
pub fn arm(ticks: u64) {
    CNTP_TVAL_EL0.set(ticks.min(u32::MAX as u64));
    CNTP_CTL_EL0.modify(CNTP_CTL_EL0::ENABLE::SET + CNTP_CTL_EL0::IMASK::CLEAR);
}

/// Stops the EL1 physical timer.
pub fn disarm() {
    CNTP_CTL_EL0.modify(CNTP_CTL_EL0::ENABLE::CLEAR);
}

/// True when the timer condition is met (its interrupt is asserted).
pub fn pending() -> bool {
    CNTP_CTL_EL0.is_set(CNTP_CTL_EL0::ISTATUS)
}
