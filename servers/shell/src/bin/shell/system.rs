//! System commands: ps, kill, dmesg, devices, iomem, meminfo, uptime, reboot, poweroff.

extern crate alloc;

use crate::commands::usage;
use crate::ctx::Ctx;
use crate::{errln, outln};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use proto::devreg::ProcDevices;
use proto::initctl::Request;
use shell::fmt::{duration, human_bytes, parse_int, Table};
use ulib::sysinfo;
use ulib::InfoKind;

/// Handle 3: the device registry.
const REGISTRY: u32 = 3;
/// Frames are 4 KiB pages.
const PAGE_BYTES: u64 = 4096;
/// The printk levels by number, as `dmesg -l` names them.
const LEVELS: [&str; 8] = [
    "emerg", "alert", "crit", "err", "warn", "notice", "info", "debug",
];

fn no_args(name: &str, args: &[&str]) -> Result<(), String> {
    if args.is_empty() {
        Ok(())
    } else {
        Err(usage(name))
    }
}

/// `ps`.
pub fn ps(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    no_args("ps", args)?;
    let mut table = Table::new(&["PID", "NAME", "STATE", "PRI", "MEM", "TIME"]);
    for t in sysinfo::tasks() {
        table.row(&[
            &format!("{}", t.pid),
            &t.name,
            t.state.name(),
            &format!("{}", t.priority),
            &human_bytes(t.pages * PAGE_BYTES),
            &duration(t.cpu_ns),
        ]);
    }
    outln!(ctx, "{table}");
    Ok(())
}

/// `kill PID...`: asks init, which holds the task handles.
pub fn kill(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    if args.is_empty() {
        return Err(usage("kill"));
    }
    let mut failed = false;
    for a in args {
        let result = match parse_int(a) {
            Ok(pid) => crate::modules::call_init(&Request::Kill { pid })
                .map(drop)
                .map_err(|e| format!("({pid}): {e}")),
            Err(e) => Err(format!("'{a}': {e}")),
        };
        if let Err(e) = result {
            errln!(ctx, "kill: {e}");
            failed = true;
        }
    }
    // Each failure has been reported; an empty error adds nothing.
    if failed {
        Err(String::new())
    } else {
        Ok(())
    }
}

/// The printk level named or numbered `s`.
fn level(s: &str) -> Option<u8> {
    if let Some(i) = LEVELS.iter().position(|l| *l == s) {
        return Some(i as u8);
    }
    s.parse::<u8>().ok().filter(|&n| n < 8)
}

/// `dmesg [-l LEVEL[,LEVEL...]]`.
pub fn dmesg(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    let mut wanted: Option<Vec<u8>> = None;
    match args {
        [] => {}
        ["-l", list] => {
            let mut levels = Vec::new();
            for name in list.split(',') {
                let l = level(name).ok_or_else(|| {
                    format!("unknown level '{name}' (levels: {})", LEVELS.join(", "))
                })?;
                levels.push(l);
            }
            wanted = Some(levels);
        }
        _ => return Err(usage("dmesg")),
    }
    let mut seq = 0;
    loop {
        let mut lines = Vec::new();
        let next = sysinfo::log_read(seq, |r| {
            if wanted.as_ref().is_none_or(|w| w.contains(&r.level)) {
                let (s, us) = (r.time_ns / 1_000_000_000, r.time_ns % 1_000_000_000 / 1000);
                lines.push(format!("[{s:5}.{us:06}] {}", r.text.trim_end()));
            }
        })
        .map_err(|e| format!("cannot read the kernel log: {e}"))?;
        for l in lines {
            outln!(ctx, "{l}");
        }
        if next == seq {
            return Ok(());
        }
        seq = next;
    }
}

/// `devices`: the registry's listing, like /proc/devices.
pub fn devices(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    no_args("devices", args)?;
    let mut list = Vec::new();
    ulib::registry::for_each(REGISTRY, |d| list.push(*d))
        .map_err(|e| format!("cannot ask the device registry: {e}"))?;
    outln!(ctx, "{}", ProcDevices(&list));
    Ok(())
}

/// The name of task `pid`, if it is alive.
fn task_name(pid: u64) -> Option<String> {
    sysinfo::task_info(pid)
        .ok()
        .filter(|t| t.pid == pid)
        .map(|t| t.name)
}

/// `iomem`: the board's device table and its claims, like /proc/iomem.
pub fn iomem(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    no_args("iomem", args)?;
    for i in 0.. {
        let Ok((name, base, len, owner)) = ulib::device::info(i) else {
            break;
        };
        let holder = match owner {
            ulib::device::Holder::Task(pid) => format!(
                "{} (pid {pid})",
                task_name(pid).unwrap_or_else(|| String::from("?"))
            ),
            other => format!("{other}"),
        };
        outln!(
            ctx,
            "{base:08x}-{:08x} : {name:<8} {holder}",
            base + len - 1
        );
    }
    Ok(())
}

/// `meminfo`: frames, kernel heap, and the object caches like /proc/slabinfo.
pub fn meminfo(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    no_args("meminfo", args)?;
    let m = sysinfo::mem_info().map_err(|e| format!("cannot read memory figures: {e}"))?;
    let used = m.total_frames.saturating_sub(m.free_frames);
    outln!(
        ctx,
        "MemTotal:   {:>10} ({} frames)",
        human_bytes(m.total_frames * PAGE_BYTES),
        m.total_frames
    );
    outln!(
        ctx,
        "MemFree:    {:>10} ({} frames)",
        human_bytes(m.free_frames * PAGE_BYTES),
        m.free_frames
    );
    outln!(
        ctx,
        "MemUsed:    {:>10} ({used} frames)",
        human_bytes(used * PAGE_BYTES)
    );
    outln!(
        ctx,
        "KernelHeap: {:>10} used of {} ({} bytes)",
        human_bytes(m.heap_used_bytes),
        human_bytes(m.heap_bytes),
        m.heap_used_bytes
    );
    let mut table = Table::new(&["cache", "objsize", "active", "total", "slabs"]);
    for s in sysinfo::slabs() {
        table.row(&[
            &s.name,
            &format!("{}", s.object_bytes),
            &format!("{}", s.active),
            &format!("{}", s.total),
            &format!("{}", s.slabs),
        ]);
    }
    outln!(ctx, "{table}");
    Ok(())
}

/// `uptime`.
pub fn uptime(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    no_args("uptime", args)?;
    let up = ulib::sys_info(InfoKind::Uptime).map_err(|e| format!("{e}"))?;
    let tasks = ulib::sys_info(InfoKind::Tasks).unwrap_or(0);
    outln!(ctx, "up {}, {tasks} tasks", duration(up));
    Ok(())
}

/// `reboot`.
pub fn reboot(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    no_args("reboot", args)?;
    outln!(ctx, "restarting");
    ctx.flush();
    Err(format!("the kernel refused: {}", sysinfo::reboot()))
}

/// `poweroff`.
pub fn poweroff(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    no_args("poweroff", args)?;
    outln!(ctx, "powering off");
    ctx.flush();
    Err(format!("the kernel refused: {}", sysinfo::power_off()))
}
