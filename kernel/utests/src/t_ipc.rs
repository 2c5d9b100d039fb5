//! IPC tests: call/reply, sizes, badges, handle passing, rights, notifications, timeouts, dead endpoints.

use crate::{check, step, Env, Outcome};
use ulib::abi::{label, FOREVER, NO_WAIT};
use ulib::{
    ipc, sys_call, sys_handle_close, sys_handle_dup, sys_info, sys_notification_bind,
    sys_notification_create, sys_recv, sys_signal, sys_sleep, sys_wait, Error, InfoKind, Msg,
    Rights,
};

pub fn ping_pong(env: &Env) -> Outcome {
    let (ep, task) = env.echo()?;
    for i in 0..1000u64 {
        let reply = step(
            "call",
            sys_call(ep, &Msg::new(1, [i, i * 2, i * 3, !i]), FOREVER),
        )?;
        check!(
            reply.label() == 1 && reply.words == [i, i * 2, i * 3, !i],
            "round {i}: {:?}",
            reply.words
        );
    }
    // The server may park a reply in a handle and answer through it later.
    let reply = step("call", sys_call(ep, &Msg::new(8, [41]), FOREVER))?;
    check!(
        reply.label() == 8 && reply.words[0] == 42,
        "saved reply gave {reply:?}"
    );
    env.stop(task);
    step("close", sys_handle_close(ep))
}

fn pattern(i: usize) -> u8 {
    (i * 7 + 3) as u8
}

pub fn message_sizes(env: &Env) -> Outcome {
    let (ep, task) = env.echo()?;
    for n in 0..=4usize {
        let mut words = [0u64; 4];
        for (i, w) in words.iter_mut().enumerate().take(n) {
            *w = 0x1111 * (i as u64 + 1);
        }
        let mut msg = Msg::new(1, words);
        msg.info.words = n as u8;
        let reply = step("call", sys_call(ep, &msg, FOREVER))?;
        check!(
            reply.info.words as usize == n && reply.words == words,
            "{n} words came back as {:?}",
            reply.words
        );
    }
    for n in [0usize, 1, 64, 1024, 4096] {
        ipc::with_buffer(|b| b.iter_mut().enumerate().for_each(|(i, x)| *x = pattern(i)));
        let sum: u64 = (0..n).map(|i| u64::from(pattern(i))).sum();
        let reply = step(
            "call",
            sys_call(ep, &Msg::new(5, []).with_bytes(n as u16), FOREVER),
        )?;
        check!(
            reply.words[0] == sum,
            "{n} bytes: server summed {} not {sum}",
            reply.words[0]
        );
        let reply = step(
            "call",
            sys_call(ep, &Msg::new(6, []).with_bytes(n as u16), FOREVER),
        )?;
        check!(
            usize::from(reply.info.len_bytes) == n,
            "{n} bytes came back as {}",
            reply.info.len_bytes
        );
        let ok = ipc::with_buffer(|b| (0..n).all(|i| b[i] == pattern(n - 1 - i)));
        check!(ok, "{n} bytes did not come back reversed");
    }
    let too_big = sys_call(ep, &Msg::new(1, []).with_bytes(4097), FOREVER);
    check!(too_big.is_err(), "a 4097-byte message was accepted");
    env.stop(task);
    step("close", sys_handle_close(ep))
}

pub fn badges(env: &Env) -> Outcome {
    let (ep, task) = env.echo()?;
    let badged = step(
        "dup",
        sys_handle_dup(ep, Rights::SEND.union(Rights::DUP), 42),
    )?;
    let reply = step("call", sys_call(badged, &Msg::new(2, []), FOREVER))?;
    check!(
        reply.words[0] == 42,
        "badged call seen with badge {}",
        reply.words[0]
    );
    let reply = step("call", sys_call(ep, &Msg::new(2, []), FOREVER))?;
    check!(
        reply.words[0] == 0,
        "unbadged call seen with badge {}",
        reply.words[0]
    );
    let rebadge = sys_handle_dup(badged, Rights::SEND, 7);
    check!(
        rebadge == Err(Error::InvalidArgument),
        "re-badging gave {rebadge:?}"
    );
    env.stop(task);
    step("close", sys_handle_close(badged))?;
    step("close", sys_handle_close(ep))
}

pub fn handles_and_rights(env: &Env) -> Outcome {
    let (ep, task) = env.echo()?;
    let n = step("notification", sys_notification_create())?;
    let signal_only = step("dup", sys_handle_dup(n, Rights::SEND, 0))?;
    let reply = step(
        "call",
        sys_call(ep, &Msg::new(3, [0b1010]).with_handle(signal_only), FOREVER),
    )?;
    check!(
        reply.words[0] == 1,
        "the server could not signal the handle it was given"
    );
    check!(
        step("wait", sys_wait(n, 1_000_000_000))? == 0b1010,
        "wrong bits"
    );
    let moved = sys_handle_close(signal_only);
    check!(
        moved == Err(Error::InvalidHandle),
        "the passed handle stayed with the sender: {moved:?}"
    );

    let recv_only = step(
        "dup",
        sys_handle_dup(ep, Rights::RECV.union(Rights::DUP), 0),
    )?;
    let r = sys_call(recv_only, &Msg::new(1, []), FOREVER);
    check!(r == Err(Error::NoRights), "call without SEND gave {r:?}");
    let widened = step("dup", sys_handle_dup(recv_only, Rights::ALL, 0))?;
    let r = sys_call(widened, &Msg::new(1, []), FOREVER);
    check!(r == Err(Error::NoRights), "a duplicate gained SEND: {r:?}");
    let no_dup = step("dup", sys_handle_dup(ep, Rights::SEND, 0))?;
    let r = sys_handle_dup(no_dup, Rights::SEND, 0);
    check!(r == Err(Error::NoRights), "dup without DUP gave {r:?}");
    let extra = step("dup", sys_handle_dup(n, Rights::SEND, 0))?;
    let r = sys_call(no_dup, &Msg::new(3, [1]).with_handle(extra), FOREVER);
    check!(
        r == Err(Error::NoRights),
        "passing a handle without GRANT gave {r:?}"
    );
    let r = sys_signal(ep, 1);
    check!(
        r == Err(Error::WrongType),
        "signal on an endpoint gave {r:?}"
    );
    env.stop(task);
    for h in [recv_only, widened, no_dup, extra, n, ep] {
        step("close", sys_handle_close(h))?;
    }
    Ok(())
}

pub fn notifications(_env: &Env) -> Outcome {
    let n = step("notification", sys_notification_create())?;
    step("signal", sys_signal(n, 1))?;
    step("signal", sys_signal(n, 4))?;
    check!(
        step("wait", sys_wait(n, NO_WAIT))? == 5,
        "bits did not accumulate"
    );
    let r = sys_wait(n, NO_WAIT);
    check!(r == Err(Error::WouldBlock), "an empty wait gave {r:?}");
    let ep = step("endpoint", ulib::sys_endpoint_create())?;
    step("bind", sys_notification_bind(n))?;
    step("signal", sys_signal(n, 8))?;
    let (msg, badge) = step("recv", sys_recv(ep, 1_000_000_000))?;
    check!(
        msg.label() == label::NOTIFICATION && msg.words[0] == 8 && badge == 0,
        "recv gave {msg:?}"
    );
    step("unbind", sys_notification_bind(0))?;
    step("close", sys_handle_close(ep))?;
    step("close", sys_handle_close(n))
}

fn uptime_ns() -> u64 {
    sys_info(InfoKind::Uptime).unwrap_or(0)
}

pub fn sleep_and_timeouts(_env: &Env) -> Outcome {
    let t0 = uptime_ns();
    step("sleep", sys_sleep(30_000_000))?;
    let slept = uptime_ns() - t0;
    check!(
        slept >= 30_000_000,
        "sleep(30 ms) returned after {slept} ns"
    );
    let ep = step("endpoint", ulib::sys_endpoint_create())?;
    let t0 = uptime_ns();
    let r = sys_recv(ep, 20_000_000);
    let waited = uptime_ns() - t0;
    check!(
        matches!(r, Err(Error::TimedOut)),
        "recv with nobody sending gave {r:?}"
    );
    check!(
        waited >= 20_000_000,
        "recv timed out after only {waited} ns"
    );
    let r = sys_call(ep, &Msg::new(1, []), 20_000_000);
    check!(
        r == Err(Error::TimedOut),
        "call with nobody receiving gave {r:?}"
    );
    let n = step("notification", sys_notification_create())?;
    let r = sys_wait(n, 20_000_000);
    check!(r == Err(Error::TimedOut), "wait gave {r:?}");
    step("close", sys_handle_close(n))?;
    step("close", sys_handle_close(ep))
}

/// Long enough that a call hanging on a dead endpoint fails the test instead of passing.
const DEAD_CALL_TIMEOUT_NS: u64 = 2_000_000_000;

pub fn dead_endpoint(env: &Env) -> Outcome {
    // uecho holds the only RECV handle; the test keeps a SEND-only copy.
    let (ep, task) = env.echo()?;
    let client = step("dup", sys_handle_dup(ep, Rights::SEND, 0))?;
    step("close", sys_handle_close(ep))?;
    let reply = step(
        "call",
        sys_call(client, &Msg::new(1, [5]), DEAD_CALL_TIMEOUT_NS),
    )?;
    check!(reply.words[0] == 5, "a live server echoed {reply:?}");
    env.stop(task);
    let r = sys_call(client, &Msg::new(1, [6]), DEAD_CALL_TIMEOUT_NS);
    check!(
        r == Err(Error::PeerGone),
        "a call to a killed server gave {r:?}"
    );
    let r = ulib::sys_send(client, &Msg::new(1, []), NO_WAIT);
    check!(r == Err(Error::PeerGone), "a send to it gave {r:?}");
    step("close the dead endpoint's handle", sys_handle_close(client))?;
    // A caller already waiting when the receiver ends (or, if the receiver
    // ran first, a call after it ended) also gets PeerGone.
    let ep = step("endpoint", ulib::sys_endpoint_create())?;
    let client = step("dup", sys_handle_dup(ep, Rights::SEND, 0))?;
    let (task, _) = env.start("ufault", "kind=exit", &[ep], 0)?;
    step("close", sys_handle_close(ep))?;
    let r = sys_call(client, &Msg::new(1, []), DEAD_CALL_TIMEOUT_NS);
    check!(
        r == Err(Error::PeerGone),
        "a call whose receiver exited gave {r:?}"
    );
    env.stop(task);
    step("close", sys_handle_close(client))
}

/// `reply_recv_from` on the general path (a timeout keeps it off the fast
/// path): bytes the server cannot read are refused with `BadAddress` and
/// nothing is sent; readable ones reach the caller.
pub fn reply_from_memory(env: &Env) -> Outcome {
    let ep = step("endpoint", ulib::sys_endpoint_create())?;
    let (task, _) = env.start("upartner", "kind=caller", &[ep], 90)?;
    let (msg, _) = step("receive the call", sys_recv(ep, 5_000_000_000))?;
    check!(
        msg.label() == 9 && msg.words[0] == 7,
        "the call was {msg:?}"
    );
    let info = ulib::MsgInfo::new(9, 1).with_bytes(16);
    let args = [u64::from(ep), info.to_raw(), 8, 0, 0, 0, NO_WAIT];
    for (what, va) in [
        ("below user space", 0x10u64),
        ("in kernel space", 0xFFFF_FF80_0000_0000),
        ("unmapped", 0x7_0000_0000),
    ] {
        let result = raw_reply_from(args, va);
        check!(
            result == Err(Error::BadAddress),
            "bytes {what}: {result:?}, not BadAddress"
        );
    }
    let bytes: [u8; 16] = core::array::from_fn(|i| i as u8 + 1);
    let answered = ulib::sys_reply_recv_from(ep, &Msg::new(9, [8]), &bytes, NO_WAIT);
    check!(
        answered == Err(Error::WouldBlock),
        "the reply, then nothing to receive: {answered:?}"
    );
    let (report, _) = env.next_report()?;
    check!(
        report.label() == label::EXIT && report.words[1] == 0,
        "the caller did not get the reply intact: {report:?}"
    );
    let _ = sys_handle_close(task);
    step("close", sys_handle_close(ep))
}

/// `reply_recv_from` with `args` and its bytes at `va`, as a raw syscall.
#[allow(unsafe_code)]
fn raw_reply_from(args: [u64; 7], va: u64) -> Result<(), Error> {
    // SAFETY: the kernel only reads at `va` (and sends what it read); it
    // writes nothing of ours but the registers and the IPC buffer, whose
    // guard the raw call holds.
    let out = unsafe { ulib::syscall_raw_x7(ulib::abi::Sysnum::ReplyRecvFrom as u64, args, va) };
    Error::check(out[0])
}
