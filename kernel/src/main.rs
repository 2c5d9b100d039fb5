//! The mica kernel image: `boot.s` -> `kernel_init` -> `kernel_main`.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod image {
    use kernel::arch::aarch64::cpu;
    use kernel::{pr_info, time};

    kernel::kernel_entry!(kernel_main);

    /// What the kernel does once it is up. User space (init) starts here in the next step.
    fn kernel_main() -> ! {
        pr_info!(
            "mica: boot complete in {} ms",
            time::monotonic_ns() / 1_000_000
        );
        loop {
            cpu::wait_for_interrupt();
        }
    }
}

/// On the host the kernel binary is empty: `cargo test -p kernel` tests the library.
#[cfg(not(target_os = "none"))]
fn main() {}
