//! Requests to init, the supervisor: what a shell asks of the task that started everything.
//!
//! init holds the task handles of the servers it started, so it is the one
//! that can stop them. A client (the shell) gets an endpoint to init badged
//! as a control client; the kernel's own exit and fault messages reach init
//! unbadged, so a client cannot pose as the kernel.

use crate::wire::{check_len, no_bytes, reply_errno, DecodeError, Encoded, OK_LABEL};
use crate::Errno;
use abi::MSG_REGS;

/// The first label of init requests (`0x300..=0x3FF`).
pub const LABEL_BASE: u16 = 0x300;

/// A request to init.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    /// Stop task `pid` and free what it holds.
    ///
    /// Errors: `ESRCH` if init started no live task with that id, `EPERM` for
    /// init itself.
    Kill {
        /// The task's id.
        pid: u64,
    },
}

impl Request {
    /// Encodes the request into the message words (no bytes).
    pub fn encode(&self) -> Encoded {
        match *self {
            Request::Kill { pid } => Encoded::new(LABEL_BASE, [pid], 0),
        }
    }

    /// Decodes a received request. Never panics.
    pub fn decode(
        label: u16,
        words: [u64; MSG_REGS],
        bytes: &[u8],
    ) -> Result<Request, DecodeError> {
        check_len(bytes)?;
        no_bytes(bytes)?;
        match label {
            LABEL_BASE => Ok(Request::Kill { pid: words[0] }),
            other => Err(DecodeError::UnknownOp(other)),
        }
    }
}

/// init's answer: success (no words) or an [`Errno`].
pub fn encode_reply(result: Result<(), Errno>) -> Encoded {
    match result {
        Ok(()) => Encoded::new(OK_LABEL, [], 0),
        Err(e) => Encoded::new(e.code(), [], 0),
    }
}

/// Decodes init's answer.
pub fn decode_reply(label: u16) -> Result<(), Errno> {
    match reply_errno(label) {
        Ok(None) => Ok(()),
        Ok(Some(e)) => Err(e),
        Err(e) => Err(e.errno()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kill_round_trips() {
        let e = Request::Kill { pid: 42 }.encode();
        let info = e.info();
        assert_eq!(info.label, LABEL_BASE);
        assert_eq!(
            Request::decode(info.label, e.words, &[]),
            Ok(Request::Kill { pid: 42 })
        );
    }

    #[test]
    fn unknown_labels_and_bytes_are_refused() {
        let words = [0; MSG_REGS];
        assert_eq!(
            Request::decode(0x3FF, words, &[]),
            Err(DecodeError::UnknownOp(0x3FF))
        );
        assert!(Request::decode(LABEL_BASE, words, &[1]).is_err());
    }

    #[test]
    fn replies_round_trip() {
        assert_eq!(decode_reply(encode_reply(Ok(())).info().label), Ok(()));
        for e in Errno::ALL {
            assert_eq!(decode_reply(encode_reply(Err(e)).info().label), Err(e));
        }
        assert_eq!(decode_reply(0xFF), Err(Errno::Io));
    }
}
