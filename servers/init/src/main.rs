//! init: the first task. Lists the boot archive, starts the boot set (registry,
//! UART console, GPIO, file server, hello, shell), logs the device listings and
//! supervises: it reports how tasks end, respawns the shell and stops tasks on request.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

mod services;
mod supervise;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use proto::devreg::ProcDevices;
use services::{start, Endpoints, BOOT_SET};
use ulib::mapping::boot_archive;
use ulib::{eprintln, println, sys_endpoint_create, sys_info, InfoKind};

ulib::entry!(main);

/// Handle 1: the boot archive region the kernel hands to init.
const BOOT_ARCHIVE: u32 = 1;
/// How long init waits for the console driver to register ttyS0 before starting the shell.
const DEVICE_WAIT_NS: u64 = 500_000_000;

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
    let Some(mut eps) = endpoints() else {
        eprintln!("cannot create init's endpoints");
        return 1;
    };
    let mut children = Vec::new();
    for (i, spec) in BOOT_SET.iter().enumerate() {
        if spec.name == "shell" {
            wait_for_device(eps.registry, "ttyS0");
            log_listings(eps.registry);
        }
        if let Some(c) = start(&archive, &mut eps, i) {
            children.push(c);
        }
    }
    supervise::run(&archive, &mut eps, children)
}

fn endpoints() -> Option<Endpoints> {
    let mut services = [0; BOOT_SET.len()];
    for (slot, spec) in services.iter_mut().zip(BOOT_SET.iter()) {
        if spec.grants.contains(&services::Grant::Service) {
            *slot = sys_endpoint_create().ok()?;
        }
    }
    Some(Endpoints {
        supervisor: sys_endpoint_create().ok()?,
        registry: sys_endpoint_create().ok()?,
        archive: BOOT_ARCHIVE,
        services,
        next_badge: 0,
    })
}

/// Waits until `name` is registered (the console the shell opens), or gives up after a while.
fn wait_for_device(registry: u32, name: &str) {
    let step_ns = 10_000_000;
    for _ in 0..DEVICE_WAIT_NS / step_ns {
        if let Ok((_, h)) = ulib::registry::lookup(registry, name) {
            let _ = ulib::sys_handle_close(h);
            return;
        }
        let _ = ulib::sys_sleep(step_ns);
    }
    eprintln!("{name} did not appear; starting the shell anyway");
}

/// Logs the registry's listing (like `/proc/devices`) and the device claims (like `/proc/iomem`).
fn log_listings(registry: u32) {
    let mut devices = Vec::new();
    if ulib::registry::for_each(registry, |d| devices.push(*d)).is_ok() {
        for line in format!("{}", ProcDevices(&devices)).lines() {
            println!("devices: {line}");
        }
    }
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
