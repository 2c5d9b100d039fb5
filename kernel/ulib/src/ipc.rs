//! The IPC buffer: the page at `IPC_BUFFER_VA` that carries message bytes, behind a re-entrancy guard.
//!
//! [`with_buffer`] lends the page as `&mut [u8; 4096]`. Only one such loan
//! may exist at a time, and the kernel must not write the page while it does,
//! so one guard covers both: a nested `with_buffer`, or a syscall that makes
//! the kernel read or write the buffer (`sys_call`, `sys_send`, `sys_recv`,
//! `sys_reply`, `sys_reply_recv`, `sys_exit_with_message`, `syscall_raw`)
//! made inside `with_buffer`, panics with a message saying so. A
//! [`crate::raw_ipc::RawIpc`] holds the guard for as long as it lives. Fill the
//! buffer, leave the closure, then make the syscall:
//!
//! ```text
//! let len = ulib::ipc::write_buffer(b"hello")?;
//! let reply = ulib::sys_call(ep, &ulib::Msg::new(LABEL, []).with_bytes(len), abi::FOREVER)?;
//! let n = ulib::ipc::read_buffer(reply.info.len_bytes, &mut out);
//! ```
//!
//! The guard is per task: the kernel starts one thread per task, whose
//! buffer this is.

use core::sync::atomic::{AtomicBool, Ordering};

/// A flag that lets one holder in at a time; `try_enter` fails instead of waiting.
pub(crate) struct ReentryGuard {
    busy: AtomicBool,
}

/// Proof of holding a [`ReentryGuard`]; leaving it (drop) lets the next one in.
pub(crate) struct Entered<'a> {
    busy: &'a AtomicBool,
}

#[cfg_attr(not(target_os = "none"), allow(dead_code))]
impl ReentryGuard {
    const fn new() -> Self {
        Self {
            busy: AtomicBool::new(false),
        }
    }

    /// Enters unless someone is inside. A load and a store, not a
    /// compare-and-swap: the task's one thread is the only one that enters,
    /// and nothing interrupts it in user mode to enter in between.
    #[inline(always)]
    fn try_enter(&self) -> Option<Entered<'_>> {
        if self.busy.load(Ordering::Acquire) {
            return None;
        }
        self.busy.store(true, Ordering::Relaxed);
        Some(Entered { busy: &self.busy })
    }
}

impl Drop for Entered<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        debug_assert!(self.busy.load(Ordering::Relaxed));
        self.busy.store(false, Ordering::Release);
    }
}

/// The fast copy for message bytes (64-byte `ldp`/`stp` blocks): the kernel's
/// own, from the `blockcopy` crate, so both sides copy the same way.
pub use blockcopy::copy_bytes;

/// Guards the IPC buffer: held by `with_buffer` and by syscalls that touch the buffer.
#[cfg_attr(not(target_os = "none"), allow(dead_code))]
static BUFFER: ReentryGuard = ReentryGuard::new();

#[cfg(target_os = "none")]
pub use target::*;

#[cfg(target_os = "none")]
mod target {
    use super::{Entered, BUFFER};
    use crate::Msg;
    use abi::{Error, Handle, IPC_BUFFER_VA, MAX_MSG_BYTES, PAGE_SIZE};

    /// Takes the buffer for `what` (a function name, for the panic message), or panics if it is in use.
    #[inline(always)]
    pub(crate) fn claim(what: &str) -> Entered<'static> {
        match BUFFER.try_enter() {
            Some(entered) => entered,
            None => in_use(what),
        }
    }

    /// The panic of a nested claim, out of line so `claim` stays small.
    #[cold]
    #[inline(never)]
    fn in_use(what: &str) -> ! {
        panic!(
            "{what}: the IPC buffer is already in use \
             (ipc::with_buffer nested, or an IPC syscall made inside it)"
        )
    }

    /// The buffer, with the guard already held by the caller.
    fn page(_held: &Entered<'_>) -> *mut [u8; PAGE_SIZE] {
        core::ptr::with_exposed_provenance_mut(IPC_BUFFER_VA)
    }

    /// Runs `f` with this thread's IPC buffer; panics if it is already lent (see the module docs).
    pub fn with_buffer<R>(f: impl FnOnce(&mut [u8; PAGE_SIZE]) -> R) -> R {
        let entered = claim("ipc::with_buffer");
        // The kernel maps the IPC buffer read-write at IPC_BUFFER_VA for the task's
        // whole life, and every syscall that lets it touch the page takes this guard.
        // SAFETY: so the page is valid, and the guard makes this the only reference.
        let buf = unsafe { &mut *page(&entered) };
        f(buf)
    }

    /// The buffer for the panic handler, guard or not.
    ///
    /// # Safety
    ///
    /// The caller never returns, so no code holding another reference to the
    /// buffer runs again (panics abort: no unwinding resumes a frame).
    pub(crate) unsafe fn buffer_for_panic() -> &'static mut [u8; PAGE_SIZE] {
        let page: *mut [u8; PAGE_SIZE] = core::ptr::with_exposed_provenance_mut(IPC_BUFFER_VA);
        // SAFETY: mapped read-write for the task's life (see `with_buffer`);
        // other references are never used again, by this function's contract.
        unsafe { &mut *page }
    }

    /// Copies `bytes` to the start of the buffer for the next message; returns
    /// the length for [`Msg::with_bytes`]. `TooLarge` beyond [`MAX_MSG_BYTES`].
    pub fn write_buffer(bytes: &[u8]) -> Result<u16, Error> {
        let len = u16::try_from(bytes.len()).map_err(|_| Error::TooLarge)?;
        if bytes.len() > MAX_MSG_BYTES {
            return Err(Error::TooLarge);
        }
        with_buffer(|buf| super::copy_bytes(&mut buf[..bytes.len()], bytes));
        Ok(len)
    }

    /// Copies the first `len_bytes` of the buffer (a received message's
    /// [`abi::MsgInfo::len_bytes`]) into `out`, as many as fit; returns how many.
    pub fn read_buffer(len_bytes: u16, out: &mut [u8]) -> usize {
        let n = usize::from(len_bytes).min(MAX_MSG_BYTES).min(out.len());
        with_buffer(|buf| super::copy_bytes(&mut out[..n], &buf[..n]));
        n
    }

    /// Sends a message with `label` and `bytes` (in the buffer) on endpoint `ep`.
    pub fn send_bytes(ep: Handle, label: u16, bytes: &[u8], timeout_ns: u64) -> Result<(), Error> {
        let len = write_buffer(bytes)?;
        crate::sys_send(ep, &Msg::new(label, []).with_bytes(len), timeout_ns)
    }

    /// Calls `ep` with `label` and `bytes`; the reply's bytes are then in the
    /// buffer (see [`read_buffer`]).
    pub fn call_bytes(ep: Handle, label: u16, bytes: &[u8], timeout_ns: u64) -> Result<Msg, Error> {
        let len = write_buffer(bytes)?;
        crate::sys_call(ep, &Msg::new(label, []).with_bytes(len), timeout_ns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_admits_one_at_a_time() {
        let guard = ReentryGuard::new();
        let first = guard.try_enter();
        assert!(first.is_some());
        assert!(
            guard.try_enter().is_none(),
            "a nested entry must be refused"
        );
        drop(first);
        let again = guard.try_enter();
        assert!(again.is_some(), "leaving must let the next one in");
        assert!(guard.try_enter().is_none());
    }
}
