//! ubench: sel4bench-style benchmarks in guest instructions (PMU event 0x08), run as init of the bench image.
//!
//! Each operation runs a warm-up unmeasured, then many times with the
//! counter read around every run; the cost of two back-to-back reads is
//! subtracted from every sample. Each operation prints one machine-readable
//! line as it finishes (`bench: op=NAME mode=micro n= min= mean= max= sd=
//! desc=TEXT`, read by `tools/benchreport`), and a human table comes at the
//! end. Under `qemu -icount shift=0` the counts are deterministic.
//!
//! Arguments (the archive's `init.args`; the defaults are for `make bench`):
//! `iterations=` and `warmup=` for the kernel and server operations,
//! `module_iterations=` and `module_warmup=` for loading and unloading a module.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

mod kernel_ops;
mod modules;
mod server_ops;
mod stats;

use alloc::format;
use alloc::vec::Vec;
use core::fmt::Display;
use stats::Results;
use ulib::probe::instructions;
use ulib::task::{spawn, Spawn};
use ulib::{println, Handle};

ulib::entry!(main);

/// This build's way of reaching drivers and servers: `micro` (separate tasks
/// over IPC), or `mono` when the kernel has the servers built in.
fn mode() -> &'static str {
    match ulib::sys_info(ulib::InfoKind::BuiltinServers) {
        Ok(n) if n > 0 => "mono",
        _ => "micro",
    }
}
/// The boot archive's region, as the kernel hands it to init.
const ARCHIVE: Handle = 1;

/// How many runs an operation gets.
#[derive(Clone, Copy, Debug)]
pub struct Runs {
    /// Measured runs.
    pub iterations: usize,
    /// Unmeasured runs before them.
    pub warmup: usize,
}

/// How many runs each kind of operation gets.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// Syscalls, IPC and requests to servers.
    pub fast: Runs,
    /// Loading and unloading a module (a task created and torn down each time).
    pub module: Runs,
}

impl Plan {
    /// The plan from the arguments, `make bench`'s defaults for what is not given.
    fn from_args() -> Plan {
        let count = |key: &str, default: usize| {
            ulib::arg(key)
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(default)
        };
        Plan {
            fast: Runs {
                iterations: count("iterations", 2000).max(1),
                warmup: count("warmup", 100),
            },
            module: Runs {
                iterations: count("module_iterations", 100).max(1),
                warmup: count("module_warmup", 10),
            },
        }
    }
}

/// What every benchmark uses: the archive, the counter's overhead, the plan, the results.
pub struct Bench {
    /// The bench image's boot archive (the programs to start).
    pub archive: newc::Archive<'static>,
    /// Instructions two back-to-back counter reads cost; subtracted from every sample.
    pub overhead: u32,
    /// How many runs.
    pub plan: Plan,
    /// What was measured so far.
    pub results: Results,
}

impl Bench {
    /// One sample: the instructions from `start` to `end`, less the overhead.
    pub fn sample(&self, start: u32, end: u32) -> u32 {
        end.wrapping_sub(start).saturating_sub(self.overhead)
    }

    /// Runs `op` `runs.warmup` times, then `runs.iterations` times with the
    /// counter read around each; the samples, or the first error.
    pub fn samples<T, E>(
        &self,
        runs: Runs,
        mut op: impl FnMut() -> Result<T, E>,
    ) -> Result<Vec<u32>, E> {
        for _ in 0..runs.warmup {
            op()?;
        }
        let mut samples = Vec::with_capacity(runs.iterations);
        for _ in 0..runs.iterations {
            let t0 = instructions();
            let done = op();
            let t1 = instructions();
            done?;
            samples.push(self.sample(t0, t1));
        }
        Ok(samples)
    }

    /// Measures `op` and records it as `name`; an error is recorded as a failure.
    pub fn measure<T, E: Display>(
        &mut self,
        name: &'static str,
        desc: &'static str,
        runs: Runs,
        op: impl FnMut() -> Result<T, E>,
    ) {
        match self.samples(runs, op) {
            Ok(samples) => self.results.add(name, desc, &samples),
            Err(e) => self.results.fail(name, &format!("{e}")),
        }
    }

    /// Starts archive program `name` with `args` at `priority`, holding `handles`;
    /// its task handle. Exit and fault messages go nowhere.
    pub fn start(
        &self,
        name: &str,
        args: &str,
        priority: u8,
        handles: &[Handle],
    ) -> Result<Handle, alloc::string::String> {
        let elf = self
            .archive
            .find(name)
            .ok_or(format!("{name} is not in the boot archive"))?;
        let s = Spawn {
            elf,
            name,
            args,
            priority,
            fault_ep: 0,
            handles,
        };
        spawn(&s)
            .map(|(task, _)| task)
            .map_err(|e| format!("cannot start {name}: {e}"))
    }
}

fn main() -> i32 {
    let Ok(Ok(archive)) = ulib::mapping::boot_archive(ARCHIVE).map(newc::Archive::new) else {
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
    let plan = Plan::from_args();
    println!(
        "bench: run mode={} overhead={overhead} iterations={} warmup={} module_iterations={} module_warmup={}",
        mode(),
        plan.fast.iterations, plan.fast.warmup, plan.module.iterations, plan.module.warmup
    );
    println!(
        "bench: {} per operation, the counter's own overhead ({overhead}) subtracted",
        stats::UNIT
    );
    let mut bench = Bench {
        archive,
        overhead,
        plan,
        results: Results::new(mode()),
    };
    kernel_ops::run(&mut bench);
    server_ops::run(&mut bench);
    bench.results.print_table();
    let r = &bench.results;
    println!(
        "bench: done ops={} skipped={} failed={}",
        r.rows.len(),
        r.skipped,
        r.failed
    );
    i32::from(r.failed > 0)
}
