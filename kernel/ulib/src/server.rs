//! The loop every device server's task runs ([`serve_calls`]): receive, answer or hold the call, retry held calls after an interrupt, stop when the manager says.

use crate::module::{handle_manager, Handled, Stop};
use crate::{eprintln, ipc, sys_recv, sys_reply_recv, sys_reply_to, Error, Handle, Msg};
use abi::{label, FOREVER, MSG_REGS};
use alloc::vec::Vec;
use proto::serve::{Answer, Call};
use proto::{Encoded, Errno};

/// A call answered [`Answer::Wait`]: its saved reply capability and a copy of the request.
struct SavedCall {
    reply: Handle,
    label: u16,
    words: [u64; MSG_REGS],
    bytes: Vec<u8>,
    badge: u64,
}

/// The calls [`serve_calls`] holds until the server reports progress, oldest first.
///
/// The module keeps it in its state, so `module_exit` can end them ([`Waiting::close_all`]).
#[derive(Default)]
pub struct Waiting {
    calls: Vec<SavedCall>,
}

impl Waiting {
    /// None waiting.
    pub const fn new() -> Self {
        Waiting { calls: Vec::new() }
    }

    /// How many calls wait.
    pub fn len(&self) -> usize {
        self.calls.len()
    }

    /// Whether none waits.
    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// Closes every saved reply unanswered (each caller learns the server is
    /// gone: its call fails); returns how many there were.
    pub fn close_all(&mut self) -> usize {
        let count = self.calls.len();
        for saved in self.calls.drain(..) {
            let _ = crate::sys_handle_close(saved.reply);
        }
        count
    }

    /// Presents every saved call again, oldest first: each answered is
    /// replied to through its saved capability and dropped; the rest keep
    /// their place. A caller gone meanwhile is reported and dropped.
    fn retry(
        &mut self,
        on_call: &mut impl FnMut(&Call, &mut [u8; abi::MAX_MSG_BYTES]) -> Answer<Handle>,
    ) {
        let mut i = 0;
        while let Some(saved) = self.calls.get(i) {
            let call = Call {
                label: saved.label,
                words: saved.words,
                bytes: &saved.bytes,
                badge: saved.badge,
            };
            let answer = ipc::with_buffer(|buf| on_call(&call, buf));
            let Answer::Reply(encoded, handle) = answer else {
                i += 1;
                continue;
            };
            let saved = self.calls.remove(i);
            if let Err(e) = sys_reply_to(saved.reply, &to_msg(&encoded, handle)) {
                eprintln!("a caller gave up before its answer came: {e}");
            }
        }
    }
}

/// One turn of a module's server loop, the part every loop shares: sends
/// the reply `owed` from the last turn (if any) while receiving on `service`,
/// and deals with the module manager's messages itself (STOP ends the loop,
/// USAGE is answered on the next turn). Returns the next request (or
/// notification) to serve, or why the loop must end. A loop that received
/// already (`received`, from a `reply_recv_from`) passes it instead.
#[inline(always)]
pub fn next_request(
    service: Handle,
    owed: &mut Option<Msg>,
    received: Option<Result<(Msg, u64), Error>>,
) -> Result<(Msg, u64), Stop> {
    let mut got = match (received, owed.take()) {
        (Some(got), _) => got,
        (None, Some(reply)) => sys_reply_recv(service, &reply, FOREVER),
        (None, None) => sys_recv(service, FOREVER),
    };
    loop {
        let (msg, badge) = match got {
            Ok(m) => m,
            Err(e) => {
                eprintln!("receive failed: {e}");
                return Err(Stop::ReceiveFailed(e));
            }
        };
        match handle_manager(&msg, badge) {
            Handled::NotManager => return Ok((msg, badge)),
            Handled::Stop => return Err(Stop::Requested),
            Handled::Reply(reply) => got = sys_reply_recv(service, &reply, FOREVER),
        }
    }
}

/// The message for an answer's reply, moving `handle` with it if given.
pub fn to_msg(encoded: &Encoded, handle: Option<Handle>) -> Msg {
    let msg = Msg {
        info: encoded.info(),
        words: encoded.words,
    };
    match handle {
        Some(h) => msg.with_handle(h),
        None => msg,
    }
}

/// Serves `service` until the module manager says STOP, for a server whose
/// logic answers transport-neutral calls (`proto::serve`): `on_call(call,
/// buf)` answers with the reply encoded into `buf` (the IPC buffer), or
/// [`Answer::Wait`] having changed nothing. Requests are copied out of the
/// buffer first, so a reply may be written over it.
///
/// A waiting call's reply capability is saved (`sys_reply_save`) with a copy
/// of the request in `waiting`. When `on_notification(bits)` returns true
/// (the server made progress: an interrupt brought data), every waiting call
/// is presented to `on_call` again, oldest first, and those answered are
/// replied to through their saved capability. If saving fails the caller
/// gets the error at once. The calls still waiting stay in `waiting`.
///
/// The manager's messages ([`handle_manager`]) never reach `on_call`: STOP
/// is answered and returns [`Stop::Requested`], USAGE is answered from
/// [`crate::module::set_usage`], CRASH faults. Returns [`Stop::ReceiveFailed`]
/// when receiving fails.
pub fn serve_calls(
    service: Handle,
    waiting: &mut Waiting,
    mut on_notification: impl FnMut(u64) -> bool,
    mut on_call: impl FnMut(&Call, &mut [u8; abi::MAX_MSG_BYTES]) -> Answer<Handle>,
) -> Stop {
    let mut owed: Option<Msg> = None;
    // Zeroed once, not per request: 4 KiB of stores each time otherwise.
    let mut request_bytes = [0u8; abi::MAX_MSG_BYTES];
    loop {
        let (msg, badge) = match next_request(service, &mut owed, None) {
            Ok(got) => got,
            Err(stop) => return stop,
        };
        if msg.label() == label::NOTIFICATION {
            if on_notification(msg.words[0]) {
                waiting.retry(&mut on_call);
            }
            continue;
        }
        let n = usize::from(msg.info.len_bytes).min(request_bytes.len());
        let answer = ipc::with_buffer(|buf| {
            ipc::copy_bytes(&mut request_bytes[..n], &buf[..n]);
            let call = Call {
                label: msg.info.label,
                words: msg.words,
                bytes: &request_bytes[..n],
                badge,
            };
            on_call(&call, buf)
        });
        owed = match answer {
            Answer::Reply(encoded, handle) => Some(to_msg(&encoded, handle)),
            Answer::Wait => match crate::sys_reply_save() {
                Ok(reply) => {
                    waiting.calls.push(SavedCall {
                        reply,
                        label: msg.info.label,
                        words: msg.words,
                        bytes: request_bytes[..n].to_vec(),
                        badge,
                    });
                    None
                }
                Err(e) => Some(Msg::new(Errno::from(e).code(), [])),
            },
        };
    }
}
