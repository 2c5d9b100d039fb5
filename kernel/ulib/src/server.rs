//! The loop every file-protocol server runs: receive, answer (or park), wake on interrupts, stop when the manager says.

use crate::module::{handle_manager, Handled, Stop};
use crate::{eprintln, ipc, sys_recv, sys_reply_recv, Handle, Msg};
use abi::{label, FOREVER};
use proto::file::{Reply, Request};
use proto::{Encoded, Errno};

/// Encodes `reply` into the IPC buffer `buf` and the message registers; an
/// error reply when `reply` itself cannot be encoded.
pub fn encode(reply: &Reply, buf: &mut [u8; abi::MAX_MSG_BYTES]) -> Msg {
    let encoded: Result<Encoded, Errno> = reply.encode(buf);
    match encoded.or_else(|errno| Reply::Error(errno).encode(buf)) {
        Ok(e) => Msg {
            info: e.info(),
            words: e.words,
        },
        // An error reply always encodes; answer EIO by hand if it ever did not.
        Err(_) => Msg::new(Errno::Io.code(), []),
    }
}

/// Encodes a successful read's reply, as [`encode`] does `Reply::Read { data }`,
/// but copying with [`ipc::copy_bytes`] (a read's cost is mostly this copy).
pub fn encode_read(data: &[u8], buf: &mut [u8; abi::MAX_MSG_BYTES]) -> Msg {
    match crate::file::encode_read_reply(data, buf) {
        Ok(e) => Msg {
            info: e.info(),
            words: e.words,
        },
        Err(errno) => encode(&Reply::Error(errno), buf),
    }
}

/// Serves `service` until the module manager says STOP. `on_notification(bits)`
/// runs when the bound notification fires (an interrupt); `on_request(request,
/// badge, buf)` answers a decoded request with the reply message (encoded into
/// `buf`, the IPC buffer, see [`encode`]), or `None` when it parked the request
/// with `sys_reply_save`. Requests are decoded from a copy, so a reply may be
/// written over the buffer.
///
/// The manager's messages ([`handle_manager`]) never reach `on_request`: STOP
/// is answered and returns [`Stop::Requested`], USAGE is answered from
/// [`crate::module::set_usage`], CRASH faults. Returns [`Stop::ReceiveFailed`]
/// when receiving fails.
pub fn serve(
    service: Handle,
    mut on_notification: impl FnMut(u64),
    mut on_request: impl FnMut(&Request, u64, &mut [u8; abi::MAX_MSG_BYTES]) -> Option<Msg>,
) -> Stop {
    let mut owed: Option<Msg> = None;
    // Zeroed once, not per request: 4 KiB of stores each time otherwise.
    let mut request_bytes = [0u8; abi::MAX_MSG_BYTES];
    loop {
        let received = match owed.take() {
            Some(reply) => sys_reply_recv(service, &reply, FOREVER),
            None => sys_recv(service, FOREVER),
        };
        let (msg, badge) = match received {
            Ok(m) => m,
            Err(e) => {
                eprintln!("receive failed: {e}");
                return Stop::ReceiveFailed(e);
            }
        };
        if msg.label() == label::NOTIFICATION {
            on_notification(msg.words[0]);
            continue;
        }
        match handle_manager(&msg, badge) {
            Handled::Stop => return Stop::Requested,
            Handled::Reply(reply) => {
                owed = Some(reply);
                continue;
            }
            Handled::NotManager => {}
        }
        owed = ipc::with_buffer(|buf| {
            let n = usize::from(msg.info.len_bytes).min(buf.len());
            ipc::copy_bytes(&mut request_bytes[..n], &buf[..n]);
            match Request::decode(msg.info.label, msg.words, &request_bytes[..n]) {
                Ok(req) => on_request(&req, badge, buf),
                Err(e) => Some(encode(&Reply::Error(e.errno()), buf)),
            }
        });
    }
}
