//! init: the first task, module manager and supervisor. It loads the boot set
//! of `/etc/modules` (dependencies first), starts the shell, and then serves:
//! insmod, rmmod, lsmod, modprobe for the shell; restarts of faulted modules;
//! the shell again whenever it ends.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

mod control;
mod events;
mod manager;
mod shell;
mod source;
mod table;
mod waited;

use alloc::format;
use alloc::string::String;
use control::Context;
use events::Event;
use manager::Manager;
use proto::initctl::{encode_reply, Request};
use ulib::abi::FOREVER;
use ulib::mapping::boot_archive;
use ulib::{eprintln, ipc, println, sys_endpoint_create, sys_info, InfoKind, Msg};

ulib::entry!(main);

/// Handle 1: the boot archive region the kernel hands to init.
const BOOT_ARCHIVE: u32 = 1;

fn main() -> i32 {
    let pid = sys_info(InfoKind::TaskId).unwrap_or(0);
    println!("mica user space is up (pid {pid})");
    let archive = match boot_archive(BOOT_ARCHIVE).map(newc::Archive::new) {
        Ok(Ok(a)) => a,
        Ok(Err(e)) => {
            eprintln!("the boot archive is malformed: {e}");
            return 1;
        }
        Err(e) => {
            eprintln!("cannot map the boot archive: {e}");
            return 1;
        }
    };
    for entry in archive.iter() {
        println!("boot archive: {} ({} bytes)", entry.name, entry.data.len());
    }
    let (Ok(supervisor), Ok(registry)) = (sys_endpoint_create(), sys_endpoint_create()) else {
        eprintln!("cannot create init's endpoints");
        return 1;
    };
    let text = |name: &str| {
        archive
            .find(name)
            .and_then(|b| core::str::from_utf8(b).ok())
            .unwrap_or("")
    };
    let cx = Context {
        archive,
        deps: modinfo::DepIndex::parse(text("modules.dep")).unwrap_or_else(|e| {
            eprintln!("modules.dep: {e}");
            modinfo::DepIndex::default()
        }),
        conf: modinfo::ModprobeConf::parse(text("etc/modprobe.conf")).unwrap_or_else(|e| {
            eprintln!("etc/modprobe.conf: {e}");
            modinfo::ModprobeConf::default()
        }),
    };
    let mut m = Manager::new(supervisor, registry, BOOT_ARCHIVE);
    boot_set(&mut m, &cx, text("etc/modules"));
    log_listings(m.registry);
    if let Some(c) = shell::start(&mut m, &archive, 0) {
        m.children.push(c);
    }
    serve(&mut m, &cx)
}

/// Loads each module of `/etc/modules` with modprobe (dependencies first).
fn boot_set(m: &mut Manager, cx: &Context, list: &str) {
    let set = match modinfo::parse_modules(list) {
        Ok(set) => set,
        Err(e) => {
            eprintln!("etc/modules: {e}");
            return;
        }
    };
    for (name, params) in set {
        match control::modprobe(m, cx, &name, &params) {
            Ok(report) => {
                for line in report.lines() {
                    println!("{line}");
                }
            }
            Err((_, why)) => eprintln!("boot set: {why}"),
        }
    }
}

/// The main loop: events one by one, deferred ones first.
fn serve(m: &mut Manager, cx: &Context) -> i32 {
    loop {
        for child in core::mem::take(&mut m.respawn_due) {
            shell::ended(m, &cx.archive, child);
        }
        let event = match m.deferred.pop_front() {
            Some(e) => e,
            None => match events::next(m.supervisor, FOREVER) {
                Ok(e) => e,
                Err(e) => {
                    eprintln!("supervisor receive failed: {e}");
                    return 1;
                }
            },
        };
        match event {
            Event::Exited { pid, code, text } => task_ended(m, pid, None, Some((code, text))),
            Event::Faulted { pid, text } => task_ended(m, pid, Some(text), None),
            Event::Control { msg, bytes } => control_request(m, cx, &msg, &bytes),
            Event::Ready { id } => println!("late READY from module id {id}"),
            Event::TimedOut | Event::Other => {}
        }
    }
}

fn task_ended(m: &mut Manager, pid: u64, fault: Option<String>, exit: Option<(i64, String)>) {
    if let Some(i) = m.by_pid(pid) {
        m.ended(i, fault, exit);
    } else if let Some(i) = m.children.iter().position(|c| c.pid == pid) {
        let child = m.children.remove(i);
        match (&fault, &exit) {
            (Some(f), _) => println!("task {pid} ({}) faulted: {f}", child.name),
            (_, Some((code, text))) => {
                println!("task {pid} ({}) exited with code {code} {text}", child.name)
            }
            _ => {}
        }
        m.respawn_due.push(child);
    } else {
        println!("task {pid} ended");
    }
}

/// Saves the caller's reply, answers the request (which may take a while), replies.
fn control_request(m: &mut Manager, cx: &Context, msg: &Msg, bytes: &[u8]) {
    let reply = match ulib::sys_reply_save() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot hold a control request: {e}");
            return;
        }
    };
    let answer = match Request::decode(msg.label(), msg.words, bytes) {
        Ok(req) => control::answer(m, cx, req),
        Err(e) => control::Answer {
            result: Err(e.errno()),
            words: [0, 0],
            text: format!("bad request: {e}"),
            handle: 0,
        },
    };
    let out = ipc::with_buffer(|buf| {
        let e = encode_reply(answer.result, answer.words, &answer.text, buf);
        Msg {
            info: e.info().with_handle(answer.handle),
            words: e.words,
        }
    });
    if ulib::sys_reply_to(reply, &out).is_err() && answer.handle != 0 {
        let _ = ulib::sys_handle_close(answer.handle);
    }
}

/// Logs the registry's listing (like `/proc/devices`) and the device claims (like `/proc/iomem`).
fn log_listings(registry: u32) {
    let mut devices = alloc::vec::Vec::new();
    if ulib::registry::for_each(registry, |d| devices.push(*d)).is_ok() {
        for line in format!("{}", proto::devreg::ProcDevices(&devices)).lines() {
            println!("devices: {line}");
        }
    }
    for i in 0.. {
        let Ok((name, base, len, owner)) = ulib::device::info(i) else {
            break;
        };
        let holder = owner;
        println!(
            "iomem: {base:08x}-{:08x} {name:<8} {holder}",
            base + len - 1
        );
    }
}
