//! Test kernel: a deliberate kernel fault must produce the panic report and a failure exit.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod checks {
    use kernel::pr_info;

    kernel::kernel_entry!(main);

    fn main() -> ! {
        pr_info!("ktest-fault: reading an unmapped address on purpose");
        let value = deliberate_fault(core::hint::black_box(0xFFFF_FFC0_1234_5000));
        // Reaching this line means the fault went unnoticed: exit with another code.
        pr_info!("ktest-fault: read {value:#x} without a fault");
        kernel::ktest::exit(3)
    }

    /// Reads a kernel address the kernel never mapped (in the vmap area). The
    /// addition keeps the load from being a tail call, so this frame shows in the backtrace.
    #[inline(never)]
    fn deliberate_fault(addr: usize) -> u64 {
        kernel::arch::aarch64::cpu::read_u64_for_test(addr).wrapping_add(1)
    }
}

#[cfg(not(target_os = "none"))]
fn main() {}
