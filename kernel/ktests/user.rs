//! Test kernel for user space: the kernel whose init is a test runner; init's exit status ends QEMU.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod checks {
    kernel::kernel_entry!(kernel::first_task::run_user_space);
}

#[cfg(not(target_os = "none"))]
fn main() {}
