//! The kernel/user contract of mica: ABI version, error codes (syscalls come with the user-space issue).
#![no_std]
#![forbid(unsafe_code)]

/// The ABI version ("vermagic"): a task built for another version is refused at load.
pub const ABI_VERSION: u32 = 1;
