//! The BCM2836/7 local interrupt controller: routes each core's generic-timer interrupts.
//!
//! "ARM Quad-A7 control" (QA7_rev3.4): per-core timer interrupt control at
//! 0x40 + 4n, per-core IRQ source at 0x60 + 4n.

use tock_registers::interfaces::{Readable, Writeable};
use tock_registers::register_structs;
use tock_registers::registers::{ReadOnly, ReadWrite};

register_structs! {
    /// The local peripheral block (the part the kernel uses).
    pub RegisterBlock {
        (0x00 => _control),
        (0x40 => timer_int_control: [ReadWrite<u32>; 4]),
        (0x50 => _mailbox_int_control),
        (0x60 => irq_source: [ReadOnly<u32>; 4]),
        (0x70 => @END),
    }
}

/// The local interrupt controller.
pub struct LocalIntc {
    regs: super::Mmio<RegisterBlock>,
}

impl LocalIntc {
    /// The kernel's instance, on the linear-map device mapping of `board::LOCAL_PERIPHERAL_BASE`.
    pub fn kernel() -> &'static Self {
        static INSTANCE: spin::Once<LocalIntc> = spin::Once::new();
        INSTANCE.call_once(|| {
            // SAFETY: `board::LOCAL_PERIPHERAL_BASE` is this block's base inside the peripheral
            // window, mapped as device memory for the kernel's life; `Once` makes
            // this the only instance. Only `irq` programs it.
            let regs = unsafe { super::Mmio::kernel(crate::board::LOCAL_PERIPHERAL_BASE) };
            Self { regs }
        })
    }

    /// Routes the timer interrupt sources in `source_mask` (bit 1: CNTPNS) of `core` to its IRQ.
    pub fn enable_timer_irqs(&self, core: usize, source_mask: u32) {
        self.regs.timer_int_control[core].set(source_mask & 0xf);
    }

    /// The pending interrupt sources of `core` (bit 1: CNTPNS timer, bit 8: GPU).
    pub fn pending(&self, core: usize) -> u32 {
        self.regs.irq_source[core].get()
    }
}
