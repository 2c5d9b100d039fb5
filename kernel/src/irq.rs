//! Interrupt routing and dispatch: the per-core timer through the BCM2836 local controller.

use crate::arch::aarch64::cpu;
use crate::board::local_irq;
use crate::dev::local_intc::LocalIntc;
use core::sync::atomic::{AtomicU64, Ordering};

/// Interrupts that arrived with no handler (counted, reported once).
static SPURIOUS: AtomicU64 = AtomicU64::new(0);

fn intc() -> &'static LocalIntc {
    LocalIntc::kernel()
}

/// Routes this core's EL1 physical timer to its IRQ line and unmasks IRQs.
pub fn init() {
    intc().enable_timer_irqs(cpu::core_id() as usize, 1 << local_irq::CNTPNS);
    cpu::enable_irqs();
}

/// Handles whatever is pending on this core (called from the IRQ vector).
pub fn handle() {
    let pending = intc().pending(cpu::core_id() as usize);
    if pending & (1 << local_irq::CNTPNS) != 0 {
        crate::time::on_tick();
    }
    if pending & !(1 << local_irq::CNTPNS) != 0 && SPURIOUS.fetch_add(1, Ordering::Relaxed) == 0 {
        crate::pr_warn!("irq: unhandled source(s) {:#x}", pending);
    }
}

/// How many interrupts arrived that nothing handled.
pub fn spurious_count() -> u64 {
    SPURIOUS.load(Ordering::Relaxed)
}
