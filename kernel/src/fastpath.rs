//! The IPC fast path: `call` and `reply_recv` with register-only messages, as a list of guards.
//!
//! Every guard that fails sends the syscall down the general path in
//! `syscall`/`ipc`, which handles every case; the fast path only handles the
//! common one faster (seL4's design): a client calling a waiting server, and a
//! server answering a waiting client and waiting again. Both switch straight to
//! the other task: no run queue, no scheduler, and with ASIDs no TLB flush.

use crate::cap::table::Handle;
use crate::kstate::Kernel;
use crate::object::KObj;
use crate::task::{State, TaskId};
use abi::{MsgInfo, Rights, Sysnum};

/// The argument registers x0..x8 of the syscall (copied, not the whole context).
type Regs = [u64; 9];

/// A register-only message from `x1`, or `None` if it needs the general path.
fn register_message(regs: &Regs) -> Option<MsgInfo> {
    let info = MsgInfo::from_raw(regs[1])?;
    (info.len_bytes == 0 && info.handle == 0).then_some(info)
}

/// Writes the message in `regs` into `to`'s registers, as a receive returns it.
#[inline(always)]
fn deliver(k: &mut Kernel, to: TaskId, info: MsgInfo, regs: &Regs, badge: u64) {
    let Some(t) = k.tasks.get_mut(to) else { return };
    t.ctx.x[0] = 0;
    t.ctx.x[1] = info.to_raw();
    for i in 0..abi::MSG_REGS {
        t.ctx.x[2 + i] = if i < usize::from(info.words) {
            regs[2 + i]
        } else {
            0
        };
    }
    t.ctx.x[6] = badge;
    t.state = State::Ready;
    if !k.timeouts.is_empty() {
        k.timeouts.remove(to);
    }
}

/// Tries the fast path for the current task's syscall; `Some(next)` if it was
/// handled and `next` is the task to run now.
pub fn try_fast(k: &mut Kernel) -> Option<TaskId> {
    let me = k.current?;
    let x = &k.tasks.get(me)?.ctx.x;
    let regs: Regs = [x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8]];
    if regs[8] == Sysnum::Call as u64 {
        fast_call(k, me, &regs)
    } else if regs[8] == Sysnum::ReplyRecv as u64 {
        fast_reply_recv(k, me, &regs)
    } else {
        None
    }
}

fn fast_call(k: &mut Kernel, me: TaskId, regs: &Regs) -> Option<TaskId> {
    if regs[6] != abi::FOREVER {
        return None; // a deadline on the reply needs the time queue: general path
    }
    let info = register_message(regs)?;
    let task = k.tasks.get_mut(me)?;
    let cap = task.handles.get(Handle::from_raw(regs[0] as u32)).ok()?;
    let (KObj::Endpoint(ep), true) = (cap.object, cap.rights.contains(Rights::SEND)) else {
        return None;
    };
    let badge = cap.badge;
    let endpoint = k.endpoints.get(ep)?;
    // A dead endpoint has no receivers: its calls fail with PeerGone on the general path.
    let server = *endpoint.receivers.front()?;
    debug_assert!(!endpoint.is_dead(), "a receiver without a RECV handle");
    if !outranks_ready(k, server) {
        return None;
    }
    // Committed: nothing below can fail.
    k.endpoints.get_mut(ep)?.receivers.pop_front();
    let task = k.tasks.get_mut(me)?;
    task.state = State::AwaitingReply { server };
    deliver(k, server, info, regs, badge);
    k.tasks.get_mut(server)?.reply_to = Some(me);
    Some(server)
}

fn fast_reply_recv(k: &mut Kernel, me: TaskId, regs: &Regs) -> Option<TaskId> {
    if regs[6] != abi::FOREVER {
        return None; // a receive timeout needs the time queue: general path
    }
    let info = register_message(regs)?;
    let task = k.tasks.get(me)?;
    let caller = task.reply_to?;
    let cap = task.handles.get(Handle::from_raw(regs[0] as u32)).ok()?;
    let (KObj::Endpoint(ep), true) = (cap.object, cap.rights.contains(Rights::RECV)) else {
        return None;
    };
    if let Some(n) = task.bound_ntfn {
        if k.notifications.get(n).is_none_or(|n| n.bits != 0) {
            return None;
        }
    }
    if !matches!(k.tasks.get(caller)?.state, State::AwaitingReply { server } if server == me) {
        return None;
    }
    if !outranks_ready(k, caller) {
        return None;
    }
    let endpoint = k.endpoints.get_mut(ep)?;
    let full = endpoint.receivers.len() == endpoint.receivers.capacity();
    if !endpoint.senders.is_empty() || full {
        return None; // a queued sender, or a queue that would have to grow
    }
    // Committed: nothing below can fail.
    endpoint.receivers.push_back(me);
    let task = k.tasks.get_mut(me)?;
    task.reply_to = None;
    task.state = State::Receiving { ep };
    deliver(k, caller, info, regs, 0);
    Some(caller)
}

/// The direct switch may skip the scheduler only if `to` is at least as
/// important as every ready task.
#[inline(always)]
fn outranks_ready(k: &Kernel, to: TaskId) -> bool {
    let prio = k.tasks.get(to).map_or(0, |t| t.priority);
    k.run.highest_ready_priority().is_none_or(|p| p <= prio)
}

#[cfg(test)]
#[path = "fastpath_tests.rs"]
mod tests;
