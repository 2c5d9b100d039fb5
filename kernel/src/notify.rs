//! Notifications: asynchronous bit-sets with `signal` and `wait`, and binding so `recv` wakes on them.

use crate::arena::Id;
use crate::cap::table::Handle;
use crate::kstate::Kernel;
use crate::object::KObj;
use crate::task::State;
use abi::{label, Error, MsgInfo, Rights};

impl Kernel {
    /// If the current task's bound notification has bits, returns them as a message.
    pub(crate) fn take_bound_notification(&mut self) -> bool {
        let Some(n) = self.cur().bound_ntfn else {
            return false;
        };
        let bits = match self.notifications.get_mut(n) {
            Some(ntfn) if ntfn.bits != 0 => core::mem::take(&mut ntfn.bits),
            _ => return false,
        };
        let ctx = &mut self.cur().ctx;
        ctx.x[0] = 0;
        ctx.x[1] = MsgInfo::new(label::NOTIFICATION, 1).to_raw();
        ctx.x[2] = bits;
        ctx.x[3..=6].fill(0);
        true
    }

    fn notification_cap(&mut self, h: u64, needed: Rights) -> Result<Id, Error> {
        let cap = self
            .cur()
            .handles
            .get(Handle::from_raw(h as u32))
            .map_err(|_| Error::InvalidHandle)?;
        let KObj::Notification(n) = cap.object else {
            return Err(Error::WrongType);
        };
        if !cap.rights.contains(needed) {
            return Err(Error::NoRights);
        }
        Ok(n)
    }

    /// `signal`: set bits; wake a waiter, or a bound task blocked in `recv`.
    pub fn sys_signal(&mut self, h: u64, bits: u64) -> Result<(), Error> {
        let n = self.notification_cap(h, Rights::SEND)?;
        self.signal_bits(n, bits)
    }

    /// Sets `bits` in notification `n` and wakes whoever waits for them (also
    /// how interrupts reach their drivers).
    pub fn signal_bits(&mut self, n: Id, bits: u64) -> Result<(), Error> {
        let waiter = match self.notifications.get_mut(n) {
            Some(ntfn) => {
                ntfn.bits |= bits;
                ntfn.waiters.pop_front()
            }
            None => return Err(Error::PeerGone),
        };
        if let Some(w) = waiter {
            let bits = self
                .notifications
                .get_mut(n)
                .map_or(0, |x| core::mem::take(&mut x.bits));
            if let Some(t) = self.tasks.get_mut(w) {
                t.ctx.x[1] = bits;
            }
            self.wake_with(w, Ok(()));
            return Ok(());
        }
        // Else the first bound task blocked in `recv` gets it as a message.
        let mut i = 0;
        while let Some(t) = self
            .notifications
            .get(n)
            .and_then(|x| x.bound.get(i).copied())
        {
            i += 1;
            let Some(State::Receiving { ep }) = self.tasks.get(t).map(|x| x.state) else {
                continue;
            };
            if let Some(e) = self.endpoints.get_mut(ep) {
                e.receivers.retain(|&x| x != t);
            }
            let saved = self.current.replace(t);
            self.take_bound_notification();
            self.current = saved;
            self.wake(t);
            break;
        }
        Ok(())
    }

    /// `wait`: take the bits, or wait for some.
    pub fn sys_wait(&mut self, h: u64, timeout_ns: u64) -> Result<(), Error> {
        let n = self.notification_cap(h, Rights::RECV)?;
        let me = self.current.expect("a syscall has a current task");
        let ntfn = self.notifications.get_mut(n).ok_or(Error::PeerGone)?;
        if ntfn.bits != 0 {
            let bits = core::mem::take(&mut ntfn.bits);
            self.cur().ctx.x[1] = bits;
            return Ok(());
        }
        if timeout_ns == abi::NO_WAIT {
            return Err(Error::WouldBlock);
        }
        ntfn.waiters
            .try_reserve(1)
            .map_err(|_| Error::OutOfMemory)?;
        ntfn.waiters.push_back(me);
        self.block_current(State::Waiting { ntfn: n }, timeout_ns);
        Ok(())
    }

    /// `notification_bind`: `recv` on any endpoint also wakes on this notification (0 unbinds).
    pub fn sys_notification_bind(&mut self, h: u64) -> Result<(), Error> {
        let me = self.current.expect("a syscall has a current task");
        if let Some(old) = self.cur().bound_ntfn.take() {
            if let Some(n) = self.notifications.get_mut(old) {
                n.bound.retain(|&t| t != me);
            }
        }
        if h == 0 {
            return Ok(());
        }
        let n = self.notification_cap(h, Rights::RECV)?;
        let ntfn = self.notifications.get_mut(n).ok_or(Error::PeerGone)?;
        ntfn.bound.try_reserve(1).map_err(|_| Error::OutOfMemory)?;
        ntfn.bound.push(me);
        self.cur().bound_ntfn = Some(n);
        Ok(())
    }
}

#[cfg(test)]
#[path = "notify_tests.rs"]
mod tests;
