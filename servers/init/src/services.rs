//! The boot set: which servers init starts, with what arguments and handles, and the children it tracks.

use alloc::string::String;
use alloc::vec::Vec;
use ulib::task::{spawn, Spawn};
use ulib::{eprintln, println, sys_handle_close, sys_handle_dup, Handle, Rights};

/// What a server gets in its handle table, in order (it finds them as 1, 2, ...).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// The registry's own endpoint, receive side (devreg only).
    RegistryService,
    /// The server's own service endpoint (receive side).
    Service,
    /// A registry handle badged with a fresh id: the server's identity there.
    Registry,
    /// The boot archive, read-only.
    Archive,
    /// A file-server connection badged with a fresh client id.
    FileServer,
    /// init's control endpoint, badged as a control client.
    Control,
}

/// One server of the boot set.
pub struct Spec {
    /// Its name in the archive and in `ps`.
    pub name: &'static str,
    /// Its `key=value` arguments.
    pub args: &'static str,
    /// Scheduling priority.
    pub priority: u8,
    /// Its handles.
    pub grants: &'static [Grant],
    /// Started again whenever it ends (inittab's `respawn`).
    pub respawn: bool,
}

/// The servers init starts, in order: the registry first, then drivers that
/// register with it, the file server that looks them up, and the shell last.
pub const BOOT_SET: [Spec; 6] = [
    Spec {
        name: "devreg",
        args: "",
        priority: 20,
        grants: &[Grant::RegistryService],
        respawn: false,
    },
    Spec {
        name: "uart",
        args: "port=pl011",
        priority: 24,
        grants: &[Grant::Service, Grant::Registry],
        respawn: false,
    },
    Spec {
        name: "gpio",
        args: "",
        priority: 20,
        grants: &[Grant::Service, Grant::Registry],
        respawn: false,
    },
    Spec {
        name: "fs",
        args: "",
        priority: 16,
        grants: &[Grant::Service, Grant::Registry, Grant::Archive],
        respawn: false,
    },
    Spec {
        name: "hello",
        args: "from=init",
        priority: 8,
        grants: &[],
        respawn: false,
    },
    Spec {
        name: "shell",
        args: "",
        priority: 12,
        grants: &[Grant::FileServer, Grant::Control, Grant::Registry],
        respawn: true,
    },
];

/// The badge init's control clients carry (the kernel's messages carry 0).
pub const CONTROL_BADGE: u64 = 1 << 40;

/// The endpoints init creates and hands out.
pub struct Endpoints {
    /// Where children's exit and fault messages and control requests arrive.
    pub supervisor: Handle,
    /// The device registry's endpoint.
    pub registry: Handle,
    /// The boot archive region (read-only use).
    pub archive: Handle,
    /// Each spec's service endpoint (0 where it has none), by BOOT_SET index.
    pub services: [Handle; BOOT_SET.len()],
    /// The next badge to mint for a registry or file-server client.
    pub next_badge: u64,
}

/// A running server init started.
pub struct Child {
    /// Its BOOT_SET index.
    pub spec: usize,
    /// Its task id.
    pub pid: u64,
    /// The handle that can stop it.
    pub task: Handle,
    /// How often it has been started again.
    pub restarts: u32,
}

impl Endpoints {
    /// The service endpoint of the spec named `name`.
    pub fn service_of(&self, name: &str) -> Option<Handle> {
        let i = BOOT_SET.iter().position(|s| s.name == name)?;
        Some(self.services[i]).filter(|&h| h != 0)
    }

    fn badge(&mut self) -> u64 {
        self.next_badge += 1;
        self.next_badge
    }

    /// Makes the handles spec `i` gets; the caller closes them after spawning.
    /// Spawning copies a handle only with DUP, so each carries it.
    fn handles_for(&mut self, i: usize) -> Result<Vec<Handle>, String> {
        let mut out = Vec::new();
        let send = Rights::SEND.union(Rights::GRANT).union(Rights::DUP);
        for grant in BOOT_SET[i].grants {
            let made = match grant {
                Grant::RegistryService => sys_handle_dup(self.registry, Rights::ALL, 0),
                Grant::Service => sys_handle_dup(self.services[i], Rights::ALL, 0),
                Grant::Registry => {
                    let b = self.badge();
                    sys_handle_dup(self.registry, send, b)
                }
                Grant::Archive => sys_handle_dup(self.archive, Rights::MAP.union(Rights::DUP), 0),
                Grant::FileServer => match self.service_of("fs") {
                    Some(fs) => {
                        let b = self.badge();
                        sys_handle_dup(fs, Rights::SEND.union(Rights::DUP), b)
                    }
                    None => Err(ulib::Error::NotFound),
                },
                Grant::Control => sys_handle_dup(
                    self.supervisor,
                    Rights::SEND.union(Rights::DUP),
                    CONTROL_BADGE,
                ),
            };
            match made {
                Ok(h) => out.push(h),
                Err(e) => {
                    close_all(&out);
                    return Err(alloc::format!("cannot make its handles: {e}"));
                }
            }
        }
        Ok(out)
    }
}

fn close_all(handles: &[Handle]) {
    for &h in handles {
        let _ = sys_handle_close(h);
    }
}

/// Starts spec `i` from the archive; logs and returns `None` on failure.
pub fn start(archive: &newc::Archive, eps: &mut Endpoints, i: usize) -> Option<Child> {
    let spec = &BOOT_SET[i];
    let Some(elf) = archive.find(spec.name) else {
        eprintln!("cannot start {}: not in the boot archive", spec.name);
        return None;
    };
    let handles = match eps.handles_for(i) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("cannot start {}: {e}", spec.name);
            return None;
        }
    };
    let s = Spawn {
        elf,
        name: spec.name,
        args: spec.args,
        priority: spec.priority,
        fault_ep: eps.supervisor,
        handles: &handles,
    };
    let result = spawn(&s);
    close_all(&handles);
    match result {
        Ok((task, pid)) => {
            println!("started {} (pid {pid})", spec.name);
            Some(Child {
                spec: i,
                pid,
                task,
                restarts: 0,
            })
        }
        Err(e) => {
            eprintln!("cannot start {}: {e}", spec.name);
            None
        }
    }
}
