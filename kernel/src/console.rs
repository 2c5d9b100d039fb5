//! The kernel console: the PL011, polled, until a UART server takes it over.

use crate::dev::console::{self as dev, pl011};
use crate::sync::IrqMutex;
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use uart::Uart;

/// The console baud rate (the Pi's and every terminal's default).
pub const BAUD: u32 = 115_200;

static READY: AtomicBool = AtomicBool::new(false);
/// A UART driver claimed the PL011: the log stays in the ring (for `dmesg`)
/// instead of being printed here. Panics print regardless.
static HANDED_OVER: AtomicBool = AtomicBool::new(false);
/// The UART clock the firmware reported, for drivers.
static CLOCK_HZ: AtomicU32 = AtomicU32::new(0);
/// Serialises writers so lines do not interleave; the panic path bypasses it.
static WRITE_LOCK: IrqMutex<()> = IrqMutex::new(());

/// Routes the PL011 to GPIO 14/15 and programs it for `BAUD` from `uart_clock_hz`.
/// Returns whether the baud rate could be set (else the firmware's setting stays).
pub fn init(uart_clock_hz: u32) -> bool {
    CLOCK_HZ.store(uart_clock_hz, Ordering::Relaxed);
    dev::route_pl011_pins();
    let baud_set = pl011().init(uart_clock_hz, BAUD).is_ok();
    READY.store(true, Ordering::Release);
    baud_set
}

/// Writes `s` to the console (nothing happens before `init`, nor while a
/// driver owns the UART).
pub fn write_str(s: &str) {
    if READY.load(Ordering::Acquire) && !HANDED_OVER.load(Ordering::Acquire) {
        let _serialised = WRITE_LOCK.lock();
        dev::write_str(&pl011(), s);
    }
}

/// Writes `s` without taking the lock: for panic reports, which must get out
/// even if the panicking code held it. Before `init` it relies on the
/// firmware's (or QEMU's) UART set-up.
pub fn write_str_unlocked(s: &str) {
    dev::write_str(&pl011(), s);
}

/// A `core::fmt::Write` for the panic path.
pub struct PanicWriter;

impl core::fmt::Write for PanicWriter {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        write_str_unlocked(s);
        Ok(())
    }
}

/// A driver claimed (`true`) or released (`false`) the console's UART.
pub fn hand_over(to_driver: bool) {
    if to_driver {
        write_str(
            "console: the UART driver has the console now; the kernel log stays in the ring\n",
        );
    }
    HANDED_OVER.store(to_driver, Ordering::Release);
    if !to_driver {
        write_str("console: back to the kernel (the UART driver let go)\n");
    }
}

/// The UART clock the firmware reported at boot, in Hz.
pub fn uart_clock_hz() -> u32 {
    CLOCK_HZ.load(Ordering::Relaxed)
}
