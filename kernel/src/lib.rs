//! The mica kernel library: everything the kernel image and the test kernels share.
//!
//! Pure logic (allocator bookkeeping, page-table encoding, the log ring, ESR
//! decoding) compiles and is unit-tested on the host; code that touches the
//! hardware exists only for the bare-metal target (`target_os = "none"`).
#![cfg_attr(not(test), no_std)]

extern crate alloc;

pub mod arch;
pub mod board;
pub mod klog;
pub mod mem;

#[cfg(target_os = "none")]
pub mod dev;
#[cfg(target_os = "none")]
pub mod init;
#[cfg(target_os = "none")]
pub mod irq;
#[cfg(feature = "ktest")]
pub mod ktest;
#[cfg(target_os = "none")]
pub mod panic;
pub mod sync;
#[cfg(target_os = "none")]
pub mod time;
