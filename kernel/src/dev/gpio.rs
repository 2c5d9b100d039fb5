//! BCM2837 GPIO registers, as far as the kernel needs them: routing the console UART to its pins.
//!
//! BCM2835 ARM Peripherals, section 6: GPFSELn select a function per pin (3
//! bits each), GPPUD/GPPUDCLK0 set pull-up/down with the documented clocked sequence.

use tock_registers::interfaces::{ReadWriteable, Writeable};
use tock_registers::register_bitfields;
use tock_registers::register_structs;
use tock_registers::registers::ReadWrite;

register_bitfields! {u32,
    /// Function select for pins 10-19.
    GPFSEL1 [
        /// Pin 15.
        FSEL15 OFFSET(15) NUMBITS(3) [Input = 0b000, Output = 0b001, Alt0 = 0b100],
        /// Pin 14.
        FSEL14 OFFSET(12) NUMBITS(3) [Input = 0b000, Output = 0b001, Alt0 = 0b100]
    ]
}

register_structs! {
    /// The GPIO register block (the part the kernel uses).
    pub RegisterBlock {
        (0x00 => _gpfsel0),
        (0x04 => gpfsel1: ReadWrite<u32, GPFSEL1::Register>),
        (0x08 => _reserved0),
        (0x94 => gppud: ReadWrite<u32>),
        (0x98 => gppudclk0: ReadWrite<u32>),
        (0x9c => @END),
    }
}

/// The GPIO block, for the kernel's console pins only (the GPIO server owns the rest).
pub struct Gpio {
    regs: super::Mmio<RegisterBlock>,
}

impl Gpio {
    /// The kernel's instance, on the linear-map device mapping of `board::GPIO_BASE`.
    pub fn kernel() -> &'static Self {
        static INSTANCE: spin::Once<Gpio> = spin::Once::new();
        INSTANCE.call_once(|| {
            // SAFETY: `board::GPIO_BASE` is this block's base inside the peripheral
            // window, mapped as device memory for the kernel's life; `Once` makes
            // this the only instance. The kernel touches only pins 14 and 15.
            let regs = unsafe { super::Mmio::kernel(crate::board::GPIO_BASE) };
            Self { regs }
        })
    }

    /// Puts GPIO 14/15 in ALT0 (PL011 TXD0/RXD0) with pulls disabled.
    pub fn route_pl011(&self) {
        self.regs
            .gpfsel1
            .modify(GPFSEL1::FSEL14::Alt0 + GPFSEL1::FSEL15::Alt0);
        // The datasheet's sequence: set the control, wait 150 cycles, clock it into the pins.
        self.regs.gppud.set(0);
        spin_cycles(150);
        self.regs.gppudclk0.set((1 << 14) | (1 << 15));
        spin_cycles(150);
        self.regs.gppud.set(0);
        self.regs.gppudclk0.set(0);
    }
}

/// Waits at least `n` CPU cycles (one loop iteration is at least one cycle).
fn spin_cycles(n: u32) {
    for _ in 0..n {
        core::hint::spin_loop();
    }
}
