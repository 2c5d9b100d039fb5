//! The loader's serial line: the PL011 at 115200 8N1, polled, with byte timeouts from the generic timer.
//!
//! Register offsets and bits as in drivers/uart's `pl011` module (PL011 TRM,
//! ARM DDI 0183); that crate needs a heap, which the loader does without.

use chainload::proto::BAUD;
use chainload::session::Link;
use tock_registers::interfaces::{Readable, Writeable};
use tock_registers::register_structs;
use tock_registers::registers::{ReadOnly, ReadWrite, WriteOnly};

use crate::timer::Timer;

/// ARM physical address of the PL011 (UART0) on the BCM2837.
const PL011_BASE: usize = 0x3F20_1000;
/// The Pi 3 firmware's PL011 clock, if the mailbox cannot say.
const DEFAULT_CLOCK_HZ: u32 = 48_000_000;
/// Nap between two polls of an empty receive FIFO: short enough for the 16
/// characters of FIFO (1.4 ms at 115200 baud), long enough to leave QEMU's
/// main loop room to fill it (see `timer`).
const POLL_GAP_US: u64 = 100;
/// How long to let a character in flight finish before reprogramming anyway.
const DRAIN_SPINS: u32 = 1 << 24;

const FR_TXFE: u32 = 1 << 7;
const FR_TXFF: u32 = 1 << 5;
const FR_RXFE: u32 = 1 << 4;
const FR_BUSY: u32 = 1 << 3;
/// LCR_H: 8 data bits (WLEN = 0b11), FIFOs on; no parity, one stop bit.
const LCR_H_8N1_FIFO: u32 = (0b11 << 5) | (1 << 4);
/// CR: receive, transmit and UART enable.
const CR_RXE_TXE_UARTEN: u32 = (1 << 9) | (1 << 8) | 1;
/// IMSC/ICR: every interrupt bit.
const INT_ALL: u32 = 0x7ff;

register_structs! {
    /// The PL011 registers the loader uses.
    Registers {
        (0x00 => dr: ReadWrite<u32>),
        (0x04 => _reserved0),
        (0x18 => fr: ReadOnly<u32>),
        (0x1c => _reserved1),
        (0x24 => ibrd: ReadWrite<u32>),
        (0x28 => fbrd: ReadWrite<u32>),
        (0x2c => lcr_h: ReadWrite<u32>),
        (0x30 => cr: ReadWrite<u32>),
        (0x34 => _reserved2),
        (0x38 => imsc: ReadWrite<u32>),
        (0x3c => _reserved3),
        (0x44 => icr: WriteOnly<u32>),
        (0x48 => @END),
    }
}

/// IBRD and FBRD for `baud` from `clock_hz`: clock / (16 * baud) in 6-bit fixed
/// point, rounded to nearest; `None` outside the registers' 1..=65535 range.
fn divisors(clock_hz: u32, baud: u32) -> Option<(u32, u32)> {
    let div64 = (u64::from(clock_hz) * 4 + u64::from(baud) / 2).checked_div(u64::from(baud))?;
    ((1 << 6)..=(0xFFFF << 6))
        .contains(&div64)
        .then_some(((div64 >> 6) as u32, (div64 & 0x3f) as u32))
}

/// The PL011, set up for the transfer.
pub struct Serial {
    regs: &'static Registers,
    timer: Timer,
    /// Counter ticks in [`POLL_GAP_US`].
    gap_ticks: u64,
}

impl Serial {
    /// Sets the PL011 to [`BAUD`] 8N1 with FIFOs, no interrupts. The GPIO pins stay
    /// as the firmware routed them (`enable_uart=1`).
    pub fn init(timer: Timer) -> Serial {
        // SAFETY: PL011_BASE is the PL011's register block and the MMU is off, so
        // the address is used as it is; this is the loader's only view of it.
        let regs: &'static Registers = unsafe { &*(PL011_BASE as *const Registers) };
        let clock_hz = crate::mailbox::uart_clock_hz().unwrap_or(DEFAULT_CLOCK_HZ);
        let (ibrd, fbrd) = divisors(clock_hz, BAUD)
            .or(divisors(DEFAULT_CLOCK_HZ, BAUD))
            .unwrap_or((26, 3));
        // The TRM's order: let the character in flight finish, disable, program, enable.
        let mut spins = 0;
        while regs.fr.get() & FR_BUSY != 0 && spins < DRAIN_SPINS {
            spins += 1;
            core::hint::spin_loop();
        }
        regs.cr.set(0);
        regs.lcr_h.set(0); // FEN = 0 flushes the FIFOs
        regs.imsc.set(0);
        regs.icr.set(INT_ALL);
        regs.ibrd.set(ibrd);
        regs.fbrd.set(fbrd);
        regs.lcr_h.set(LCR_H_8N1_FIFO); // also latches IBRD and FBRD
        regs.cr.set(CR_RXE_TXE_UARTEN);
        Serial {
            regs,
            gap_ticks: timer.ticks(POLL_GAP_US),
            timer,
        }
    }

    /// Waits until every byte sent has left the wire, then gives the timer back:
    /// the line and the clock are the next kernel's.
    pub fn finish(self) {
        while self.regs.fr.get() & (FR_TXFE | FR_BUSY) != FR_TXFE {
            core::hint::spin_loop();
        }
        self.timer.release();
    }

    fn try_read(&self) -> Option<u8> {
        // DR's bits 8-11 are error flags: a damaged byte still counts, the CRC catches it.
        (self.regs.fr.get() & FR_RXFE == 0).then(|| self.regs.dr.get() as u8)
    }
}

impl Link for Serial {
    fn recv(&mut self, timeout_ms: Option<u32>) -> Option<u8> {
        // The common case during a transfer: a byte is waiting, no need for the clock.
        if let Some(byte) = self.try_read() {
            return Some(byte);
        }
        let limit = timeout_ms.map(|ms| self.timer.ticks(u64::from(ms) * 1000));
        let start = self.timer.now();
        loop {
            self.timer.nap(self.gap_ticks);
            if let Some(byte) = self.try_read() {
                return Some(byte);
            }
            if limit.is_some_and(|limit| self.timer.now().wrapping_sub(start) > limit) {
                return None;
            }
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            while self.regs.fr.get() & FR_TXFF != 0 {
                core::hint::spin_loop();
            }
            self.regs.dr.set(u32::from(byte));
        }
    }
}
