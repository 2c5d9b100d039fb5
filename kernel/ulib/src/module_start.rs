//! Starting a module with the standard handles of `proto::modctl::handles`: what a module manager (init) does for each insmod.
//!
//! This is also the one place where the microkernel and monolithic builds
//! part: the kernel is asked first whether it has the module built in
//! (`builtin_start`). A monolithic kernel runs it inside itself and hands
//! back a handle that takes the same calls and the same STOP, USAGE and
//! CRASH; a microkernel has none built in, and the module becomes a task.

use crate::task::{spawn, Spawn};
use crate::{sys_endpoint_create, sys_handle_close, sys_handle_dup, Error, Handle, Rights};
use alloc::format;
use alloc::string::String;
use proto::modctl::MANAGER_BADGE;

/// What to start, and the manager's side of it.
pub struct ModuleStart<'a> {
    /// The module's name (its task's name).
    pub name: &'a str,
    /// Its ELF image.
    pub elf: &'a [u8],
    /// Its `key=value` arguments, defaults filled in.
    pub args: &'a str,
    /// Its scheduling priority.
    pub priority: u8,
    /// The manager's endpoint: the module's READY arrives there badged
    /// `manager_badge`, and the kernel's exit and fault messages unbadged.
    pub manager: Handle,
    /// The badge the module's manager handle (4) carries.
    pub manager_badge: u64,
    /// The device registry's endpoint.
    pub registry: Handle,
    /// The badge of the module's registry handle (2): its identity there.
    pub registry_badge: u64,
    /// The boot archive region (handle 3, read-only).
    pub archive: Handle,
    /// The module serves the registry itself (devreg): its handle 1 is the
    /// registry's endpoint rather than a fresh one.
    pub serve_registry: bool,
}

/// A started module, as its manager holds it.
pub struct Started {
    /// Its task id.
    pub pid: u64,
    /// The handle that can kill it.
    pub task: Handle,
    /// Its endpoint, badged [`MANAGER_BADGE`]: STOP, USAGE and CRASH go here.
    pub manager_ep: Handle,
    /// Its endpoint, unbadged, to hand clients copies of.
    pub client_ep: Handle,
    /// It runs inside the kernel: no task (`pid` and `task` are 0), it was
    /// ready when started, and its exit function runs inside STOP's call.
    pub builtin: bool,
}

fn close(h: Handle) {
    let _ = sys_handle_close(h);
}

/// Starts the module with handles 1 (its endpoint), 2 (registry), 3 (archive)
/// and 4 (manager). The manager keeps only send rights to the module's
/// endpoint, so the endpoint dies with the module. On failure nothing is left
/// behind; the error comes with what failed ("create its endpoint", "make its
/// handles", "start it").
pub fn start_module(s: &ModuleStart) -> Result<Started, (Error, String)> {
    match crate::sys_builtin_start(s.name, s.args) {
        Ok(h) => return builtin(h),
        Err((Error::NotFound, _)) => {} // not built in: a task, from its ELF
        Err((e, 0)) => return Err((e, format!("cannot start it in the kernel: {e}"))),
        Err((e, why_len)) => {
            let mut why = [0u8; 256];
            let n = crate::ipc::read_buffer(why_len.min(why.len()) as u16, &mut why);
            return Err((e, String::from_utf8_lossy(&why[..n]).into_owned()));
        }
    }
    spawn_module(s).map_err(|(e, what)| (e, format!("cannot {what}: {e}")))
}

/// The handles of a module the kernel runs, from the handle `builtin_start` gave.
fn builtin(h: Handle) -> Result<Started, (Error, String)> {
    let send = Rights::SEND.union(Rights::GRANT).union(Rights::DUP);
    let made = (
        sys_handle_dup(h, Rights::SEND, MANAGER_BADGE),
        sys_handle_dup(h, send, 0),
    );
    close(h);
    match made {
        (Ok(manager_ep), Ok(client_ep)) => Ok(Started {
            pid: 0,
            task: 0,
            manager_ep,
            client_ep,
            builtin: true,
        }),
        (a, b) => {
            for h in [a, b].into_iter().flatten() {
                close(h);
            }
            Err((Error::TableFull, String::from("cannot make its handles")))
        }
    }
}

/// Spawns the module's ELF as a task with the standard handles.
fn spawn_module(s: &ModuleStart) -> Result<Started, (Error, &'static str)> {
    let ep = if s.serve_registry {
        sys_handle_dup(s.registry, Rights::ALL, 0)
    } else {
        sys_endpoint_create()
    }
    .map_err(|e| (e, "create its endpoint"))?;
    let send = Rights::SEND.union(Rights::GRANT).union(Rights::DUP);
    let made = [
        sys_handle_dup(ep, Rights::ALL, 0),
        sys_handle_dup(s.registry, send, s.registry_badge),
        sys_handle_dup(s.archive, Rights::MAP.union(Rights::DUP), 0),
        sys_handle_dup(s.manager, Rights::SEND.union(Rights::DUP), s.manager_badge),
        sys_handle_dup(ep, Rights::SEND, MANAGER_BADGE),
        sys_handle_dup(ep, send, 0),
    ];
    close(ep);
    let mut h = [0; 6];
    for (slot, r) in h.iter_mut().zip(made) {
        match r {
            Ok(handle) => *slot = handle,
            Err(e) => {
                h.iter().filter(|&&x| x != 0).for_each(|&x| close(x));
                return Err((e, "make its handles"));
            }
        }
    }
    let started = spawn(&Spawn {
        elf: s.elf,
        name: s.name,
        args: s.args,
        priority: s.priority,
        fault_ep: s.manager,
        handles: &h[..4],
    });
    h[..4].iter().for_each(|&x| close(x));
    match started {
        Ok((task, pid)) => Ok(Started {
            pid,
            task,
            manager_ep: h[4],
            client_ep: h[5],
            builtin: false,
        }),
        Err(e) => {
            close(h[4]);
            close(h[5]);
            Err((e, "start it"))
        }
    }
}
