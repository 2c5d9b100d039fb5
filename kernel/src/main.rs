//! The mica kernel image: `boot.s` -> `kernel_init` -> `kernel_main`.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod image {
    kernel::kernel_entry!(kernel_main);

    /// What the kernel does once it is up: start init from the boot archive, then schedule.
    fn kernel_main() -> ! {
        kernel::first_task::run_user_space()
    }
}

/// On the host the kernel binary is empty: `cargo test -p kernel` tests the library.
#[cfg(not(target_os = "none"))]
fn main() {}
