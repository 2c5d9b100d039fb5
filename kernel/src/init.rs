//! kernel_init: bringing the machine up, in order. Reads like a table of contents.

use crate::arch::aarch64::{cpu, exceptions, sections};
use crate::{console, firmware, irq, klog, mem, time};

/// What the boot code hands to Rust.
#[derive(Clone, Copy, Debug)]
pub struct BootArgs {
    /// x0 from the loader: the ATAG list (or device tree) address.
    pub atags: usize,
    /// The exception level the kernel was entered at (2 on the Pi and in QEMU).
    pub entry_el: u64,
}

/// Defines the `kernel_entry` symbol that `boot.s` jumps to: runs `kernel_init`,
/// then the given `fn() -> !` (the kernel's main, or a test kernel's).
#[macro_export]
macro_rules! kernel_entry {
    ($main:path) => {
        #[no_mangle]
        extern "C" fn kernel_entry(atags: usize, entry_el: u64) -> ! {
            $crate::init::kernel_init($crate::init::BootArgs { atags, entry_el });
            $main()
        }
    };
}

/// Brings up the core services: after it, the kernel has a console, a log,
/// exceptions, its own page tables, frames, a heap and a ticking timer.
pub fn kernel_init(args: BootArgs) {
    exceptions::init();
    let uart_clock_hz = firmware::uart_clock_hz().unwrap_or(48_000_000);
    let baud_set = console::init(uart_clock_hz);
    klog::init();
    time::init_clock();

    crate::pr_notice!(
        "mica {} booting on Raspberry Pi 3 (BCM2837)",
        env!("CARGO_PKG_VERSION")
    );
    crate::pr_info!(
        "cpu: core {}, entered at EL{}, running at EL{}; boot args at {:#x}",
        cpu::core_id(),
        args.entry_el,
        cpu::current_el(),
        args.atags
    );
    if !baud_set {
        crate::pr_warn!(
            "console: UART clock {uart_clock_hz} Hz cannot make {} baud",
            console::BAUD
        );
    }
    crate::pr_info!(
        "console: PL011, {} baud from a {uart_clock_hz} Hz UART clock",
        console::BAUD
    );

    if let Err(e) = mem::init(sections::layout()) {
        panic!("memory setup failed: {e}");
    }

    cpu::start_instruction_counter();
    time::start_tick();
    irq::init();
    let freq_hz = time::frequency_hz();
    crate::pr_info!(
        "timer: {freq_hz} Hz (CNTFRQ_EL0), {} Hz tick on the EL1 physical timer via the BCM2836 local controller",
        time::HZ
    );
}
