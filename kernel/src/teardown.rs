//! Ending tasks (exit, faults, kills) and counting handles to objects: retain, dup, close, release.

use crate::cap::table::Handle;
use crate::kstate::Kernel;
use crate::object::KObj;
use crate::platform;
use crate::task::{KernelMsg, State, TaskId};
use abi::{label, Error, MsgInfo, Rights};

impl Kernel {
    /// Counts one more holder of `obj`: a new handle with `rights`, or a
    /// mapping (`Rights::NONE`). Every handle made is counted here once.
    pub fn retain(&mut self, obj: KObj, rights: Rights) {
        match obj {
            KObj::Endpoint(id) => {
                if let Some(e) = self.endpoints.get_mut(id) {
                    if rights.contains(Rights::RECV) {
                        // RECV handles come only from creation or from another RECV handle.
                        debug_assert!(e.refs == 0 || !e.is_dead(), "a dead endpoint revived");
                        e.recv_refs += 1;
                    }
                    e.refs += 1;
                    debug_assert!(e.recv_refs <= e.refs);
                }
            }
            KObj::Notification(id) => {
                if let Some(n) = self.notifications.get_mut(id) {
                    n.refs += 1;
                }
            }
            KObj::Region(id) => {
                if let Some(r) = self.regions.get_mut(id) {
                    r.refs += 1;
                }
            }
            KObj::Task(_) | KObj::Irq(_) | KObj::Reply { .. } | KObj::Builtin(_) => {}
        }
    }

    /// `handle_dup`: a copy of the current task's handle `h` with `rights & its
    /// rights`, counted with the copy's own rights (a copy without RECV keeps
    /// no endpoint alive).
    pub fn dup_handle(
        &mut self,
        h: Handle,
        rights: Rights,
        badge: Option<u64>,
    ) -> Result<Handle, Error> {
        let new = self.cur().handles.duplicate(h, rights, badge)?;
        let copy = self.cur().handles.get(new)?;
        let (obj, copy_rights) = (copy.object, copy.rights);
        self.retain(obj, copy_rights);
        Ok(new)
    }

    /// `handle_close`: takes `h` out of the current task's table and drops its hold.
    pub fn close_handle(&mut self, h: Handle) -> Result<(), Error> {
        let cap = self.cur().handles.remove(h)?;
        self.release(cap.object, cap.rights);
        Ok(())
    }

    /// Drops one holder of a kernel object: a handle with `rights`, or a
    /// mapping (`Rights::NONE`). The last one destroys it and wakes anyone
    /// blocked on it with `PeerGone`; for an endpoint, so does the last RECV handle.
    pub fn release(&mut self, obj: KObj, rights: Rights) {
        match obj {
            KObj::Endpoint(ep) => {
                let Some(e) = self.endpoints.get_mut(ep) else {
                    return;
                };
                debug_assert!(e.refs > 0, "an endpoint released more often than held");
                e.refs = e.refs.saturating_sub(1);
                let mut orphaned = false;
                if rights.contains(Rights::RECV) {
                    debug_assert!(e.recv_refs > 0, "RECV handles miscounted");
                    e.recv_refs = e.recv_refs.saturating_sub(1);
                    orphaned = e.recv_refs == 0;
                }
                debug_assert!(e.recv_refs <= e.refs);
                let last = e.refs == 0;
                if orphaned || last {
                    self.fail_senders(ep);
                }
                if last {
                    self.endpoints.remove(ep);
                }
            }
            KObj::Notification(n) => {
                let Some(x) = self.notifications.get_mut(n) else {
                    return;
                };
                x.refs = x.refs.saturating_sub(1);
                if x.refs > 0 {
                    return;
                }
                let Some(x) = self.notifications.remove(n) else {
                    return;
                };
                for t in x.bound {
                    if let Some(task) = self.tasks.get_mut(t) {
                        task.bound_ntfn = None;
                    }
                }
                for t in x.waiters {
                    self.wake_with(t, Err(Error::PeerGone));
                }
            }
            KObj::Region(r) => {
                let Some(x) = self.regions.get_mut(r) else {
                    return;
                };
                x.refs = x.refs.saturating_sub(1);
                if x.refs == 0 {
                    let device = x.device;
                    self.regions.remove(r); // its Drop frees the frames
                    if let Some(d) = device.and_then(|d| self.device_owner.get_mut(d)) {
                        *d = None; // the claim ends with the last handle and mapping
                    }
                    if let Some(d) = device {
                        platform::device_released(d);
                    }
                }
            }
            KObj::Irq(line) => {
                if let Some(b) = self.irq_bindings.get_mut(line as usize) {
                    *b = None;
                }
                platform::set_irq_bound(line, false);
            }
            KObj::Reply { caller, server } => {
                // Dropped unanswered (closed, or its holder died): the caller learns it.
                if self
                    .tasks
                    .get(caller)
                    .is_some_and(|t| t.state == State::AwaitingReply { server })
                {
                    self.wake_with(caller, Err(Error::PeerGone));
                }
            }
            KObj::Task(_) | KObj::Builtin(_) => {}
        }
    }

    /// Endpoint `ep` lost its last RECV handle (or its last handle): every
    /// queued sender and caller fails with `PeerGone`, and a zombie waiting to
    /// report to it is reaped.
    fn fail_senders(&mut self, ep: crate::arena::Id) {
        let Some(e) = self.endpoints.get_mut(ep) else {
            return;
        };
        // A queued receiver holds a RECV handle, so none can be left.
        debug_assert!(e.receivers.is_empty(), "a receiver without a RECV handle");
        let queued = core::mem::take(&mut e.senders);
        for t in queued.into_iter().chain(core::mem::take(&mut e.receivers)) {
            if self.tasks.get(t).is_some_and(|x| x.state == State::Zombie) {
                self.reap(t);
            } else {
                self.wake_with(t, Err(Error::PeerGone));
            }
        }
    }

    /// Takes a task out of every queue and gives back its memory and handles.
    /// It stays in the arena (a zombie) until `reap`.
    fn dismantle(&mut self, t: TaskId) {
        self.run.remove(t);
        self.timeouts.remove(t);
        let Some(task) = self.tasks.get_mut(t) else {
            return;
        };
        let state = core::mem::replace(&mut task.state, State::Zombie);
        let reply_to = task.reply_to.take();
        let bound = task.bound_ntfn.take();
        let space = task.space.take();
        let asid = task.asid.take();
        match state {
            State::Sending { ep, .. } | State::Receiving { ep } => {
                if let Some(e) = self.endpoints.get_mut(ep) {
                    e.senders.retain(|&x| x != t);
                    e.receivers.retain(|&x| x != t);
                }
            }
            State::Waiting { ntfn } => {
                if let Some(n) = self.notifications.get_mut(ntfn) {
                    n.waiters.retain(|&x| x != t);
                }
            }
            State::AwaitingReply { server } => {
                if let Some(s) = self.tasks.get_mut(server) {
                    if s.reply_to == Some(t) {
                        s.reply_to = None;
                    }
                }
            }
            State::Ready | State::Sleeping | State::InKernel { .. } | State::Zombie => {}
        }
        if let Some(c) = reply_to {
            self.wake_with(c, Err(Error::PeerGone));
        }
        // Callers this task accepted but had not answered yet.
        let waiting: alloc::vec::Vec<TaskId> = self
            .tasks
            .iter()
            .filter(|(_, x)| x.state == State::AwaitingReply { server: t })
            .map(|(id, _)| id)
            .collect();
        for c in waiting {
            self.wake_with(c, Err(Error::PeerGone));
        }
        if let Some(n) = bound.and_then(|n| self.notifications.get_mut(n)) {
            n.bound.retain(|&x| x != t);
        }
        let caps: alloc::vec::Vec<(KObj, Rights)> = match self.tasks.get_mut(t) {
            Some(task) => task.handles.drain().map(|c| (c.object, c.rights)).collect(),
            None => alloc::vec::Vec::new(),
        };
        for (obj, rights) in caps {
            self.release(obj, rights);
        }
        if self.loaded == Some(t) {
            platform::unload_user_tables();
            self.loaded = None;
        }
        if let Some(asid) = asid {
            platform::flush_tlb_asid(asid.value());
            // Flushed first: a reused value must not find this task's entries.
            let _ = self.asids.release(asid);
        }
        if let Some(space) = space {
            for region in space.destroy() {
                self.release(KObj::Region(region), Rights::NONE);
            }
        }
    }

    /// Removes a zombie for good: its IPC frame, its slot, its hold on the fault endpoint.
    pub fn reap(&mut self, t: TaskId) {
        if self.current == Some(t) {
            self.current = None;
        }
        let Some(task) = self.tasks.remove(t) else {
            return;
        };
        platform::free_frames(&[task.ipc_frame]);
    }

    /// The badge a task's messages to its supervisor carry.
    pub fn fault_badge(&self, t: TaskId) -> u64 {
        self.tasks
            .get(t)
            .and_then(|x| x.fault_ep)
            .map_or(0, |(_, badge)| badge)
    }

    /// Ends task `t` and tells its supervisor with `msg` (or reaps it at once if it has none).
    fn end_with_message(&mut self, t: TaskId, msg: KernelMsg) {
        self.dismantle(t);
        if self.init == Some(t) {
            crate::pr_notice!(
                "init ended: label {:#x}, code {}",
                msg.info.label,
                msg.words[1] as i64
            );
            #[cfg(feature = "ktest")]
            crate::ktest::exit(if msg.info.label == label::EXIT {
                msg.words[1] as u32
            } else {
                0x7f
            });
        }
        let Some(task) = self.tasks.get_mut(t) else {
            return;
        };
        task.kmsg = Some(msg);
        let Some((ep, badge)) = task.fault_ep else {
            self.reap(t);
            return;
        };
        if self.current == Some(t) {
            self.current = None;
        }
        let receiver = self
            .endpoints
            .get_mut(ep)
            .and_then(|e| e.receivers.pop_front());
        match receiver {
            Some(r) => {
                self.transfer(t, r, badge);
                self.reap(t);
                self.wake(r);
            }
            None => {
                // Nobody can receive on a dead endpoint: no zombie waits there.
                let queued = self.endpoints.get_mut(ep).is_some_and(|e| {
                    let room = !e.is_dead() && e.senders.try_reserve(1).is_ok();
                    if room {
                        e.senders.push_back(t);
                    }
                    room
                });
                if !queued {
                    self.reap(t);
                }
            }
        }
    }

    /// `exit`: the current task ends; `msg_len` bytes of its IPC buffer go to its supervisor.
    pub fn exit_current(&mut self, code: u64, msg_len: u64) {
        let Some(t) = self.current else { return };
        let pid = self.cur().pid;
        let len = msg_len.min(abi::MAX_MSG_BYTES as u64) as u16;
        let info = MsgInfo::new(label::EXIT, 2).with_bytes(len);
        self.end_with_message(
            t,
            KernelMsg {
                info,
                words: [pid, code, 0, 0],
            },
        );
    }

    /// A user fault: the task stops and its supervisor hears task, ESR, FAR and ELR.
    pub fn fault_current(&mut self, esr: u64, far: u64, elr: u64) {
        let Some(t) = self.current else { return };
        let (pid, name) = {
            let task = self.cur();
            (task.pid, task.name.clone())
        };
        let esr_words = crate::arch::aarch64::esr::Esr(esr);
        if esr_words.far_is_valid() {
            crate::pr_err!("task {pid} ({name}) faulted: {esr_words} at {far:#x}; ELR {elr:#x}");
        } else {
            crate::pr_err!("task {pid} ({name}) faulted: {esr_words}; ELR {elr:#x}");
        }
        let info = MsgInfo::new(label::FAULT, 4);
        self.end_with_message(
            t,
            KernelMsg {
                info,
                words: [pid, esr, far, elr],
            },
        );
    }

    /// `task_kill`: stops a task and frees everything it owns; no message is sent.
    pub fn kill(&mut self, t: TaskId) {
        self.dismantle(t);
        self.reap(t);
    }
}

#[cfg(test)]
#[path = "teardown_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "peer_gone_tests.rs"]
mod peer_gone_tests;
