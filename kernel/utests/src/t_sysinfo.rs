//! Kernel introspection: the log for `dmesg`, tasks and CPU time for `ps`, object caches, memory figures.

use crate::{check, step, Env, Outcome};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use ulib::sysinfo::{log_read, mem_info, slab_info, slabs, task_info, tasks, TaskState};
use ulib::{level, sys_info, sys_log, sys_log_read, sys_sleep, Error, InfoKind};

/// A log record read back: seq, level, text.
type Seen = (u64, u8, String);

/// Reads the log from `from_seq` to its end; returns the next seq and the records seen.
fn read_all(from_seq: u64) -> Result<(u64, Vec<Seen>), String> {
    let (mut seq, mut seen) = (from_seq, Vec::new());
    for _ in 0..1000 {
        let next = step(
            "log_read",
            log_read(seq, |r| {
                seen.push((r.seq, r.level, String::from(r.text)));
            }),
        )?;
        if next == seq {
            return Ok((seq, seen));
        }
        check!(next > seq, "log_read went back from {seq} to {next}");
        seq = next;
    }
    Err(String::from("the log never ended"))
}

fn log_comes_back() -> Outcome {
    let (end, _) = read_all(0)?;
    let now = step("uptime", sys_info(InfoKind::Uptime))?;
    let (first, second) = (format!("sysinfo-a-{now}"), format!("sysinfo-b-{now}"));
    step("log", sys_log(level::NOTICE, &first))?;
    step("log", sys_log(level::WARNING, &second))?;
    let (after, seen) = read_all(end)?;
    let find = |marker: &str| seen.iter().find(|(_, _, text)| text.contains(marker));
    let (Some(a), Some(b)) = (find(&first), find(&second)) else {
        return Err(format!("markers not read back from seq {end}: {seen:?}"));
    };
    check!(a.1 == level::NOTICE, "level {} for a notice", a.1);
    check!(b.1 == level::WARNING, "level {} for a warning", b.1);
    check!(
        b.0 > a.0 && a.0 >= end,
        "seqs {} then {} from {end}",
        a.0,
        b.0
    );
    check!(after > b.0, "next seq {after} is not past {}", b.0);
    let seqs: Vec<u64> = seen.iter().map(|r| r.0).collect();
    check!(
        seqs.windows(2).all(|w| w[1] == w[0] + 1),
        "gaps in {seqs:?}"
    );
    let far = after + 1000;
    check!(
        step("log_read", sys_log_read(far))? == (0, far),
        "a seq past the end must copy nothing"
    );
    let mut called = false;
    let next = step("log_read", log_read(u64::MAX, |_| called = true))?;
    check!(next == u64::MAX && !called, "past the end gave {next}");
    Ok(())
}

fn tasks_are_listed(env: &Env) -> Outcome {
    let me = step("task id", sys_info(InfoKind::TaskId))?;
    let mine = step("task_info", task_info(me))?;
    check!(mine.pid == me, "asked for {me}, got {}", mine.pid);
    check!(mine.name == "init", "my name is {:?}", mine.name);
    check!(
        mine.state == TaskState::Running,
        "I am {}",
        mine.state.name()
    );
    check!(
        mine.pages > 16,
        "only {} pages for this program",
        mine.pages
    );
    let ep = step("endpoint", ulib::sys_endpoint_create())?;
    let (t1, pid1) = env.start("uecho", "", &[ep], 0)?;
    let (t2, pid2) = env.start("uecho", "", &[ep], 0)?;
    step("sleep", sys_sleep(20_000_000))?; // the echoes run and wait in recv
    let all = tasks();
    let pids: Vec<u64> = all.iter().map(|t| t.pid).collect();
    check!(all.len() >= 3, "only {pids:?}");
    check!(
        pids.windows(2).all(|w| w[0] < w[1]),
        "not in pid order: {pids:?}"
    );
    for pid in [me, pid1, pid2] {
        check!(pids.contains(&pid), "{pid} missing from {pids:?}");
    }
    let echo = step("task_info", task_info(pid1))?;
    check!(
        echo.pid == pid1 && echo.name == "uecho" && echo.priority == 16,
        "{echo:?}"
    );
    check!(
        echo.state == TaskState::Receiving,
        "the echo is {}",
        echo.state.name()
    );
    let last = pids.last().copied().unwrap_or(0);
    let past = task_info(last + 1);
    check!(past == Err(Error::NotFound), "past pid {last}: {past:?}");
    env.stop(t1);
    env.stop(t2);
    step("close", ulib::sys_handle_close(ep))
}

fn cpu_time_grows() -> Outcome {
    let me = step("task id", sys_info(InfoKind::TaskId))?;
    let before = step("task_info", task_info(me))?.cpu_ns;
    let start = step("uptime", sys_info(InfoKind::Uptime))?;
    let busy_ns = 30_000_000;
    while sys_info(InfoKind::Uptime).unwrap_or(u64::MAX) - start < busy_ns {
        core::hint::spin_loop();
    }
    let after = step("task_info", task_info(me))?.cpu_ns;
    let uptime = step("uptime", sys_info(InfoKind::Uptime))?;
    // The clock a task reads itself is the kernel's: in between two readings of it.
    let read = ulib::sysinfo::uptime_ns();
    let later = step("uptime", sys_info(InfoKind::Uptime))?;
    check!(
        uptime <= read && read <= later,
        "the counter read {read} ns, between kernel readings {uptime} and {later}"
    );
    check!(
        after >= before + busy_ns / 3,
        "{before} ns then {after} ns after {busy_ns} ns of spinning"
    );
    check!(
        after <= uptime,
        "{after} ns of CPU in {uptime} ns since boot"
    );
    Ok(())
}

fn caches_and_memory() -> Outcome {
    let caches = slabs();
    check!(!caches.is_empty(), "no object cache listed");
    for c in &caches {
        check!(!c.name.is_empty() && c.object_bytes > 0, "{c:?}");
        check!(c.active <= c.total, "{c:?}");
        check!((c.total == 0) == (c.slabs == 0), "{c:?}");
    }
    let past = slab_info(caches.len() as u64);
    check!(past == Err(Error::NotFound), "past the caches: {past:?}");
    if let Some(ctx) = caches.iter().find(|c| c.name == "user-context") {
        let live = tasks().len() as u64;
        check!(ctx.active >= live, "{live} tasks but {ctx:?}");
    }
    let m = step("mem_info", mem_info())?;
    check!(
        m.total_frames > 0 && m.free_frames <= m.total_frames,
        "{m:?}"
    );
    check!(
        m.heap_bytes > 0 && m.heap_used_bytes <= m.heap_bytes,
        "{m:?}"
    );
    check!(
        m.heap_used_bytes > 0,
        "the kernel heap holds nothing: {m:?}"
    );
    Ok(())
}

/// `dmesg`, `ps`, `slabinfo` and `meminfo` as the shell will ask for them.
pub fn introspection(env: &Env) -> Outcome {
    log_comes_back()?;
    tasks_are_listed(env)?;
    cpu_time_grows()?;
    caches_and_memory()
}
