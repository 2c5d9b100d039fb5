//! The IPC buffer: the page at `IPC_BUFFER_VA` that carries message bytes, behind a re-entrancy guard.
//!
//! [`with_buffer`] lends the page as `&mut [u8; 4096]`. Only one such loan
//! may exist at a time, and the kernel must not write the page while it does,
//! so one guard covers both: a nested `with_buffer`, or a syscall that makes
//! the kernel read or write the buffer (`sys_call`, `sys_send`, `sys_recv`,
//! `sys_reply`, `sys_reply_recv`, `sys_exit_with_message`, `syscall_raw`)
//! made inside `with_buffer`, panics with a message saying so. Fill the
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

/// Bytes moved by one turn of [`copy_bytes`]' block loop: four `ldp`/`stp` pairs.
const BLOCK_BYTES: usize = 64;

/// Copies `src` into `dst` (same length; a shorter one clips the copy), fast
/// for message-sized copies: 64-byte blocks of `ldp`/`stp`, then the rest.
///
/// The target's `memcpy` (`compiler_builtins`' portable one) moves 8 bytes per
/// four instructions, and far slower when the two sides disagree in alignment;
/// this moves 64 bytes per ten whatever the alignment (user memory is Normal
/// memory, and SCTLR_EL1.A is clear, so unaligned `ldp`/`stp` are fine).
#[inline]
pub fn copy_bytes(dst: &mut [u8], src: &[u8]) {
    debug_assert_eq!(dst.len(), src.len(), "copy_bytes between unequal slices");
    let len = dst.len().min(src.len());
    let bulk = len - len % BLOCK_BYTES;
    let (dst_bulk, dst_tail) = dst[..len].split_at_mut(bulk);
    let (src_bulk, src_tail) = src[..len].split_at(bulk);
    copy_blocks(dst_bulk, src_bulk);
    // At most 63 bytes: memcpy's word loop is good enough.
    dst_tail.copy_from_slice(src_tail);
}

/// Copies whole blocks: equal lengths, a multiple of [`BLOCK_BYTES`].
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
#[inline]
fn copy_blocks(dst: &mut [u8], src: &[u8]) {
    let len = dst.len().min(src.len());
    let blocks_bytes = len - len % BLOCK_BYTES;
    if blocks_bytes == 0 {
        return;
    }
    // Unaligned ldp/stp are fine: SCTLR_EL1.A is clear and slices live in Normal memory.
    // SAFETY: the loop reads/writes exactly `blocks_bytes` (nonzero, a multiple of 64)
    // of `src`/`dst`, which `&`/`&mut` make valid and disjoint; no stack, no kept flags.
    unsafe {
        core::arch::asm!(
            "2:",
            "ldp {a}, {b}, [{src}], #64",
            "ldp {c}, {d}, [{src}, #-48]",
            "ldp {e}, {f}, [{src}, #-32]",
            "ldp {g}, {h}, [{src}, #-16]",
            "stp {a}, {b}, [{dst}], #64",
            "stp {c}, {d}, [{dst}, #-48]",
            "stp {e}, {f}, [{dst}, #-32]",
            "stp {g}, {h}, [{dst}, #-16]",
            "subs {n}, {n}, #64",
            "b.ne 2b",
            src = inout(reg) src.as_ptr() => _,
            dst = inout(reg) dst.as_mut_ptr() => _,
            n = inout(reg) blocks_bytes => _,
            a = out(reg) _,
            b = out(reg) _,
            c = out(reg) _,
            d = out(reg) _,
            e = out(reg) _,
            f = out(reg) _,
            g = out(reg) _,
            h = out(reg) _,
            options(nostack),
        );
    }
}

/// Copies whole blocks (the host's model of the loop above: 8-byte words).
#[cfg(not(all(target_arch = "aarch64", target_os = "none")))]
#[inline]
fn copy_blocks(dst: &mut [u8], src: &[u8]) {
    debug_assert!(dst.len() == src.len() && dst.len().is_multiple_of(BLOCK_BYTES));
    for (d, s) in dst.chunks_exact_mut(8).zip(src.chunks_exact(8)) {
        d.copy_from_slice(s);
    }
}

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

    /// Deterministic bytes, different per `seed`, so a misplaced byte shows.
    fn pattern(len: usize, seed: u8) -> std::vec::Vec<u8> {
        (0..len)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed) ^ (i >> 8) as u8)
            .collect()
    }

    #[test]
    fn copy_bytes_matches_a_byte_loop_at_odd_lengths_and_alignments() {
        for len in [0, 1, 7, 8, 63, 64, 65, 127, 128, 200, 4095, 4096] {
            for src_off in 0..9 {
                for dst_off in 0..9 {
                    let src = pattern(len + src_off, 5);
                    let mut got = pattern(len + dst_off + 16, 99);
                    let mut want = got.clone();
                    copy_bytes(&mut got[dst_off..dst_off + len], &src[src_off..]);
                    // The model: one byte at a time.
                    for (w, b) in want[dst_off..dst_off + len].iter_mut().zip(&src[src_off..]) {
                        *w = *b;
                    }
                    assert_eq!(got, want, "len {len} src+{src_off} dst+{dst_off}");
                }
            }
        }
    }

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
