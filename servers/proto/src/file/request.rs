//! File-protocol requests and their encoding into label, words and bytes.

use super::names::{check_path, path_from_bytes, put_two_paths, two_paths_from};
use super::{Op, OpenFlags, PollEvents, Whence, MAX_IO_BYTES, MAX_MODE};
use crate::wire::{
    check_len, fd_from_word, fd_to_word, no_bytes, offset_from_word, offset_to_word, put_bytes,
    u32_from_word, DecodeError, Encoded,
};
use crate::Errno;
use abi::MSG_REGS;

/// A file-protocol request, borrowing its path or data from the message bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request<'a> {
    /// Open `path` and get an fd ([`Reply::Opened`](super::Reply::Opened)), or
    /// be sent to another server ([`Reply::Redirect`](super::Reply::Redirect), see [redirects](super#redirects)).
    ///
    /// The path is UTF-8 without NUL bytes, at most [`MAX_PATH_BYTES`](super::MAX_PATH_BYTES): a
    /// file server's absolute path, or a device server's own name for one of
    /// its devices (`"gpio"`, `"serial0"`); the empty name opens a server's
    /// only device. `mode` (at most [`MAX_MODE`]) is the permission a new
    /// file gets under [`OpenFlags::CREATE`]; otherwise it is 0.
    ///
    /// Errors: `ENOENT`, `EEXIST` (CREATE on a name that exists, if the
    /// server refuses that), `ENOTDIR`/`EISDIR`, `EACCES`, `EBUSY` (a device
    /// only one client may hold), `EMFILE` (the server's open table is full).
    Open {
        /// What to open.
        path: &'a str,
        /// How to open it.
        flags: OpenFlags,
        /// Permission bits for a created file.
        mode: u32,
    },
    /// Read up to `len_bytes` (at most [`MAX_IO_BYTES`]): [`Reply::Read`](super::Reply::Read).
    ///
    /// `offset` `None` reads at the fd's position and advances it; `Some`
    /// reads there and leaves the position (`pread`; `ESPIPE` on a device
    /// that cannot seek). Fewer bytes than asked is not an error; 0 bytes is
    /// end of file (or a hung-up line). With nothing to read, the server
    /// fails with `EAGAIN` under [`OpenFlags::NONBLOCK`], and otherwise waits
    /// for data before it replies.
    Read {
        /// The open file.
        fd: u32,
        /// Most bytes wanted.
        len_bytes: u32,
        /// Where to read, or `None` for the current position.
        offset: Option<u64>,
    },
    /// Write `data` ([`MAX_IO_BYTES`] at most) ([`Reply::Written`](super::Reply::Written)).
    ///
    /// `offset` as for `Read`; under [`OpenFlags::APPEND`] every write goes
    /// to the end. Fewer bytes written than sent is not an error (the client
    /// sends the rest); `EAGAIN` under `NONBLOCK` if none could be taken,
    /// `ENOSPC`/`EFBIG` when a file cannot grow.
    Write {
        /// The open file.
        fd: u32,
        /// Where to write, or `None` for the current position.
        offset: Option<u64>,
        /// The bytes.
        data: &'a [u8],
    },
    /// A device-specific command ([`Reply::Ioctl`](super::Reply::Ioctl)): see [`crate::ioctl`].
    ///
    /// `arg` carries small arguments; `data` (may be empty) larger ones. The
    /// reply's `value` is the result; its data, if any, a larger one.
    /// Errors: `ENOTTY` for a command the device does not know, `EINVAL`
    /// for a bad argument.
    Ioctl {
        /// The open device.
        fd: u32,
        /// The command number.
        cmd: u32,
        /// The command's argument.
        arg: u64,
        /// Further argument bytes (often empty).
        data: &'a [u8],
    },
    /// Move the position ([`Reply::Seeked`](super::Reply::Seeked)): `offset` from `whence`.
    ///
    /// Errors: `ESPIPE` on a character device, `EINVAL` if the result
    /// would be negative or past `i64::MAX`.
    Seek {
        /// The open file.
        fd: u32,
        /// Signed distance from `whence`.
        offset: i64,
        /// The origin.
        whence: Whence,
    },
    /// Which of `events` hold now ([`Reply::Polled`](super::Reply::Polled)).
    ///
    /// Polling never waits: the server answers at once, possibly with no
    /// event, because a server replies to one caller at a time and must not
    /// stall the others. A timeout is the client's: it polls again (the
    /// runtime sleeps between tries) until an event or its own deadline.
    Poll {
        /// The open file.
        fd: u32,
        /// The events of interest.
        events: PollEvents,
    },
    /// Close the fd ([`Reply::Released`](super::Reply::Released)); the fd is stale afterwards (`EBADF`).
    ///
    /// A server also releases every fd of a client that dies, so a missed
    /// `Release` leaks nothing for long.
    Release {
        /// The fd to close.
        fd: u32,
    },
    /// Describe the open file ([`Reply::Stat`](super::Reply::Stat)).
    Stat {
        /// The open file.
        fd: u32,
    },
    /// Make the directory `path`, with permission `mode` ([`Reply::Done`](super::Reply::Done)).
    ///
    /// The path is as for `Open`; `mode` is at most [`MAX_MODE`]. Errors:
    /// `EEXIST` (the name exists), `ENOENT` (a parent is missing, or the
    /// path is empty), `ENOTDIR` (a parent is not a directory), `EACCES`,
    /// `ENOSPC`, `EROFS`.
    Mkdir {
        /// The directory to make.
        path: &'a str,
        /// Its permission bits.
        mode: u32,
    },
    /// Remove the name `path` of a file or device ([`Reply::Done`](super::Reply::Done)).
    ///
    /// An fd open on the file keeps working until released. Errors:
    /// `ENOENT`, `EISDIR` (a directory: use `Rmdir`), `ENOTDIR` (a parent
    /// is not a directory), `EACCES`, `EBUSY`, `EROFS`.
    Unlink {
        /// The name to remove.
        path: &'a str,
    },
    /// Remove the empty directory `path` ([`Reply::Done`](super::Reply::Done)).
    ///
    /// Errors: `ENOENT`, `ENOTDIR` (not a directory), `ENOTEMPTY` (it has
    /// entries), `EBUSY` (the root, or a directory in use), `EINVAL` (a
    /// last component of `.`), `EACCES`, `EROFS`.
    Rmdir {
        /// The directory to remove.
        path: &'a str,
    },
    /// Give `from` the name `to` ([`Reply::Done`](super::Reply::Done)), replacing what `to` named.
    ///
    /// Both paths travel in the buffer, `from` then `to` with nothing between;
    /// w0 and w1 hold their lengths in bytes (each at most [`MAX_PATH_BYTES`](super::MAX_PATH_BYTES),
    /// `ENAMETOOLONG` otherwise; lengths that do not add up to the bytes sent
    /// are `EINVAL`). Errors: `ENOENT` (no `from`), `EISDIR` (`to` is a
    /// directory and `from` is not), `ENOTDIR` (the reverse), `ENOTEMPTY`
    /// (`to` is a directory with entries), `EINVAL` (moving a directory into
    /// itself), `EBUSY`, `EACCES`, `EROFS`, `ENOSPC`.
    Rename {
        /// The existing name.
        from: &'a str,
        /// The new name.
        to: &'a str,
    },
    /// The entry at `index` of an open directory ([`Reply::Entry`](super::Reply::Entry)).
    ///
    /// Entries count from 0 in the server's order (`.` and `..` included if
    /// the server lists them); an index past the last gets
    /// [`Reply::End`](super::Reply::End). The order is stable while the
    /// directory does not change. Errors: `EBADF`, `ENOTDIR` (the fd is
    /// not a directory).
    Readdir {
        /// The open directory.
        fd: u32,
        /// Which entry, from 0.
        index: u64,
    },
}

impl<'a> Request<'a> {
    /// The operation, whose number is the label.
    pub const fn op(&self) -> Op {
        match self {
            Request::Open { .. } => Op::Open,
            Request::Read { .. } => Op::Read,
            Request::Write { .. } => Op::Write,
            Request::Ioctl { .. } => Op::Ioctl,
            Request::Seek { .. } => Op::Seek,
            Request::Poll { .. } => Op::Poll,
            Request::Release { .. } => Op::Release,
            Request::Stat { .. } => Op::Stat,
            Request::Mkdir { .. } => Op::Mkdir,
            Request::Unlink { .. } => Op::Unlink,
            Request::Rmdir { .. } => Op::Rmdir,
            Request::Rename { .. } => Op::Rename,
            Request::Readdir { .. } => Op::Readdir,
        }
    }

    /// The fd the request names (every operation but those taking a path).
    pub const fn fd(&self) -> Option<u32> {
        match *self {
            Request::Open { .. }
            | Request::Mkdir { .. }
            | Request::Unlink { .. }
            | Request::Rmdir { .. }
            | Request::Rename { .. } => None,
            Request::Read { fd, .. }
            | Request::Write { fd, .. }
            | Request::Ioctl { fd, .. }
            | Request::Seek { fd, .. }
            | Request::Poll { fd, .. }
            | Request::Release { fd }
            | Request::Stat { fd }
            | Request::Readdir { fd, .. } => Some(fd),
        }
    }

    /// Encodes the request; its bytes go to the start of `buf`.
    ///
    /// Fails with the errno the server would answer: `ENAMETOOLONG` for a
    /// long path, `E2BIG` for data beyond `buf` or [`MAX_IO_BYTES`], `EBADF`
    /// for fd 0, `EINVAL` for other out-of-range fields.
    pub fn encode(&self, buf: &mut [u8]) -> Result<Encoded, Errno> {
        let label = self.op().label();
        Ok(match *self {
            Request::Open { path, flags, mode } => {
                check_path(path)?;
                if mode > MAX_MODE || OpenFlags::from_bits(flags.bits()).is_none() {
                    return Err(Errno::Invalid);
                }
                let len = put_bytes(buf, path.as_bytes())?;
                Encoded::new(label, [flags.bits().into(), mode.into()], len)
            }
            Request::Read {
                fd,
                len_bytes,
                offset,
            } => {
                if len_bytes as usize > MAX_IO_BYTES {
                    return Err(Errno::TooBig);
                }
                let words = [fd_to_word(fd)?, len_bytes.into(), offset_to_word(offset)?];
                Encoded::new(label, words, 0)
            }
            Request::Write { fd, offset, data } => {
                let words = [fd_to_word(fd)?, offset_to_word(offset)?];
                let len = put_bytes(buf, data)?;
                Encoded::new(label, words, len)
            }
            Request::Ioctl { fd, cmd, arg, data } => {
                let words = [fd_to_word(fd)?, cmd.into(), arg];
                let len = put_bytes(buf, data)?;
                Encoded::new(label, words, len)
            }
            Request::Seek { fd, offset, whence } => {
                let words = [fd_to_word(fd)?, offset as u64, whence as u64];
                Encoded::new(label, words, 0)
            }
            Request::Poll { fd, events } => {
                Encoded::new(label, [fd_to_word(fd)?, events.bits().into()], 0)
            }
            Request::Release { fd } | Request::Stat { fd } => {
                Encoded::new(label, [fd_to_word(fd)?], 0)
            }
            Request::Mkdir { path, mode } => {
                check_path(path)?;
                if mode > MAX_MODE {
                    return Err(Errno::Invalid);
                }
                let len = put_bytes(buf, path.as_bytes())?;
                Encoded::new(label, [mode.into()], len)
            }
            Request::Unlink { path } | Request::Rmdir { path } => {
                check_path(path)?;
                let len = put_bytes(buf, path.as_bytes())?;
                Encoded::new(label, [], len)
            }
            Request::Rename { from, to } => {
                let (words, len) = put_two_paths(buf, from, to)?;
                Encoded::new(label, words, len)
            }
            Request::Readdir { fd, index } => Encoded::new(label, [fd_to_word(fd)?, index], 0),
        })
    }

    /// Decodes a received request; `bytes` are the message's buffer bytes.
    ///
    /// Never panics, whatever the input; a server answers an error with
    /// [`DecodeError::errno`].
    pub fn decode(
        label: u16,
        words: [u64; MSG_REGS],
        bytes: &'a [u8],
    ) -> Result<Request<'a>, DecodeError> {
        check_len(bytes)?;
        let op = Op::from_label(label).ok_or(DecodeError::UnknownOp(label))?;
        let [w0, w1, w2, _] = words;
        if op.takes_fd() {
            fd_from_word(w0)?;
        }
        let fd = w0 as u32;
        Ok(match op {
            Op::Open => {
                let flags = u32::try_from(w0)
                    .ok()
                    .and_then(OpenFlags::from_bits)
                    .ok_or(DecodeError::BadWord(0))?;
                let mode = u32_from_word(&words, 1, MAX_MODE)?;
                let path = path_from_bytes(bytes)?;
                Request::Open { path, flags, mode }
            }
            Op::Read => {
                no_bytes(bytes)?;
                let len_bytes = u32::try_from(w1)
                    .ok()
                    .filter(|&n| n as usize <= MAX_IO_BYTES)
                    .ok_or(DecodeError::TooBig)?;
                let offset = offset_from_word(w2, 2)?;
                Request::Read {
                    fd,
                    len_bytes,
                    offset,
                }
            }
            Op::Write => Request::Write {
                fd,
                offset: offset_from_word(w1, 1)?,
                data: bytes,
            },
            Op::Ioctl => Request::Ioctl {
                fd,
                cmd: u32_from_word(&words, 1, u32::MAX)?,
                arg: w2,
                data: bytes,
            },
            Op::Seek => {
                no_bytes(bytes)?;
                let whence = Whence::from_raw(w2).ok_or(DecodeError::BadWord(2))?;
                Request::Seek {
                    fd,
                    offset: w1 as i64,
                    whence,
                }
            }
            Op::Poll => {
                no_bytes(bytes)?;
                let events = u32::try_from(w1)
                    .ok()
                    .and_then(PollEvents::from_bits)
                    .ok_or(DecodeError::BadWord(1))?;
                Request::Poll { fd, events }
            }
            Op::Release => {
                no_bytes(bytes)?;
                Request::Release { fd }
            }
            Op::Stat => {
                no_bytes(bytes)?;
                Request::Stat { fd }
            }
            Op::Mkdir => {
                let mode = u32_from_word(&words, 0, MAX_MODE)?;
                let path = path_from_bytes(bytes)?;
                Request::Mkdir { path, mode }
            }
            Op::Unlink => Request::Unlink {
                path: path_from_bytes(bytes)?,
            },
            Op::Rmdir => Request::Rmdir {
                path: path_from_bytes(bytes)?,
            },
            Op::Rename => {
                let (from, to) = two_paths_from(w0, w1, bytes)?;
                Request::Rename { from, to }
            }
            Op::Readdir => {
                no_bytes(bytes)?;
                Request::Readdir { fd, index: w1 }
            }
        })
    }
}
