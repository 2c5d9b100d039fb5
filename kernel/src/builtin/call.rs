//! The transport of built-in servers: the caller's message goes to the server's logic in the kernel, and the answer lands in the caller's registers and IPC buffer.

use super::Grant;
use crate::arena::Id;
use crate::cap::table::{Cap, Handle};
use crate::kstate::Kernel;
use crate::object::KObj;
use crate::platform::{read_frame, with_frame};
use crate::task::State;
use abi::{Error, MsgInfo, MAX_MSG_BYTES};
use proto::modctl;
use proto::serve::{Answer, Call};

impl Kernel {
    /// The current task's syscall if it is a `call` on a built-in server's
    /// handle (the vectors send every `call` to the fast path first): performs
    /// it as `syscall::dispatch` would, result in `x0`, and returns true. The
    /// caller then needs no scheduler unless the call waits (the task is no
    /// longer Ready). False, with nothing changed, for anything else.
    #[inline(always)]
    pub fn try_builtin_call(&mut self) -> bool {
        let Some(me) = self.current else {
            return false;
        };
        let Some(task) = self.tasks.get_mut(me) else {
            return false;
        };
        let x = &task.ctx.x;
        let (h, timeout_ns) = (x[0], x[6]);
        if x[8] != abi::Sysnum::Call as u64 {
            return false;
        }
        let Ok(cap) = task.handles.get(Handle::from_raw(h as u32)) else {
            return false;
        };
        let (KObj::Builtin(id), badge, rights) = (cap.object, cap.badge, cap.rights) else {
            return false;
        };
        task.ctx.x[0] = 0;
        let result = match rights.contains(abi::Rights::SEND) {
            true => self.builtin_call(h, id, badge, true, timeout_ns),
            false => Err(Error::NoRights),
        };
        if let (Err(e), Some(task)) = (result, self.tasks.get_mut(me)) {
            task.ctx.x[0] = e as u64;
        }
        true
    }

    /// `call` on handle `h`, which names built-in server `id` with `badge`:
    /// runs the server on the message and answers at once, or blocks the
    /// caller to run the call again later ([`Answer::Wait`]). A `send` reaches
    /// only the manager's CRASH (a built-in server answers every request).
    pub fn builtin_call(
        &mut self,
        h: u64,
        id: Id,
        badge: u64,
        call: bool,
        timeout_ns: u64,
    ) -> Result<(), Error> {
        let (info_raw, words, window, frame) = {
            let t = self.cur();
            let x = &t.ctx.x;
            (x[1], [x[2], x[3], x[4], x[5]], x[7], t.ipc_frame)
        };
        let info = MsgInfo::from_raw(info_raw).ok_or(Error::InvalidArgument)?;
        if self.builtins.get(id).is_none() {
            return Err(Error::PeerGone); // stopped (rmmod): the handle is stale
        }
        if modctl::is_manager(info.label, badge) {
            return self.builtin_manage(id, info.label);
        }
        if !call {
            return Err(Error::InvalidArgument);
        }
        let len = usize::from(info.len_bytes).min(MAX_MSG_BYTES);
        let mut request = core::mem::take(&mut self.builtin_scratch);
        request.resize(MAX_MSG_BYTES, 0); // allocates on the first call only
        read_frame(frame, 0, &mut request[..len]);
        let moved = match info.handle {
            0 => None,
            raw => Some(self.cur().handles.remove(Handle::from_raw(raw))?),
        };
        let Some(mut service) = self.builtins.get_mut(id).and_then(|i| i.service.take()) else {
            // Its own call is running (it cannot be: one core, one lock); nothing is kept.
            self.builtin_scratch = request;
            if let Some(cap) = moved {
                self.release(cap.object, cap.rights);
            }
            return Err(Error::PeerGone);
        };
        let moved = match moved {
            Some(cap) if !service.takes_handles() => {
                self.release(cap.object, cap.rights); // no request of this server keeps one
                None
            }
            other => other,
        };
        let grant = moved.as_ref().map(|c| Grant {
            object: c.object,
            badge: c.badge,
            rights: c.rights,
        });
        let question = Call {
            label: info.label,
            words,
            bytes: &request[..len],
            badge,
        };
        let mut in_window = false;
        let answer = with_frame(frame, |out| {
            if window == 0 {
                return service.call(self, &question, grant, out);
            }
            let (answer, direct) = service.call_direct(self, &question, grant, out);
            if let Some(bytes) = direct {
                in_window = to_window_or_buffer(window, bytes, out);
            }
            answer
        });
        if let Some(i) = self.builtins.get_mut(id) {
            i.service = Some(service);
        }
        self.builtin_scratch = request;
        match answer {
            Answer::Reply(encoded, out_grant) => {
                let mut out = encoded.info();
                if let Some(g) = out_grant {
                    out.handle = self.install(g).map(Handle::raw).unwrap_or(0);
                }
                let x = &mut self.cur().ctx.x;
                x[1] = out.to_raw();
                x[2..6].copy_from_slice(&encoded.words);
                if in_window {
                    x[0] = abi::REPLY_IN_WINDOW;
                }
                Ok(())
            }
            Answer::Wait => {
                if let Some(cap) = moved {
                    // Nothing happened: the handle goes back (it may get a new number).
                    let _ = self.cur().handles.insert(cap);
                }
                if timeout_ns == abi::NO_WAIT {
                    return Err(Error::WouldBlock);
                }
                let t = self.cur();
                t.ctx.x[0] = h; // the syscall runs again with its own arguments
                t.ctx.pc -= 4;
                self.block_current(State::InKernel { server: id }, timeout_ns);
                Ok(())
            }
        }
    }

    /// Puts `g` in the current task's table, holding its object.
    fn install(&mut self, g: Grant) -> Option<Handle> {
        let cap = Cap {
            object: g.object,
            rights: g.rights,
            badge: g.badge,
        };
        let h = self.cur().handles.insert(cap).ok()?;
        self.retain(g.object, g.rights);
        Some(h)
    }

    /// The module manager's STOP, USAGE or CRASH to built-in server `id`.
    #[inline(never)]
    fn builtin_manage(&mut self, id: Id, label: u16) -> Result<(), Error> {
        let mut reply = [0u64; 2];
        match label {
            modctl::USAGE => {
                let usage = self
                    .builtins
                    .get(id)
                    .and_then(|i| i.service.as_ref())
                    .map_or((0, 0), |s| s.usage());
                reply = [usage.0, usage.1];
            }
            modctl::STOP => self.builtin_stop(id),
            _ => {
                let name = self.builtins.get(id).map_or("?", |i| i.name);
                crate::pr_emerg!("builtin: {name} told to crash");
                // The same deliberate data abort a module takes, here at EL1: a kernel panic.
                crate::platform::fault_in_kernel(&alloc::format!(
                    "{name}: told to crash: faulting inside the kernel, as a bug in a built-in driver would"
                ));
            }
        }
        let x = &mut self.cur().ctx.x;
        x[1] = MsgInfo::new(proto::OK_LABEL, 2).to_raw();
        x[2] = reply[0];
        x[3] = reply[1];
        Ok(())
    }

    /// Stops built-in server `id`: its exit runs, its interrupts go, its callers learn it is gone.
    fn builtin_stop(&mut self, id: Id) {
        let Some(mut instance) = self.builtins.remove(id) else {
            return;
        };
        if let Some(mut service) = instance.service.take() {
            let farewell = service.stop(self);
            crate::pr_info!("{}: {farewell}", instance.name);
        }
        self.release_builtin_devices(id);
        for line in instance.irqs {
            if let Some(b) = self.irq_bindings.get_mut(line as usize) {
                *b = None;
            }
            crate::platform::set_irq_bound(line, false);
        }
        // Waiting callers run their call again and find the handle stale (PeerGone).
        self.builtin_progress(id);
    }
}

/// A reply's `bytes` left in the server's state: into the caller's receive
/// window `window` (its tables are loaded: it is the current task) if they
/// fit and it may write there, true; else into its IPC buffer `out`.
fn to_window_or_buffer(window: u64, bytes: &[u8], out: &mut [u8; MAX_MSG_BYTES]) -> bool {
    if crate::user_span::write_to_window(window, bytes) {
        return true;
    }
    let n = bytes.len().min(MAX_MSG_BYTES);
    out[..n].copy_from_slice(&bytes[..n]);
    false
}
