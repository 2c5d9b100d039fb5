//! The shell: not a module but a program init keeps running on the console (inittab's `respawn`).

use crate::events::CONTROL_BADGE;
use crate::manager::{Manager, State};
use ulib::task::{spawn, Spawn};
use ulib::{eprintln, println, sys_handle_close, sys_handle_dup, Handle, Rights};

/// A respawned program that keeps ending is started at most this often.
const MAX_RESPAWNS: u32 = 10;
/// The pause before a respawn, so a crash loop cannot starve everything else.
const RESPAWN_DELAY_NS: u64 = 50_000_000;
/// The shell's priority: below the servers it talks to.
const PRIORITY: u8 = 12;

/// A program init started that is not a module.
pub struct Child {
    /// Its name.
    pub name: &'static str,
    /// Its task id.
    pub pid: u64,
    /// The handle that stops it.
    pub task: Handle,
    /// How often it was started again.
    pub restarts: u32,
}

/// Starts the shell with handles 1 = a file-server connection, 2 = init's
/// control endpoint, 3 = the registry (each badged for it).
pub fn start(m: &mut Manager, archive: &newc::Archive, restarts: u32) -> Option<Child> {
    let Some(elf) = archive.find("shell") else {
        eprintln!("no shell in the boot archive");
        return None;
    };
    let fs = m
        .find("fs")
        .filter(|&i| m.modules[i].state == State::Live)
        .map(|i| m.modules[i].client_ep);
    let (fs_id, reg_id) = (m.fresh_id(), m.fresh_id());
    let send = Rights::SEND.union(Rights::DUP);
    let made = [
        fs.map_or(Err(ulib::Error::NotFound), |fs| {
            sys_handle_dup(fs, send, fs_id)
        }),
        sys_handle_dup(m.supervisor, send, CONTROL_BADGE),
        sys_handle_dup(m.registry, send, reg_id),
    ];
    let handles: alloc::vec::Vec<Handle> = made.iter().filter_map(|r| r.ok()).collect();
    let result = if handles.len() == made.len() {
        spawn(&Spawn {
            elf,
            name: "shell",
            args: "",
            priority: PRIORITY,
            fault_ep: m.supervisor,
            handles: &handles,
        })
    } else {
        Err(ulib::Error::NotFound)
    };
    for h in handles {
        let _ = sys_handle_close(h);
    }
    match result {
        Ok((task, pid)) => {
            println!("started shell (pid {pid})");
            Some(Child {
                name: "shell",
                pid,
                task,
                restarts,
            })
        }
        Err(e) => {
            eprintln!("cannot start the shell: {e} (is the file server loaded?)");
            None
        }
    }
}

/// Child `pid` ended (or was killed): start it again unless it keeps ending.
pub fn ended(m: &mut Manager, archive: &newc::Archive, child: Child) {
    let _ = sys_handle_close(child.task);
    let restarts = child.restarts + 1;
    if restarts > MAX_RESPAWNS {
        eprintln!(
            "{} ended {restarts} times; not starting it again",
            child.name
        );
        return;
    }
    let _ = ulib::sys_sleep(RESPAWN_DELAY_NS);
    println!("starting {} again (restart {restarts})", child.name);
    if let Some(c) = start(m, archive, restarts) {
        m.children.push(c);
    }
}
