//! The console's devices as the kernel drives them: the PL011 (polled) and GPIO 14/15 routed to it.
//!
//! The register blocks and their arithmetic are the user-space drivers' (`uart`,
//! `gpio` crates): defined once, used here on the kernel's mapping.

use gpio::{Gpio, RegisterBlock as GpioRegs};
use proto::ioctl::{GpioFunction, GpioPin, GpioPull};
use uart::pl011::RegisterBlock as Pl011Regs;
use uart::{Pl011, Uart};

/// The kernel's PL011, on the linear-map device mapping of `board::PL011_BASE`.
pub fn pl011() -> Pl011 {
    static REGS: spin::Once<super::Mmio<Pl011Regs>> = spin::Once::new();
    let regs = REGS.call_once(|| {
        // SAFETY: `board::PL011_BASE` is the PL011's base inside the peripheral
        // window, mapped as device memory for the kernel's life; the kernel drives
        // this UART only until a server claims it.
        unsafe { super::Mmio::kernel(crate::board::PL011_BASE) }
    });
    Pl011::new(regs.registers())
}

/// The mini UART (in the AUX block) on the kernel's mapping, for the built-in UART driver.
pub fn mini_uart() -> uart::MiniUart {
    static REGS: spin::Once<super::Mmio<uart::mini::RegisterBlock>> = spin::Once::new();
    let regs = REGS.call_once(|| {
        // SAFETY: `board::AUX_BASE` is the AUX block inside the peripheral window,
        // mapped as device memory for the kernel's life; only the built-in UART
        // driver (monolithic build) drives it, and only while it runs.
        unsafe { super::Mmio::kernel(crate::board::AUX_BASE) }
    });
    uart::MiniUart::new(regs.registers())
}

/// The GPIO block on the kernel's mapping, for the built-in GPIO driver.
pub fn gpio() -> Gpio {
    static REGS: spin::Once<super::Mmio<GpioRegs>> = spin::Once::new();
    let regs = REGS.call_once(|| {
        // SAFETY: `board::GPIO_BASE` is the GPIO block inside the peripheral window,
        // mapped as device memory for the kernel's life; the built-in GPIO driver
        // (monolithic build) is its only user besides the boot-time pin routing.
        unsafe { super::Mmio::kernel(crate::board::GPIO_BASE) }
    });
    Gpio::new(regs.registers())
}

/// Puts GPIO 14/15 in ALT0 (PL011 TXD0/RXD0) with pulls off, for a real Pi's console.
pub fn route_pl011_pins() {
    // SAFETY: `board::GPIO_BASE` is the GPIO block inside the peripheral window,
    // mapped for the kernel's life; the kernel touches only pins 14 and 15.
    let regs = unsafe { super::Mmio::<GpioRegs>::kernel(crate::board::GPIO_BASE) };
    let gpio = Gpio::new(regs.registers());
    for pin in [14, 15] {
        if let Ok(pin) = GpioPin::new(pin) {
            gpio.set_function(pin, GpioFunction::Alt0);
            gpio.set_pull(pin, GpioPull::Off);
        }
    }
}

/// Sends `s`, turning `\n` into `\r\n`, waiting while the transmit FIFO is full.
pub fn write_str(uart: &Pl011, s: &str) {
    for b in s.bytes() {
        if b == b'\n' {
            put(uart, b'\r');
        }
        put(uart, b);
    }
}

fn put(uart: &Pl011, byte: u8) {
    while !uart.try_write(byte) {
        core::hint::spin_loop();
    }
}
