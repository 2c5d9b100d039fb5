//! The module manager: loading (insmod), unloading (rmmod), restarting after faults, and the table lsmod shows.

use crate::events::{self, Event, MODULE_FLAG};
use crate::source::Elf;
pub use crate::waited::Waited;
use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use modinfo::ModInfo;
use proto::modctl;
use proto::Errno;
use ulib::module_start::ModuleStart;
use ulib::{println, sys_call, sys_handle_close, Handle, Msg};

/// How long a module's init function may take before insmod gives up on it.
pub const READY_TIMEOUT_NS: u64 = 5_000_000_000;
/// How long a module may take to stop after STOP before it is killed.
pub const STOP_TIMEOUT_NS: u64 = 2_000_000_000;
/// Restarts after faults before a module is held.
pub const MAX_RESTARTS: u32 = 5;
/// The first restart's delay; each further one doubles it.
const FIRST_BACKOFF_NS: u64 = 50_000_000;
/// Modules run below the drivers' interrupt work but above the shell.
const MODULE_PRIORITY: u8 = 20;

/// Where a module is in its life.
#[derive(Clone, PartialEq, Eq)]
pub enum State {
    /// Running and ready.
    Live,
    /// Crashed too often; not restarted. The reason is kept.
    Held(String),
}

/// A loaded module.
pub struct Module {
    /// Its name (from `.modinfo`).
    pub name: String,
    /// Its metadata.
    pub info: ModInfo,
    /// The arguments it was started with (defaults filled in).
    pub params: String,
    /// Its image, kept for restarts.
    pub elf: Elf,
    /// Its task id and handle (0 while held, and for a module built into the kernel).
    pub pid: u64,
    task: Handle,
    /// init's copy of the module's endpoint, badged MANAGER_BADGE (STOP, USAGE, CRASH).
    manager_ep: Handle,
    /// A send copy of its endpoint for init's own use (the file server's, for example).
    pub client_ep: Handle,
    /// Its id: the registry badge and, with MODULE_FLAG, the manager badge.
    pub id: u64,
    /// Restarts after faults so far.
    pub restarts: u32,
    /// Live or held.
    pub state: State,
    /// It runs inside the kernel (the monolithic build), not as a task.
    pub builtin: bool,
}

impl Module {
    /// Where it runs, for messages: "pid 7", or "built into the kernel".
    pub fn runs_as(&self) -> String {
        if self.builtin {
            String::from("built into the kernel")
        } else {
            format!("pid {}", self.pid)
        }
    }
}

/// Everything init manages.
pub struct Manager {
    /// init's endpoint: exit and fault messages, READY, control requests.
    pub supervisor: Handle,
    /// The device registry's endpoint (init holds the unbadged original).
    pub registry: Handle,
    /// The boot archive region.
    pub archive_region: Handle,
    /// The loaded modules, in load order.
    pub modules: Vec<Module>,
    /// Events that arrived while init waited for something else.
    pub deferred: VecDeque<Event>,
    /// Tasks init started that are not modules (the shell).
    pub children: Vec<crate::shell::Child>,
    /// Children that ended and are to be started again.
    pub respawn_due: Vec<crate::shell::Child>,
    next_id: u64,
}

fn close(h: Handle) {
    if h != 0 {
        let _ = sys_handle_close(h);
    }
}

impl Manager {
    /// A manager with no modules yet.
    pub fn new(supervisor: Handle, registry: Handle, archive_region: Handle) -> Manager {
        Manager {
            supervisor,
            registry,
            archive_region,
            modules: Vec::new(),
            deferred: VecDeque::new(),
            children: Vec::new(),
            respawn_due: Vec::new(),
            next_id: 0,
        }
    }

    /// A fresh id for a registry or file-server client badge.
    pub fn fresh_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// The module called `name`.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.modules.iter().position(|m| m.name == name)
    }

    /// The module running as task `pid`.
    pub fn by_pid(&self, pid: u64) -> Option<usize> {
        self.modules.iter().position(|m| m.pid == pid && m.pid != 0)
    }

    /// The loaded modules that depend on `name`.
    pub fn dependents(&self, name: &str) -> Vec<String> {
        self.modules
            .iter()
            .filter(|m| m.info.depends.iter().any(|d| d == name))
            .map(|m| m.name.clone())
            .collect()
    }

    /// Starts `elf` as module `info.name` with `params` and waits for its READY.
    /// On failure nothing of it stays; the error says why.
    pub fn load(
        &mut self,
        info: ModInfo,
        elf: Elf,
        source: String,
        params: String,
    ) -> Result<usize, (Errno, String)> {
        let name = info.name.clone();
        let id = self.fresh_id();
        let (pid, task, manager_ep, client_ep) = self.start(&name, &elf, &params, id)?;
        // A built-in module's init ran inside `builtin_start`: it is ready.
        let builtin = task == 0;
        let waited = match builtin {
            true => Waited::Ready,
            false => self.wait_for(pid, Some(id), READY_TIMEOUT_NS),
        };
        match waited {
            Waited::Ready => {}
            failed => {
                if matches!(failed, Waited::TimedOut) {
                    let _ = ulib::sys_task_kill(task);
                }
                for h in [task, manager_ep, client_ep] {
                    close(h);
                }
                self.forget_devices(id);
                return Err((
                    Errno::Io,
                    format!("{name}: init failed: {}", failed.describe(READY_TIMEOUT_NS)),
                ));
            }
        }
        match builtin {
            true => println!("module {name} started in the kernel ({params:?})"),
            false => println!("module {name} loaded from {source} (pid {pid}, {params:?})"),
        }
        self.modules.push(Module {
            name,
            info,
            params,
            elf,
            pid,
            task,
            manager_ep,
            client_ep,
            id,
            restarts: 0,
            state: State::Live,
            builtin,
        });
        Ok(self.modules.len() - 1)
    }

    /// Spawns a module with the uniform handle layout of `proto::modctl::handles`.
    fn start(
        &mut self,
        name: &str,
        elf: &Elf,
        params: &str,
        id: u64,
    ) -> Result<(u64, Handle, Handle, Handle), (Errno, String)> {
        let serve_registry = name == "devreg";
        let started = ulib::module_start::start_module(&ModuleStart {
            name,
            elf: elf.bytes(),
            args: params,
            priority: MODULE_PRIORITY,
            manager: self.supervisor,
            manager_badge: MODULE_FLAG | id,
            registry: self.registry,
            registry_badge: id,
            archive: self.archive_region,
            // The registry's endpoint is init's own, so lookups wait across a devreg restart.
            serve_registry,
        })
        .map_err(|(e, why)| (Errno::from(e), format!("{name}: {why}")))?;
        if started.builtin && serve_registry {
            // The kernel's registry is the one every module and client gets from now on.
            if let Ok(h) = ulib::sys_handle_dup(
                started.client_ep,
                ulib::Rights::SEND
                    .union(ulib::Rights::GRANT)
                    .union(ulib::Rights::DUP),
                0,
            ) {
                close(core::mem::replace(&mut self.registry, h));
            }
        }
        Ok((
            started.pid,
            started.task,
            started.manager_ep,
            started.client_ep,
        ))
    }

    /// Waits for task `pid` to say READY (module `ready_id`) or end; other events are deferred.
    pub fn wait_for(&mut self, pid: u64, ready_id: Option<u64>, timeout_ns: u64) -> Waited {
        let deadline = ulib::sys_info(ulib::InfoKind::Uptime).unwrap_or(0) + timeout_ns;
        loop {
            let now = ulib::sys_info(ulib::InfoKind::Uptime).unwrap_or(deadline);
            if now >= deadline {
                return Waited::TimedOut;
            }
            match events::next(self.supervisor, deadline - now) {
                Ok(Event::Ready { id }) if Some(id) == ready_id => return Waited::Ready,
                Ok(Event::Exited { pid: p, code, text }) if p == pid => {
                    return Waited::Exited(code, text)
                }
                Ok(Event::Faulted { pid: p, text }) if p == pid => return Waited::Faulted(text),
                Ok(Event::TimedOut) => return Waited::TimedOut,
                Ok(Event::Control { .. }) => {
                    let e = proto::initctl::encode_reply(
                        Err(Errno::Busy),
                        [0, 0],
                        "init is busy with another request",
                        &mut [0u8; 64],
                    );
                    let _ = ulib::sys_reply(&Msg::new(e.info().label, []));
                }
                Ok(Event::Other) => {}
                Ok(other) => self.deferred.push_back(other),
                Err(e) => return Waited::Exited(-1, format!("init cannot receive: {e}")),
            }
        }
    }

    /// Asks module `i` how many files its clients hold open: (fds, clients).
    pub fn usage(&self, i: usize) -> (u64, u64) {
        let m = &self.modules[i];
        if m.state != State::Live {
            return (0, 0);
        }
        match sys_call(m.manager_ep, &Msg::new(modctl::USAGE, []), 500_000_000) {
            Ok(r) if r.label() == proto::OK_LABEL => (r.words[0], r.words[1]),
            _ => (0, 0),
        }
    }

    /// Stops module `i` (its exit function runs) and removes it; kills it if it
    /// does not stop in time. Returns what happened, in words.
    pub fn unload(&mut self, i: usize) -> String {
        let m = self.modules.remove(i);
        let mut report = format!("{}: removed", m.name);
        if m.state == State::Live {
            let asked = sys_call(m.manager_ep, &Msg::new(modctl::STOP, []), STOP_TIMEOUT_NS);
            let waited = if m.builtin {
                // Its exit function ran inside the STOP call.
                asked.map_or(Waited::TimedOut, |_| Waited::Exited(0, String::new()))
            } else if asked.is_ok() {
                self.wait_for(m.pid, None, STOP_TIMEOUT_NS)
            } else {
                Waited::TimedOut
            };
            match waited {
                Waited::Exited(0, _) => {}
                Waited::Exited(code, text) => {
                    report = format!(
                        "{}: removed; its exit function ended with {code} {text}",
                        m.name
                    )
                }
                Waited::Faulted(text) => {
                    report = format!("{}: removed; it faulted while stopping: {text}", m.name)
                }
                Waited::TimedOut | Waited::Ready => {
                    let _ = ulib::sys_task_kill(m.task);
                    report = format!(
                        "{}: did not stop within {} ms; killed",
                        m.name,
                        STOP_TIMEOUT_NS / 1_000_000
                    );
                }
            }
        }
        for h in [m.task, m.manager_ep, m.client_ep] {
            close(h);
        }
        self.forget_devices(m.id);
        println!("{report}");
        report
    }

    /// The registry drops what module `id` registered (it ended).
    fn forget_devices(&self, id: u64) {
        let _ = ulib::registry::remove_owner(self.registry, id);
    }

    /// Sends CRASH to module `i`.
    pub fn crash(&self, i: usize) -> Result<String, (Errno, String)> {
        let m = &self.modules[i];
        if m.state != State::Live {
            return Err((Errno::NoDevice, format!("{} is not running", m.name)));
        }
        ulib::sys_send(m.manager_ep, &Msg::new(modctl::CRASH, []), 1_000_000_000)
            .map_err(|e| (Errno::from(e), format!("{}: cannot reach it: {e}", m.name)))?;
        Ok(format!("{}: told to crash ({})", m.name, m.runs_as()))
    }

    /// Module `i`'s task ended on its own: restart it after a fault (with
    /// back-off, up to a limit), drop it after an exit.
    pub fn ended(&mut self, i: usize, faulted: Option<String>, exit: Option<(i64, String)>) {
        let name = self.modules[i].name.clone();
        close(self.modules[i].task);
        close(self.modules[i].manager_ep);
        close(self.modules[i].client_ep);
        self.modules[i].pid = 0;
        self.modules[i].task = 0;
        self.modules[i].manager_ep = 0;
        self.modules[i].client_ep = 0;
        self.forget_devices(self.modules[i].id);
        let Some(reason) = faulted else {
            let (code, text) = exit.unwrap_or((0, String::new()));
            println!("module {name} exited with code {code} {text}; unloaded");
            self.modules.remove(i);
            return;
        };
        let restarts = self.modules[i].restarts + 1;
        if restarts > MAX_RESTARTS {
            let why = format!("held after {MAX_RESTARTS} restarts; last fault: {reason}");
            println!("module {name} {why}");
            self.modules[i].state = State::Held(why);
            return;
        }
        let delay = FIRST_BACKOFF_NS << (restarts - 1);
        println!(
            "module {name} faulted: {reason}; restart {restarts} in {} ms",
            delay / 1_000_000
        );
        let _ = ulib::sys_sleep(delay);
        let id = self.fresh_id();
        let (elf, params) = (self.modules[i].elf.clone(), self.modules[i].params.clone());
        let started = self.start(&name, &elf, &params, id);
        let result = match started {
            Ok((pid, task, manager_ep, client_ep)) => {
                match self.wait_for(pid, Some(id), READY_TIMEOUT_NS) {
                    Waited::Ready => {
                        let m = &mut self.modules[i];
                        (m.pid, m.task, m.manager_ep, m.client_ep, m.id) =
                            (pid, task, manager_ep, client_ep, id);
                        m.restarts = restarts;
                        println!("module {name} restarted (pid {pid}, restart {restarts})");
                        return;
                    }
                    failed => {
                        let _ = ulib::sys_task_kill(task);
                        [task, manager_ep, client_ep].into_iter().for_each(close);
                        failed.describe(READY_TIMEOUT_NS)
                    }
                }
            }
            Err((_, why)) => why,
        };
        println!("module {name} did not come back: {result}");
        self.modules[i].restarts = restarts;
        self.modules[i].state = State::Held(result);
    }
}
