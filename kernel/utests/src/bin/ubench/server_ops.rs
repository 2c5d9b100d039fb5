//! Operations through the real servers, started as modules by ubench: file read and write, GPIO, UART, insmod and rmmod.
//!
//! The boot set is init's, in its order: devreg, then gpio, uart and fs,
//! each with the registry. The UART driver drives the mini UART: the PL011
//! carries the kernel's console, which this output travels on, and a
//! driver that claims it takes the console over (our lines would stop
//! reaching the log) and would print the benchmark's bytes among them.
//! `make bench` gives QEMU a second serial port (`-serial null`) for the
//! mini UART, so its bytes go nowhere.

use crate::modules::{Manager, Module};
use crate::{Bench, ARCHIVE};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use proto::ioctl::{GPIO_CLEAR, GPIO_GET_LEVEL, GPIO_SET, GPIO_SET_FUNCTION};
use ulib::file::{Errno, File, OpenFlags};
use ulib::probe::instructions;

/// The pin the GPIO benchmarks drive: free on the Pi 3 (not the UART's 14-15 nor the SD card's 48-53).
const PIN: u64 = 17;
/// GPIO_SET_FUNCTION's value for an output.
const OUTPUT: u64 = 1;
/// The file the file-server benchmarks read and write.
const FILE: &str = "/bench-4k";
/// The operations that need the boot set, failed together if it does not load.
const NEED_BOOT_SET: [&str; 5] = [
    "fs_read_4k",
    "fs_write_4k",
    "gpio_write",
    "gpio_read_level",
    "uart_write_64b",
];

/// Loads the boot set, measures through it, then loads and unloads `hello`.
pub fn run(b: &mut Bench) {
    let mut mgr = match Manager::new(ARCHIVE) {
        Ok(m) => m,
        Err(e) => {
            let cycles = CYCLES.iter().flat_map(|c| [c.insmod.0, c.rmmod.0]);
            for op in NEED_BOOT_SET.iter().copied().chain(cycles) {
                b.results.fail(op, &format!("no manager endpoint: {e}"));
            }
            return;
        }
    };
    let mut loaded = Vec::new();
    match boot_set(b, &mut mgr) {
        Ok(set) => {
            let fs = set
                .iter()
                .find(|m| m.name == "fs")
                .map_or(0, |m| m.client_ep);
            ulib::file::set_root(fs);
            files(b);
            gpio(b);
            uart(b);
            loaded = set;
        }
        Err(e) => NEED_BOOT_SET.iter().for_each(|op| b.results.fail(op, &e)),
    }
    for c in &CYCLES {
        if let Some(i) = loaded.iter().position(|m| m.name == c.name) {
            // Loaded with the boot set: out first, so the cycles start from unloaded.
            let m = loaded.remove(i);
            let stopped = mgr.stop(&m);
            mgr.forget(m);
            if let Err(e) = stopped {
                b.results.fail(c.insmod.0, &e);
                b.results.fail(c.rmmod.0, &e);
                continue;
            }
        }
        if let Err(e) = load_cycles(b, &mut mgr, c) {
            b.results.fail(c.insmod.0, &e);
            b.results.fail(c.rmmod.0, &e);
        }
    }
}

/// devreg, gpio, uart (mini UART) and fs, each loaded and ready.
fn boot_set(b: &Bench, mgr: &mut Manager) -> Result<Vec<Module>, String> {
    let mut set = Vec::new();
    for (name, args) in [
        ("devreg", ""),
        ("gpio", ""),
        ("uart", "port=mini baud=115200"),
        ("fs", ""),
    ] {
        let elf = b
            .archive
            .find(name)
            .ok_or(format!("{name} is not in the boot archive"))?;
        set.push(mgr.load(name, elf, args)?);
    }
    Ok(set)
}

/// A checked count: `EIO` unless the server moved `want` bytes.
fn moved(got: Result<usize, Errno>, want: usize) -> Result<usize, Errno> {
    got.and_then(|n| if n == want { Ok(n) } else { Err(Errno::Io) })
}

/// A 4 KiB `pread` and `pwrite` of one file at the file server, through `ulib::file`.
fn files(b: &mut Bench) {
    let fast = b.plan.fast;
    let rw = OpenFlags::READ | OpenFlags::WRITE | OpenFlags::CREATE;
    let block = [0x5a_u8; 4096];
    let opened = File::open(FILE, rw, 0o644)
        .and_then(|f| moved(f.write_at(0, &block), block.len()).map(|_| f));
    let file = match opened {
        Ok(f) => f,
        Err(e) => {
            b.results.fail("fs_read_4k", &format!("create {FILE}: {e}"));
            b.results
                .fail("fs_write_4k", &format!("create {FILE}: {e}"));
            return;
        }
    };
    let mut buf = [0u8; 4096];
    b.measure(
        "fs_read_4k",
        "file read, 4 KiB (fs, ulib::file read_at)",
        fast,
        || moved(file.read_at(0, &mut buf), 4096),
    );
    if buf != block {
        b.results
            .fail("fs_read_4k", "the bytes read are not the bytes written");
    }
    b.measure(
        "fs_write_4k",
        "file write, 4 KiB (fs, ulib::file write_at)",
        fast,
        || moved(file.write_at(0, &block), 4096),
    );
}

/// Pin 17 set and cleared, and its level read, at the GPIO driver opened as `/dev/gpiochip0`.
fn gpio(b: &mut Bench) {
    let fast = b.plan.fast;
    let opened =
        File::open("/dev/gpiochip0", OpenFlags::READ | OpenFlags::WRITE, 0).and_then(|mut g| {
            g.ioctl(GPIO_SET_FUNCTION, PIN | OUTPUT << 8, &[], &mut [])?;
            Ok(g)
        });
    let mut g = match opened {
        Ok(g) => g,
        Err(e) => {
            b.results
                .fail("gpio_write", &format!("open /dev/gpiochip0: {e}"));
            b.results
                .fail("gpio_read_level", &format!("open /dev/gpiochip0: {e}"));
            return;
        }
    };
    let mut high = false;
    b.measure(
        "gpio_write",
        "GPIO write, 1 pin (GPIO_SET/GPIO_CLEAR ioctl)",
        fast,
        || {
            high = !high;
            let cmd = if high { GPIO_SET } else { GPIO_CLEAR };
            g.ioctl(cmd, PIN, &[], &mut [])
        },
    );
    b.measure(
        "gpio_read_level",
        "GPIO level read, 1 pin (GPIO_GET_LEVEL ioctl)",
        fast,
        || g.ioctl(GPIO_GET_LEVEL, PIN, &[], &mut []),
    );
}

/// 64 bytes written to the mini UART, opened as `/dev/ttyS1`.
fn uart(b: &mut Bench) {
    let fast = b.plan.fast;
    // No newline: the driver would send it as two bytes.
    let line = [b'.'; 64];
    match File::open("/dev/ttyS1", OpenFlags::WRITE, 0) {
        Ok(mut tty) => b.measure(
            "uart_write_64b",
            "UART write, 64 bytes (uart, mini UART)",
            fast,
            || moved(tty.write(&line), line.len()),
        ),
        Err(e) => b
            .results
            .fail("uart_write_64b", &format!("open /dev/ttyS1: {e}")),
    }
}

/// A module loaded and unloaded again and again, and what its figures are called.
struct Cycle {
    name: &'static str,
    /// Its `.modinfo` defaults, which init would fill in.
    args: &'static str,
    insmod: (&'static str, &'static str),
    rmmod: (&'static str, &'static str),
}

/// `hello` is a task in both builds; `gpio` is built into the monolithic kernel.
const CYCLES: [Cycle; 2] = [
    Cycle {
        name: "hello",
        args: "howmany=1 whom=world",
        insmod: ("insmod_hello", "insmod hello: handles + spawn to READY"),
        rmmod: ("rmmod_hello", "rmmod hello: STOP to the exit message"),
    },
    Cycle {
        name: "gpio",
        args: "uart=pl011",
        insmod: (
            "insmod_gpio",
            "insmod gpio: handles + start to ready (a task, or built in)",
        ),
        rmmod: ("rmmod_gpio", "rmmod gpio: STOP to its end"),
    },
];

/// Module `c.name` loaded (start to ready) and unloaded (STOP to its end),
/// again and again. A module the kernel has built in (the monolithic build)
/// is ready when `builtin_start` returns and gone when STOP's call does.
fn load_cycles(b: &mut Bench, mgr: &mut Manager, c: &Cycle) -> Result<(), String> {
    let (name, args) = (c.name, c.args);
    let runs = b.plan.module;
    let elf = b
        .archive
        .find(name)
        .ok_or(format!("{name} is not in the boot archive"))?;
    let mut load = Vec::with_capacity(runs.iterations);
    let mut unload = Vec::with_capacity(runs.iterations);
    for i in 0..runs.warmup + runs.iterations {
        let t0 = instructions();
        let m = mgr.start(name, elf, args)?;
        let ready = mgr.wait_ready(&m);
        let t1 = instructions();
        if let Err(e) = ready {
            mgr.discard(m);
            return Err(e);
        }
        mgr.answer_ready(&m);
        let t2 = instructions();
        let stopped = mgr.stop(&m);
        let t3 = instructions();
        mgr.forget(m);
        match stopped? {
            0 => {}
            code => return Err(format!("{name}'s exit function ended with {code}")),
        }
        if i >= runs.warmup {
            load.push(b.sample(t0, t1));
            unload.push(b.sample(t2, t3));
        }
    }
    b.results.add(c.insmod.0, c.insmod.1, &load);
    b.results.add(c.rmmod.0, c.rmmod.1, &unload);
    Ok(())
}
