//! Starting a module with the standard handles of `proto::modctl::handles`: what a module manager (init) does for each insmod.

use crate::task::{spawn, Spawn};
use crate::{sys_endpoint_create, sys_handle_close, sys_handle_dup, Error, Handle, Rights};
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
}

fn close(h: Handle) {
    let _ = sys_handle_close(h);
}

/// Starts the module with handles 1 (its endpoint), 2 (registry), 3 (archive)
/// and 4 (manager). The manager keeps only send rights to the module's
/// endpoint, so the endpoint dies with the module. On failure nothing is left
/// behind; the error comes with what failed ("create its endpoint", "make its
/// handles", "start it").
pub fn start_module(s: &ModuleStart) -> Result<Started, (Error, &'static str)> {
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
        }),
        Err(e) => {
            close(h[4]);
            close(h[5]);
            Err((e, "start it"))
        }
    }
}
