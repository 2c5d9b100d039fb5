//! The mica kernel library: everything the kernel image and the test kernels share.
//!
//! Pure logic (allocator bookkeeping, page-table encoding, the log ring, ESR
//! decoding) compiles and is unit-tested on the host; code that touches the
//! hardware exists only for the bare-metal target (`target_os = "none"`).
//! The kernel core (tasks, IPC, scheduling) compiles on both: it reaches the
//! machine through `platform`, which the host fakes with `std`.
#![cfg_attr(target_os = "none", no_std)]

extern crate alloc;

// Unsafe code lives only in `arch`, `mem` and each device's one MMIO constructor.
pub mod arch;
pub mod dev;
pub mod mem;

#[forbid(unsafe_code)]
pub mod arena;
#[forbid(unsafe_code)]
pub mod board;
#[forbid(unsafe_code)]
pub mod builtin;
#[forbid(unsafe_code)]
pub mod cap;
#[cfg(target_os = "none")]
#[forbid(unsafe_code)]
pub mod console;
#[cfg(target_os = "none")]
#[forbid(unsafe_code)]
pub mod devsys;
#[forbid(unsafe_code)]
pub mod fastpath;
#[cfg(target_os = "none")]
#[forbid(unsafe_code)]
pub mod firmware;
#[cfg(target_os = "none")]
#[forbid(unsafe_code)]
pub mod first_task;
#[cfg(target_os = "none")]
#[forbid(unsafe_code)]
pub mod infosys;
#[cfg(target_os = "none")]
#[forbid(unsafe_code)]
pub mod init;
#[forbid(unsafe_code)]
pub mod ipc;
#[cfg(target_os = "none")]
#[forbid(unsafe_code)]
pub mod irq;
#[forbid(unsafe_code)]
pub mod klog;
#[forbid(unsafe_code)]
pub mod kstate;
#[cfg(feature = "ktest")]
#[forbid(unsafe_code)]
pub mod ktest;
#[forbid(unsafe_code)]
pub mod loader;
#[forbid(unsafe_code)]
pub mod notify;
#[forbid(unsafe_code)]
pub mod object;
#[cfg(target_os = "none")]
#[forbid(unsafe_code)]
pub mod panic;
#[forbid(unsafe_code)]
pub mod platform;
#[forbid(unsafe_code)]
pub mod sched;
#[cfg(target_os = "none")]
#[forbid(unsafe_code)]
pub mod spawn;
#[forbid(unsafe_code)]
pub mod switch;
#[cfg(target_os = "none")]
#[forbid(unsafe_code)]
pub mod symbols;
#[forbid(unsafe_code)]
pub mod sync;
#[cfg(target_os = "none")]
#[forbid(unsafe_code)]
pub mod syscall;
#[forbid(unsafe_code)]
pub mod task;
#[forbid(unsafe_code)]
pub mod taskinfo;
#[forbid(unsafe_code)]
pub mod teardown;
#[cfg(test)]
mod test_kernel;
#[cfg(test)]
mod test_rng;
#[cfg(target_os = "none")]
#[forbid(unsafe_code)]
pub mod time;
#[forbid(unsafe_code)]
pub mod time_queue;
#[cfg(target_os = "none")]
#[forbid(unsafe_code)]
pub mod trap;
#[cfg(target_os = "none")]
#[forbid(unsafe_code)]
pub mod umem;
#[forbid(unsafe_code)]
pub mod user_span;
#[forbid(unsafe_code)]
pub mod wait_queue;
