//! Starting tasks: `spawn` fills in the `SpawnArgs` block for `sys_task_spawn`.

use crate::{sys_task_spawn, Error, Handle, SpawnArgs};

/// What to start and with what.
pub struct Spawn<'a> {
    /// The program's ELF image.
    pub elf: &'a [u8],
    /// Its name.
    pub name: &'a str,
    /// Its `key=value` arguments.
    pub args: &'a str,
    /// Its priority (0..=31).
    pub priority: u8,
    /// Where its fault and exit messages go (0: nowhere).
    pub fault_ep: Handle,
    /// Handles to copy into its table (it finds them as 1, 2, ...).
    pub handles: &'a [Handle],
}

/// Starts the task; returns a handle to it and its pid.
pub fn spawn(s: &Spawn) -> Result<(Handle, u64), Error> {
    if s.handles.len() > 4 {
        return Err(Error::TooLarge);
    }
    let mut handles = [0u64; 4];
    for (slot, h) in handles.iter_mut().zip(s.handles) {
        *slot = u64::from(*h);
    }
    sys_task_spawn(&SpawnArgs {
        elf_ptr: s.elf.as_ptr() as u64,
        elf_len: s.elf.len() as u64,
        name_ptr: s.name.as_ptr() as u64,
        name_len: s.name.len() as u64,
        args_ptr: s.args.as_ptr() as u64,
        args_len: s.args.len() as u64,
        priority: u64::from(s.priority),
        fault_ep: u64::from(s.fault_ep),
        handles,
    })
}
