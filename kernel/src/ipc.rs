//! IPC on endpoints: call, send, recv, reply, reply_recv and saved replies (notifications: `notify.rs`).
//!
//! A message lives in the sender's registers (`x1` info, `x2..x5` words) and
//! IPC buffer until a receiver arrives; then it is copied once, register to
//! register and buffer to buffer. A call that finds its server waiting
//! switches straight to it, and the reply switches straight back.

use crate::arena::Id;
use crate::cap::table::{Cap, Handle};
use crate::kstate::Kernel;
use crate::object::KObj;
use crate::platform::{self, copy_frame_prefix};
use crate::task::{State, TaskId};
use abi::{Error, MsgInfo, Rights};

impl Kernel {
    /// The endpoint that handle `h` of the current task names, if it has `needed`.
    fn endpoint_cap(&mut self, h: u64, needed: Rights) -> Result<(Id, u64, Rights), Error> {
        let cap = self
            .cur()
            .handles
            .get(Handle::from_raw(h as u32))
            .map_err(|_| Error::InvalidHandle)?;
        let KObj::Endpoint(ep) = cap.object else {
            return Err(Error::WrongType);
        };
        if !cap.rights.contains(needed) {
            return Err(Error::NoRights);
        }
        Ok((ep, cap.badge, cap.rights))
    }

    /// Copies the message of `from` into `to`'s registers and IPC buffer, moving
    /// a transferred handle along (a move: its object's counts, RECV ones
    /// included, stay as they are). `to` sees `badge` in `x6`.
    pub fn transfer(&mut self, from: TaskId, to: TaskId, badge: u64) {
        let Some(s) = self.tasks.get_mut(from) else {
            return;
        };
        let (info, words) = match s.kmsg {
            Some(k) => (k.info, k.words),
            None => {
                let info = MsgInfo::from_raw(s.ctx.x[1]).unwrap_or_default();
                (info, [s.ctx.x[2], s.ctx.x[3], s.ctx.x[4], s.ctx.x[5]])
            }
        };
        let src_frame = s.ipc_frame;
        let room = |k: &Self| {
            k.tasks
                .get(to)
                .is_some_and(|r| r.handles.len() < r.handles.capacity())
        };
        // A full receiver gets the message without the handle, which stays put.
        let moved = match info.handle {
            0 => None,
            _ if !room(self) => None,
            h => self
                .tasks
                .get_mut(from)
                .and_then(|s| s.handles.remove(Handle::from_raw(h)).ok()),
        };
        let Some(r) = self.tasks.get_mut(to) else {
            return;
        };
        let mut out = info;
        out.handle = 0;
        let mut bounced = None;
        if let Some(cap) = moved {
            match r.handles.insert(cap.clone()) {
                Ok(h) => out.handle = h.raw(),
                Err(_) => bounced = Some(cap),
            }
        }
        copy_frame_prefix(src_frame, r.ipc_frame, usize::from(info.len_bytes));
        r.ctx.x[0] = 0;
        r.ctx.x[1] = out.to_raw();
        for (i, w) in words.iter().enumerate() {
            r.ctx.x[2 + i] = if i < usize::from(info.words) { *w } else { 0 };
        }
        r.ctx.x[6] = badge;
        if let (Some(cap), Some(s)) = (bounced, self.tasks.get_mut(from)) {
            // The receiver's table was full: the handle stays with the sender.
            let _ = s.handles.insert(cap);
        }
    }

    /// Checks the message the current task is about to send: sizes and any handle it carries.
    fn check_outgoing(&mut self, ep_rights: Rights) -> Result<(), Error> {
        let x1 = self.cur().ctx.x[1];
        let info = MsgInfo::from_raw(x1).ok_or(Error::InvalidArgument)?;
        if info.handle != 0 {
            if !ep_rights.contains(Rights::GRANT) {
                return Err(Error::NoRights);
            }
            self.cur()
                .handles
                .get(Handle::from_raw(info.handle))
                .map_err(|_| Error::InvalidHandle)?;
        }
        Ok(())
    }

    /// `send` and `call`: deliver to a waiting receiver or queue on the endpoint.
    pub fn sys_send(&mut self, h: u64, call: bool, timeout_ns: u64) -> Result<(), Error> {
        if let Ok(cap) = self.cur().handles.get(Handle::from_raw(h as u32)) {
            if let (KObj::Builtin(id), badge) = (cap.object, cap.badge) {
                if !cap.rights.contains(Rights::SEND) {
                    return Err(Error::NoRights);
                }
                return self.builtin_call(h, id, badge, call, timeout_ns);
            }
        }
        let (ep, badge, rights) = self.endpoint_cap(h, Rights::SEND)?;
        self.check_outgoing(rights)?;
        let me = self.current.expect("a syscall has a current task");
        let receiver = self
            .endpoints
            .get_mut(ep)
            .and_then(|e| e.receivers.pop_front());
        let Some(r) = receiver else {
            let e = self.endpoints.get_mut(ep).ok_or(Error::PeerGone)?;
            if e.is_dead() {
                return Err(Error::PeerGone); // nobody can ever receive it
            }
            if timeout_ns == abi::NO_WAIT {
                return Err(Error::WouldBlock);
            }
            e.senders.try_reserve(1).map_err(|_| Error::OutOfMemory)?;
            e.senders.push_back(me);
            self.block_current(State::Sending { ep, call, badge }, timeout_ns);
            return Ok(());
        };
        self.transfer(me, r, badge);
        self.timeouts.remove(r);
        if call {
            self.cur().state = State::AwaitingReply { server: r };
            if let Some(server) = self.tasks.get_mut(r) {
                server.reply_to = Some(me);
                server.state = State::Ready;
            }
            if timeout_ns != abi::FOREVER {
                // The deadline covers the wait for the reply, as when the call queues.
                let deadline = platform::monotonic_ns().saturating_add(timeout_ns);
                let _ = self.timeouts.insert(deadline, me);
            }
            // Direct switch: no run queue, no scheduler, and the server runs
            // out the caller's time slice (`Kernel::switch_direct`).
            self.current = Some(r);
        } else {
            self.cur().ctx.set_result(Ok(()));
            self.wake(r);
        }
        Ok(())
    }

    /// `recv`: take a bound notification or a queued message, or wait for one.
    pub fn sys_recv(&mut self, h: u64, timeout_ns: u64) -> Result<(), Error> {
        let (ep, _, _) = self.endpoint_cap(h, Rights::RECV)?;
        if self.take_bound_notification() {
            return Ok(());
        }
        let me = self.current.expect("a syscall has a current task");
        let sender = self
            .endpoints
            .get_mut(ep)
            .and_then(|e| e.senders.pop_front());
        let Some(s) = sender else {
            if timeout_ns == abi::NO_WAIT {
                return Err(Error::WouldBlock);
            }
            if let Some(e) = self.endpoints.get_mut(ep) {
                e.receivers.try_reserve(1).map_err(|_| Error::OutOfMemory)?;
                e.receivers.push_back(me);
            }
            self.block_current(State::Receiving { ep }, timeout_ns);
            return Ok(());
        };
        self.accept_sender(s, me);
        Ok(())
    }

    /// The receiver `me` takes the message of queued sender `s`.
    fn accept_sender(&mut self, s: TaskId, me: TaskId) {
        let Some((state, zombie)) = self.tasks.get(s).map(|t| (t.state, t.kmsg.is_some())) else {
            return;
        };
        let (call, badge) = match state {
            State::Sending { call, badge, .. } => (call, badge),
            State::Zombie => (false, self.fault_badge(s)),
            _ => (false, 0),
        };
        self.transfer(s, me, badge);
        if zombie {
            self.reap(s);
        } else if call {
            if let Some(t) = self.tasks.get_mut(s) {
                t.state = State::AwaitingReply { server: me };
            }
            self.cur().reply_to = Some(s);
        } else {
            self.wake_with(s, Ok(()));
        }
    }

    /// Writes the current task's reply into the caller it owes one; returns the caller.
    fn deliver_reply(&mut self) -> Result<TaskId, Error> {
        let me = self.current.expect("a syscall has a current task");
        // A malformed reply is refused before the reply target is used up, so a
        // corrected retry still reaches the caller.
        self.check_outgoing(Rights::GRANT)?;
        let caller = self.cur().reply_to.take().ok_or(Error::NoReplyTarget)?;
        let waiting = matches!(
            self.tasks.get(caller).map(|t| t.state),
            Some(State::AwaitingReply { server }) if server == me
        );
        if !waiting {
            return Err(Error::NoReplyTarget);
        }
        self.transfer(me, caller, 0);
        self.timeouts.remove(caller);
        Ok(caller)
    }

    /// `reply_save`: the reply owed to the last caller becomes a handle (`x1`).
    pub fn sys_reply_save(&mut self) -> Result<(), Error> {
        let me = self.current.expect("a syscall has a current task");
        let caller = self.cur().reply_to.ok_or(Error::NoReplyTarget)?;
        let waiting = matches!(
            self.tasks.get(caller).map(|t| t.state),
            Some(State::AwaitingReply { server }) if server == me
        );
        if !waiting {
            self.cur().reply_to = None;
            return Err(Error::NoReplyTarget);
        }
        let reply = KObj::Reply { caller, server: me };
        let h = self.cur().handles.insert(Cap::new(reply, Rights::SEND))?;
        self.cur().reply_to = None;
        self.cur().ctx.x[1] = u64::from(h.raw());
        Ok(())
    }

    /// `reply_to`: answer through a saved reply handle, using it up.
    pub fn sys_reply_to(&mut self, h: u64) -> Result<(), Error> {
        let me = self.current.expect("a syscall has a current task");
        let handle = Handle::from_raw(h as u32);
        let KObj::Reply { caller, server } = self.cur().handles.get(handle)?.object else {
            return Err(Error::WrongType);
        };
        self.check_outgoing(Rights::GRANT)?;
        self.cur().handles.remove(handle)?;
        let waiting = server == me
            && matches!(self.tasks.get(caller).map(|t| t.state), Some(State::AwaitingReply { server: s }) if s == me);
        if !waiting {
            return Err(Error::PeerGone);
        }
        self.transfer(me, caller, 0);
        self.timeouts.remove(caller);
        self.wake(caller);
        Ok(())
    }

    /// `reply`: answer the last caller; it becomes runnable.
    pub fn sys_reply(&mut self) -> Result<(), Error> {
        let caller = self.deliver_reply()?;
        self.wake(caller);
        Ok(())
    }

    /// `reply_recv`: answer, then receive; if nothing is waiting, run the caller at once.
    pub fn sys_reply_recv(&mut self, h: u64, timeout_ns: u64) -> Result<(), Error> {
        self.endpoint_cap(h, Rights::RECV)?;
        let caller = self.deliver_reply().ok();
        if let Some(c) = caller {
            if let Some(t) = self.tasks.get_mut(c) {
                t.state = State::Ready;
            }
        }
        let result = self.sys_recv(h, timeout_ns);
        let blocked = self.cur().state != State::Ready;
        match caller {
            Some(c) if blocked && result.is_ok() => {
                self.current = Some(c); // direct switch back, in the same slice
            }
            Some(c) => self.wake(c),
            None => {}
        }
        result
    }
}

#[cfg(test)]
#[path = "ipc_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "ipc_reply_tests.rs"]
mod reply_tests;
