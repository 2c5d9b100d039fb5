//! init: the first task. Lists the boot archive, starts the device registry and
//! the GPIO driver, starts `hello`, and reports how tasks end.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use proto::devreg::ProcDevices;
use ulib::abi::{label, FOREVER};
use ulib::mapping::boot_archive;
use ulib::task::{spawn, Spawn};
use ulib::{
    eprintln, println, sys_endpoint_create, sys_handle_dup, sys_info, sys_recv, InfoKind, Rights,
};

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
    start_drivers(&archive, supervisor);
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

/// Starts the device registry and the GPIO driver (registered as gpiochip0),
/// then prints the registry's listing, like `/proc/devices`.
fn start_drivers(archive: &newc::Archive, supervisor: u32) {
    let (Some(devreg), Some(gpio)) = (archive.find("devreg"), archive.find("gpio")) else {
        return;
    };
    let (Ok(registry), Ok(gpio_ep)) = (sys_endpoint_create(), sys_endpoint_create()) else {
        return;
    };
    let start = |elf, name, priority, handles: &[u32]| {
        let s = Spawn {
            elf,
            name,
            args: "",
            priority,
            fault_ep: supervisor,
            handles,
        };
        match spawn(&s) {
            Ok((_, pid)) => println!("started {name} (pid {pid})"),
            Err(e) => eprintln!("cannot start {name}: {e}"),
        }
    };
    start(devreg, "devreg", 20, &[registry]);
    // The badge is the driver's registration id, shown as its owner in listings.
    let rights = Rights::SEND.union(Rights::GRANT).union(Rights::DUP);
    let Ok(for_gpio) = sys_handle_dup(registry, rights, 1) else {
        return;
    };
    start(gpio, "gpio", 20, &[gpio_ep, for_gpio]);
    let _ = ulib::sys_handle_close(for_gpio);
    let _ = ulib::sys_sleep(20_000_000); // let them come up
    let mut devices = Vec::new();
    if ulib::registry::for_each(registry, |d| devices.push(*d)).is_ok() {
        for line in format!("{}", ProcDevices(&devices)).lines() {
            println!("devices: {line}");
        }
    }
    // The device claims, like /proc/iomem.
    for i in 0.. {
        let Ok((name, base, len, owner)) = ulib::device::info(i) else {
            break;
        };
        let holder = if owner == 0 {
            String::from("free")
        } else {
            format!("pid {owner}")
        };
        println!(
            "iomem: {base:08x}-{:08x} {name:<8} {holder}",
            base + len - 1
        );
    }
}
