//! Host tests of the scheduler's moves over kernel state: priorities, time slices, sleeps and IPC timeouts.

use super::*;
use crate::object::KObj;
use crate::platform::host::TICK_NS;
use crate::sched::queue::TIMESLICE_TICKS;
use crate::test_kernel::*;
use abi::{Error, MsgInfo, Rights};

const SLICE: u64 = TIMESLICE_TICKS as u64;

#[test]
fn the_highest_priority_ready_task_runs_first() {
    let mut k = kernel();
    let low = task(&mut k, "low", 1);
    let high = task(&mut k, "high", 9);
    assert_eq!(k.pick_next(), Some(high));
    assert_eq!(k.current, Some(high));
    assert!(k.run.contains(low));
    assert!(!k.run.contains(high), "the running task is not queued");
}

#[test]
fn nothing_runnable_means_no_task() {
    let mut k = kernel();
    assert_eq!(k.pick_next(), None);
    let a = task(&mut k, "a", 1);
    assert_eq!(k.pick_next(), Some(a));
    k.block_current(State::Sleeping, FOREVER);
    assert_eq!(k.pick_next(), None);
    assert!(k.timeouts.is_empty(), "FOREVER sets no deadline");
}

#[test]
fn a_woken_higher_priority_task_preempts_and_the_preempted_resumes_first() {
    let mut k = kernel();
    let a = task(&mut k, "a", 2);
    let b = task(&mut k, "b", 2);
    assert_eq!(k.pick_next(), Some(a));
    let high = task(&mut k, "high", 7);
    assert_eq!(k.pick_next(), Some(high), "outranked: switch at once");
    k.block_current(State::Sleeping, FOREVER);
    // `a` lost the CPU before its slice ended, so it goes before `b`.
    assert_eq!(k.pick_next(), Some(a));
    assert!(k.run.contains(b));
}

#[test]
fn equal_priorities_take_turns_when_the_slice_expires() {
    let mut k = kernel();
    let a = task(&mut k, "a", 3);
    let b = task(&mut k, "b", 3);
    assert_eq!(k.pick_next(), Some(a));
    k.account_switch(Some(a));
    advance(&mut k, (SLICE - 1) * TICK_NS);
    assert_eq!(k.pick_next(), Some(a), "slice not used up yet");
    advance(&mut k, TICK_NS);
    assert_eq!(k.pick_next(), Some(b));
    k.account_switch(Some(b));
    assert_eq!(cpu_ns(&k, a), SLICE * TICK_NS);
    assert_eq!(
        k.quantum.ticks_left(),
        TIMESLICE_TICKS,
        "b has a full slice"
    );
    advance(&mut k, SLICE * TICK_NS);
    assert_eq!(k.pick_next(), Some(a), "a was at the back of the queue");
    k.account_switch(Some(a));
    assert_eq!(cpu_ns(&k, b), SLICE * TICK_NS);
    assert_eq!(cpu_ns(&k, a), SLICE * TICK_NS);
}

#[test]
fn a_lone_task_keeps_running_with_a_fresh_slice() {
    let mut k = kernel();
    let a = task(&mut k, "a", 3);
    assert_eq!(k.pick_next(), Some(a));
    advance(&mut k, SLICE * TICK_NS);
    assert!(k.quantum.is_expired());
    assert_eq!(k.pick_next(), Some(a));
    assert!(!k.quantum.is_expired());
    assert!(k.run.is_empty());
}

#[test]
fn a_sleeper_wakes_on_the_first_tick_after_its_deadline() {
    let mut k = kernel();
    let a = task(&mut k, "a", 1);
    assert_eq!(k.pick_next(), Some(a));
    tk(&mut k, a).ctx.x[0] = 99;
    k.block_current(State::Sleeping, TICK_NS + TICK_NS / 2);
    assert_eq!(k.pick_next(), None);
    advance(&mut k, TICK_NS);
    assert_eq!(state(&k, a), State::Sleeping, "deadline not reached");
    advance(&mut k, TICK_NS * 6 / 10);
    assert_eq!(
        state(&k, a),
        State::Sleeping,
        "past the deadline, but deadlines are checked on ticks"
    );
    advance(&mut k, TICK_NS * 4 / 10);
    assert_eq!(state(&k, a), State::Ready);
    assert_eq!(result(&mut k, a), Ok(()));
    assert!(k.timeouts.is_empty());
    assert_eq!(k.pick_next(), Some(a));
}

#[test]
fn a_timed_out_sender_leaves_the_queue_with_timed_out() {
    let mut k = kernel();
    let Pair {
        cli, ep, h_cli: h, ..
    } = pair(&mut k);
    load(&mut k, cli, words_msg(1, &[5]), &[5]);
    assert_eq!(
        sys(&mut k, cli, |k| k.sys_send(h, false, TICK_NS / 2)),
        Ok(())
    );
    assert!(matches!(
        state(&k, cli),
        State::Sending {
            call: false,
            badge: BADGE,
            ..
        }
    ));
    assert_eq!(k.endpoints.get(ep).map(|e| e.senders.len()), Some(1));
    advance(&mut k, TICK_NS);
    assert_eq!(state(&k, cli), State::Ready);
    assert_eq!(result(&mut k, cli), Err(Error::TimedOut));
    assert_eq!(k.endpoints.get(ep).map(|e| e.senders.len()), Some(0));
    assert!(k.timeouts.is_empty());
}

#[test]
fn a_timed_out_receiver_leaves_the_queue_with_timed_out() {
    let mut k = kernel();
    let Pair {
        srv, ep, h_srv: h, ..
    } = pair(&mut k);
    assert_eq!(sys(&mut k, srv, |k| k.sys_recv(h, 3 * TICK_NS)), Ok(()));
    assert_eq!(state(&k, srv), State::Receiving { ep });
    advance(&mut k, 2 * TICK_NS);
    assert_eq!(state(&k, srv), State::Receiving { ep });
    advance(&mut k, TICK_NS);
    assert_eq!(result(&mut k, srv), Err(Error::TimedOut));
    assert_eq!(state(&k, srv), State::Ready);
    assert!(k.endpoints.get(ep).is_some_and(|e| e.receivers.is_empty()));
}

#[test]
fn a_delivered_message_cancels_the_receive_deadline() {
    let mut k = kernel();
    let Pair {
        srv,
        cli,
        h_srv,
        h_cli,
        ..
    } = pair(&mut k);
    assert_eq!(sys(&mut k, srv, |k| k.sys_recv(h_srv, TICK_NS)), Ok(()));
    assert_eq!(send(&mut k, cli, h_cli, 2, &[8]), Ok(()));
    assert!(k.timeouts.is_empty());
    advance(&mut k, 5 * TICK_NS);
    assert_eq!(result(&mut k, srv), Ok(()), "no late TimedOut");
    assert_eq!(received(&mut k, srv).1[0], 8);
}

#[test]
fn a_timed_out_waiter_leaves_the_notification() {
    let mut k = kernel();
    let a = task(&mut k, "a", 1);
    let n = notification(&mut k);
    let h = grant(&mut k, a, KObj::Notification(n), Rights::RECV, 0);
    assert_eq!(sys(&mut k, a, |k| k.sys_wait(h, TICK_NS)), Ok(()));
    assert_eq!(state(&k, a), State::Waiting { ntfn: n });
    advance(&mut k, TICK_NS);
    assert_eq!(result(&mut k, a), Err(Error::TimedOut));
    assert!(k.notifications.get(n).is_some_and(|x| x.waiters.is_empty()));
}

#[test]
fn a_call_deadline_also_covers_the_wait_for_the_reply() {
    let mut k = kernel();
    let Pair {
        srv,
        cli,
        h_srv,
        h_cli,
        ..
    } = pair(&mut k);
    load(&mut k, cli, words_msg(1, &[]), &[]);
    assert_eq!(
        sys(&mut k, cli, |k| k.sys_send(h_cli, true, 2 * TICK_NS)),
        Ok(())
    );
    assert_eq!(recv(&mut k, srv, h_srv), Ok(()));
    assert_eq!(state(&k, cli), State::AwaitingReply { server: srv });
    assert_eq!(tk(&mut k, srv).reply_to, Some(cli));
    advance(&mut k, 2 * TICK_NS);
    assert_eq!(result(&mut k, cli), Err(Error::TimedOut));
    assert_eq!(state(&k, cli), State::Ready);
    assert_eq!(
        tk(&mut k, srv).reply_to,
        None,
        "the server owes nothing now"
    );
    assert_eq!(reply(&mut k, srv, 0, &[]), Err(Error::NoReplyTarget));
}

#[test]
fn a_malformed_reply_is_refused_and_a_corrected_one_still_reaches_the_caller() {
    let mut k = kernel();
    let p = pair(&mut k);
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    assert_eq!(call(&mut k, p.cli, p.h_cli, 1, &[5]), Ok(()));
    tk(&mut k, p.srv).ctx.x[1] = 5 << 16; // five register words: no such message
    assert_eq!(
        sys(&mut k, p.srv, |k| k.sys_reply()),
        Err(Error::InvalidArgument)
    );
    assert_eq!(
        tk(&mut k, p.srv).reply_to,
        Some(p.cli),
        "the reply target survives"
    );
    assert_eq!(reply(&mut k, p.srv, 2, &[7]), Ok(()));
    assert_eq!(
        received(&mut k, p.cli),
        (MsgInfo::new(2, 1), [7, 0, 0, 0], 0)
    );
}

#[test]
fn a_direct_call_keeps_its_deadline_while_it_waits_for_the_reply() {
    let mut k = kernel();
    let p = pair(&mut k);
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    load(&mut k, p.cli, words_msg(1, &[]), &[]);
    assert_eq!(
        sys(&mut k, p.cli, |k| k.sys_send(p.h_cli, true, 20_000_000)),
        Ok(())
    );
    assert_eq!(k.current, Some(p.srv), "switched straight to the server");
    advance(&mut k, 30_000_000);
    assert_eq!(result(&mut k, p.cli), Err(Error::TimedOut));
    assert_eq!(tk(&mut k, p.srv).reply_to, None);
}
