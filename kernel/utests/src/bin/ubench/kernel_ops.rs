//! The kernel's own operations: null syscall, IPC (round trip and each direction), notifications, yield.

use crate::{Bench, Runs};
use alloc::format;
use alloc::vec::Vec;
use ulib::abi::FOREVER;
use ulib::mapping::Mapping;
use ulib::probe::instructions;
use ulib::raw_ipc::RawIpc;
use ulib::{
    sys_call, sys_endpoint_create, sys_info, sys_mem_create, sys_notification_create, sys_signal,
    sys_task_kill, sys_wait, sys_yield, Error, Handle, InfoKind, Msg,
};

/// The priority of the partners of the round trips and of yield: init's, ours.
const SAME_PRIORITY: u8 = 16;
/// The notification waiter's: above ours, so a signal switches to it at once.
const ABOVE_US: u8 = 17;
/// How long the check before a measurement waits for its partner.
const PROBE_TIMEOUT_NS: u64 = 1_000_000_000;
/// Where the stamp partners write the reading taken on arrival (see `upartner`).
const RECV_AT: usize = 0;
/// Where `upartner kind=stamp` writes the reading taken before its previous reply.
const SENT_AT: usize = 4;

/// One message size and the names of its three measurements.
struct Payload {
    msg: Msg,
    round_trip: (&'static str, &'static str),
    call: (&'static str, &'static str),
    reply: (&'static str, &'static str),
}

const PAYLOADS: [Payload; 5] = [
    Payload {
        msg: Msg::new(1, []),
        round_trip: (
            "ipc_round_trip_0w",
            "IPC round trip, 0 words (call + reply_recv)",
        ),
        call: ("ipc_call_oneway_0w", "IPC call one way, 0 words"),
        reply: ("ipc_reply_oneway_0w", "IPC reply one way, 0 words"),
    },
    Payload {
        msg: Msg::new(1, [1, 2, 3, 4]),
        round_trip: ("ipc_round_trip_4w", "IPC round trip, 4 words"),
        call: ("ipc_call_oneway_4w", "IPC call one way, 4 words"),
        reply: ("ipc_reply_oneway_4w", "IPC reply one way, 4 words"),
    },
    Payload {
        msg: Msg::new(1, []).with_bytes(64),
        round_trip: ("ipc_round_trip_64b", "IPC round trip, 64-byte buffer"),
        call: ("ipc_call_oneway_64b", "IPC call one way, 64-byte buffer"),
        reply: ("ipc_reply_oneway_64b", "IPC reply one way, 64-byte buffer"),
    },
    Payload {
        msg: Msg::new(1, []).with_bytes(1024),
        round_trip: ("ipc_round_trip_1k", "IPC round trip, 1 KiB buffer"),
        call: ("ipc_call_oneway_1k", "IPC call one way, 1 KiB buffer"),
        reply: ("ipc_reply_oneway_1k", "IPC reply one way, 1 KiB buffer"),
    },
    Payload {
        msg: Msg::new(1, []).with_bytes(4096),
        round_trip: ("ipc_round_trip_4k", "IPC round trip, 4 KiB buffer"),
        call: ("ipc_call_oneway_4k", "IPC call one way, 4 KiB buffer"),
        reply: ("ipc_reply_oneway_4k", "IPC reply one way, 4 KiB buffer"),
    },
];

/// The round trip through ulib's typed stubs (`sys_call`, `sys_reply_recv`)
/// and `uecho`'s dispatch on the label: what a typical client and server add.
const TYPED_ROUND_TRIP: (&str, &str) = (
    "ipc_round_trip_0w_typed",
    "IPC round trip, 0 words, typed stubs (sys_call + uecho)",
);

/// Checks once, before measuring, that `ep`'s server echoes `msg` (label and
/// byte count), so the measured calls need only look at `x0`.
fn echoes(ep: Handle, msg: &Msg) -> Result<(), alloc::string::String> {
    match sys_call(ep, msg, PROBE_TIMEOUT_NS) {
        Ok(echo) if echo.label() == msg.label() && echo.info.len_bytes == msg.info.len_bytes => {
            Ok(())
        }
        other => Err(format!("the echo server answered {other:?}")),
    }
}

/// Runs every kernel benchmark, in the order of the table.
pub fn run(b: &mut Bench) {
    let fast = b.plan.fast;
    b.measure("null_syscall", "null syscall (sys_info)", fast, || {
        let _ = sys_info(InfoKind::TaskId);
        Ok::<(), Error>(())
    });
    if let Err(e) = ipc(b) {
        b.results.fail("ipc", &e);
    }
    // Said rather than faked: mica's tasks have one thread each.
    b.results.skip(
        "ipc_same_space",
        "not possible: a task has one thread, so caller and server are always two tasks in two address spaces",
    );
    if let Err(e) = notifications(b) {
        b.results.fail("ntfn", &e);
    }
    if let Err(e) = yield_to_another(b) {
        b.results.fail("yield", &e);
    }
}

/// Round trips through `upartner kind=echo`, register IPC on both sides as
/// sel4bench measures it; one more through `uecho` and ulib's typed stubs;
/// each direction through `upartner kind=stamp`.
fn ipc(b: &mut Bench) -> Result<(), alloc::string::String> {
    let fast = b.plan.fast;
    let echo_ep = sys_endpoint_create().map_err(|e| format!("endpoint: {e}"))?;
    b.start("upartner", "kind=echo", SAME_PRIORITY, &[echo_ep])?;
    for p in &PAYLOADS {
        if let Err(e) = echoes(echo_ep, &p.msg) {
            b.results.fail(p.round_trip.0, &e);
            continue;
        }
        let samples = {
            let mut ipc = RawIpc::take();
            let (info, words) = (p.msg.info, p.msg.words);
            b.samples(fast, || Error::check(ipc.call(echo_ep, info, words)[0]))
        };
        match samples {
            Ok(s) => b.results.add(p.round_trip.0, p.round_trip.1, &s),
            Err(e) => b.results.fail(p.round_trip.0, &format!("{e}")),
        }
    }
    let uecho_ep = sys_endpoint_create().map_err(|e| format!("endpoint: {e}"))?;
    b.start("uecho", "", SAME_PRIORITY, &[uecho_ep])?;
    let (name, desc) = TYPED_ROUND_TRIP;
    let msg = Msg::new(1, []);
    match echoes(uecho_ep, &msg) {
        Ok(()) => b.measure(name, desc, fast, || {
            sys_call(uecho_ep, &msg, FOREVER).map(drop)
        }),
        Err(e) => b.results.fail(name, &e),
    }
    let stamp_ep = sys_endpoint_create().map_err(|e| format!("endpoint: {e}"))?;
    let (region, stamps) = stamp_region()?;
    b.start("upartner", "kind=stamp", SAME_PRIORITY, &[stamp_ep, region])?;
    for p in &PAYLOADS {
        match one_way(b, fast, stamp_ep, &stamps, &p.msg) {
            Ok((call, reply)) => {
                b.results.add(p.call.0, p.call.1, &call);
                b.results.add(p.reply.0, p.reply.1, &reply);
            }
            Err(e) => {
                b.results.fail(p.call.0, &format!("{e}"));
                b.results.fail(p.reply.0, &format!("{e}"));
            }
        }
    }
    Ok(())
}

/// A fresh one-page region for a stamp partner, and our read-only view of it.
fn stamp_region() -> Result<(Handle, Mapping), alloc::string::String> {
    let region = sys_mem_create(1).map_err(|e| format!("region: {e}"))?;
    let view = Mapping::region(region, false).map_err(|e| format!("map: {e}"))?;
    Ok((region, view))
}

/// Reads a stamp the partner wrote (0 if the region were too small, which it is not).
fn stamp(view: &Mapping, offset: usize) -> u32 {
    view.read32(offset).unwrap_or(0)
}

/// Calls the stamp partner: (call one way, reply one way) samples. Both
/// sides use register IPC (`RawIpc`), as the round trips do.
///
/// Call: our reading before `call` to the partner's as soon as it receives.
/// Reply: the partner's reading before `reply_recv` to ours as soon as `call`
/// returns. The partner publishes that reading one round late, so the loop
/// makes one call more than it measures and pairs each reply with our
/// reading from the round before.
fn one_way(
    b: &Bench,
    runs: Runs,
    ep: Handle,
    view: &Mapping,
    msg: &Msg,
) -> Result<(Vec<u32>, Vec<u32>), Error> {
    let mut call = Vec::with_capacity(runs.iterations);
    let mut reply = Vec::with_capacity(runs.iterations);
    let measured = runs.warmup..runs.warmup + runs.iterations;
    let mut back_before: Option<u32> = None;
    let mut ipc = RawIpc::take(); // register IPC, as the round trips
    for i in 0..=measured.end {
        let t0 = instructions();
        let done = ipc.call(ep, msg.info, msg.words)[0];
        let back = instructions();
        Error::check(done)?;
        if measured.contains(&i) {
            call.push(b.sample(t0, stamp(view, RECV_AT)));
        }
        if let Some(before) = back_before.filter(|_| i > measured.start) {
            reply.push(b.sample(stamp(view, SENT_AT), before));
        }
        back_before = Some(back);
    }
    Ok((call, reply))
}

/// Signal to wake (one way, the waiter above us) and the same-priority round trip.
fn notifications(b: &mut Bench) -> Result<(), alloc::string::String> {
    let fast = b.plan.fast;
    let (ping, pong) = two_notifications()?;
    let (region, stamps) = stamp_region()?;
    let waiter = b.start(
        "upartner",
        "kind=ntfn_stamp",
        ABOVE_US,
        &[ping, pong, region],
    )?;
    match signal_to_wake(b, fast, ping, pong, &stamps) {
        Ok(samples) => b.results.add(
            "ntfn_signal_wake",
            "notification signal to wake, one way",
            &samples,
        ),
        Err(e) => b.results.fail("ntfn_signal_wake", &format!("{e}")),
    }
    let _ = sys_task_kill(waiter);
    let (ping, pong) = two_notifications()?;
    b.start("upartner", "kind=ntfn", SAME_PRIORITY, &[ping, pong])?;
    // Checked once here, so the measured rounds need not look at their results.
    sys_signal(ping, 1)
        .and_then(|()| sys_wait(pong, PROBE_TIMEOUT_NS))
        .map_err(|e| format!("the notification partner does not answer: {e}"))?;
    b.measure(
        "ntfn_round_trip",
        "notification signal-to-wake, round trip",
        fast,
        || {
            let _ = sys_signal(ping, 1);
            let _ = sys_wait(pong, FOREVER);
            Ok::<(), Error>(())
        },
    );
    Ok(())
}

/// Two fresh notifications: one to signal the partner, one it signals back.
fn two_notifications() -> Result<(Handle, Handle), alloc::string::String> {
    let ping = sys_notification_create().map_err(|e| format!("notification: {e}"))?;
    let pong = sys_notification_create().map_err(|e| format!("notification: {e}"))?;
    Ok((ping, pong))
}

/// Our reading before `signal` to the waiter's as soon as its `wait` returns.
fn signal_to_wake(
    b: &Bench,
    runs: Runs,
    ping: Handle,
    pong: Handle,
    view: &Mapping,
) -> Result<Vec<u32>, Error> {
    let mut samples = Vec::with_capacity(runs.iterations);
    for i in 0..runs.warmup + runs.iterations {
        let t0 = instructions();
        sys_signal(ping, 1)?;
        // The waiter stamped, signalled back and waits again before we get here.
        sys_wait(pong, FOREVER)?;
        if i >= runs.warmup {
            samples.push(b.sample(t0, stamp(view, RECV_AT)));
        }
    }
    Ok(samples)
}

/// `sys_yield` with one other ready task at our priority: two switches.
fn yield_to_another(b: &mut Bench) -> Result<(), alloc::string::String> {
    let fast = b.plan.fast;
    let yielder = b.start("upartner", "kind=yield", SAME_PRIORITY, &[])?;
    b.measure("yield", "yield to another task and back", fast, || {
        sys_yield();
        Ok::<(), Error>(())
    });
    // A task that never blocks would take every later measurement's scheduling decisions.
    let _ = sys_task_kill(yielder);
    Ok(())
}
