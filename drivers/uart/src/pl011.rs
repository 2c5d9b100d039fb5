//! The ARM PrimeCell PL011 UART (UART0): its registers and an interrupt-driven driver surface.
//!
//! Register names and bits as in the PL011 Technical Reference Manual (ARM DDI
//! 0183, §3) and the BCM2835 ARM Peripherals datasheet, §13. The BCM2835's
//! PL011 has 16-entry FIFOs and no IrDA; its clock (`clock_hz` below) is the
//! firmware's UART clock, 48 MHz on a Pi 3 and 3 MHz as QEMU's mailbox reports.

use tock_registers::interfaces::{Readable, Writeable};
use tock_registers::registers::{ReadOnly, ReadWrite, WriteOnly};
use tock_registers::{register_bitfields, register_structs};

use crate::{check_baud_error, BaudError, Uart};

/// ARM physical address of the PL011's registers on the BCM2837.
pub const PHYS_BASE: usize = 0x3F20_1000;
/// The PL011's interrupt number at the BCM2835 interrupt controller (GPU IRQ 57).
pub const IRQ: u32 = 57;

/// How long `init` waits for a character in flight before reprogramming anyway.
const DRAIN_SPINS: u32 = 1 << 24;

register_bitfields! {u32,
    /// Data register: a received byte with its error flags, or a byte to send.
    DR [
        /// Overrun: the receive FIFO was full when this byte arrived.
        OE OFFSET(11) NUMBITS(1) [],
        /// Break: the line was held low for longer than a character.
        BE OFFSET(10) NUMBITS(1) [],
        /// Parity error.
        PE OFFSET(9) NUMBITS(1) [],
        /// Framing error: no valid stop bit.
        FE OFFSET(8) NUMBITS(1) [],
        /// The data byte.
        DATA OFFSET(0) NUMBITS(8) []
    ],
    /// Receive status (read) / error clear (write any value).
    RSR [
        /// Overrun error.
        OE OFFSET(3) NUMBITS(1) [],
        /// Break error.
        BE OFFSET(2) NUMBITS(1) [],
        /// Parity error.
        PE OFFSET(1) NUMBITS(1) [],
        /// Framing error.
        FE OFFSET(0) NUMBITS(1) []
    ],
    /// Flag register.
    FR [
        /// Transmit FIFO empty.
        TXFE OFFSET(7) NUMBITS(1) [],
        /// Receive FIFO full.
        RXFF OFFSET(6) NUMBITS(1) [],
        /// Transmit FIFO full.
        TXFF OFFSET(5) NUMBITS(1) [],
        /// Receive FIFO empty.
        RXFE OFFSET(4) NUMBITS(1) [],
        /// UART busy: a character is being sent, or the transmit FIFO is not empty.
        BUSY OFFSET(3) NUMBITS(1) [],
        /// Clear to send (inverted nUARTCTS).
        CTS OFFSET(0) NUMBITS(1) []
    ],
    /// Integer baud-rate divisor.
    IBRD [
        /// The integer part of UARTCLK / (16 * baud); 1..=0xFFFF.
        BAUD_DIVINT OFFSET(0) NUMBITS(16) []
    ],
    /// Fractional baud-rate divisor.
    FBRD [
        /// The fractional part, in 64ths.
        BAUD_DIVFRAC OFFSET(0) NUMBITS(6) []
    ],
    /// Line control register. Writing it latches IBRD and FBRD.
    LCR_H [
        /// Stick parity select.
        SPS OFFSET(7) NUMBITS(1) [],
        /// Word length.
        WLEN OFFSET(5) NUMBITS(2) [
            FiveBit = 0b00,
            SixBit = 0b01,
            SevenBit = 0b10,
            EightBit = 0b11
        ],
        /// Enable FIFOs; clearing it flushes them.
        FEN OFFSET(4) NUMBITS(1) [],
        /// Two stop bits.
        STP2 OFFSET(3) NUMBITS(1) [],
        /// Even parity select.
        EPS OFFSET(2) NUMBITS(1) [],
        /// Parity enable.
        PEN OFFSET(1) NUMBITS(1) [],
        /// Send break.
        BRK OFFSET(0) NUMBITS(1) []
    ],
    /// Control register.
    CR [
        /// CTS hardware flow control.
        CTSEN OFFSET(15) NUMBITS(1) [],
        /// RTS hardware flow control.
        RTSEN OFFSET(14) NUMBITS(1) [],
        /// Request to send.
        RTS OFFSET(11) NUMBITS(1) [],
        /// Receive enable.
        RXE OFFSET(9) NUMBITS(1) [],
        /// Transmit enable.
        TXE OFFSET(8) NUMBITS(1) [],
        /// Loopback enable.
        LBE OFFSET(7) NUMBITS(1) [],
        /// UART enable.
        UARTEN OFFSET(0) NUMBITS(1) []
    ],
    /// Interrupt FIFO level select: how full a FIFO is when its interrupt fires.
    IFLS [
        /// Receive interrupt level.
        RXIFLSEL OFFSET(3) NUMBITS(3) [
            OneEighth = 0b000,
            OneQuarter = 0b001,
            OneHalf = 0b010,
            ThreeQuarters = 0b011,
            SevenEighths = 0b100
        ],
        /// Transmit interrupt level (the FIFO at or below it).
        TXIFLSEL OFFSET(0) NUMBITS(3) [
            OneEighth = 0b000,
            OneQuarter = 0b001,
            OneHalf = 0b010,
            ThreeQuarters = 0b011,
            SevenEighths = 0b100
        ]
    ],
    /// One interrupt per bit: mask (IMSC), raw (RIS), masked (MIS) and clear (ICR).
    INT [
        /// Overrun error.
        OEIM OFFSET(10) NUMBITS(1) [],
        /// Break error.
        BEIM OFFSET(9) NUMBITS(1) [],
        /// Parity error.
        PEIM OFFSET(8) NUMBITS(1) [],
        /// Framing error.
        FEIM OFFSET(7) NUMBITS(1) [],
        /// Receive timeout: bytes wait in the FIFO below the level, and the line went quiet.
        RTIM OFFSET(6) NUMBITS(1) [],
        /// Transmit: the FIFO drained to its level.
        TXIM OFFSET(5) NUMBITS(1) [],
        /// Receive: the FIFO filled to its level.
        RXIM OFFSET(4) NUMBITS(1) [],
        /// Every interrupt (bits 0..=10, the modem lines included).
        ALL OFFSET(0) NUMBITS(11) []
    ]
}

register_structs! {
    /// The PL011 register block.
    // Registers the driver does not use yet are typed all the same, per the TRM.
    #[allow(dead_code)]
    pub RegisterBlock {
        (0x00 => dr: ReadWrite<u32, DR::Register>),
        (0x04 => rsr_ecr: ReadWrite<u32, RSR::Register>),
        (0x08 => _reserved0),
        (0x18 => fr: ReadOnly<u32, FR::Register>),
        (0x1c => _reserved1),
        (0x24 => ibrd: ReadWrite<u32, IBRD::Register>),
        (0x28 => fbrd: ReadWrite<u32, FBRD::Register>),
        (0x2c => lcr_h: ReadWrite<u32, LCR_H::Register>),
        (0x30 => cr: ReadWrite<u32, CR::Register>),
        (0x34 => ifls: ReadWrite<u32, IFLS::Register>),
        (0x38 => imsc: ReadWrite<u32, INT::Register>),
        (0x3c => ris: ReadOnly<u32, INT::Register>),
        (0x40 => mis: ReadOnly<u32, INT::Register>),
        (0x44 => icr: WriteOnly<u32, INT::Register>),
        (0x48 => @END),
    }
}

/// The integer and fractional divisors (IBRD, FBRD) for `baud` from a UART clock of `clock_hz`.
///
/// The divisor is clock / (16 * baud) in 6-bit fixed point, rounded to
/// nearest, as the kernel's console computes it. Refused: a zero rate or
/// clock, a divisor outside 1.0..=65535.0 (the TRM's limits), or a rate that
/// ends up more than 2% off.
pub fn pl011_divisors(clock_hz: u32, baud: u32) -> Result<(u32, u32), BaudError> {
    if clock_hz == 0 || baud == 0 {
        return Err(BaudError::Zero);
    }
    // clock * 64 / (16 * baud), in u64 so a 4 GHz clock cannot overflow.
    let div64 = (u64::from(clock_hz) * 4 + u64::from(baud) / 2) / u64::from(baud);
    if !((1 << 6)..=(0xFFFF << 6)).contains(&div64) {
        return Err(BaudError::OutOfRange);
    }
    // The rate made is 4 * clock / div64.
    check_baud_error(baud, u64::from(clock_hz) * 4, div64)?;
    Ok(((div64 >> 6) as u32, (div64 & 0x3f) as u32))
}

/// A PL011 on its register block: 8N1, FIFOs on, receive interrupts on request.
pub struct Pl011 {
    regs: &'static RegisterBlock,
}

impl Pl011 {
    /// The driver over `regs`, which the caller got from its device mapping. Touches no register.
    pub const fn new(regs: &'static RegisterBlock) -> Self {
        Pl011 { regs }
    }

    /// Receive errors latched since the last call, as RSR bits (FE 0, PE 1, BE 2, OE 3); clears them.
    pub fn take_rx_errors(&self) -> u32 {
        let errors = self.regs.rsr_ecr.get() & 0xf;
        self.regs.rsr_ecr.set(0);
        errors
    }
}

impl Uart for Pl011 {
    fn init(&self, clock_hz: u32, baud: u32) -> Result<(), BaudError> {
        let (ibrd, fbrd) = pl011_divisors(clock_hz, baud)?;
        // The TRM: let the current character finish before disabling, then flush with FEN = 0.
        let mut spins = 0;
        while self.regs.fr.is_set(FR::BUSY) && spins < DRAIN_SPINS {
            spins += 1;
            core::hint::spin_loop();
        }
        self.regs.cr.set(0);
        self.regs.lcr_h.set(0);
        self.regs.imsc.set(0);
        self.regs.icr.write(INT::ALL::SET);
        self.regs.ibrd.write(IBRD::BAUD_DIVINT.val(ibrd));
        self.regs.fbrd.write(FBRD::BAUD_DIVFRAC.val(fbrd));
        // An eighth of the FIFO: a console wants each key soon, the timeout catches the rest.
        self.regs
            .ifls
            .write(IFLS::RXIFLSEL::OneEighth + IFLS::TXIFLSEL::OneEighth);
        self.regs
            .lcr_h
            .write(LCR_H::WLEN::EightBit + LCR_H::FEN::SET);
        self.regs
            .cr
            .write(CR::UARTEN::SET + CR::TXE::SET + CR::RXE::SET);
        Ok(())
    }

    fn enable_rx_interrupts(&self) {
        self.regs.icr.write(INT::ALL::SET);
        self.regs.imsc.write(INT::RXIM::SET + INT::RTIM::SET);
    }

    fn disable_interrupts(&self) {
        self.regs.imsc.set(0);
        self.regs.icr.write(INT::ALL::SET);
    }

    /// Clears the interrupts now pending; call it before draining, so a later byte fires again.
    fn ack_interrupts(&self) {
        let pending = self.regs.mis.get();
        self.regs.icr.set(pending);
    }

    /// The next received byte; a byte with an error flag still comes through (`take_rx_errors`).
    fn try_read(&self) -> Option<u8> {
        if self.regs.fr.is_set(FR::RXFE) {
            return None;
        }
        Some(self.regs.dr.read(DR::DATA) as u8)
    }

    fn try_write(&self, byte: u8) -> bool {
        if self.regs.fr.is_set(FR::TXFF) {
            return false;
        }
        self.regs.dr.write(DR::DATA.val(u32::from(byte)));
        true
    }

    fn tx_idle(&self) -> bool {
        self.regs.fr.is_set(FR::TXFE) && !self.regs.fr.is_set(FR::BUSY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divisors_match_the_kernel_console() {
        // 48 MHz / (16 * 115200) = 26.0416..: IBRD 26, FBRD round(0.0416 * 64) = 3.
        assert_eq!(pl011_divisors(48_000_000, 115_200), Ok((26, 3)));
        // QEMU's mailbox reports 3 MHz: 1.6276 -> 1, round(0.6276 * 64) = 40.
        assert_eq!(pl011_divisors(3_000_000, 115_200), Ok((1, 40)));
        // 48 MHz / (16 * 9600) = 312.5 exactly: FBRD 32.
        assert_eq!(pl011_divisors(48_000_000, 9_600), Ok((312, 32)));
        // The fastest rate: divisor exactly 1.
        assert_eq!(pl011_divisors(48_000_000, 3_000_000), Ok((1, 0)));
    }

    #[test]
    fn rounding_goes_to_the_nearest_64th() {
        // 3 MHz at 300 baud: 625.0 exactly; at 301: 622.92.. -> 622 + round(0.923 * 64) = 59.
        assert_eq!(pl011_divisors(3_000_000, 300), Ok((625, 0)));
        assert_eq!(pl011_divisors(3_000_000, 301), Ok((622, 59)));
    }

    #[test]
    fn impossible_rates_are_refused() {
        assert_eq!(pl011_divisors(48_000_000, 0), Err(BaudError::Zero));
        assert_eq!(pl011_divisors(0, 115_200), Err(BaudError::Zero));
        // Below a divisor of 1: the clock is too slow.
        assert_eq!(pl011_divisors(1_000, 115_200), Err(BaudError::OutOfRange));
        assert_eq!(
            pl011_divisors(3_000_000, 4_000_000),
            Err(BaudError::OutOfRange)
        );
        // Above 65535: the clock is too fast for so slow a rate.
        assert_eq!(pl011_divisors(u32::MAX, 50), Err(BaudError::OutOfRange));
    }

    #[test]
    fn every_accepted_divisor_is_within_two_percent() {
        for clock_hz in [3_000_000u32, 48_000_000, 64_000_000] {
            for baud in (300..=4_000_000).step_by(997) {
                let Ok((ibrd, fbrd)) = pl011_divisors(clock_hz, baud) else {
                    continue;
                };
                assert!((1..=0xFFFF).contains(&ibrd) && fbrd < 64);
                let made = f64::from(clock_hz) * 4.0 / f64::from(ibrd * 64 + fbrd);
                let off = (made - f64::from(baud)).abs() / f64::from(baud);
                assert!(off <= 0.02, "{clock_hz} Hz, {baud} baud: {off}");
            }
        }
    }

    #[test]
    fn register_offsets_follow_the_trm() {
        assert_eq!(core::mem::offset_of!(RegisterBlock, fr), 0x18);
        assert_eq!(core::mem::offset_of!(RegisterBlock, lcr_h), 0x2c);
        assert_eq!(core::mem::offset_of!(RegisterBlock, icr), 0x44);
        assert_eq!(core::mem::size_of::<RegisterBlock>(), 0x48);
    }
}
