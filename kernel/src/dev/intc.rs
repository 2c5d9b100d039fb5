//! The BCM2835 ARM interrupt controller: pending, enable and disable for the 64 "GPU" lines.
//!
//! BCM2835 ARM Peripherals, section 7.5: the base is 0x7E00B000 (bus), with the
//! registers at 0x200; IRQ 57 is the PL011, 29 the AUX block, 49-52 GPIO banks.

use tock_registers::interfaces::{Readable, Writeable};
use tock_registers::register_structs;
use tock_registers::registers::{ReadOnly, WriteOnly};

register_structs! {
    /// The interrupt controller's registers.
    pub RegisterBlock {
        (0x00 => basic_pending: ReadOnly<u32>),
        (0x04 => pending: [ReadOnly<u32>; 2]),
        (0x0c => _fiq_control),
        (0x10 => enable: [WriteOnly<u32>; 2]),
        (0x18 => _enable_basic),
        (0x1c => disable: [WriteOnly<u32>; 2]),
        (0x24 => _disable_basic),
        (0x28 => @END),
    }
}

/// The interrupt controller.
pub struct Intc {
    regs: super::Mmio<RegisterBlock>,
}

/// Lines the controller has (0..64).
pub const LINES: u32 = 64;

impl Intc {
    /// The kernel's instance, on the linear-map device mapping of `board::IRQ_CONTROLLER_BASE`.
    pub fn kernel() -> &'static Self {
        static INSTANCE: spin::Once<Intc> = spin::Once::new();
        INSTANCE.call_once(|| {
            // SAFETY: `board::IRQ_CONTROLLER_BASE` is this block's base inside the
            // peripheral window, mapped as device memory for the kernel's life;
            // `Once` makes this the only instance. Only `irq` programs it.
            let regs = unsafe { super::Mmio::kernel(crate::board::IRQ_CONTROLLER_BASE) };
            Self { regs }
        })
    }

    /// The pending lines, as a 64-bit mask (bit n: IRQ n).
    pub fn pending(&self) -> u64 {
        u64::from(self.regs.pending[0].get()) | (u64::from(self.regs.pending[1].get()) << 32)
    }

    /// Lets line `irq` interrupt.
    pub fn enable(&self, irq: u32) {
        if irq < LINES {
            self.regs.enable[(irq / 32) as usize].set(1 << (irq % 32));
        }
    }

    /// Masks line `irq`.
    pub fn disable(&self, irq: u32) {
        if irq < LINES {
            self.regs.disable[(irq / 32) as usize].set(1 << (irq % 32));
        }
    }
}
