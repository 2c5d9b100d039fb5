//! What the kernel tells about itself, for `dmesg`, `ps`, `slabinfo`, `meminfo` and `poweroff`.
//!
//! Friendly wrappers over [`crate::sys_log_read`], [`crate::sys_task_info`],
//! [`crate::sys_slab_info`], [`crate::sys_info`] and [`crate::sys_power`], and
//! the clock read without a syscall ([`uptime_ns`]).
//! An answer the kernel could not have given (an unknown state, a record that
//! does not decode) comes back as [`Error::InvalidSyscall`].

use crate::ipc;
use crate::sys::{sys_info, sys_log_read, sys_power, sys_slab_info, sys_task_info};
use abi::{Error, InfoKind, PowerAction, PAGE_SIZE};
use alloc::string::String;
use alloc::vec::Vec;
use core::arch::asm;

pub use abi::logrec::LogRecord;
pub use abi::TaskState;

/// Nanoseconds since boot, as `sys_info(Uptime)` gives them, read from the
/// system counter directly (the kernel lets tasks read it): no syscall.
pub fn uptime_ns() -> u64 {
    let (count, freq_hz): (u64, u64);
    // SAFETY: reading CNTPCT_EL0 and CNTFRQ_EL0 has no side effects; the kernel
    // enables both at EL0 (CNTKCTL_EL1.EL0PCTEN) before any task runs.
    unsafe {
        asm!(
            "isb",
            "mrs {c}, cntpct_el0",
            "mrs {f}, cntfrq_el0",
            c = out(reg) count,
            f = out(reg) freq_hz,
            options(nostack, nomem, preserves_flags)
        )
    };
    if freq_hz == 0 {
        return 0;
    }
    // The kernel's formula (`time::counter_to_ns`), so both clocks agree to the
    // ns; a frequency that divides 1 GHz (62.5 MHz on the Pi 3 and in QEMU)
    // needs no 128-bit division.
    match 1_000_000_000 % freq_hz {
        0 => count.wrapping_mul(1_000_000_000 / freq_hz),
        _ => (u128::from(count) * 1_000_000_000 / u128::from(freq_hz)) as u64,
    }
}

/// Reads the batch of kernel log records that starts at the first one whose
/// sequence number is `>= from_seq` (the oldest kept one if that was
/// overwritten: a `seq` above `from_seq` tells how many were missed) and calls
/// `f` for each, oldest first. Returns the sequence number to ask for next,
/// `from_seq` itself when there was nothing new: loop until it stops changing
/// to read everything. `f` may make any syscall (the batch is copied out of
/// the IPC buffer first).
pub fn log_read(from_seq: u64, mut f: impl FnMut(&LogRecord)) -> Result<u64, Error> {
    let (len_bytes, next_seq) = sys_log_read(from_seq)?;
    let len_bytes = len_bytes.min(PAGE_SIZE);
    let batch: Vec<u8> = ipc::with_buffer(|buf| buf[..len_bytes].to_vec());
    for record in abi::logrec::records(&batch) {
        f(&record.map_err(|_| Error::InvalidSyscall)?);
    }
    Ok(next_seq)
}

/// One line of `ps`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskInfo {
    /// Its task id (never reused).
    pub pid: u64,
    /// Its name, as given at spawn.
    pub name: String,
    /// What it is doing.
    pub state: TaskState,
    /// Its scheduling priority (0..=31).
    pub priority: u8,
    /// Its memory in pages: everything mapped in its user half plus its page tables.
    pub pages: u64,
    /// The CPU time it has used, in nanoseconds.
    pub cpu_ns: u64,
}

/// The first `len_bytes` of the IPC buffer as text (a name the kernel put there).
fn name_from_buffer(len_bytes: u64) -> String {
    let len = usize::try_from(len_bytes).map_or(PAGE_SIZE, |n| n.min(PAGE_SIZE));
    ipc::with_buffer(|buf| String::from_utf8_lossy(&buf[..len]).into_owned())
}

/// Describes the task with the smallest pid `>= from_pid`; `NotFound` past the last.
pub fn task_info(from_pid: u64) -> Result<TaskInfo, Error> {
    let [pid, state, priority, pages, cpu_ns, name_len] = sys_task_info(from_pid)?;
    let state = TaskState::from_raw(state).ok_or(Error::InvalidSyscall)?;
    let priority = u8::try_from(priority).map_err(|_| Error::InvalidSyscall)?;
    Ok(TaskInfo {
        pid,
        name: name_from_buffer(name_len),
        state,
        priority,
        pages,
        cpu_ns,
    })
}

/// Every task, in pid order (zombies included).
pub fn tasks() -> Vec<TaskInfo> {
    let mut all = Vec::new();
    let mut from_pid = 0;
    while let Ok(task) = task_info(from_pid) {
        // The kernel answers with a pid >= from_pid; anything else would loop for ever.
        let next = match task.pid.checked_add(1) {
            Some(next) if task.pid >= from_pid => next,
            _ => break,
        };
        all.push(task);
        from_pid = next;
    }
    all
}

/// One line of `slabinfo`: a kernel object cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlabInfo {
    /// The cache's name.
    pub name: String,
    /// Bytes per object.
    pub object_bytes: u64,
    /// Objects in use.
    pub active: u64,
    /// Object slots in all its slabs.
    pub total: u64,
    /// Slabs (one page each).
    pub slabs: u64,
}

/// Describes the kernel's object cache `index`; `NotFound` past the last.
pub fn slab_info(index: u64) -> Result<SlabInfo, Error> {
    let [object_bytes, active, total, slabs, name_len] = sys_slab_info(index)?;
    Ok(SlabInfo {
        name: name_from_buffer(name_len),
        object_bytes,
        active,
        total,
        slabs,
    })
}

/// Every kernel object cache, in the kernel's order.
pub fn slabs() -> Vec<SlabInfo> {
    (0..).map_while(|index| slab_info(index).ok()).collect()
}

/// The figures of `meminfo`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemInfo {
    /// Physical frames (pages) the kernel manages.
    pub total_frames: u64,
    /// Of those, frames not in use.
    pub free_frames: u64,
    /// Bytes of the kernel heap.
    pub heap_bytes: u64,
    /// Of those, bytes in use.
    pub heap_used_bytes: u64,
}

/// Reads the `meminfo` figures (one syscall each, so they are not one snapshot).
pub fn mem_info() -> Result<MemInfo, Error> {
    Ok(MemInfo {
        total_frames: sys_info(InfoKind::TotalFrames)?,
        free_frames: sys_info(InfoKind::FreeFrames)?,
        heap_bytes: sys_info(InfoKind::HeapBytes)?,
        heap_used_bytes: sys_info(InfoKind::HeapUsedBytes)?,
    })
}

/// Powers the machine off (QEMU exits); returns only if the kernel refused, with why.
pub fn power_off() -> Error {
    sys_power(PowerAction::Off)
}

/// Restarts the machine; returns only if the kernel refused, with why.
pub fn reboot() -> Error {
    sys_power(PowerAction::Reboot)
}
