//! Interrupt routing and dispatch: the per-core timer through the BCM2836 local controller.

use crate::arch::aarch64::cpu;
use crate::board::local_irq;
use crate::dev::intc::Intc;
use crate::dev::local_intc::LocalIntc;
use core::sync::atomic::{AtomicU64, Ordering};

/// Interrupts that arrived with no handler (counted, reported once).
static SPURIOUS: AtomicU64 = AtomicU64::new(0);
/// Device lines a task has bound (bit n: IRQ n), kept here so the handler needs no lock.
static BOUND: AtomicU64 = AtomicU64::new(0);
/// Device lines that fired and were masked, waiting to be signalled to their owners.
static FIRED: AtomicU64 = AtomicU64::new(0);

fn intc() -> &'static LocalIntc {
    LocalIntc::kernel()
}

/// Routes this core's EL1 physical timer to its IRQ line and unmasks IRQs.
/// Device lines stay masked until a driver binds one (`set_bound`); the GPU
/// interrupt reaches core 0 by default (the local controller's reset routing).
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
    if pending & (1 << local_irq::GPU) != 0 {
        device_lines();
    }
    let unknown = pending & !((1 << local_irq::CNTPNS) | (1 << local_irq::GPU));
    if unknown != 0 && SPURIOUS.fetch_add(1, Ordering::Relaxed) == 0 {
        crate::pr_warn!("irq: unhandled source(s) {:#x}", unknown);
    }
}

/// Masks every pending device line: bound ones are remembered for delivery
/// (the driver unmasks with `irq_ack`), unbound ones stay masked.
fn device_lines() {
    let intc = Intc::kernel();
    let pending = intc.pending();
    let mut lines = pending;
    while lines != 0 {
        let irq = lines.trailing_zeros();
        lines &= lines - 1;
        intc.disable(irq);
    }
    let bound = pending & BOUND.load(Ordering::Relaxed);
    FIRED.fetch_or(bound, Ordering::Relaxed);
    if pending & !bound != 0 && SPURIOUS.fetch_add(1, Ordering::Relaxed) == 0 {
        crate::pr_warn!("irq: unbound device line(s) {:#x} masked", pending & !bound);
    }
}

/// Takes the lines that fired since the last call (for the kernel to signal).
pub fn take_fired() -> u64 {
    if FIRED.load(Ordering::Relaxed) == 0 {
        return 0;
    }
    FIRED.swap(0, Ordering::Relaxed)
}

/// Binds (`bound`) or unbinds a device line; a bound line is unmasked.
pub fn set_bound(irq: u32, bound: bool) {
    if irq >= crate::dev::intc::LINES {
        return;
    }
    if bound {
        BOUND.fetch_or(1 << irq, Ordering::Relaxed);
        Intc::kernel().enable(irq);
    } else {
        BOUND.fetch_and(!(1 << irq), Ordering::Relaxed);
        FIRED.fetch_and(!(1 << irq), Ordering::Relaxed);
        Intc::kernel().disable(irq);
    }
}

/// Unmasks a bound line after its driver served it.
pub fn ack(irq: u32) {
    if irq < crate::dev::intc::LINES && BOUND.load(Ordering::Relaxed) & (1 << irq) != 0 {
        Intc::kernel().enable(irq);
    }
}

/// How many interrupts arrived that nothing handled.
pub fn spurious_count() -> u64 {
    SPURIOUS.load(Ordering::Relaxed)
}
