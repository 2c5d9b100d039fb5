//! ubench as a module manager: starts modules with the handle layout of `proto::modctl::handles`, waits for READY, stops them.
//!
//! Like init's manager (servers/init/src/manager.rs), less what `insmod`
//! does before spawning (reading the ELF's `.modinfo`, checking vermagic and
//! parameters): each module gets a fresh endpoint (handle 1), the registry
//! badged with its id (2), the boot archive (3) and our own endpoint badged
//! with its id (4), where its READY arrives. Its exit and fault messages
//! come to the same endpoint with badge 0, from the kernel.

use alloc::format;
use alloc::string::String;
use proto::modctl::{READY, STOP};
use proto::OK_LABEL;
use ulib::abi::label;
use ulib::module_start::ModuleStart;
use ulib::{
    sys_call, sys_endpoint_create, sys_handle_close, sys_recv, sys_reply, Error, Handle, Msg,
};

/// Modules run above ubench, as init runs them above itself.
const MODULE_PRIORITY: u8 = 20;
/// Set in the badge of a module's manager handle (4), above its id: tells READY from the kernel's messages.
const MODULE_FLAG: u64 = 1 << 41;
/// How long a module may take to say READY or to end.
const TIMEOUT_NS: u64 = 5_000_000_000;

/// A module started by [`Manager::start`].
pub struct Module {
    /// Its name.
    pub name: &'static str,
    /// Its pid (in its exit message).
    pub pid: u64,
    /// Its id (in its READY's badge).
    id: u64,
    /// Its task.
    task: Handle,
    /// Its endpoint badged [`MANAGER_BADGE`]: STOP goes there.
    stop_ep: Handle,
    /// Its endpoint, unbadged, to call it as a client.
    pub client_ep: Handle,
    /// It runs inside the kernel (the monolithic build): ready at once, stopped within STOP.
    pub builtin: bool,
}

/// What a module manager holds: its endpoint, the registry's, the archive.
pub struct Manager {
    /// READY (badged) and the kernel's exit and fault messages (badge 0) arrive here.
    ep: Handle,
    /// The device registry's endpoint (devreg serves it once loaded).
    registry: Handle,
    /// The boot archive's region.
    archive_region: Handle,
    /// The id the next module gets.
    next_id: u64,
}

impl Manager {
    /// A manager with fresh endpoints, handing out `archive_region` as handle 3.
    pub fn new(archive_region: Handle) -> Result<Manager, Error> {
        Ok(Manager {
            ep: sys_endpoint_create()?,
            registry: sys_endpoint_create()?,
            archive_region,
            next_id: 1,
        })
    }

    /// Starts module `name` from `elf` with `args`; it is loading until [`Manager::wait_ready`].
    pub fn start(&mut self, name: &'static str, elf: &[u8], args: &str) -> Result<Module, String> {
        let id = self.next_id;
        self.next_id += 1;
        let started = ulib::module_start::start_module(&ModuleStart {
            name,
            elf,
            args,
            priority: MODULE_PRIORITY,
            manager: self.ep,
            manager_badge: MODULE_FLAG | id,
            registry: self.registry,
            registry_badge: id,
            archive: self.archive_region,
            // devreg serves the registry endpoint itself; every other module gets its own.
            serve_registry: name == "devreg",
        })
        .map_err(|(_, why)| format!("{name}: {why}"))?;
        if started.builtin && name == "devreg" {
            // The kernel's registry is the one the later modules get.
            let send = ulib::Rights::SEND
                .union(ulib::Rights::GRANT)
                .union(ulib::Rights::DUP);
            if let Ok(h) = ulib::sys_handle_dup(started.client_ep, send, 0) {
                close(core::mem::replace(&mut self.registry, h));
            }
        }
        Ok(Module {
            name,
            pid: started.pid,
            id,
            task: started.task,
            stop_ep: started.manager_ep,
            client_ep: started.client_ep,
            builtin: started.builtin,
        })
    }

    /// Waits for `m`'s READY and leaves it unanswered (the module waits in
    /// its call until [`Manager::answer_ready`]); an error if it ends first.
    pub fn wait_ready(&self, m: &Module) -> Result<(), String> {
        if m.builtin {
            return Ok(()); // its init ran inside builtin_start
        }
        loop {
            let (msg, badge) =
                sys_recv(self.ep, TIMEOUT_NS).map_err(|e| format!("{}: no READY: {e}", m.name))?;
            if badge == MODULE_FLAG | m.id && msg.label() == READY {
                return Ok(());
            }
            if let Some(why) = ended(&msg, badge, m.pid) {
                return Err(format!("{}: {why} before READY", m.name));
            }
            if badge & MODULE_FLAG != 0 {
                // Another module's late READY: answer it, keep waiting.
                let _ = sys_reply(&Msg::new(OK_LABEL, []));
            }
        }
    }

    /// Answers the READY [`Manager::wait_ready`] received.
    pub fn answer_ready(&self, m: &Module) {
        if m.builtin {
            return; // no READY to answer
        }
        let _ = sys_reply(&Msg::new(OK_LABEL, []));
    }

    /// Starts a module and waits until it is ready (`insmod`).
    pub fn load(&mut self, name: &'static str, elf: &[u8], args: &str) -> Result<Module, String> {
        let m = self.start(name, elf, args)?;
        match self.wait_ready(&m) {
            Ok(()) => {
                self.answer_ready(&m);
                Ok(m)
            }
            Err(e) => {
                self.discard(m);
                Err(e)
            }
        }
    }

    /// Sends `m` STOP and waits for the kernel's exit message (`rmmod`); its exit code.
    pub fn stop(&self, m: &Module) -> Result<i64, String> {
        let answer = sys_call(m.stop_ep, &Msg::new(STOP, []), TIMEOUT_NS)
            .map_err(|e| format!("{}: STOP: {e}", m.name))?;
        if answer.label() != OK_LABEL {
            return Err(format!("{}: STOP answered {:#x}", m.name, answer.label()));
        }
        if m.builtin {
            return Ok(0); // its exit function ran inside the STOP call
        }
        loop {
            let (msg, badge) = sys_recv(self.ep, TIMEOUT_NS)
                .map_err(|e| format!("{}: no exit message: {e}", m.name))?;
            if badge == 0 && msg.label() == label::EXIT && msg.words[0] == m.pid {
                return Ok(msg.words[1] as i64);
            }
            if let Some(why) = ended(&msg, badge, m.pid) {
                return Err(format!("{}: {why} while stopping", m.name));
            }
        }
    }

    /// Kills a module that went wrong and forgets it.
    pub fn discard(&self, m: Module) {
        let _ = ulib::sys_task_kill(m.task);
        self.forget(m);
    }

    /// Closes what we held of a module that has ended.
    pub fn forget(&self, m: Module) {
        for h in [m.task, m.stop_ep, m.client_ep] {
            close(h);
        }
    }
}

/// Why task `pid` ended, if `msg` (received with `badge`) is the kernel saying it faulted or exited.
fn ended(msg: &Msg, badge: u64, pid: u64) -> Option<String> {
    if badge != 0 || msg.words[0] != pid {
        return None;
    }
    match msg.label() {
        label::EXIT => Some(format!("exited with {}", msg.words[1] as i64)),
        label::FAULT => Some(format!("faulted (ESR {:#x})", msg.words[1])),
        _ => None,
    }
}

fn close(h: Handle) {
    let _ = sys_handle_close(h);
}
