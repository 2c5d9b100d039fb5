//! The IPC fast path: `call` and `reply_recv` without a handle to move, as a list of guards.
//!
//! Every guard that fails sends the syscall down the general path in
//! `syscall`/`ipc`, which handles every case; the fast path only handles the
//! common one faster (seL4's design): a client calling a waiting server, and a
//! server answering a waiting client and waiting again. Both switch straight to
//! the other task: no run queue, no scheduler, and with ASIDs no TLB flush.
//! A `reply_recv_from` reply takes its bytes from the server's pages and,
//! when the caller named a receive window that holds them, writes them
//! straight into the caller's pages (`user_span`); else into its IPC buffer.
//!
//! Cost matters here (docs/benchmarks.md): each task and object is looked up
//! once per step (the caller twice: read, then write), every guard runs before
//! anything changes, and the outgoing task is charged its CPU time through the
//! reference already in hand.

use crate::cap::table::Handle;
use crate::kstate::Kernel;
use crate::mem::PhysAddr;
use crate::object::KObj;
use crate::platform::copy_frame_prefix;
use crate::sched::cpu_time::CpuClock;
use crate::task::{State, Task, TaskId};
use crate::user_span::{copy_span, Span};
use abi::{Rights, Sysnum};

/// Where the word count sits in `x1` (a `MsgInfo`): bits 16..19.
const WORDS_SHIFT: u32 = 16;
/// Where the byte length sits: bits 19..32.
const LEN_SHIFT: u32 = 19;
/// Bits of `x1` above the byte length: the handle to transfer.
const HANDLE_SHIFT: u32 = 32;

/// `x1` and its byte length if it describes a message the fast path takes:
/// at most `MSG_REGS` words, at most `MAX_MSG_BYTES` bytes (none if `takes`
/// is `Registers`), no handle. Such a descriptor is delivered unchanged.
#[inline(always)]
fn fast_message(info_raw: u64, takes: Takes) -> Option<(u64, usize)> {
    let ok = match takes {
        // No bytes and no handle (nothing above the word count), at most
        // MSG_REGS words: one compare.
        Takes::Registers => info_raw >> WORDS_SHIFT <= abi::MSG_REGS as u64,
        // With no handle bits, everything above LEN_SHIFT is the byte length.
        Takes::Any => {
            info_raw >> HANDLE_SHIFT == 0
                && info_raw >> LEN_SHIFT <= abi::MAX_MSG_BYTES as u64
                && (info_raw >> WORDS_SHIFT) & 0x7 <= abi::MSG_REGS as u64
        }
    };
    ok.then_some((info_raw, (info_raw >> LEN_SHIFT) as usize))
}

/// The message of one fast syscall: descriptor, badge, and where its buffer
/// bytes come from. Its words are read from the sender's registers as it is
/// delivered (fewer registers live through the guards).
struct Message {
    info_raw: u64,
    badge: u64,
    /// The sender's IPC frame; its first `len_bytes` go to the receiver's.
    src_frame: PhysAddr,
    len_bytes: usize,
}

/// A `reply_recv_from` message: its bytes come from the sender's memory.
struct MemoryMessage {
    msg: Message,
    from: Span,
}

/// What a receiver is handed: registers, and bytes from wherever they are.
trait Payload {
    /// Writes the message from `from` into `to`'s registers and IPC buffer
    /// (or its receive window), as a receive returns it, and makes `to`
    /// Ready. `tables` are `to`'s (see [`Next`]); true if this loaded them.
    fn deliver(&self, from: &Task, to: &mut Task, tables: (usize, u16)) -> bool;
}

impl Payload for Message {
    #[inline(always)]
    fn deliver(&self, from: &Task, to: &mut Task, _tables: (usize, u16)) -> bool {
        if self.len_bytes != 0 {
            copy_frame_prefix(self.src_frame, to.ipc_frame, self.len_bytes);
        }
        deliver_registers(from, to, self);
        false
    }
}

impl Payload for MemoryMessage {
    /// Into the caller's receive window (`x7` of its `call`) if it holds the
    /// bytes and the caller may write it: its tables are loaded first (the
    /// switch to it needed that anyway), so the hardware walk checks the
    /// window. Else into its IPC buffer.
    #[inline(always)]
    fn deliver(&self, from: &Task, to: &mut Task, (root, asid): (usize, u16)) -> bool {
        let len = self.msg.len_bytes;
        let window = abi::Window::from_raw(to.ctx.x[7]).filter(|w| w.len >= len);
        if let Some(window) = window {
            // The sender runs, so TTBR0 walks are on: a switch is enough.
            crate::platform::switch_user_tables(root, asid);
            match Span::of_user(window.va, len, crate::platform::user_writable_pa) {
                Some(dest) => {
                    copy_span(dest, self.from, len);
                    deliver_registers(from, to, &self.msg);
                    to.ctx.x[0] = abi::REPLY_IN_WINDOW;
                }
                None => self.to_ipc_buffer(from, to),
            }
            return true;
        }
        self.to_ipc_buffer(from, to);
        false
    }
}

impl MemoryMessage {
    /// The bytes into `to`'s IPC buffer, as any reply's.
    #[inline(always)]
    fn to_ipc_buffer(&self, from: &Task, to: &mut Task) {
        let buffer = Span {
            at: to.ipc_frame,
            first: crate::mem::PAGE_SIZE,
            next: None,
        };
        copy_span(buffer, self.from, self.msg.len_bytes);
        deliver_registers(from, to, &self.msg);
    }
}

/// The task the fast path hands the CPU to, with what switching to it takes:
/// its saved context and its TTBR0 (page-table root and current ASID). Read
/// while the task was in hand, so the switch needs no second lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Next {
    /// The task (Ready, charged as the CPU's task).
    pub id: TaskId,
    /// Its context, for the vectors to restore.
    pub ctx: *const crate::task::UserContext,
    /// Its page-table root and ASID (of the current generation).
    pub tables: (usize, u16),
}

impl Next {
    /// `to` (task `id`) as the next task to run, if its ASID is current: a
    /// stale one needs the allocator, which the general path's switch runs.
    #[inline(always)]
    fn of(id: TaskId, to: &Task, asid_generation: u64) -> Option<Next> {
        let asid = crate::mem::asid::Asid::current_value(to.asid, asid_generation)?;
        let root = to.space.as_ref()?.root().as_usize();
        Some(Next {
            id,
            ctx: to.ctx.as_ptr(),
            tables: (root, asid),
        })
    }
}

/// Which messages one try of the fast path takes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Takes {
    /// Registers only: the code has no calls (no `memcpy`), so it needs no
    /// stack frame. A message with buffer bytes is declined.
    Registers,
    /// Any message the fast path handles.
    Any,
}

/// Which IPC syscall a fast try is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `call`.
    Call,
    /// `reply_recv`, or `reply_recv_from`.
    ReplyRecv {
        /// `reply_recv_from`: the reply's bytes come from the server's memory.
        from_memory: bool,
    },
}

impl Op {
    /// The fast path's operation for syscall number `x8`, if it has one.
    #[inline(always)]
    fn of(sysnum: u64) -> Option<Op> {
        match sysnum {
            n if n == Sysnum::Call as u64 => Some(Op::Call),
            n if n == Sysnum::ReplyRecv as u64 => Some(Op::ReplyRecv { from_memory: false }),
            n if n == Sysnum::ReplyRecvFrom as u64 => Some(Op::ReplyRecv { from_memory: true }),
            _ => None,
        }
    }
}

/// Tries the fast path for the current task's syscall;
/// `Some(next)` if it was handled (the IPC is done, `next` is Ready and
/// charged as the CPU's task) and `next` is the task to run now, with nothing
/// left to do but switch to it. `None` changes nothing.
///
/// Everything that needs more than that is declined before anything changes,
/// so the general path and the scheduler handle it: tables not loaded, a
/// target with a stale ASID or a deadline. No timer tick is ever waiting to
/// be accounted here, and the CPU clock always charges the caller (see
/// [`try_fast_as`]).
#[inline(always)]
pub fn try_fast(k: &mut Kernel, takes: Takes) -> Option<Next> {
    let me = k.current?;
    let op = Op::of(k.tasks.get(me)?.ctx.x[8])?;
    try_fast_as(k, op, takes)
}

/// [`try_fast`] for a syscall already known to be `op` (the vectors tell
/// `call` from `reply_recv` by `x8` on the way in, so this reads no number).
/// A register-only `reply_recv_from` is a `reply_recv`: it has no bytes.
#[inline(always)]
pub fn try_fast_as(k: &mut Kernel, op: Op, takes: Takes) -> Option<Next> {
    let me = k.current?;
    let task = k.tasks.get(me)?;
    let x = &task.ctx.x;
    debug_assert!(
        Op::of(x[8]).is_some_and(|o| o == op
            || (o, op)
                == (
                    Op::ReplyRecv { from_memory: true },
                    Op::ReplyRecv { from_memory: false }
                )),
        "the vectors named the wrong operation"
    );
    if x[6] != abi::FOREVER {
        return None; // a deadline needs the time queue: general path
    }
    let (info_raw, len_bytes) = fast_message(x[1], takes)?;
    // Two things hold at every syscall, because every way back to user mode
    // (`switch_to`, `switch_direct`, a built-in call's return) makes them
    // hold; only debug builds check them here. Breaking either would
    // misplace CPU time, not memory:
    // - no tick waits to be accounted: the tick count moves only in the IRQ
    //   handler, IRQs are masked in the kernel except while it idles, and
    //   both ways from an interrupt back to user mode (the IRQ exception's
    //   general path, idle) account ticks first;
    // - the CPU clock charges the caller.
    debug_assert_eq!(
        k.ticks_seen,
        crate::platform::ticks(),
        "a tick not accounted"
    );
    debug_assert_eq!(
        k.cpu_clock.charged(),
        Some(me),
        "the clock charges another task"
    );
    // The loaded tables stay a guard: the switch below trusts them, and
    // isolation depends on it.
    if k.loaded != Some(me) {
        return None;
    }
    let call = op == Op::Call;
    let needed = if call { Rights::SEND } else { Rights::RECV };
    let (ep, badge) =
        task.handles
            .get_as(Handle::from_raw(x[0] as u32), |cap| match cap.object {
                KObj::Endpoint(ep) if cap.rights.contains(needed) => Some((ep, cap.badge)),
                _ => None,
            })?;
    let msg = Message {
        info_raw,
        badge: if call { badge } else { 0 },
        src_frame: task.ipc_frame,
        len_bytes,
    };
    let Op::ReplyRecv { from_memory } = op else {
        return fast_call(k, me, ep, &msg);
    };
    let caller = task.reply_to?;
    if let Some(n) = task.bound_ntfn {
        if k.notifications.get(n).is_none_or(|n| n.bits != 0) {
            return None; // pending bits: the receive returns them instead
        }
    }
    if from_memory && len_bytes != 0 {
        return fast_reply_from_memory(k, me, caller, ep, msg, x[7]);
    }
    fast_reply_recv(k, me, caller, ep, &msg)
}

/// `reply_recv_from` on the fast path: the bytes found in the server's memory
/// first. Out of line and a separate copy of `fast_reply_recv`, so the
/// register-only round trip carries none of its code.
#[inline(never)]
fn fast_reply_from_memory(
    k: &mut Kernel,
    me: TaskId,
    caller: TaskId,
    ep: crate::arena::Id,
    msg: Message,
    va: u64,
) -> Option<Next> {
    let va = usize::try_from(va).ok()?;
    let from = Span::of_user(va, msg.len_bytes, crate::platform::user_readable_pa)?;
    fast_reply_recv(k, me, caller, ep, &MemoryMessage { msg, from })
}

#[inline(always)]
fn fast_call(k: &mut Kernel, me: TaskId, ep: crate::arena::Id, msg: &Message) -> Option<Next> {
    let endpoint = k.endpoints.get_mut(ep)?;
    // A dead endpoint has no receivers: its calls fail with PeerGone on the general path.
    let server = *endpoint.receivers.front()?;
    debug_assert!(!endpoint.is_dead(), "a receiver without a RECV handle");
    let (task, to) = k.tasks.get_pair_mut(me, server)?;
    if !outranks_ready(k.run.highest_ready_priority(), to.priority) {
        return None;
    }
    let next = Next::of(server, to, k.asids.generation())?;
    if k.timeouts.contains(server) {
        return None; // its receive has a deadline to drop
    }
    // Committed: nothing below can fail.
    endpoint.receivers.pop_front();
    msg.deliver(task, to, next.tables);
    to.reply_to = Some(me);
    hand_over(
        &mut k.cpu_clock,
        task,
        State::AwaitingReply { server },
        server,
    );
    Some(next)
}

#[inline(always)]
fn fast_reply_recv<P: Payload>(
    k: &mut Kernel,
    me: TaskId,
    caller: TaskId,
    ep: crate::arena::Id,
    msg: &P,
) -> Option<Next> {
    let endpoint = k.endpoints.get_mut(ep)?;
    if !endpoint.senders.is_empty() || !endpoint.receivers.is_empty() {
        return None; // a queued sender, or other receivers to queue behind
    }
    let (task, to) = k.tasks.get_pair_mut(me, caller)?;
    if !matches!(to.state, State::AwaitingReply { server } if server == me) {
        return None;
    }
    if !outranks_ready(k.run.highest_ready_priority(), to.priority) {
        return None;
    }
    let next = Next::of(caller, to, k.asids.generation())?;
    if k.timeouts.contains(caller) {
        return None; // its call has a deadline to drop
    }
    // Committed: nothing below can fail.
    let queued = endpoint.receivers.push_into_empty(me);
    debug_assert!(queued, "checked empty above");
    if msg.deliver(task, to, next.tables) {
        k.loaded = Some(caller);
    }
    task.reply_to = None;
    hand_over(&mut k.cpu_clock, task, State::Receiving { ep }, caller);
    Some(next)
}

/// Writes `msg`'s registers, its words from `from`'s, into `to`'s as a
/// receive returns them (words past the count zero), and makes `to` Ready.
#[inline(always)]
fn deliver_registers(from: &Task, to: &mut Task, msg: &Message) {
    let n = ((msg.info_raw >> WORDS_SHIFT) & 0x7) as usize;
    let x = &mut to.ctx.x;
    x[0] = 0;
    x[1] = msg.info_raw;
    for i in 0..abi::MSG_REGS {
        x[2 + i] = if i < n { from.ctx.x[2 + i] } else { 0 };
    }
    x[6] = msg.badge;
    to.state = State::Ready;
}

/// Blocks `task` in `state` and charges it the CPU time up to now: the CPU
/// goes to `next`. The clock charges `task` (a guard of `try_fast`).
#[inline(always)]
fn hand_over(clock: &mut CpuClock<TaskId>, task: &mut Task, state: State, next: TaskId) {
    let used_counts = clock.pass_to(next, crate::platform::counter());
    task.state = state;
    task.cpu_counts += used_counts;
}

/// The direct switch may skip the scheduler only if the target (priority
/// `prio`) is at least as important as every ready task.
#[inline(always)]
fn outranks_ready(highest_ready: Option<u8>, prio: u8) -> bool {
    highest_ready.is_none_or(|p| p <= prio)
}

#[cfg(test)]
#[path = "fastpath_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "fastpath_window_tests.rs"]
mod window_tests;
