//! The runtime every mica user program links with: `_start`, syscall stubs, IPC buffer, heap, print, panic.
//!
//! # Writing a program
//!
//! ```text
//! #![no_std]
//! #![no_main]
//! #![forbid(unsafe_code)]
//!
//! extern crate alloc;
//!
//! ulib::entry!(main);
//!
//! fn main() -> i32 {
//!     ulib::println!("hello, {}", ulib::arg("name").unwrap_or("world"));
//!     0
//! }
//! ```
//!
//! [`entry!`] names the program's `fn main() -> i32` (or `fn main() -> !`).
//! The kernel enters `_start` (in this crate) with `x0` = [`abi::IPC_BUFFER_VA`]
//! and `x1` = the length of the `key=value` argument string it copied to the
//! start of the IPC buffer. `_start` ends the frame chain and calls the
//! `ulib_start` that `entry!` defines, which copies the arguments out (see
//! [`args()`]) before anything can reuse the buffer, runs `main` and exits
//! with its return value. The heap is set up lazily, by the first allocation.
//! Forgetting `entry!` fails the link with "undefined symbol: ulib_start".
//!
//! Each program crate links with `user.ld` (next to this crate's
//! `Cargo.toml`) through a `build.rs`, for a crate two levels below the
//! workspace root (`servers/NAME`, `drivers/NAME`):
//!
//! ```text
//! //! Build script: links this program with ulib's user.ld (4 KiB pages, not lld's 64 KiB default).
//! fn main() {
//!     let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../kernel/ulib/user.ld");
//!     println!("cargo:rerun-if-changed={script}");
//!     if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("none") {
//!         println!("cargo:rustc-link-arg-bins=-T{script}");
//!         println!("cargo:rustc-link-arg-bins=-zmax-page-size=4096");
//!     }
//! }
//! ```
//!
//! Build with `cargo build -p NAME --release --target aarch64-unknown-none-softfloat`.
//!
//! # A program's address space
//!
//! | address                    | what                                                |
//! |----------------------------|-----------------------------------------------------|
//! | `0x40_0000`                | the image: text (R+X), rodata (R), data+bss (R+W)   |
//! | [`abi::MMAP_BASE`]         | [`sys_map_anon`]`(0, ..)` and [`sys_mem_map`]`(h, 0, ..)` |
//! | [`heap::HEAP_BASE`]        | the heap window, grown on demand                     |
//! | [`abi::STACK_TOP`]         | the 64 KiB stack grows down from here               |
//! | [`abi::IPC_BUFFER_VA`]     | the IPC buffer page ([`ipc::with_buffer`])          |
//!
//! # Host builds
//!
//! Everything that needs the target (the syscalls, `_start`, the IPC buffer,
//! the allocator, the panic handler, the print macros) is compiled only for
//! `target_os = "none"`; the pure parts (argument parsing, line splitting,
//! panic-message formatting, heap sizing, message registers) build and are
//! tested on the host with `cargo test -p ulib`.
#![no_std]

#[cfg(test)]
extern crate std;

#[cfg(target_os = "none")]
extern crate alloc;

pub mod args;
#[cfg(target_os = "none")]
pub mod device;
#[cfg(any(target_os = "none", test))]
pub mod file;
pub mod heap;
pub mod ipc;
#[cfg(target_os = "none")]
pub mod mapping;
pub mod modinfo;
pub mod module;
#[cfg(target_os = "none")]
pub mod module_start;
mod msg;
pub mod panic;
pub mod print;
#[cfg(target_os = "none")]
pub mod probe;
#[cfg(target_os = "none")]
pub mod raw_ipc;
#[cfg(target_os = "none")]
pub mod registry;
#[cfg(target_os = "none")]
pub mod server;
#[cfg(target_os = "none")]
#[doc(hidden)]
pub mod start;
#[cfg(target_os = "none")]
mod svc_asm;
#[cfg(target_os = "none")]
mod sys;
#[cfg(target_os = "none")]
mod sys_call_into;
#[cfg(target_os = "none")]
mod sys_reply;
#[cfg(target_os = "none")]
pub mod sysinfo;
#[cfg(target_os = "none")]
pub mod task;

/// The kernel/user contract, re-exported so programs need only `ulib`.
pub use abi;
pub use abi::{Error, Handle, InfoKind, MsgInfo, Rights, SpawnArgs};
pub use args::{arg, args, raw_args};
pub use msg::Msg;
#[cfg(target_os = "none")]
pub use sys::*;
#[cfg(target_os = "none")]
pub use sys_call_into::{sys_call_into, Landed};
#[cfg(target_os = "none")]
pub use sys_reply::sys_reply_recv_from;

/// printk log levels for [`sys_log`], numbered as in Linux (0 is the most severe).
pub mod level {
    /// The system is unusable.
    pub const EMERG: u8 = 0;
    /// Action must be taken immediately.
    pub const ALERT: u8 = 1;
    /// Critical conditions.
    pub const CRIT: u8 = 2;
    /// Error conditions ([`eprintln!`](crate::eprintln), panics).
    pub const ERR: u8 = 3;
    /// Warning conditions.
    pub const WARNING: u8 = 4;
    /// Normal but significant conditions.
    pub const NOTICE: u8 = 5;
    /// Informational ([`println!`](crate::println)).
    pub const INFO: u8 = 6;
    /// Debug-level messages.
    pub const DEBUG: u8 = 7;
}

/// Addresses are 64 bits on both sides of the ABI, so `u64 as usize` loses nothing.
const _: () = assert!(usize::BITS == u64::BITS);
