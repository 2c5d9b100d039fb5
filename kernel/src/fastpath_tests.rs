//! Host tests of the IPC fast path: the same end state as the general path, and no change at all when it declines.

use super::*;
use crate::kstate::Kernel;
use crate::platform::host;
use crate::test_kernel::*;
use abi::{MsgInfo, Rights};
use alloc::vec::Vec;

#[path = "fastpath_guard_tests.rs"]
mod guards;

/// What a thread or the scheduler can observe of one task.
#[derive(Debug, PartialEq)]
struct TaskView {
    id: TaskId,
    state: State,
    reply_to: Option<TaskId>,
    queued: bool,
    /// x0..x8 if it can run (a blocked task's are rewritten before it resumes).
    regs: Option<[u64; 9]>,
}

/// What a thread or the scheduler can observe of kernel state.
#[derive(Debug, PartialEq)]
struct Snapshot {
    current: Option<TaskId>,
    tasks: Vec<TaskView>,
    /// Per endpoint: senders and receivers.
    endpoints: Vec<(Vec<TaskId>, Vec<TaskId>)>,
    queued: usize,
    timeouts: usize,
    slice_ticks: u32,
    /// Whose tables TTBR0 holds, and whom the CPU clock charges.
    loaded: Option<TaskId>,
    charged: Option<TaskId>,
}

fn snapshot(k: &Kernel) -> Snapshot {
    let tasks = k
        .tasks
        .iter()
        .map(|(id, t)| {
            let regs = (t.state == State::Ready).then(|| {
                let mut r = [0; 9];
                r.copy_from_slice(&t.ctx.x[..9]);
                r
            });
            TaskView {
                id,
                state: t.state,
                reply_to: t.reply_to,
                queued: k.run.contains(id),
                regs,
            }
        })
        .collect();
    let endpoints = k
        .endpoints
        .iter()
        .map(|(_, e)| {
            (
                e.senders.iter().copied().collect(),
                e.receivers.iter().copied().collect(),
            )
        })
        .collect();
    Snapshot {
        current: k.current,
        tasks,
        endpoints,
        queued: k.run.len(),
        timeouts: k.timeouts.len(),
        slice_ticks: k.quantum.ticks_left(),
        loaded: k.loaded,
        charged: k.cpu_clock.charged(),
    }
}

/// The same syscall as `syscall::dispatch` performs it, then `trap`'s scheduling.
fn general(k: &mut Kernel) -> Option<TaskId> {
    let me = k.current.expect("a caller");
    let a = k.cur().ctx.x;
    k.cur().ctx.x[0] = 0;
    let result = match a[8] {
        n if n == Sysnum::Call as u64 => k.sys_send(a[0], true, a[6]),
        n if n == Sysnum::ReplyRecv as u64 => k.sys_reply_recv(a[0], a[6]),
        n => panic!("syscall {n} is not modelled here"),
    };
    if let (Err(e), Some(t)) = (result, k.tasks.get_mut(me)) {
        t.ctx.x[0] = e as u64;
    }
    k.account_ticks();
    let next = k.pick_next()?;
    k.switch_to(next);
    Some(next)
}

/// Puts a syscall in `t`'s registers: handle, register message, timeout, number.
fn load_syscall(k: &mut Kernel, t: TaskId, sys: Sysnum, h: u64, info: MsgInfo, words: &[u64]) {
    load(k, t, info, words);
    let x = &mut tk(k, t).ctx.x;
    x[0] = h;
    x[6] = FOREVER;
    x[8] = sys as u64;
}

/// A server blocked in `recv` and its client about to `call` with two words.
fn call_rig(k: &mut Kernel) -> Pair {
    let p = pair(k);
    assert_eq!(recv(k, p.srv, p.h_srv), Ok(()));
    tk(k, p.srv).ctx.x[..9].fill(0xdead);
    load_syscall(
        k,
        p.cli,
        Sysnum::Call,
        p.h_cli,
        words_msg(3, &[10, 20]),
        &[10, 20],
    );
    tk(k, p.cli).ctx.x[4..6].fill(0xbeef); // beyond the message: must not arrive
    run(k, p.cli);
    p
}

/// `call_rig` after the call, with the server about to `reply_recv` with one word.
fn reply_rig(k: &mut Kernel) -> Pair {
    let p = call_rig(k);
    assert_eq!(general(k), Some(p.srv));
    load_syscall(
        k,
        p.srv,
        Sysnum::ReplyRecv,
        p.h_srv,
        words_msg(4, &[42]),
        &[42],
    );
    p
}

#[test]
fn a_fast_call_ends_where_the_general_path_does() {
    let (mut fast_k, mut slow_k) = (kernel(), Kernel::new());
    let p = call_rig(&mut fast_k);
    call_rig(&mut slow_k);
    assert_eq!(fast(&mut fast_k), Some(p.srv), "the fast path took it");
    assert_eq!(general(&mut slow_k), Some(p.srv));
    assert_eq!(snapshot(&fast_k), snapshot(&slow_k));
    assert_eq!(
        received(&mut fast_k, p.srv),
        (MsgInfo::new(3, 2), [10, 20, 0, 0], BADGE)
    );
}

#[test]
fn a_fast_reply_recv_ends_where_the_general_path_does() {
    let (mut fast_k, mut slow_k) = (kernel(), Kernel::new());
    let p = reply_rig(&mut fast_k);
    reply_rig(&mut slow_k);
    assert_eq!(fast(&mut fast_k), Some(p.cli), "the fast path took it");
    assert_eq!(general(&mut slow_k), Some(p.cli));
    assert_eq!(snapshot(&fast_k), snapshot(&slow_k));
    assert_eq!(state(&fast_k, p.srv), State::Receiving { ep: p.ep });
    assert_eq!(
        received(&mut fast_k, p.cli),
        (MsgInfo::new(4, 1), [42, 0, 0, 0], 0)
    );
}

#[test]
fn repeated_fast_round_trips_match_the_general_path() {
    let (mut fast_k, mut slow_k) = (kernel(), Kernel::new());
    let p = reply_rig(&mut fast_k);
    reply_rig(&mut slow_k);
    for round in 0..3u64 {
        for (k, path) in [
            (&mut fast_k, fast as fn(&mut Kernel) -> Option<TaskId>),
            (&mut slow_k, general),
        ] {
            assert_eq!(path(k), Some(p.cli));
            load_syscall(
                k,
                p.cli,
                Sysnum::Call,
                p.h_cli,
                words_msg(1, &[round]),
                &[round],
            );
            assert_eq!(path(k), Some(p.srv));
            load_syscall(
                k,
                p.srv,
                Sysnum::ReplyRecv,
                p.h_srv,
                words_msg(2, &[round]),
                &[round],
            );
        }
        assert_eq!(snapshot(&fast_k), snapshot(&slow_k), "round {round}");
    }
}

/// Asserts that the fast path declines the current syscall in `k` and changes nothing.
/// A timer interrupt as `trap` handles one: the tick accounted, then the scheduler's pick.
fn interrupt(k: &mut Kernel) -> Option<TaskId> {
    advance(k, crate::platform::host::TICK_NS);
    let next = k.pick_next()?;
    k.switch_to(next);
    Some(next)
}

#[test]
fn a_client_and_server_trading_the_cpu_leave_a_slice_to_a_task_of_their_priority() {
    for path in [fast as fn(&mut Kernel) -> Option<TaskId>, general] {
        let mut k = kernel();
        let p = reply_rig(&mut k);
        let other = task(&mut k, "other", 5);
        let mut ran = None;
        // Each round trip hands the CPU across twice; a tick comes after each.
        for round in 0..4 * crate::sched::queue::TIMESLICE_TICKS {
            assert_eq!(path(&mut k), Some(p.cli), "round {round}: the reply");
            load_syscall(
                &mut k,
                p.cli,
                Sysnum::Call,
                p.h_cli,
                words_msg(1, &[1]),
                &[1],
            );
            assert_eq!(path(&mut k), Some(p.srv), "round {round}: the call");
            load_syscall(
                &mut k,
                p.srv,
                Sysnum::ReplyRecv,
                p.h_srv,
                words_msg(2, &[]),
                &[],
            );
            if interrupt(&mut k) == Some(other) {
                ran = Some(round);
                break;
            }
        }
        // The pair shares one slice: the tick that ends it lets `other` run.
        assert_eq!(ran, Some(crate::sched::queue::TIMESLICE_TICKS - 1));
    }
}

fn assert_declines(k: &mut Kernel, why: &str) {
    let before = snapshot(k);
    assert_eq!(try_fast(k, Takes::Any).map(|n| n.id), None, "{why}");
    assert_eq!(snapshot(k), before, "{why}: declining changed state");
}

#[test]
fn the_fast_call_declines_what_it_does_not_handle() {
    let mut k = kernel();
    let p = call_rig(&mut k);
    let call_with = |k: &mut Kernel, info: MsgInfo, h: u64| {
        load_syscall(k, p.cli, Sysnum::Call, h, info, &[]);
    };
    call_with(&mut k, MsgInfo::new(1, 0), p.h_cli);
    tk(&mut k, p.cli).ctx.x[1] = 4097 << 19;
    assert_declines(&mut k, "more bytes than the IPC buffer holds");
    let n = notification(&mut k);
    let hn = grant(&mut k, p.cli, KObj::Notification(n), Rights::ALL, 0);
    call_with(&mut k, MsgInfo::new(1, 0).with_handle(hn as u32), p.h_cli);
    assert_declines(&mut k, "a handle to transfer");
    call_with(&mut k, MsgInfo::new(1, 0), hn);
    assert_declines(&mut k, "not an endpoint");
    let h_weak = grant(&mut k, p.cli, KObj::Endpoint(p.ep), Rights::RECV, 0);
    call_with(&mut k, MsgInfo::new(1, 0), h_weak);
    assert_declines(&mut k, "no SEND right");
    tk(&mut k, p.cli).ctx.x[1] = 7 << 16;
    assert_declines(&mut k, "a malformed descriptor");
    call_with(&mut k, MsgInfo::new(1, 0), p.h_cli);
    tk(&mut k, p.cli).ctx.x[8] = Sysnum::Send as u64;
    assert_declines(&mut k, "not call or reply_recv");

    let high = task(&mut k, "high", 9);
    call_with(&mut k, MsgInfo::new(1, 0), p.h_cli);
    assert_declines(&mut k, "a more important task is ready");
    k.kill(high);
    k.kill(p.srv);
    assert_declines(&mut k, "nobody is receiving");
    assert_eq!(general(&mut k), None, "the general path queues the caller");
    assert!(matches!(
        state(&k, p.cli),
        State::Sending { call: true, .. }
    ));
}

#[test]
fn the_fast_reply_recv_declines_what_it_does_not_handle() {
    let mut k = kernel();
    let p = reply_rig(&mut k);
    let reply_with = |k: &mut Kernel, info: MsgInfo| {
        load_syscall(k, p.srv, Sysnum::ReplyRecv, p.h_srv, info, &[]);
    };
    reply_with(&mut k, MsgInfo::new(1, 0));
    tk(&mut k, p.srv).ctx.x[1] = 4097 << 19;
    assert_declines(&mut k, "more bytes than the IPC buffer holds");
    reply_with(&mut k, MsgInfo::new(1, 0));
    tk(&mut k, p.srv).ctx.x[6] = 1_000_000;
    assert_declines(&mut k, "a receive timeout");

    let high = task(&mut k, "high", 9);
    reply_with(&mut k, MsgInfo::new(1, 0));
    assert_declines(&mut k, "a more important task is ready");
    k.kill(high);

    let n = notification(&mut k);
    let hn = grant(&mut k, p.srv, KObj::Notification(n), Rights::ALL, 0);
    assert_eq!(k.sys_notification_bind(hn), Ok(()));
    k.notifications.get_mut(n).expect("ntfn").bits = 1;
    assert_declines(&mut k, "bound notification bits are pending");
    k.notifications.get_mut(n).expect("ntfn").bits = 0;

    let other = task(&mut k, "other", 5);
    let h_other = grant(&mut k, other, KObj::Endpoint(p.ep), Rights::SEND, 0);
    assert_eq!(call(&mut k, other, h_other, 1, &[]), Ok(()));
    run(&mut k, p.srv);
    assert_declines(&mut k, "a sender is queued");
    assert_eq!(
        general(&mut k),
        Some(p.srv),
        "the server takes the next call"
    );
    assert_eq!(state(&k, p.cli), State::Ready);
    assert_eq!(result(&mut k, p.cli), Ok(()));

    assert_eq!(tk(&mut k, p.srv).reply_to, Some(other));
    tk(&mut k, p.srv).reply_to = None;
    reply_with(&mut k, MsgInfo::new(1, 0));
    assert_declines(&mut k, "nobody to reply to");
    assert_eq!(
        general(&mut k),
        Some(p.cli),
        "reply_recv without a caller just receives"
    );
    assert_eq!(state(&k, p.srv), State::Receiving { ep: p.ep });
}

/// Fills `t`'s IPC buffer with a pattern that differs per `seed`.
fn fill_buffer(k: &mut Kernel, t: TaskId, seed: u8) -> Vec<u8> {
    let bytes: Vec<u8> = (0..abi::MAX_MSG_BYTES)
        .map(|i| (i as u8).wrapping_mul(7) ^ seed)
        .collect();
    host::write_frame(tk(k, t).ipc_frame, 0, &bytes);
    bytes
}

#[test]
fn fast_calls_and_replies_with_bytes_match_the_general_path() {
    for len in [1usize, 63, 64, 100, 4095, 4096] {
        let (mut fast_k, mut slow_k) = (kernel(), Kernel::new());
        let p = call_rig(&mut fast_k);
        call_rig(&mut slow_k);
        let info = MsgInfo::new(5, 1).with_bytes(len as u16);
        let mut sent = Vec::new();
        for k in [&mut fast_k, &mut slow_k] {
            sent = fill_buffer(k, p.cli, 0x11);
            fill_buffer(k, p.srv, 0xEE);
            load_syscall(k, p.cli, Sysnum::Call, p.h_cli, info, &[9]);
        }
        let before_srv = ipc_buffer(&mut fast_k, p.srv);
        assert_eq!(
            fast(&mut fast_k),
            Some(p.srv),
            "len {len}: fast path took it"
        );
        assert_eq!(general(&mut slow_k), Some(p.srv));
        assert_eq!(snapshot(&fast_k), snapshot(&slow_k), "len {len}");
        assert_eq!(received(&mut fast_k, p.srv), (info, [9, 0, 0, 0], BADGE));
        let got = ipc_buffer(&mut fast_k, p.srv);
        assert_eq!(got[..len], sent[..len], "len {len}: the message bytes");
        assert_eq!(got[len..], before_srv[len..], "len {len}: past the message");
        assert_eq!(got, ipc_buffer(&mut slow_k, p.srv), "len {len}");

        let reply = MsgInfo::new(6, 0).with_bytes(len as u16);
        for k in [&mut fast_k, &mut slow_k] {
            sent = fill_buffer(k, p.srv, 0x5A);
            load_syscall(k, p.srv, Sysnum::ReplyRecv, p.h_srv, reply, &[]);
        }
        assert_eq!(fast(&mut fast_k), Some(p.cli), "len {len}: fast reply");
        assert_eq!(general(&mut slow_k), Some(p.cli));
        assert_eq!(snapshot(&fast_k), snapshot(&slow_k), "len {len}");
        let got = ipc_buffer(&mut fast_k, p.cli);
        assert_eq!(got[..len], sent[..len], "len {len}: the reply bytes");
        assert_eq!(got, ipc_buffer(&mut slow_k, p.cli), "len {len}");
    }
}
