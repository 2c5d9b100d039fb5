//! The BCM2835 power-management watchdog: how the SoC restarts itself, or halts for good.
//!
//! The PM block sits at `board::PM_BASE` (bus 0x7E100000); the datasheet leaves
//! it out, Linux's `bcm2835_wdt` driver documents it. Every write carries the
//! password 0x5A in the top byte or is ignored. A full reset is `RSTC.WRCFG =
//! full reset` with a short `WDOG` timeout; `RSTS` tells the firmware which
//! partition to boot next, and partition 63 means "halt" (QEMU's
//! `bcm2835_powermgt` turns that into a clean shutdown).

use tock_registers::interfaces::{Readable, Writeable};
use tock_registers::register_structs;
use tock_registers::registers::ReadWrite;

register_structs! {
    /// The PM block's reset and watchdog registers.
    pub RegisterBlock {
        (0x00 => _reserved),
        (0x1c => rstc: ReadWrite<u32>),
        (0x20 => rsts: ReadWrite<u32>),
        (0x24 => wdog: ReadWrite<u32>),
        (0x28 => @END),
    }
}

/// Top byte of every write; other writes are ignored.
const PASSWORD: u32 = 0x5a00_0000;
/// The byte the password goes in.
const PASSWORD_MASK: u32 = 0xff00_0000;
/// RSTC.WRCFG: what the watchdog does when it expires.
const RSTC_WRCFG_MASK: u32 = 0x30;
/// RSTC.WRCFG = full reset.
const RSTC_WRCFG_FULL_RESET: u32 = 0x20;
/// RSTS bits 0, 2, .., 10: the partition the firmware boots next (six bits, spread out).
const RSTS_PARTITION_MASK: u32 = 0x555;
/// Partition 63 in those bits: the firmware halts instead of booting (Linux's convention).
const RSTS_PARTITION_HALT: u32 = 0x555;
/// Watchdog ticks (about 15 us each) until the reset: short, as Linux's restart.
const WDOG_TIMEOUT_TICKS: u32 = 10;

/// Resets the SoC through the watchdog; with `halt`, it stays off (QEMU exits).
pub fn reset(halt: bool) -> ! {
    // This is the machine's last act: a driver that claimed `pm-wdt` never runs again.
    // SAFETY: `board::PM_BASE` is the PM block in the peripheral window,
    // mapped as device memory for the kernel's life.
    let regs = unsafe { super::Mmio::<RegisterBlock>::kernel(crate::board::PM_BASE) };
    let partition = if halt { RSTS_PARTITION_HALT } else { 0 };
    let rsts = regs.rsts.get() & !(PASSWORD_MASK | RSTS_PARTITION_MASK);
    regs.rsts.set(PASSWORD | rsts | partition);
    regs.wdog.set(PASSWORD | WDOG_TIMEOUT_TICKS);
    let rstc = regs.rstc.get() & !(PASSWORD_MASK | RSTC_WRCFG_MASK);
    regs.rstc.set(PASSWORD | rstc | RSTC_WRCFG_FULL_RESET);
    // The watchdog fires within microseconds; nothing else may run meanwhile.
    crate::arch::aarch64::cpu::halt()
}
