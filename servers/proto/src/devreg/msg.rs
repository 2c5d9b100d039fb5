//! Device-registry requests and replies, their encoding, and the packed `List` entries.

use super::{
    number_from_word, number_word, Conflict, DevKind, DevName, Device, Op, ENTRY_BYTES,
    MAX_LIST_ENTRIES,
};
use crate::wire::{
    check_len, no_bytes, put_bytes, reply_errno, u32_from_word, DecodeError, Encoded, OK_LABEL,
};
use crate::Errno;
use abi::{MAX_MSG_BYTES, MSG_REGS};

/// A device-registry request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    /// Register a device served by the caller ([`Reply::Registered`]).
    ///
    /// The message must carry the caller's endpoint handle (send right,
    /// grant right for passing it on); the registry keeps it and hands
    /// copies to clients. Major 0 asks the registry to choose a free major
    /// (Linux's `register_chrdev(0, ..)`), from [`super::DYNAMIC_MAJORS`],
    /// highest first; the reply says which.
    ///
    /// Errors: `EBUSY` ([`Reply::Busy`]) if the name or the (kind, major,
    /// minor) is taken, naming the device that holds it; `EINVAL` without a
    /// handle or with numbers out of range; `ENOSPC` if the registry or the
    /// dynamic majors are full.
    Register {
        /// The name clients look up.
        name: DevName,
        /// Char or block.
        kind: DevKind,
        /// Major number, or 0 for "choose one".
        major: u32,
        /// Minor number.
        minor: u32,
    },
    /// Remove a device the caller registered ([`Reply::Unregistered`]).
    ///
    /// Errors: `ENOENT` for an unknown name, `EPERM` if another task owns it.
    /// A server's devices also go when it exits.
    Unregister {
        /// The device.
        name: DevName,
    },
    /// Find a device ([`Reply::Found`]); the reply carries a copy of its
    /// server's endpoint handle. Errors: `ENOENT`.
    Lookup {
        /// The device.
        name: DevName,
    },
    /// List devices from index `start` in (kind, major, minor) order
    /// ([`Reply::Listed`]): as many as one message holds. A client asks
    /// again from `start + count` while that is below `total`.
    List {
        /// Index of the first device wanted.
        start: u32,
    },
    /// Drop every device registered by the server with registry badge
    /// `owner` ([`Reply::Unregistered`]): init sends it when a server ends,
    /// so a restarted one can register its names again. Only the registry's
    /// creator (badge 0) may; others get `EPERM`.
    RemoveOwner {
        /// The ended server's registry badge.
        owner: u64,
    },
}

impl Request {
    /// The operation, whose number is the label.
    pub const fn op(&self) -> Op {
        match self {
            Request::Register { .. } => Op::Register,
            Request::Unregister { .. } => Op::Unregister,
            Request::Lookup { .. } => Op::Lookup,
            Request::List { .. } => Op::List,
            Request::RemoveOwner { .. } => Op::RemoveOwner,
        }
    }

    /// Encodes the request (no request has bytes, so none are written to `_buf`).
    ///
    /// Fails with `EINVAL` for numbers out of range. A `Register` message
    /// must also get the endpoint handle ([`abi::MsgInfo::with_handle`]).
    pub fn encode(&self, _buf: &mut [u8]) -> Result<Encoded, Errno> {
        let label = self.op().label();
        Ok(match *self {
            Request::Register {
                name,
                kind,
                major,
                minor,
            } => {
                let [w0, w1] = name.to_words();
                Encoded::new(label, [w0, w1, number_word(kind, major, minor)?], 0)
            }
            Request::Unregister { name } | Request::Lookup { name } => {
                Encoded::new(label, name.to_words(), 0)
            }
            Request::List { start } => Encoded::new(label, [start.into()], 0),
            Request::RemoveOwner { owner } => Encoded::new(label, [owner], 0),
        })
    }

    /// Decodes a received request. Never panics.
    pub fn decode(
        label: u16,
        words: [u64; MSG_REGS],
        bytes: &[u8],
    ) -> Result<Request, DecodeError> {
        check_len(bytes)?;
        let op = Op::from_label(label).ok_or(DecodeError::UnknownOp(label))?;
        no_bytes(bytes)?;
        let [w0, w1, w2, _] = words;
        Ok(match op {
            Op::Register => {
                let name = DevName::from_words(w0, w1)?;
                let (kind, major, minor) = number_from_word(w2, 2)?;
                Request::Register {
                    name,
                    kind,
                    major,
                    minor,
                }
            }
            Op::Unregister => Request::Unregister {
                name: DevName::from_words(w0, w1)?,
            },
            Op::Lookup => Request::Lookup {
                name: DevName::from_words(w0, w1)?,
            },
            Op::List => Request::List {
                start: u32_from_word(&words, 0, u32::MAX)?,
            },
            Op::RemoveOwner => Request::RemoveOwner { owner: w0 },
        })
    }
}

/// A device-registry reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply<'a> {
    /// `Register` succeeded, with these numbers (the major chosen, if 0 was asked).
    Registered {
        /// The major number.
        major: u32,
        /// The minor number.
        minor: u32,
    },
    /// `Unregister` succeeded.
    Unregistered,
    /// `Lookup` found the device; the message carries its server's endpoint.
    Found(Device),
    /// `List`: `entries` from the requested start, and how many devices there are.
    Listed {
        /// Devices registered in all.
        total: u32,
        /// This reply's share.
        entries: ListEntries<'a>,
    },
    /// `Register` refused with `EBUSY`: the device holding the name or number.
    Busy(Conflict),
    /// The operation failed: the label is the errno.
    Error(Errno),
}

impl<'a> Reply<'a> {
    /// Encodes the reply; `List` entries go to the start of `buf`.
    ///
    /// A `Found` message must also get the endpoint handle. Fails with
    /// `E2BIG` if the entries exceed `buf`, `EINVAL` for numbers out of range.
    pub fn encode(&self, buf: &mut [u8]) -> Result<Encoded, Errno> {
        Ok(match *self {
            Reply::Registered { major, minor } => {
                number_word(DevKind::Char, major, minor)?;
                Encoded::new(OK_LABEL, [major.into(), minor.into()], 0)
            }
            Reply::Unregistered => Encoded::new(OK_LABEL, [], 0),
            Reply::Found(device) => Encoded::new(OK_LABEL, device.to_words()?, 0),
            Reply::Listed { total, entries } => {
                let len = put_bytes(buf, entries.as_bytes())?;
                let words = [entries.len() as u64, total.into()];
                Encoded::new(OK_LABEL, words, len)
            }
            Reply::Busy(conflict) => {
                Encoded::new(Errno::Busy.code(), conflict.existing.to_words()?, 0)
            }
            Reply::Error(errno) => Encoded::new(errno.code(), [], 0),
        })
    }

    /// Decodes the reply to a request of operation `op`. Never panics.
    ///
    /// An `EBUSY` reply to `Register` is [`Reply::Busy`] when its words hold
    /// a valid device, else a plain [`Reply::Error`].
    pub fn decode(
        op: Op,
        label: u16,
        words: [u64; MSG_REGS],
        bytes: &'a [u8],
    ) -> Result<Reply<'a>, DecodeError> {
        check_len(bytes)?;
        if let Some(errno) = reply_errno(label)? {
            if let (Errno::Busy, Op::Register, Ok(existing)) =
                (errno, op, Device::from_words(words))
            {
                return Ok(Reply::Busy(Conflict { existing }));
            }
            return Ok(Reply::Error(errno));
        }
        if op != Op::List {
            no_bytes(bytes)?;
        }
        Ok(match op {
            Op::Register => Reply::Registered {
                major: u32_from_word(&words, 0, super::MAX_MAJOR)?,
                minor: u32_from_word(&words, 1, super::MAX_MINOR)?,
            },
            Op::Unregister | Op::RemoveOwner => Reply::Unregistered,
            Op::Lookup => Reply::Found(Device::from_words(words)?),
            Op::List => {
                let count = u32_from_word(&words, 0, MAX_LIST_ENTRIES as u32)?;
                let total = u32_from_word(&words, 1, u32::MAX)?;
                if bytes.len() != count as usize * ENTRY_BYTES {
                    return Err(DecodeError::BadBytes);
                }
                Reply::Listed {
                    total,
                    entries: ListEntries::new(bytes)?,
                }
            }
        })
    }

    /// `Ok(self)` for success, `Err(errno)` for [`Reply::Error`] and [`Reply::Busy`].
    pub fn into_result(self) -> Result<Reply<'a>, Errno> {
        match self {
            Reply::Error(errno) => Err(errno),
            Reply::Busy(_) => Err(Errno::Busy),
            ok => Ok(ok),
        }
    }
}

/// `List` entries packed as bytes: [`ENTRY_BYTES`] each, a [`Device`]'s four words little-endian.
///
/// Invariant: the length is a multiple of [`ENTRY_BYTES`], at most one
/// message, and every entry decodes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListEntries<'a> {
    /// The packed entries.
    bytes: &'a [u8],
}

impl<'a> ListEntries<'a> {
    /// Checks received bytes: whole entries, each a valid device.
    pub fn new(bytes: &'a [u8]) -> Result<ListEntries<'a>, DecodeError> {
        if !bytes.len().is_multiple_of(ENTRY_BYTES) || bytes.len() > MAX_MSG_BYTES {
            return Err(DecodeError::BadBytes);
        }
        for entry in bytes.chunks_exact(ENTRY_BYTES) {
            Device::from_words(entry_words(entry))?;
        }
        Ok(ListEntries { bytes })
    }

    /// Packs the first devices of `devices` that fit in `buf` (and one message).
    ///
    /// Fails with `EINVAL` if a device's numbers are out of range.
    pub fn pack(devices: &[Device], buf: &'a mut [u8]) -> Result<ListEntries<'a>, Errno> {
        let room = buf.len().min(MAX_MSG_BYTES) / ENTRY_BYTES;
        let count = devices.len().min(room);
        let used = count * ENTRY_BYTES;
        for (entry, device) in buf.chunks_exact_mut(ENTRY_BYTES).zip(devices).take(count) {
            for (bytes, word) in entry.chunks_exact_mut(8).zip(device.to_words()?) {
                bytes.copy_from_slice(&word.to_le_bytes());
            }
        }
        let bytes: &'a [u8] = buf;
        Ok(ListEntries {
            bytes: bytes.get(..used).unwrap_or(&[]),
        })
    }

    /// Entries held.
    pub const fn len(&self) -> usize {
        self.bytes.len() / ENTRY_BYTES
    }

    /// Whether none are held.
    pub const fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The packed bytes, as they travel.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The devices, in order.
    pub fn iter(&self) -> impl Iterator<Item = Device> + 'a {
        self.bytes.chunks_exact(ENTRY_BYTES).filter_map(|entry| {
            let device = Device::from_words(entry_words(entry));
            debug_assert!(device.is_ok(), "ListEntries holds only valid entries");
            device.ok()
        })
    }
}

/// The four words of one packed entry (`entry` is [`ENTRY_BYTES`] long).
fn entry_words(entry: &[u8]) -> [u64; 4] {
    let mut words = [0u64; 4];
    for (word, bytes) in words.iter_mut().zip(entry.chunks_exact(8)) {
        let mut le = [0u8; 8];
        le.copy_from_slice(bytes);
        *word = u64::from_le_bytes(le);
    }
    words
}
