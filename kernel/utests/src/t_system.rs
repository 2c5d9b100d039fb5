//! System tests: shared memory, fault reports, bad arguments, preemption, and task churn without leaks.

use crate::{check, step, Env, Outcome};
use alloc::string::String;
use ulib::abi::{label, Sysnum, FOREVER};
use ulib::mapping::Mapping;
use ulib::task::{spawn, Spawn};
use ulib::{
    ipc, sys_call, sys_handle_close, sys_handle_dup, sys_info, sys_mem_create, sys_sleep,
    sys_task_kill, syscall_raw, Error, InfoKind, Msg, Rights,
};

pub fn shared_memory(env: &Env) -> Outcome {
    let r = step("mem_create", sys_mem_create(2))?;
    let mut a = step("map", Mapping::region(r, true))?;
    let b = step("map again", Mapping::region(r, false))?;
    let bytes = a.bytes_mut().ok_or("writable mapping refused to write")?;
    for (i, x) in bytes.iter_mut().enumerate() {
        *x = (i % 253) as u8;
    }
    check!(b.bytes() == a.bytes(), "two mappings of one region differ");
    let sum: u64 = (0..5000).map(|i| (i % 253) as u64).sum();
    let (ep, task) = env.echo()?;
    let read_only = step(
        "dup",
        sys_handle_dup(r, Rights::MAP.union(Rights::GRANT), 0),
    )?;
    let reply = step(
        "call",
        sys_call(ep, &Msg::new(7, [5000]).with_handle(read_only), FOREVER),
    )?;
    check!(
        reply.words[0] == sum,
        "the other task summed {} not {sum}",
        reply.words[0]
    );
    let ro = step("dup", sys_handle_dup(r, Rights::MAP, 0))?;
    let w = Mapping::region(ro, true);
    check!(
        matches!(w, Err(Error::NoRights)),
        "a read-only handle mapped writable: {:?}",
        w.err()
    );
    env.stop(task);
    drop((a, b));
    for h in [ro, r, ep] {
        step("close", sys_handle_close(h))?;
    }
    Ok(())
}

/// Starts `ufault kind=...` and checks what its supervisor hears.
fn expect_report(env: &Env, args: &str, badge: u64) -> Result<(ulib::Msg, u64), String> {
    let (task, pid) = env.start("ufault", args, &[], badge)?;
    let (msg, got_badge) = env.next_report()?;
    let _ = sys_handle_close(task);
    check_report(&msg, got_badge, badge, pid).map(|()| (msg, pid))
}

fn check_report(msg: &Msg, got: u64, badge: u64, pid: u64) -> Result<(), String> {
    if got != badge || msg.words[0] != pid {
        return Err(alloc::format!(
            "report from pid {} with badge {got}, expected {pid} / {badge}",
            msg.words[0]
        ));
    }
    Ok(())
}

pub fn faults_reported(env: &Env) -> Outcome {
    let faults = [
        ("data", 0x24, 77),
        ("undef", 0x00, 78),
        ("fp", 0x07, 79),
        ("align", 0x24, 82),
    ];
    for (kind, ec, badge) in faults {
        let (msg, _) = expect_report(env, &alloc::format!("kind={kind}"), badge)?;
        check!(
            msg.label() == label::FAULT,
            "{kind}: label {:#x}",
            msg.label()
        );
        check!(
            msg.words[1] >> 26 == ec,
            "{kind}: ESR {:#x} is not class {ec:#x}",
            msg.words[1]
        );
        if kind == "data" {
            check!(
                msg.words[2] == 0x7_0000_0000,
                "data abort FAR {:#x}",
                msg.words[2]
            );
        }
    }
    let (msg, _) = expect_report(env, "kind=panic", 80)?;
    check!(
        msg.label() == label::EXIT && msg.words[1] == 101,
        "panic: {msg:?}"
    );
    let n = usize::from(msg.info.len_bytes);
    let text = ipc::with_buffer(|b| alloc::string::String::from_utf8_lossy(&b[..n]).into_owned());
    check!(
        text.contains("ufault was asked to panic"),
        "panic message was {text:?}"
    );
    let (msg, _) = expect_report(env, "kind=exit code=7", 81)?;
    check!(
        msg.label() == label::EXIT && msg.words[1] == 7,
        "exit: {msg:?}"
    );
    // The system carries on.
    crate::t_ipc::ping_pong(env)
}

/// `x0` of a raw syscall `num` as an error.
#[allow(unsafe_code)]
fn raw_num(num: u64, args: [u64; 7]) -> Result<(), Error> {
    // SAFETY: the arguments point at nothing this task owns (or at nothing at all);
    // the kernel must refuse them without writing anywhere.
    let out = unsafe { syscall_raw(num, args) };
    Error::check(out[0])
}

fn raw(num: Sysnum, args: [u64; 7]) -> Result<(), Error> {
    raw_num(num as u64, args)
}

pub fn bad_arguments(env: &Env) -> Outcome {
    let kernel_addr = 0xFFFF_FF80_0008_0000u64;
    let n = step("notification", ulib::sys_notification_create())?;
    let ep = step("endpoint", ulib::sys_endpoint_create())?;
    let mut garbage = [0u8; 64];
    garbage[..4].copy_from_slice(b"\x7fELF");
    let spawn_garbage = Spawn {
        elf: &garbage,
        name: "junk",
        args: "",
        priority: 1,
        fault_ep: 0,
        handles: &[],
    };
    let cases: [(&str, Result<(), Error>, Error); 22] = [
        (
            "unknown syscall",
            raw_num(999, [0; 7]),
            Error::InvalidSyscall,
        ),
        (
            "log from address 0",
            raw(Sysnum::Log, [0, 5, 6, 0, 0, 0, 0]),
            Error::BadAddress,
        ),
        (
            "log from a kernel address",
            raw(Sysnum::Log, [kernel_addr, 5, 6, 0, 0, 0, 0]),
            Error::BadAddress,
        ),
        (
            "log of 2000 bytes",
            raw(Sysnum::Log, [0x40_0000, 2000, 6, 0, 0, 0, 0]),
            Error::TooLarge,
        ),
        (
            "log at level 9",
            raw(Sysnum::Log, [0x40_0000, 4, 9, 0, 0, 0, 0]),
            Error::InvalidArgument,
        ),
        (
            "map 0 pages",
            raw(Sysnum::MapAnon, [0, 0, 1, 0, 0, 0, 0]),
            Error::InvalidArgument,
        ),
        (
            "map at a misaligned address",
            raw(Sysnum::MapAnon, [0x5000_0123, 1, 1, 0, 0, 0, 0]),
            Error::InvalidArgument,
        ),
        (
            "map in the kernel half",
            raw(Sysnum::MapAnon, [kernel_addr, 1, 1, 0, 0, 0, 0]),
            Error::InvalidArgument,
        ),
        (
            "unmap what is not mapped",
            raw(Sysnum::Unmap, [0x5000_0000, 1, 0, 0, 0, 0, 0]),
            Error::NotMapped,
        ),
        (
            "close handle 0",
            raw(Sysnum::HandleClose, [0; 7]),
            Error::InvalidHandle,
        ),
        (
            "close a made-up handle",
            raw(Sysnum::HandleClose, [0xFFFF, 0, 0, 0, 0, 0, 0]),
            Error::InvalidHandle,
        ),
        (
            "call a notification",
            sys_call(n, &Msg::new(1, []), FOREVER).map(|_| ()),
            Error::WrongType,
        ),
        (
            "spawn from a bad pointer",
            raw(Sysnum::TaskSpawn, [0x10, 0, 0, 0, 0, 0, 0]),
            Error::BadAddress,
        ),
        (
            "spawn a non-ELF",
            spawn(&spawn_garbage).map(|_| ()),
            Error::BadElf,
        ),
        (
            "reply with no caller",
            raw(Sysnum::Reply, [0; 7]),
            Error::NoReplyTarget,
        ),
        (
            "sys_info of an unknown kind",
            raw(Sysnum::SysInfo, [99, 0, 0, 0, 0, 0, 0]),
            Error::InvalidArgument,
        ),
        (
            "a message of 5 register words",
            raw(Sysnum::Send, [u64::from(ep), 5 << 16, 0, 0, 0, 0, 0]),
            Error::InvalidArgument,
        ),
        (
            "kill through an endpoint handle",
            sys_task_kill(ep),
            Error::WrongType,
        ),
        (
            "builtin_start with a bad name pointer",
            raw(Sysnum::BuiltinStart, [0x10, 4, 0, 0, 0, 0, 0]),
            Error::BadAddress,
        ),
        (
            "builtin_start with a kernel address for its arguments",
            raw(
                Sysnum::BuiltinStart,
                [0x40_0000, 0, kernel_addr, 8, 0, 0, 0],
            ),
            Error::BadAddress,
        ),
        (
            "builtin_start with a name over 1 KiB",
            raw(Sysnum::BuiltinStart, [0x40_0000, 2000, 0, 0, 0, 0, 0]),
            Error::TooLarge,
        ),
        (
            "builtin_start of a server no kernel has",
            ulib::sys_builtin_start("no-such-server", "")
                .map(|_| ())
                .map_err(|(e, _)| e),
            Error::NotFound,
        ),
    ];
    for (what, got, want) in cases {
        check!(got == Err(want), "{what}: got {got:?}, expected {want:?}");
    }
    let _ = env;
    step("close", sys_handle_close(n))?;
    step("close", sys_handle_close(ep))
}

pub fn preemption(env: &Env) -> Outcome {
    let (spinner, _) = env.start("ufault", "kind=spin", &[], 0)?;
    // Same priority as this task: only the timer's time slices let this sleep return.
    step("sleep", sys_sleep(10_000_000))?;
    ulib::sys_yield();
    step("kill", sys_task_kill(spinner))?;
    step("close", sys_handle_close(spinner))
}

fn free_frames() -> u64 {
    sys_info(InfoKind::FreeFrames).unwrap_or(0)
}

pub fn thousand_tasks(env: &Env) -> Outcome {
    let ep = step("endpoint", ulib::sys_endpoint_create())?;
    let (warm, _) = env.start("uecho", "", &[ep], 0)?;
    env.stop(warm);
    let (frames0, tasks0) = (free_frames(), sys_info(InfoKind::Tasks).unwrap_or(0));
    for i in 0..1000 {
        let (task, _) = env
            .start("uecho", "", &[ep], 0)
            .map_err(|e| alloc::format!("task {i}: {e}"))?;
        env.stop(task);
    }
    for i in 0..50 {
        let (msg, _) = expect_report(env, "kind=exit code=3", 1000 + i)?;
        check!(
            msg.label() == label::EXIT && msg.words[1] == 3,
            "exit {i}: {msg:?}"
        );
    }
    let (frames1, tasks1) = (free_frames(), sys_info(InfoKind::Tasks).unwrap_or(0));
    check!(
        frames1 == frames0,
        "free frames {frames0} before, {frames1} after"
    );
    check!(tasks1 == tasks0, "tasks {tasks0} before, {tasks1} after");
    step("close", sys_handle_close(ep))
}

/// Spawning past the kernel's task limit is an error (`OutOfMemory`), and the
/// system goes on: the echo servers then exit one by one on request.
pub fn task_limit(env: &Env) -> Outcome {
    let ep = step("endpoint", ulib::sys_endpoint_create())?;
    let mut started = 0u32;
    let refusal = loop {
        match env.start("uecho", "", &[ep], 0) {
            Ok((task, _)) => {
                started += 1;
                step("close", sys_handle_close(task))?;
            }
            Err(e) => break e,
        }
        check!(started <= 2000, "no limit after {started} tasks");
    };
    check!(
        refusal.contains("out of memory"),
        "after {started} tasks: {refusal}"
    );
    check!(started >= 500, "only {started} tasks before the limit");
    for i in 0..started {
        let r = sys_call(ep, &Msg::new(4, []), 5_000_000_000);
        check!(r.is_ok(), "stopping echo {i}: {r:?}");
    }
    let tasks = sys_info(InfoKind::Tasks).unwrap_or(0);
    check!(tasks < 10, "{tasks} tasks left after all echoes exited");
    step("close", sys_handle_close(ep))
}
