//! The kernel/user contract of mica: syscall numbers, registers, messages, errors, rights.
//!
//! This crate is the syscall reference. Kernel and tasks both depend on it, so
//! a number means the same thing on both sides of `svc #0`.
//!
//! # Calling convention
//!
//! A task enters the kernel with `svc #0`. The syscall number is in `x8`;
//! arguments are in `x0`..`x6`. On return `x0` holds the [`Error`] code (0 for
//! success) and `x1`..`x6` hold results; every other register is preserved.
//!
//! | register | IPC send side           | IPC receive side (returned)          |
//! |----------|-------------------------|--------------------------------------|
//! | `x0`     | handle                  | error code                           |
//! | `x1`     | [`MsgInfo`]             | [`MsgInfo`] of the message received  |
//! | `x2..x5` | message words 0..3      | message words 0..3                   |
//! | `x6`     | timeout in ns           | badge of the sender's handle         |
//! | `x7`     | `Call`: receive [`Window`] or 0 | unchanged                    |
//!
//! Longer messages (up to [`MAX_MSG_BYTES`]) travel in each thread's IPC
//! buffer, one page mapped at [`IPC_BUFFER_VA`]: the kernel copies the
//! sender's buffer into the receiver's, bounded by [`MsgInfo::len_bytes`].
//! A caller may name a [`Window`] for the reply's bytes instead: the kernel
//! may write them straight there and say so with [`REPLY_IN_WINDOW`].
//!
//! # Endpoint lifetime
//!
//! An endpoint lives while any handle names it, but it is *dead* once no
//! handle with the RECV right is left anywhere: its last receiver closed it,
//! exited or was killed (a pipe with no readers). Nobody can receive on it
//! again, so every task waiting in `Call` or `Send` on it wakes with
//! [`Error::PeerGone`], and later ones fail at once with it. The remaining
//! handles stay valid until closed. A caller the server had already received
//! waits for the reply as before, and gets `PeerGone` if the server ends or
//! drops its saved reply without answering. A server handing out its
//! endpoint gives clients a copy without RECV (`HandleDup` with SEND), so
//! clients do not keep it alive.
//!
//! # Operations
//!
//! See [`Sysnum`]: each variant documents its arguments, results and errors.
#![no_std]
#![forbid(unsafe_code)]

mod error;
pub mod logrec;
mod msg;
mod rights;
mod sysnum;
mod task_state;
mod window;

pub use error::Error;
pub use msg::{MsgInfo, MAX_HANDLES_PER_MSG, MAX_MSG_BYTES, MSG_REGS};
pub use rights::Rights;
pub use sysnum::Sysnum;
pub use task_state::TaskState;
pub use window::{Window, REPLY_IN_WINDOW};

/// The ABI version ("vermagic"): a program built for another version is refused at load.
/// 2: `Call` reads a receive window from `x7`.
pub const ABI_VERSION: u32 = 2;

/// Bytes in a page: the unit of every mapping.
pub const PAGE_SIZE: usize = 4096;

/// Lowest address a program may map (page 0 stays unmapped to catch null pointers).
pub const USER_MIN: usize = 0x1000;
/// End (exclusive) of the user half of the address space (39-bit VAs, TTBR0).
pub const USER_END: usize = 1 << 39;

/// Where each thread's IPC buffer is mapped (one page, read-write).
pub const IPC_BUFFER_VA: usize = USER_END - 0x10_0000;
/// Top (exclusive) of the initial stack of a task's first thread.
pub const STACK_TOP: usize = USER_END - 0x20_0000;
/// Bytes of that initial stack.
pub const STACK_BYTES: usize = 64 * 1024;
/// Where `MapAnon` places mappings when the task lets the kernel choose.
pub const MMAP_BASE: usize = 0x10_0000_0000;

/// Timeout meaning "wait for ever".
pub const FOREVER: u64 = u64::MAX;
/// Timeout meaning "do not wait": fail with [`Error::WouldBlock`] instead.
pub const NO_WAIT: u64 = 0;

/// A handle number: names a capability in the calling task's table. 0 is never valid.
pub type Handle = u32;

/// Message labels the kernel itself sends to a supervisor's fault endpoint.
pub mod label {
    /// A task faulted. Words: task id, ESR, FAR, ELR.
    pub const FAULT: u16 = 0xFFF0;
    /// A task exited. Words: task id, exit code; the IPC buffer holds its last words (a panic message).
    pub const EXIT: u16 = 0xFFF1;
    /// A notification arrived while receiving. Words: the bits.
    pub const NOTIFICATION: u16 = 0xFFF2;
}

/// Handles a new task finds in its table at start, in this order (spawn passes them).
pub mod start_handle {
    /// The first handle the spawner passed (often the supervisor's endpoint).
    pub const FIRST: u32 = 1;
}

/// What `SysInfo` reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum InfoKind {
    /// Free physical frames.
    FreeFrames = 0,
    /// Live tasks.
    Tasks = 1,
    /// Nanoseconds since boot: the system counter (CNTPCT_EL0) over its
    /// frequency (CNTFRQ_EL0). Tasks may read both registers themselves
    /// (`ulib::sysinfo::uptime_ns`), the same clock without a syscall.
    Uptime = 2,
    /// The calling task's id.
    TaskId = 3,
    /// The PL011's reference clock in Hz, as the firmware reported it at boot
    /// (drivers compute baud divisors from it).
    UartClockHz = 4,
    /// Physical frames the frame allocator manages (free or not).
    TotalFrames = 5,
    /// Bytes of the kernel heap.
    HeapBytes = 6,
    /// Bytes of the kernel heap in use.
    HeapUsedBytes = 7,
    /// Servers built into the kernel (`BuiltinStart` knows them): 0 in the
    /// microkernel build, 4 in the monolithic one (devreg, fs, gpio, uart).
    BuiltinServers = 8,
}

impl InfoKind {
    /// Decodes a raw argument.
    pub fn from_raw(raw: u64) -> Option<Self> {
        match raw {
            0 => Some(Self::FreeFrames),
            1 => Some(Self::Tasks),
            2 => Some(Self::Uptime),
            3 => Some(Self::TaskId),
            4 => Some(Self::UartClockHz),
            5 => Some(Self::TotalFrames),
            6 => Some(Self::HeapBytes),
            7 => Some(Self::HeapUsedBytes),
            8 => Some(Self::BuiltinServers),
            _ => None,
        }
    }
}

/// What `Power` does (its `x0`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum PowerAction {
    /// Halts the machine: QEMU exits with status 0; a Pi's firmware stops.
    Off = 0,
    /// Restarts the machine.
    Reboot = 1,
}

impl PowerAction {
    /// Decodes a raw argument.
    pub fn from_raw(raw: u64) -> Option<Self> {
        match raw {
            0 => Some(Self::Off),
            1 => Some(Self::Reboot),
            _ => None,
        }
    }
}

/// The block a spawner fills in for `TaskSpawn` (pointed to by `x0`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct SpawnArgs {
    /// The ELF image in the caller's memory.
    pub elf_ptr: u64,
    /// Its length in bytes.
    pub elf_len: u64,
    /// The task's name (UTF-8, at most [`MAX_NAME_BYTES`]).
    pub name_ptr: u64,
    /// Length of the name.
    pub name_len: u64,
    /// `key=value` arguments separated by spaces (at most [`MAX_ARGS_BYTES`]).
    pub args_ptr: u64,
    /// Length of the arguments.
    pub args_len: u64,
    /// Scheduling priority, 0 (lowest) to [`MAX_PRIORITY`].
    pub priority: u64,
    /// Endpoint that receives the task's fault and exit messages (0 for none).
    pub fault_ep: u64,
    /// Handles copied into the new task's table, in order; 0 ends the list.
    pub handles: [u64; 4],
}

/// Longest task name.
pub const MAX_NAME_BYTES: usize = 32;
/// Longest argument string.
pub const MAX_ARGS_BYTES: usize = 1024;
/// Highest scheduling priority.
pub const MAX_PRIORITY: u8 = 31;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_kinds_and_power_actions_decode_their_numbers() {
        for raw in 0..9 {
            assert_eq!(InfoKind::from_raw(raw).map(|k| k as u64), Some(raw));
        }
        assert_eq!(InfoKind::from_raw(9), None);
        assert_eq!(PowerAction::from_raw(0), Some(PowerAction::Off));
        assert_eq!(PowerAction::from_raw(1), Some(PowerAction::Reboot));
        assert_eq!(PowerAction::from_raw(2), None);
        assert_eq!(PowerAction::from_raw(u64::MAX), None);
    }
}
