//! init: the first task. Lists the boot archive, starts `hello`, and reports how tasks end.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

use ulib::abi::{label, FOREVER};
use ulib::mapping::boot_archive;
use ulib::task::{spawn, Spawn};
use ulib::{eprintln, println, sys_endpoint_create, sys_info, sys_recv, InfoKind};

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
    let Ok(supervisor) = sys_endpoint_create() else {
        eprintln!("cannot create the supervisor endpoint");
        return 1;
    };
    if let Some(elf) = archive.find("hello") {
        let s = Spawn {
            elf,
            name: "hello",
            args: "from=init",
            priority: 8,
            fault_ep: supervisor,
            handles: &[],
        };
        match spawn(&s) {
            Ok((_, child)) => println!("started hello (pid {child})"),
            Err(e) => eprintln!("cannot start hello: {e}"),
        }
    }
    loop {
        match sys_recv(supervisor, FOREVER) {
            Ok((msg, _)) if msg.label() == label::EXIT => {
                let (pid, code) = (msg.words[0], msg.words[1] as i64);
                println!("task {pid} exited with code {code}");
            }
            Ok((msg, _)) if msg.label() == label::FAULT => {
                let [pid, esr, far, elr] = msg.words;
                println!("task {pid} faulted (ESR {esr:#x}, FAR {far:#x}, ELR {elr:#x})");
            }
            Ok((msg, _)) => println!("unexpected message, label {:#x}", msg.label()),
            Err(e) => {
                eprintln!("supervisor receive failed: {e}");
                return 1;
            }
        }
    }
}
