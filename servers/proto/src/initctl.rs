//! Requests to init, the supervisor and module manager: what a shell asks of the task that started everything.
//!
//! init holds the task handles of the servers it started, so it is the one
//! that can load, stop and list them. A client (the shell) gets an endpoint
//! to init badged as a control client; the kernel's own exit and fault
//! messages reach init unbadged, so a client cannot pose as the kernel.
//!
//! Every answer is text for a person: `OK` with the report in the bytes
//! ("hello: loaded as pid 9"), or an [`Errno`] label with the reason in the
//! bytes ("hello: built for ABI 0, this kernel has ABI 1").

use crate::wire::{check_len, put_bytes, reply_errno, DecodeError, Encoded, OK_LABEL};
use crate::Errno;
use abi::MSG_REGS;

/// The first label of init requests (`0x300..=0x3DF`; `0x3E0..` is [`crate::modctl`]).
pub const LABEL_BASE: u16 = 0x300;

/// A request to init.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request<'a> {
    /// Stop task `pid` (not a module: `rmmod` is for those). `ESRCH`, `EPERM` for init.
    Kill {
        /// The task's id.
        pid: u64,
    },
    /// Load a module from a boot-archive name or a file path, with `key=value` parameters.
    Insmod {
        /// `hello` (the archive) or `/tmp/mymod` (a file, through the file server).
        source: &'a str,
        /// Space-separated `key=value` pairs.
        params: &'a str,
    },
    /// Stop and unload modules, in the order given (space-separated names).
    Rmmod {
        /// The names.
        names: &'a str,
        /// Skip the use checks, and kill a module that does not stop.
        force: bool,
    },
    /// The `lsmod` table from row `start` (as many rows as fit; w0 of the
    /// answer = rows sent, w1 = rows in all).
    Lsmod {
        /// First row wanted.
        start: u32,
    },
    /// Load a module after the modules it depends on (from `modules.dep`),
    /// with defaults from `modprobe.conf` under the given parameters.
    Modprobe {
        /// The module's name.
        name: &'a str,
        /// Parameters that override the configured ones.
        params: &'a str,
    },
    /// Unload a module, then the dependencies nothing else uses.
    ModprobeRemove {
        /// The module's name.
        name: &'a str,
    },
    /// A loaded module's parameters as it got them (`/sys/module/NAME/parameters`).
    Params {
        /// The module's name.
        name: &'a str,
    },
    /// Make a module take a data abort (fault injection).
    Crash {
        /// The module's name.
        name: &'a str,
    },
    /// A fresh connection to the file server (after it was restarted): the
    /// answer carries the handle.
    ConnectFs,
}

/// The labels, in order.
const KILL: u16 = LABEL_BASE;
const INSMOD: u16 = LABEL_BASE + 1;
const RMMOD: u16 = LABEL_BASE + 2;
const LSMOD: u16 = LABEL_BASE + 3;
const MODPROBE: u16 = LABEL_BASE + 4;
const MODPROBE_REMOVE: u16 = LABEL_BASE + 5;
const PARAMS: u16 = LABEL_BASE + 6;
const CRASH: u16 = LABEL_BASE + 7;
const CONNECT_FS: u16 = LABEL_BASE + 8;

/// Writes `a`, NUL, `b` into `buf`: `EINVAL` if either holds a NUL, `E2BIG` if they do not fit.
fn put_two(buf: &mut [u8], a: &str, b: &str) -> Result<usize, Errno> {
    if a.contains('\0') || b.contains('\0') {
        return Err(Errno::Invalid);
    }
    let n = a.len() + 1 + b.len();
    if n > buf.len() || n > abi::MAX_MSG_BYTES {
        return Err(Errno::TooBig);
    }
    buf[..a.len()].copy_from_slice(a.as_bytes());
    buf[a.len()] = 0;
    buf[a.len() + 1..n].copy_from_slice(b.as_bytes());
    Ok(n)
}

fn text(bytes: &[u8]) -> Result<&str, DecodeError> {
    let s = core::str::from_utf8(bytes).map_err(|_| DecodeError::BadBytes)?;
    if s.contains('\0') {
        return Err(DecodeError::BadBytes);
    }
    Ok(s)
}

fn two(bytes: &[u8]) -> Result<(&str, &str), DecodeError> {
    let at = bytes
        .iter()
        .position(|&b| b == 0)
        .ok_or(DecodeError::BadBytes)?;
    Ok((text(&bytes[..at])?, text(&bytes[at + 1..])?))
}

impl<'a> Request<'a> {
    /// Encodes the request; strings go to `buf` (the IPC buffer).
    pub fn encode(&self, buf: &mut [u8]) -> Result<Encoded, Errno> {
        Ok(match *self {
            Request::Kill { pid } => Encoded::new(KILL, [pid], 0),
            Request::Insmod { source, params } => {
                Encoded::new(INSMOD, [], put_two(buf, source, params)?)
            }
            Request::Rmmod { names, force } => {
                Encoded::new(RMMOD, [u64::from(force)], put_bytes(buf, names.as_bytes())?)
            }
            Request::Lsmod { start } => Encoded::new(LSMOD, [u64::from(start)], 0),
            Request::Modprobe { name, params } => {
                Encoded::new(MODPROBE, [], put_two(buf, name, params)?)
            }
            Request::ModprobeRemove { name } => {
                Encoded::new(MODPROBE_REMOVE, [], put_bytes(buf, name.as_bytes())?)
            }
            Request::Params { name } => Encoded::new(PARAMS, [], put_bytes(buf, name.as_bytes())?),
            Request::Crash { name } => Encoded::new(CRASH, [], put_bytes(buf, name.as_bytes())?),
            Request::ConnectFs => Encoded::new(CONNECT_FS, [], 0),
        })
    }

    /// Decodes a received request, borrowing its strings from `bytes`. Never panics.
    pub fn decode(
        label: u16,
        words: [u64; MSG_REGS],
        bytes: &'a [u8],
    ) -> Result<Request<'a>, DecodeError> {
        check_len(bytes)?;
        Ok(match label {
            KILL => Request::Kill { pid: words[0] },
            INSMOD => {
                let (source, params) = two(bytes)?;
                Request::Insmod { source, params }
            }
            RMMOD => Request::Rmmod {
                names: text(bytes)?,
                force: match words[0] {
                    0 => false,
                    1 => true,
                    _ => return Err(DecodeError::BadWord(0)),
                },
            },
            LSMOD => Request::Lsmod {
                start: u32::try_from(words[0]).map_err(|_| DecodeError::BadWord(0))?,
            },
            MODPROBE => {
                let (name, params) = two(bytes)?;
                Request::Modprobe { name, params }
            }
            MODPROBE_REMOVE => Request::ModprobeRemove { name: text(bytes)? },
            PARAMS => Request::Params { name: text(bytes)? },
            CRASH => Request::Crash { name: text(bytes)? },
            CONNECT_FS => Request::ConnectFs,
            other => return Err(DecodeError::UnknownOp(other)),
        })
    }
}

/// init's answer: OK or an [`Errno`], with `text` (a report or the reason) in `buf`.
pub fn encode_reply(
    result: Result<(), Errno>,
    words: [u64; 2],
    text: &str,
    buf: &mut [u8],
) -> Encoded {
    let label = match result {
        Ok(()) => OK_LABEL,
        Err(e) => e.code(),
    };
    // A report longer than a message is cut at a character boundary.
    let mut n = text.len().min(buf.len()).min(abi::MAX_MSG_BYTES);
    while !text.is_char_boundary(n) {
        n -= 1;
    }
    buf[..n].copy_from_slice(&text.as_bytes()[..n]);
    Encoded::new(label, words, n)
}

/// Decodes init's answer: the words and text on success, the errno and reason on failure.
pub fn decode_reply(
    label: u16,
    words: [u64; MSG_REGS],
    bytes: &[u8],
) -> Result<([u64; 2], &str), (Errno, &str)> {
    let message = core::str::from_utf8(bytes).unwrap_or("(garbled answer)");
    match reply_errno(label) {
        Ok(None) => Ok(([words[0], words[1]], message)),
        Ok(Some(e)) => Err((e, message)),
        Err(e) => Err((e.errno(), message)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(req: Request) {
        let mut buf = [0u8; abi::MAX_MSG_BYTES];
        let e = req.encode(&mut buf).expect("encodes");
        let info = e.info();
        let n = usize::from(info.len_bytes);
        let bytes = buf;
        assert_eq!(Request::decode(info.label, e.words, &bytes[..n]), Ok(req));
    }

    #[test]
    fn every_request_round_trips() {
        round_trip(Request::Kill { pid: 42 });
        round_trip(Request::Insmod {
            source: "/tmp/my mod",
            params: "howmany=3 whom=you",
        });
        round_trip(Request::Insmod {
            source: "hello",
            params: "",
        });
        round_trip(Request::Rmmod {
            names: "hello gpio",
            force: true,
        });
        round_trip(Request::Lsmod { start: 3 });
        round_trip(Request::Modprobe {
            name: "uart",
            params: "baud=9600",
        });
        round_trip(Request::ModprobeRemove { name: "uart" });
        round_trip(Request::Params { name: "hello" });
        round_trip(Request::Crash { name: "fs" });
        round_trip(Request::ConnectFs);
    }

    #[test]
    fn bad_requests_are_refused() {
        let words = [0; MSG_REGS];
        assert_eq!(
            Request::decode(0x3DF, words, &[]),
            Err(DecodeError::UnknownOp(0x3DF))
        );
        assert!(Request::decode(INSMOD, words, b"no-nul").is_err());
        assert!(Request::decode(INSMOD, words, &[0xff, 0]).is_err());
        assert!(Request::decode(RMMOD, [2, 0, 0, 0], b"x").is_err());
        assert!(Request::decode(LSMOD, [u64::MAX, 0, 0, 0], &[]).is_err());
        let mut buf = [0u8; 16];
        assert_eq!(
            Request::Insmod {
                source: "a\0b",
                params: ""
            }
            .encode(&mut buf),
            Err(Errno::Invalid)
        );
        assert_eq!(
            Request::Insmod {
                source: "a-long-name",
                params: "and=params"
            }
            .encode(&mut buf),
            Err(Errno::TooBig)
        );
    }

    #[test]
    fn replies_carry_text_both_ways() {
        let mut buf = [0u8; 64];
        let e = encode_reply(Ok(()), [3, 9], "loaded", &mut buf);
        let n = usize::from(e.info().len_bytes);
        assert_eq!(
            decode_reply(e.info().label, e.words, &buf[..n]),
            Ok(([3, 9], "loaded"))
        );
        for errno in Errno::ALL {
            let e = encode_reply(Err(errno), [0, 0], "why", &mut buf);
            let n = usize::from(e.info().len_bytes);
            assert_eq!(
                decode_reply(e.info().label, e.words, &buf[..n]),
                Err((errno, "why"))
            );
        }
        let long = "é".repeat(40);
        let e = encode_reply(Ok(()), [0, 0], &long, &mut buf);
        let n = usize::from(e.info().len_bytes);
        assert!(core::str::from_utf8(&buf[..n]).is_ok() && n <= 64);
    }
}
