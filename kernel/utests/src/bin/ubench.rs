//! ubench: IPC and syscall benchmarks in guest instructions (PMU event 0x08), run as init of the bench image.
//!
//! Each operation runs `WARMUP` times unmeasured, then `ITERATIONS` times with
//! the counter read around every run; the cost of two back-to-back reads is
//! subtracted. Under `qemu -icount shift=0` the counts are deterministic.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::vec::Vec;
use ulib::abi::FOREVER;
use ulib::probe::instructions;
use ulib::task::{spawn, Spawn};
use ulib::{
    println, sys_call, sys_endpoint_create, sys_info, sys_notification_create, sys_signal,
    sys_wait, sys_yield, InfoKind, Msg,
};

ulib::entry!(main);

const WARMUP: usize = 100;
const ITERATIONS: usize = 2000;

/// Min, mean and max of one operation, overhead already subtracted.
struct Stats {
    min: u32,
    mean: u32,
    max: u32,
}

fn measure(overhead: u32, mut op: impl FnMut()) -> Stats {
    for _ in 0..WARMUP {
        op();
    }
    let mut samples = Vec::with_capacity(ITERATIONS);
    for _ in 0..ITERATIONS {
        let t0 = instructions();
        op();
        let t1 = instructions();
        samples.push(t1.wrapping_sub(t0).saturating_sub(overhead));
    }
    let sum: u64 = samples.iter().map(|&s| u64::from(s)).sum();
    Stats {
        min: samples.iter().copied().min().unwrap_or(0),
        mean: (sum / ITERATIONS as u64) as u32,
        max: samples.iter().copied().max().unwrap_or(0),
    }
}

fn report(name: &str, s: &Stats) {
    println!("bench: {name:<44} {:>8} {:>8} {:>8}", s.min, s.mean, s.max);
}

fn start(archive: &newc::Archive, name: &str, args: &str, handles: &[u32]) -> Option<u32> {
    let elf = archive.find(name)?;
    let s = Spawn {
        elf,
        name,
        args,
        priority: 16,
        fault_ep: 0,
        handles,
    };
    spawn(&s).ok().map(|(h, _)| h)
}

fn main() -> i32 {
    let Ok(Ok(archive)) = ulib::mapping::boot_archive(1).map(newc::Archive::new) else {
        println!("bench: cannot read the boot archive");
        return 2;
    };
    let overhead = (0..100)
        .map(|_| instructions().wrapping_sub(instructions()).wrapping_neg())
        .min()
        .unwrap_or(0);
    if instructions() == instructions() {
        println!("bench: the instruction counter does not move: run under qemu -icount shift=0");
        return 3;
    }
    println!("bench: guest instructions per operation ({ITERATIONS} runs after {WARMUP} warm-up, counter overhead {overhead} subtracted)");
    println!(
        "bench: {:<44} {:>8} {:>8} {:>8}",
        "operation", "min", "mean", "max"
    );
    report(
        "null syscall (sys_info)",
        &measure(overhead, || {
            let _ = sys_info(InfoKind::TaskId);
        }),
    );
    let Ok(ep) = sys_endpoint_create() else {
        return 2;
    };
    let Some(_echo) = start(&archive, "uecho", "", &[ep]) else {
        return 2;
    };
    for (name, msg) in [
        (
            "IPC round trip, 0 words (call + reply_recv)",
            Msg::new(1, []),
        ),
        ("IPC round trip, 4 words", Msg::new(1, [1, 2, 3, 4])),
        (
            "IPC round trip, 64-byte buffer",
            Msg::new(1, []).with_bytes(64),
        ),
        (
            "IPC round trip, 4 KiB buffer",
            Msg::new(1, []).with_bytes(4096),
        ),
    ] {
        report(
            name,
            &measure(overhead, || {
                let _ = sys_call(ep, &msg, FOREVER);
            }),
        );
    }
    let (Ok(ping), Ok(pong)) = (sys_notification_create(), sys_notification_create()) else {
        return 2;
    };
    let Some(_partner) = start(&archive, "upartner", "kind=ntfn", &[ping, pong]) else {
        return 2;
    };
    let s = measure(overhead, || {
        let _ = sys_signal(ping, 1);
        let _ = sys_wait(pong, FOREVER);
    });
    report("notification signal-to-wake, round trip", &s);
    let Some(_yielder) = start(&archive, "upartner", "kind=yield", &[]) else {
        return 2;
    };
    report(
        "yield to another task and back",
        &measure(overhead, sys_yield),
    );
    println!("bench: done");
    0
}
