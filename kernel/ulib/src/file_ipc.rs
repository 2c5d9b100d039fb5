//! How `ulib::file` reaches a server on the target: one `call` through the IPC buffer, one decoded reply.

use crate::{ipc, sys_call, sys_handle_close, Handle, InfoKind, Msg};
use abi::FOREVER;
use proto::file::{Reply, Request};
use proto::Errno;

/// Sends `req` to `server` and lets `f` read the decoded reply (borrowing the IPC
/// buffer, so `f` must make no IPC call); returns `f`'s result and the handle the
/// reply carried (0: none), which the caller now holds.
///
/// A reply that does not decode is `EIO` (its handle, if any, closed here).
pub(super) fn call<R>(
    server: Handle,
    req: &Request<'_>,
    f: impl FnOnce(Reply<'_>) -> R,
) -> Result<(R, Handle), Errno> {
    let msg = ipc::with_buffer(|buf| {
        req.encode(buf).map(|e| Msg {
            info: e.info(),
            words: e.words,
        })
    })?;
    let reply = sys_call(server, &msg, FOREVER).map_err(Errno::from)?;
    let handle = reply.info.handle;
    let decoded = ipc::with_buffer(|buf| {
        let bytes = &buf[..usize::from(reply.info.len_bytes).min(buf.len())];
        Reply::decode(req.op(), reply.info.label, reply.words, bytes).map(f)
    });
    match decoded {
        Ok(r) => Ok((r, handle)),
        Err(_) => {
            if handle != 0 {
                close(handle);
            }
            Err(Errno::Io)
        }
    }
}

/// Closes a handle `ulib::file` holds.
pub(super) fn close(h: Handle) {
    let _ = sys_handle_close(h);
}

/// Time since boot, for `poll_wait`'s deadline.
pub(super) fn now_ns() -> u64 {
    crate::sys_info(InfoKind::Uptime).unwrap_or(0)
}

/// Sleeps between polls.
pub(super) fn sleep_ns(ns: u64) {
    let _ = crate::sys_sleep(ns);
}
