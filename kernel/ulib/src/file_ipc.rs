//! How `ulib::file` reaches a server on the target: one `call` through the IPC buffer, one decoded reply.

use crate::{ipc, sys_call, sys_call_into, sys_handle_close, Handle, InfoKind, Landed, Msg};
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
    let reply = sys_call(server, &encode(req)?, FOREVER).map_err(Errno::from)?;
    let decoded = ipc::with_buffer(|buf| {
        let bytes = &buf[..usize::from(reply.info.len_bytes).min(buf.len())];
        Reply::decode(req.op(), reply.info.label, reply.words, bytes).map(f)
    });
    finish(decoded, reply.info.handle)
}

/// [`call`] whose reply bytes go to `window` (a read's destination): the
/// kernel often writes them there directly; if they came in the IPC buffer
/// instead, they are copied over. `f` reads the reply decoded from `window`
/// (from the IPC buffer if the bytes do not fit, so a reply too long for the
/// window is seen whole, not cut).
pub(super) fn call_into<R>(
    server: Handle,
    req: &Request<'_>,
    window: &mut [u8],
    f: impl FnOnce(Reply<'_>) -> R,
) -> Result<(R, Handle), Errno> {
    let msg = encode(req)?;
    // Matched, not `map_err`-ed: moving the whole `Result` costs a byte-wise copy of the message.
    let (reply, landed) = match sys_call_into(server, &msg, window, FOREVER) {
        Ok(answer) => answer,
        Err(e) => return Err(Errno::from(e)),
    };
    let len = usize::from(reply.info.len_bytes);
    let (label, words) = (reply.info.label, reply.words);
    let decoded = match window.get_mut(..len) {
        Some(dest) => {
            if landed == Landed::Buffer {
                ipc::with_buffer(|buf| ipc::copy_bytes(dest, &buf[..len]));
            }
            Reply::decode(req.op(), label, words, dest).map(f)
        }
        None => ipc::with_buffer(|buf| {
            Reply::decode(req.op(), label, words, &buf[..len.min(buf.len())]).map(f)
        }),
    };
    finish(decoded, reply.info.handle)
}

/// `req` encoded into the IPC buffer, as the message that carries it.
#[inline(always)]
fn encode(req: &Request<'_>) -> Result<Msg, Errno> {
    match ipc::with_buffer(|buf| req.encode(buf)) {
        Ok(e) => Ok(Msg {
            info: e.info(),
            words: e.words,
        }),
        Err(e) => Err(e),
    }
}

/// A decoded reply and the handle it brought; a reply that did not decode is
/// `EIO`, and its handle is closed.
fn finish<R, E>(decoded: Result<R, E>, handle: Handle) -> Result<(R, Handle), Errno> {
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
