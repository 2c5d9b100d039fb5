//! utest: the user-space test runner, started as init of the test image; its exit status ends QEMU.
#![no_std]
#![no_main]
// Unsafe only in `t_system::raw`, which feeds the kernel bad arguments on purpose.
#![deny(unsafe_code)]

extern crate alloc;

mod fileclient;
mod t_devices;
mod t_fs;
mod t_gpio;
mod t_ipc;
mod t_namespace;
mod t_registry;
mod t_sysinfo;
mod t_system;

use alloc::format;
use alloc::string::String;
use ulib::task::{spawn, Spawn};
use ulib::{
    println, sys_endpoint_create, sys_handle_dup, sys_recv, sys_task_kill, Error, Handle, Msg,
    Rights,
};

ulib::entry!(main);

/// A check's verdict: `Err` says what was wrong.
pub type Outcome = Result<(), String>;

/// Fails the test with a message unless `cond` holds.
#[macro_export]
macro_rules! check {
    ($cond:expr, $($arg:tt)*) => {
        if !$cond {
            return Err(alloc::format!("{} (line {}): {}", stringify!($cond), line!(), alloc::format!($($arg)*)));
        }
    };
}

/// What every test can use: the boot archive and a supervisor endpoint.
pub struct Env {
    /// The test image's boot archive.
    pub archive: newc::Archive<'static>,
    /// Receives children's fault and exit messages.
    pub supervisor: Handle,
}

impl Env {
    /// A program from the boot archive.
    pub fn elf(&self, name: &str) -> Result<&'static [u8], String> {
        self.archive
            .find(name)
            .ok_or(format!("{name} is not in the boot archive"))
    }

    /// Starts `name` with `args`, holding `handles`, reporting to the supervisor with `badge`.
    pub fn start(
        &self,
        name: &str,
        args: &str,
        handles: &[Handle],
        badge: u64,
    ) -> Result<(Handle, u64), String> {
        let fault_ep = match badge {
            0 => 0,
            b => {
                sys_handle_dup(self.supervisor, Rights::SEND, b).map_err(|e| format!("dup: {e}"))?
            }
        };
        let s = Spawn {
            elf: self.elf(name)?,
            name,
            args,
            priority: 16,
            fault_ep,
            handles,
        };
        let started = spawn(&s).map_err(|e| format!("spawn {name}: {e}"));
        if fault_ep != 0 {
            let _ = ulib::sys_handle_close(fault_ep);
        }
        started
    }

    /// Starts the echo server on a fresh endpoint; returns (endpoint, task handle).
    pub fn echo(&self) -> Result<(Handle, Handle), String> {
        let ep = sys_endpoint_create().map_err(|e| format!("endpoint: {e}"))?;
        let (task, _) = self.start("uecho", "", &[ep], 0)?;
        Ok((ep, task))
    }

    /// Stops a task started with `start`.
    pub fn stop(&self, task: Handle) {
        let _ = sys_task_kill(task);
        let _ = ulib::sys_handle_close(task);
    }

    /// The next supervisor message (fault or exit), waiting at most 5 s.
    pub fn next_report(&self) -> Result<(Msg, u64), String> {
        sys_recv(self.supervisor, 5_000_000_000)
            .map_err(|e| format!("no report from the child: {e}"))
    }
}

/// Shorthand: turns a syscall error into a test failure naming the step.
pub fn step<T>(what: &str, r: Result<T, Error>) -> Result<T, String> {
    r.map_err(|e| format!("{what}: {e}"))
}

type Test = (&'static str, fn(&Env) -> Outcome);

const TESTS: &[Test] = &[
    ("ping-pong over an endpoint", t_ipc::ping_pong),
    ("every message size arrives intact", t_ipc::message_sizes),
    ("the badge identifies the caller", t_ipc::badges),
    (
        "handles pass in messages and rights are enforced",
        t_ipc::handles_and_rights,
    ),
    (
        "notifications signal, wait and wake recv",
        t_ipc::notifications,
    ),
    ("sleep and timeouts", t_ipc::sleep_and_timeouts),
    ("a dead server fails its callers", t_ipc::dead_endpoint),
    (
        "reply_recv_from refuses bytes it cannot read",
        t_ipc::reply_from_memory,
    ),
    ("shared memory regions", t_system::shared_memory),
    (
        "faults and exits reach the supervisor",
        t_system::faults_reported,
    ),
    ("bad syscall arguments are refused", t_system::bad_arguments),
    ("the timer preempts a spinning task", t_system::preemption),
    ("1000 tasks leave no frame behind", t_system::thousand_tasks),
    (
        "spawning past the task limit is refused",
        t_system::task_limit,
    ),
    (
        "device claims are exclusive and end with their owner",
        t_devices::device_claims,
    ),
    (
        "interrupt lines are claimed once and released on close",
        t_devices::irq_claims,
    ),
    (
        "an interrupt reaches its driver's notification",
        t_devices::interrupt_delivery,
    ),
    (
        "the GPIO driver serves ioctls and refuses bad ones",
        t_gpio::gpio_driver,
    ),
    (
        "the device registry finds drivers and refuses duplicates",
        t_registry::device_registry,
    ),
    (
        "the file server stores, renames, lists and fills up cleanly",
        t_fs::file_server,
    ),
    (
        "the namespace: /boot is the boot archive, /dev opens drivers",
        t_namespace::namespace,
    ),
    (
        "the kernel reports its log, tasks, CPU time, caches and memory",
        t_sysinfo::introspection,
    ),
];

fn main() -> i32 {
    let archive = match ulib::mapping::boot_archive(1).map(newc::Archive::new) {
        Ok(Ok(a)) => a,
        _ => {
            println!("utest: cannot read the boot archive");
            return 2;
        }
    };
    let Ok(supervisor) = sys_endpoint_create() else {
        return 2;
    };
    let env = Env {
        archive,
        supervisor,
    };
    let (mut passed, mut failed) = (0, 0);
    for (name, test) in TESTS {
        match test(&env) {
            Ok(()) => {
                println!("utest: {name} ... ok");
                passed += 1;
            }
            Err(why) => {
                println!("utest: {name} ... FAILED: {why}");
                failed += 1;
            }
        }
    }
    println!("utest: {passed} passed, {failed} failed");
    i32::from(failed > 0)
}
