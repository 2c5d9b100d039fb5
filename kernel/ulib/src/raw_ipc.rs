//! Register IPC for tight loops: the IPC buffer's guard taken once for many calls, messages as raw registers.
//!
//! [`crate::sys_call`] and [`crate::sys_reply_recv`] take the buffer's guard
//! and encode and decode a [`crate::Msg`] on every call. A loop that only
//! passes messages along (an echo server, a benchmark's client) can hold the
//! guard for its whole run instead and hand the kernel's registers back as
//! they came: [`RawIpc`]. Its results are `x0..x6` exactly as the kernel left
//! them: `x0` is 0 or an [`abi::Error`] code, `x1` the raw [`MsgInfo`], `x2..x5`
//! the words, `x6` the badge. Nothing here reads or lends the buffer itself:
//! while a `RawIpc` lives, [`crate::ipc::with_buffer`] panics, as it would
//! inside any IPC syscall.

use crate::ipc;
use abi::{Handle, MsgInfo, Sysnum, FOREVER};

/// A syscall's registers `x0..x6`, as the kernel returned them.
pub type Regs = [u64; 7];

/// This task's IPC buffer guard, held for a run of register IPC (see the module docs).
pub struct RawIpc {
    _held: ipc::Entered<'static>,
}

impl RawIpc {
    /// Takes the IPC buffer's guard; panics if it is lent (inside
    /// [`crate::ipc::with_buffer`], or while another `RawIpc` lives).
    pub fn take() -> Self {
        Self {
            _held: ipc::claim("RawIpc::take"),
        }
    }

    /// `call` on `ep` with descriptor `info` and `words`, no receive window,
    /// waiting for ever: the reply's registers.
    #[inline(always)]
    pub fn call(&mut self, ep: Handle, info: MsgInfo, words: [u64; 4]) -> Regs {
        let [w0, w1, w2, w3] = words;
        let args = [u64::from(ep), info.to_raw(), w0, w1, w2, w3, FOREVER];
        // SAFETY: no pointer arguments (x7 = 0: no receive window); the kernel
        // reads and writes the IPC buffer, whose guard `self` holds, so no Rust
        // reference to it is live.
        unsafe { crate::svc_asm::svc_asm!(Sysnum::Call as u64, args, x7 = 0u64) }
    }

    /// Waits for ever for a message on `ep`: its registers.
    #[inline(always)]
    pub fn recv(&mut self, ep: Handle) -> Regs {
        let args = [u64::from(ep), 0, 0, 0, 0, 0, FOREVER];
        // SAFETY: no pointer arguments; the kernel writes the IPC buffer, whose
        // guard `self` holds.
        unsafe { crate::svc_asm::svc_asm!(Sysnum::Recv as u64, args) }
    }

    /// Answers the last caller with descriptor `info_raw` (unchecked here: the
    /// kernel refuses a bad one) and `words`, then waits for ever for the
    /// next message on `ep`: its registers. Handing back `x1..x5` of the
    /// message received echoes it, buffer bytes included (they are still in
    /// the buffer).
    #[inline(always)]
    pub fn reply_recv(&mut self, ep: Handle, info_raw: u64, words: [u64; 4]) -> Regs {
        let [w0, w1, w2, w3] = words;
        let args = [u64::from(ep), info_raw, w0, w1, w2, w3, FOREVER];
        // SAFETY: no pointer arguments; the kernel reads and writes the IPC
        // buffer, whose guard `self` holds.
        unsafe { crate::svc_asm::svc_asm!(Sysnum::ReplyRecv as u64, args) }
    }
}
