//! The BCM2835 mini UART (UART1, in the AUX block): its registers and the same driver surface.
//!
//! Register names and bits as in the BCM2835 ARM Peripherals datasheet, §2.1
//! and §2.2, with the corrections of its errata (IER's receive and transmit
//! bits; LCR needs 0b11 for 8 bits). The mini UART has 8-byte FIFOs, no
//! parity and a baud clock taken from the VideoCore core clock: 250 MHz on a
//! Pi 3 unless `core_freq` changes it (fix it with `enable_uart=1`, or the
//! rate drifts with frequency scaling). QEMU ignores the divisor. It reaches
//! GPIO 14/15 in ALT5 (the PL011 uses ALT0), which the gpio module sets when given `uart=mini`.

use tock_registers::interfaces::{ReadWriteable, Readable, Writeable};
use tock_registers::registers::{ReadOnly, ReadWrite};
use tock_registers::{register_bitfields, register_structs};

use crate::{check_baud_error, BaudError, Uart};

/// ARM physical address of the AUX block (mini UART, SPI1, SPI2) on the BCM2837.
pub const PHYS_BASE: usize = 0x3F21_5000;
/// The AUX block's interrupt number at the BCM2835 interrupt controller, shared with SPI1/2.
pub const IRQ: u32 = 29;

/// How long `init` waits for the transmitter to drain before reprogramming anyway.
const DRAIN_SPINS: u32 = 1 << 24;

register_bitfields! {u32,
    /// AUX_IRQ and AUX_ENABLES: one bit per AUX peripheral.
    AUX [
        /// SPI 2.
        SPI2 OFFSET(2) NUMBITS(1) [],
        /// SPI 1.
        SPI1 OFFSET(1) NUMBITS(1) [],
        /// The mini UART: its interrupt is pending (AUX_IRQ) / it is enabled (AUX_ENABLES).
        MINI_UART OFFSET(0) NUMBITS(1) []
    ],
    /// AUX_MU_IO_REG: a received byte, or a byte to send.
    IO [
        /// The data byte (with LCR.DLAB set: the low byte of the baud divisor).
        DATA OFFSET(0) NUMBITS(8) []
    ],
    /// AUX_MU_IER_REG: interrupt enables.
    IER [
        /// Line-status interrupt (16550 name): the errata says receive interrupts need it set.
        LSI OFFSET(2) NUMBITS(1) [],
        /// Modem-status interrupt (16550 name): likewise needed for receive interrupts.
        MSI OFFSET(3) NUMBITS(1) [],
        /// Transmit interrupt: the transmit FIFO is empty (the datasheet swaps bits 0 and 1).
        TX OFFSET(1) NUMBITS(1) [],
        /// Receive interrupt: the receive FIFO holds a byte.
        RX OFFSET(0) NUMBITS(1) []
    ],
    /// AUX_MU_IIR_REG: interrupt identification (read) / FIFO clear (write).
    IIR [
        /// FIFO enables: always read as 0b11.
        FIFO_ENABLES OFFSET(6) NUMBITS(2) [],
        /// Read: why the interrupt is pending.
        ID OFFSET(1) NUMBITS(2) [
            None = 0b00,
            TxEmpty = 0b01,
            RxReady = 0b10
        ],
        /// Write: which FIFOs to clear.
        FIFO_CLEAR OFFSET(1) NUMBITS(2) [
            Rx = 0b01,
            Tx = 0b10,
            Both = 0b11
        ],
        /// Read: clear while an interrupt is pending.
        NOT_PENDING OFFSET(0) NUMBITS(1) []
    ],
    /// AUX_MU_LCR_REG: line control.
    LCR [
        /// Divisor latch access: IO and IER reach the baud divisor instead.
        DLAB OFFSET(7) NUMBITS(1) [],
        /// Send break (hold TX low).
        BREAK OFFSET(6) NUMBITS(1) [],
        /// Data size.
        DATA_SIZE OFFSET(0) NUMBITS(2) [
            SevenBit = 0b00,
            EightBit = 0b11
        ]
    ],
    /// AUX_MU_MCR_REG: modem control.
    MCR [
        /// Drive RTS low (when auto flow control is off).
        RTS OFFSET(1) NUMBITS(1) []
    ],
    /// AUX_MU_LSR_REG: line status.
    LSR [
        /// The transmit FIFO is empty and the transmitter idle.
        TX_IDLE OFFSET(6) NUMBITS(1) [],
        /// The transmit FIFO can take at least one byte.
        TX_EMPTY OFFSET(5) NUMBITS(1) [],
        /// A byte was lost because the receive FIFO was full (cleared on read).
        RX_OVERRUN OFFSET(1) NUMBITS(1) [],
        /// The receive FIFO holds at least one byte.
        DATA_READY OFFSET(0) NUMBITS(1) []
    ],
    /// AUX_MU_CNTL_REG: extra control.
    CNTL [
        /// CTS assert level (inverted when set).
        CTS_ASSERT OFFSET(7) NUMBITS(1) [],
        /// RTS assert level (inverted when set).
        RTS_ASSERT OFFSET(6) NUMBITS(1) [],
        /// Receive FIFO level at which RTS de-asserts under auto flow control.
        RTS_LEVEL OFFSET(4) NUMBITS(2) [],
        /// Transmit auto flow control by CTS.
        CTS_FLOW OFFSET(3) NUMBITS(1) [],
        /// Receive auto flow control by RTS.
        RTS_FLOW OFFSET(2) NUMBITS(1) [],
        /// Transmitter enable.
        TX_ENABLE OFFSET(1) NUMBITS(1) [],
        /// Receiver enable.
        RX_ENABLE OFFSET(0) NUMBITS(1) []
    ],
    /// AUX_MU_STAT_REG: extra status.
    STAT [
        /// Bytes in the transmit FIFO (0..=8).
        TX_FILL OFFSET(24) NUMBITS(4) [],
        /// Bytes in the receive FIFO (0..=8).
        RX_FILL OFFSET(16) NUMBITS(4) [],
        /// The transmit FIFO is empty and the transmitter idle.
        TX_DONE OFFSET(9) NUMBITS(1) [],
        /// The transmit FIFO is empty.
        TX_FIFO_EMPTY OFFSET(8) NUMBITS(1) [],
        /// The CTS input.
        CTS_LINE OFFSET(7) NUMBITS(1) [],
        /// The RTS output.
        RTS_STATUS OFFSET(6) NUMBITS(1) [],
        /// The transmit FIFO is full.
        TX_FULL OFFSET(5) NUMBITS(1) [],
        /// A receive overrun happened.
        RX_OVERRUN OFFSET(4) NUMBITS(1) [],
        /// The transmitter is idle.
        TX_IDLE OFFSET(3) NUMBITS(1) [],
        /// The receiver is idle.
        RX_IDLE OFFSET(2) NUMBITS(1) [],
        /// The transmit FIFO has room.
        SPACE_AVAILABLE OFFSET(1) NUMBITS(1) [],
        /// The receive FIFO holds a byte.
        SYMBOL_AVAILABLE OFFSET(0) NUMBITS(1) []
    ],
    /// AUX_MU_BAUD_REG: the baud divisor.
    BAUD [
        /// baud = system_clock / (8 * (DIVISOR + 1)).
        DIVISOR OFFSET(0) NUMBITS(16) []
    ]
}

register_structs! {
    /// The AUX register block, up to the mini UART's last register (SPI1/2 follow at 0x80).
    // Registers the driver does not use yet are typed all the same, per the datasheet.
    #[allow(dead_code)]
    pub RegisterBlock {
        (0x00 => aux_irq: ReadOnly<u32, AUX::Register>),
        (0x04 => aux_enables: ReadWrite<u32, AUX::Register>),
        (0x08 => _reserved0),
        (0x40 => io: ReadWrite<u32, IO::Register>),
        (0x44 => ier: ReadWrite<u32, IER::Register>),
        (0x48 => iir: ReadWrite<u32, IIR::Register>),
        (0x4c => lcr: ReadWrite<u32, LCR::Register>),
        (0x50 => mcr: ReadWrite<u32, MCR::Register>),
        (0x54 => lsr: ReadOnly<u32, LSR::Register>),
        (0x58 => msr: ReadOnly<u32>),
        (0x5c => scratch: ReadWrite<u32>),
        (0x60 => cntl: ReadWrite<u32, CNTL::Register>),
        (0x64 => stat: ReadOnly<u32, STAT::Register>),
        (0x68 => baud: ReadWrite<u32, BAUD::Register>),
        (0x6c => @END),
    }
}

/// AUX_MU_BAUD_REG for `baud` from a system (core) clock of `clock_hz`.
///
/// baud = clock / (8 * (reg + 1)), so reg + 1 is clock / (8 * baud) rounded
/// to nearest. Refused: a zero rate or clock, a divisor outside 1..=65536, or
/// a rate that ends up more than 2% off (the steps are coarse at high rates).
pub fn mini_baud_reg(clock_hz: u32, baud: u32) -> Result<u16, BaudError> {
    if clock_hz == 0 || baud == 0 {
        return Err(BaudError::Zero);
    }
    let eight_baud = 8 * u64::from(baud);
    let steps = (u64::from(clock_hz) + eight_baud / 2) / eight_baud;
    if !(1..=0x1_0000).contains(&steps) {
        return Err(BaudError::OutOfRange);
    }
    // The rate made is clock / (8 * steps).
    check_baud_error(baud, u64::from(clock_hz), 8 * steps)?;
    Ok((steps - 1) as u16)
}

/// The mini UART on the AUX register block: 8N1, receive interrupts on request.
pub struct MiniUart {
    regs: &'static RegisterBlock,
}

impl MiniUart {
    /// The driver over `regs`, which the caller got from its device mapping. Touches no register.
    pub const fn new(regs: &'static RegisterBlock) -> Self {
        MiniUart { regs }
    }

    /// Whether the shared AUX interrupt is the mini UART's (and not SPI1/2's).
    pub fn irq_pending(&self) -> bool {
        self.regs.aux_irq.is_set(AUX::MINI_UART)
    }
}

impl Uart for MiniUart {
    /// Enables the mini UART in AUX_ENABLES (leaving SPI1/2 as they are) and programs 8N1.
    fn init(&self, clock_hz: u32, baud: u32) -> Result<(), BaudError> {
        let reg = mini_baud_reg(clock_hz, baud)?;
        // A disabled mini UART reads as zeros: only wait for a transmitter that is running.
        if self.regs.aux_enables.is_set(AUX::MINI_UART) {
            let mut spins = 0;
            while !self.regs.lsr.is_set(LSR::TX_IDLE) && spins < DRAIN_SPINS {
                spins += 1;
                core::hint::spin_loop();
            }
        }
        self.regs.aux_enables.modify(AUX::MINI_UART::SET);
        self.regs.cntl.set(0);
        self.regs.ier.set(0);
        self.regs.lcr.write(LCR::DATA_SIZE::EightBit);
        self.regs.mcr.set(0);
        self.regs.iir.write(IIR::FIFO_CLEAR::Both);
        self.regs.baud.write(BAUD::DIVISOR.val(u32::from(reg)));
        self.regs
            .cntl
            .write(CNTL::RX_ENABLE::SET + CNTL::TX_ENABLE::SET);
        Ok(())
    }

    fn enable_rx_interrupts(&self) {
        self.regs
            .ier
            .write(IER::RX::SET + IER::LSI::SET + IER::MSI::SET);
    }

    fn disable_interrupts(&self) {
        self.regs.ier.set(0);
    }

    /// Nothing to write: the mini UART's interrupt is a level that drops when the FIFO is drained.
    fn ack_interrupts(&self) {}

    fn try_read(&self) -> Option<u8> {
        if !self.regs.lsr.is_set(LSR::DATA_READY) {
            return None;
        }
        Some(self.regs.io.read(IO::DATA) as u8)
    }

    fn try_write(&self, byte: u8) -> bool {
        if !self.regs.lsr.is_set(LSR::TX_EMPTY) {
            return false;
        }
        self.regs.io.write(IO::DATA.val(u32::from(byte)));
        true
    }

    fn tx_idle(&self) -> bool {
        self.regs.lsr.is_set(LSR::TX_IDLE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pi3_core_clock_gives_the_usual_270() {
        // 250 MHz / (8 * 115200) = 271.27 -> 271 steps -> register 270 (115313 baud, +0.1%).
        assert_eq!(mini_baud_reg(250_000_000, 115_200), Ok(270));
        // 250 MHz / (8 * 9600) = 3255.2 -> 3254.
        assert_eq!(mini_baud_reg(250_000_000, 9_600), Ok(3254));
        // 400 MHz (a raised core_freq) at 115200: 434.03 -> 433.
        assert_eq!(mini_baud_reg(400_000_000, 115_200), Ok(433));
    }

    #[test]
    fn rounding_goes_to_the_nearest_step() {
        // 8 * 1000 Hz steps: 8 MHz is exactly 1000 steps, 8.004 MHz rounds up to 1001.
        assert_eq!(mini_baud_reg(8_000_000, 1_000), Ok(999));
        assert_eq!(mini_baud_reg(8_004_000, 1_000), Ok(1000));
        assert_eq!(mini_baud_reg(8_003_999, 1_000), Ok(999));
    }

    #[test]
    fn coarse_fast_rates_are_refused() {
        // 250 MHz / (8 * 4 Mbaud) = 7.8 -> 8 steps -> 3.906 Mbaud, 2.3% slow.
        assert_eq!(
            mini_baud_reg(250_000_000, 4_000_000),
            Err(BaudError::Inexact)
        );
        // 2 Mbaud: 15.6 -> 16 steps -> 1.953 Mbaud, 2.3% slow.
        assert_eq!(
            mini_baud_reg(250_000_000, 2_000_000),
            Err(BaudError::Inexact)
        );
        // 1 Mbaud: 31.25 -> 31 steps -> 1.008 Mbaud, 0.8% fast: fine.
        assert_eq!(mini_baud_reg(250_000_000, 1_000_000), Ok(30));
    }

    #[test]
    fn out_of_range_divisors_are_refused() {
        assert_eq!(mini_baud_reg(250_000_000, 0), Err(BaudError::Zero));
        assert_eq!(mini_baud_reg(0, 115_200), Err(BaudError::Zero));
        // 250 MHz / (8 * 300) = 104167 steps: more than 16 bits.
        assert_eq!(mini_baud_reg(250_000_000, 300), Err(BaudError::OutOfRange));
        // A clock slower than 8 * baud.
        assert_eq!(mini_baud_reg(1_000, 115_200), Err(BaudError::OutOfRange));
        // The slowest rate the register holds: 65536 steps.
        assert_eq!(mini_baud_reg(8 * 65_536 * 10, 10), Ok(0xFFFF));
    }

    #[test]
    fn register_offsets_follow_the_datasheet() {
        assert_eq!(core::mem::offset_of!(RegisterBlock, aux_enables), 0x04);
        assert_eq!(core::mem::offset_of!(RegisterBlock, io), 0x40);
        assert_eq!(core::mem::offset_of!(RegisterBlock, lsr), 0x54);
        assert_eq!(core::mem::offset_of!(RegisterBlock, baud), 0x68);
        assert_eq!(core::mem::size_of::<RegisterBlock>(), 0x6c);
    }
}
