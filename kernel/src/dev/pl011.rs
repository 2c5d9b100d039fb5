//! ARM PrimeCell PL011 UART registers and the kernel's polled console driver.
//!
//! Register names and bits as in the PL011 Technical Reference Manual (DDI 0183)
//! and the BCM2835 ARM Peripherals datasheet, section 13.

use tock_registers::interfaces::{Readable, Writeable};
use tock_registers::register_bitfields;
use tock_registers::register_structs;
use tock_registers::registers::{ReadOnly, ReadWrite, WriteOnly};

register_bitfields! {u32,
    /// Flag register.
    FR [
        /// Transmit FIFO full.
        TXFF OFFSET(5) NUMBITS(1) [],
        /// Receive FIFO empty.
        RXFE OFFSET(4) NUMBITS(1) [],
        /// UART busy transmitting.
        BUSY OFFSET(3) NUMBITS(1) []
    ],
    /// Line control register.
    LCR_H [
        /// Word length.
        WLEN OFFSET(5) NUMBITS(2) [EightBit = 0b11],
        /// Enable FIFOs.
        FEN OFFSET(4) NUMBITS(1) []
    ],
    /// Control register.
    CR [
        /// Receive enable.
        RXE OFFSET(9) NUMBITS(1) [],
        /// Transmit enable.
        TXE OFFSET(8) NUMBITS(1) [],
        /// UART enable.
        UARTEN OFFSET(0) NUMBITS(1) []
    ]
}

register_structs! {
    /// The PL011 register block.
    pub RegisterBlock {
        (0x00 => dr: ReadWrite<u32>),
        (0x04 => _reserved0),
        (0x18 => fr: ReadOnly<u32, FR::Register>),
        (0x1c => _reserved1),
        (0x24 => ibrd: WriteOnly<u32>),
        (0x28 => fbrd: WriteOnly<u32>),
        (0x2c => lcr_h: WriteOnly<u32, LCR_H::Register>),
        (0x30 => cr: WriteOnly<u32, CR::Register>),
        (0x34 => _reserved2),
        (0x44 => icr: WriteOnly<u32>),
        (0x48 => @END),
    }
}

/// The integer and fractional baud-rate divisors for `baud` from a UART clock of
/// `clock_hz`: clock / (16 * baud) in 6-bit fixed point, rounded to nearest.
/// `None` when the clock cannot reach that baud rate.
pub fn baud_divisors(clock_hz: u32, baud: u32) -> Option<(u32, u32)> {
    if baud == 0 {
        return None;
    }
    let div64 = (u64::from(clock_hz) * 4 + u64::from(baud) / 2) / u64::from(baud);
    let (ibrd, fbrd) = ((div64 >> 6) as u32, (div64 & 0x3f) as u32);
    (1..=0xffff).contains(&ibrd).then_some((ibrd, fbrd))
}

/// A PL011 driven by polling: the kernel's console until a UART server owns it.
pub struct Pl011 {
    regs: super::Mmio<RegisterBlock>,
}

impl Pl011 {
    /// The kernel's instance, on the linear-map device mapping of `board::PL011_BASE`.
    pub fn kernel() -> &'static Self {
        static INSTANCE: spin::Once<Pl011> = spin::Once::new();
        INSTANCE.call_once(|| {
            // SAFETY: `board::PL011_BASE` is this block's base inside the peripheral
            // window, mapped as device memory for the kernel's life; `Once` makes
            // this the only instance. The kernel drives this UART only until a server claims it.
            let regs = unsafe { super::Mmio::kernel(crate::board::PL011_BASE) };
            Self { regs }
        })
    }

    /// Programs 8N1 at `baud` from the UART clock, FIFOs on, transmit and receive enabled.
    /// Returns false (and leaves the firmware's setting) when the divisors are out of range.
    pub fn init(&self, clock_hz: u32, baud: u32) -> bool {
        let Some((ibrd, fbrd)) = baud_divisors(clock_hz, baud) else {
            return false;
        };
        self.flush();
        self.regs.cr.set(0);
        self.regs.icr.set(0x7ff);
        self.regs.ibrd.set(ibrd);
        self.regs.fbrd.set(fbrd);
        self.regs
            .lcr_h
            .write(LCR_H::WLEN::EightBit + LCR_H::FEN::SET);
        self.regs
            .cr
            .write(CR::UARTEN::SET + CR::TXE::SET + CR::RXE::SET);
        true
    }

    /// Sends one byte, waiting while the transmit FIFO is full.
    pub fn write_byte(&self, byte: u8) {
        while self.regs.fr.is_set(FR::TXFF) {
            core::hint::spin_loop();
        }
        self.regs.dr.set(u32::from(byte));
    }

    /// Sends a string, turning `\n` into `\r\n` for terminals.
    pub fn write_str(&self, s: &str) {
        for b in s.bytes() {
            if b == b'\n' {
                self.write_byte(b'\r');
            }
            self.write_byte(b);
        }
    }

    /// A received byte, if one is waiting.
    pub fn read_byte(&self) -> Option<u8> {
        (!self.regs.fr.is_set(FR::RXFE)).then(|| self.regs.dr.get() as u8)
    }

    /// Waits until everything written has left the UART.
    pub fn flush(&self) {
        while self.regs.fr.is_set(FR::BUSY) {
            core::hint::spin_loop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divisors_for_the_pi_clock() {
        // 48 MHz / (16 * 115200) = 26.0416..: IBRD 26, FBRD round(0.0416 * 64) = 3.
        assert_eq!(baud_divisors(48_000_000, 115_200), Some((26, 3)));
        // QEMU's mailbox reports 3 MHz: 1.6276 -> 1, round(0.6276 * 64) = 40.
        assert_eq!(baud_divisors(3_000_000, 115_200), Some((1, 40)));
    }

    #[test]
    fn impossible_rates_are_refused() {
        assert_eq!(baud_divisors(48_000_000, 0), None);
        assert_eq!(baud_divisors(1_000, 115_200), None);
    }
}
