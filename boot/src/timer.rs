//! The loader's clock: the generic counter for timeouts, and naps in WFI that its virtual timer ends.
//!
//! Napping instead of spinning matters under QEMU (7.x): its main loop hands
//! the PL011 one byte per turn and needs the emulator's global lock, and a
//! spinning core both takes that lock for every UART or counter access and
//! keeps a host CPU busy. The timer's interrupt is routed to core 0's IRQ line
//! only to end WFI: IRQs stay masked, so none is ever taken.

use aarch64_cpu::asm::barrier;
use aarch64_cpu::registers::{CNTFRQ_EL0, CNTVCT_EL0, CNTV_CTL_EL0, CNTV_TVAL_EL0, DAIF};
use tock_registers::interfaces::{Readable, Writeable};
use tock_registers::registers::ReadWrite;

/// The BCM2836 local interrupt controller's core 0 timer interrupt control
/// (core N's at `+ 4 * N`; start.s parks cores 1-3 with theirs).
pub const CORE0_TIMER_CONTROL: usize = 0x4000_0040;
/// In it: the virtual timer (nCNTVIRQ) to the core's IRQ line.
pub const CNTV_IRQ: u32 = 1 << 3;
/// The Pi 3's generic timer rate, if the firmware did not set CNTFRQ_EL0.
const DEFAULT_TIMER_HZ: u64 = 19_200_000;

/// Core 0's generic timer, set up to wake it from WFI.
pub struct Timer {
    control: &'static ReadWrite<u32>,
    /// `control` as the firmware left it, restored by [`Timer::release`].
    saved_control: u32,
    /// Counter ticks per second; never zero.
    hz: u64,
}

impl Timer {
    /// Masks interrupts (as the firmware enters a kernel) and routes the virtual
    /// timer to core 0's IRQ line.
    pub fn init() -> Timer {
        DAIF.write(DAIF::D::Masked + DAIF::A::Masked + DAIF::I::Masked + DAIF::F::Masked);
        // Only core 0 runs the loader, and this is its only view of the register.
        // SAFETY: CORE0_TIMER_CONTROL is a register of the local interrupt
        // controller; the MMU is off, so the address is used as it is.
        let control: &'static ReadWrite<u32> =
            unsafe { &*(CORE0_TIMER_CONTROL as *const ReadWrite<u32>) };
        let saved_control = control.get();
        CNTV_CTL_EL0.set(0);
        control.set(saved_control | CNTV_IRQ);
        let hz = match CNTFRQ_EL0.get() {
            0 => DEFAULT_TIMER_HZ,
            hz => hz,
        };
        Timer {
            control,
            saved_control,
            hz,
        }
    }

    /// The counter now, in ticks.
    pub fn now(&self) -> u64 {
        CNTVCT_EL0.get()
    }

    /// Ticks in `us` microseconds.
    pub fn ticks(&self, us: u64) -> u64 {
        self.hz.saturating_mul(us) / 1_000_000
    }

    /// Sleeps in WFI for about `ticks` counter ticks.
    pub fn nap(&self, ticks: u64) {
        CNTV_TVAL_EL0.set(ticks.min(u64::from(u32::MAX >> 1)));
        CNTV_CTL_EL0.set(1); // enabled, output not masked
        barrier::isb(barrier::SY);
        aarch64_cpu::asm::wfi();
        CNTV_CTL_EL0.set(0);
    }

    /// Turns the timer off and gives back the firmware's interrupt routing, for the next kernel.
    pub fn release(self) {
        CNTV_CTL_EL0.set(0);
        self.control.set(self.saved_control);
        barrier::dsb(barrier::SY);
    }
}
