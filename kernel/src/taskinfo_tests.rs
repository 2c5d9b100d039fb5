//! Host tests of `task_info`: walking tasks by pid, states in the ABI's words, registers, name and CPU time.

use super::*;
use crate::object::KObj;
use crate::platform::host;
use crate::test_kernel::*;
use abi::Rights;

/// `task_info(pid)` as task `t` makes it: the registers x1..x6 and the name.
fn info(k: &mut Kernel, t: TaskId, pid: u64) -> Result<([u64; 6], String), Error> {
    sys(k, t, |k| k.sys_task_info(pid))?;
    let x = tk(k, t).ctx.x;
    let mut name = [0u8; abi::MAX_NAME_BYTES];
    let len = (x[6] as usize).min(name.len());
    host::read_frame(tk(k, t).ipc_frame, 0, &mut name[..len]);
    let name = String::from_utf8(name[..len].to_vec()).expect("UTF-8");
    Ok(([x[1], x[2], x[3], x[4], x[5], x[6]], name))
}

#[test]
fn pids_are_walked_in_order_and_gaps_are_skipped() {
    let mut k = kernel();
    let a = task(&mut k, "a", 1);
    let b = task(&mut k, "b", 1);
    let c = task(&mut k, "c", 1);
    let pid = |k: &Kernel, t: TaskId| k.tasks.get(t).map(|t| t.pid);
    assert_eq!(k.task_from_pid(0), Some(a));
    assert_eq!(k.task_from_pid(1), Some(a));
    assert_eq!(k.task_from_pid(2), Some(b));
    k.kill(b);
    assert_eq!(k.task_from_pid(2), Some(c), "a gone pid is skipped");
    let d = task(&mut k, "d", 1);
    assert!(pid(&k, d) > pid(&k, c), "pids are never reused");
    assert_eq!(k.task_from_pid(pid(&k, c).unwrap_or(0) + 1), Some(d));
    assert_eq!(k.task_from_pid(pid(&k, d).unwrap_or(0) + 1), None);
    assert_eq!(k.task_from_pid(u64::MAX), None);
}

#[test]
fn the_registers_describe_the_task_and_the_name_is_in_the_buffer() {
    let mut k = kernel();
    let me = task(&mut k, "ps", 4);
    let other = task(&mut k, "a-longer-task-name", 9);
    if let Some(space) = tk(&mut k, other).space.as_mut() {
        space.memory_pages = 23;
    }
    let other_pid = tk(&mut k, other).pid;
    let (regs, name) = info(&mut k, me, 2).expect("found");
    assert_eq!(name, "a-longer-task-name");
    assert_eq!(regs, [other_pid, TaskState::Ready as u64, 9, 23, 0, 18]);
    let (regs, name) = info(&mut k, me, 0).expect("found");
    assert_eq!((regs[0], regs[1], regs[2], name.as_str()), (1, 0, 4, "ps"));
    assert_eq!(TaskState::from_raw(regs[1]), Some(TaskState::Running));
    assert_eq!(info(&mut k, me, other_pid + 1), Err(Error::NotFound));
    assert_eq!(result(&mut k, me), Err(Error::NotFound));
}

#[test]
fn blocked_tasks_say_what_they_wait_for() {
    let mut k = kernel();
    let p = pair(&mut k);
    let caller2 = task(&mut k, "cli2", 5);
    let h2 = grant(&mut k, caller2, KObj::Endpoint(p.ep), Rights::SEND, 0);
    let sleeper = task(&mut k, "sleeper", 5);
    let waiter = task(&mut k, "waiter", 5);
    let n = notification(&mut k);
    let hn = grant(&mut k, waiter, KObj::Notification(n), Rights::RECV, 0);
    let ep2 = endpoint(&mut k);
    let _supervisor = grant(&mut k, waiter, KObj::Endpoint(ep2), Rights::RECV, 0);
    let child = task(&mut k, "child", 5);
    tk(&mut k, child).fault_ep = Some((ep2, 1));
    let watcher = task(&mut k, "ps", 5);

    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    assert_eq!(k.task_state(p.srv), Some(TaskState::Receiving));
    assert_eq!(call(&mut k, p.cli, p.h_cli, 1, &[]), Ok(()));
    assert_eq!(k.task_state(p.cli), Some(TaskState::AwaitingReply));
    assert_eq!(call(&mut k, caller2, h2, 1, &[]), Ok(()));
    assert_eq!(k.task_state(caller2), Some(TaskState::Calling));
    assert_eq!(
        sys(&mut k, sleeper, |k| {
            k.block_current(State::Sleeping, 1_000_000);
            Ok(())
        }),
        Ok(())
    );
    assert_eq!(k.task_state(sleeper), Some(TaskState::Sleeping));
    assert_eq!(sys(&mut k, waiter, |k| k.sys_wait(hn, FOREVER)), Ok(()));
    assert_eq!(k.task_state(waiter), Some(TaskState::Waiting));
    assert_eq!(
        sys(&mut k, child, |k| {
            k.exit_current(3, 0);
            Ok(())
        }),
        Ok(())
    );
    assert_eq!(k.task_state(child), Some(TaskState::Zombie));
    let child_pid = tk(&mut k, child).pid;
    let (regs, name) = info(&mut k, watcher, child_pid).expect("a zombie is listed");
    assert_eq!(
        (regs[1], regs[3], name.as_str()),
        (TaskState::Zombie as u64, 0, "child")
    );
}

#[test]
fn a_send_that_waits_for_a_receiver_is_sending() {
    let mut k = kernel();
    let p = pair(&mut k);
    assert_eq!(send(&mut k, p.cli, p.h_cli, 1, &[]), Ok(()));
    assert_eq!(k.task_state(p.cli), Some(TaskState::Sending));
}

#[test]
fn cpu_time_is_charged_on_switches_and_ticks_and_is_fresh_for_the_caller() {
    let mut k = kernel();
    let a = task(&mut k, "a", 1);
    let b = task(&mut k, "b", 1);
    k.account_switch(Some(a));
    host::advance_ns(3_000_000); // no tick yet
    let (regs, _) = info(&mut k, a, 1).expect("found");
    assert_eq!(
        regs[4], 3_000_000,
        "the caller's own time is counted up to the call"
    );
    k.account_switch(Some(b));
    advance(&mut k, 25_000_000); // two ticks: b is charged on each
    assert_eq!((cpu_ns(&k, a), cpu_ns(&k, b)), (3_000_000, 25_000_000));
    k.account_switch(None);
    advance(&mut k, 40_000_000);
    assert_eq!(cpu_ns(&k, b), 25_000_000, "idle time is nobody's");
    k.account_switch(Some(a));
    host::advance_ns(1_000_000);
    let b_pid = tk(&mut k, b).pid;
    let (regs, _) = info(&mut k, a, b_pid).expect("found");
    assert_eq!(regs[4], 25_000_000);
    assert_eq!(cpu_ns(&k, a), 4_000_000);
}

#[test]
fn a_task_that_dies_while_charged_takes_its_time_with_it() {
    let mut k = kernel();
    let a = task(&mut k, "a", 1);
    let b = task(&mut k, "b", 1);
    k.account_switch(Some(a));
    host::advance_ns(5_000_000);
    k.kill(a);
    k.account_switch(Some(b));
    host::advance_ns(1_000_000);
    k.account_running();
    assert_eq!(cpu_ns(&k, b), 1_000_000);
}
