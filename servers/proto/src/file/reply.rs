//! File-protocol replies and their encoding into label, words and bytes.

use super::names::{check_name, check_path, name_from_bytes, path_from_bytes};
use super::{FileKind, Op, PollEvents, Stat, MAX_IO_BYTES, REDIRECT_LABEL};
use crate::wire::{
    check_len, fd_from_word, fd_to_word, no_bytes, offset_from_word, put_bytes, reply_errno,
    u32_from_word, DecodeError, Encoded, OK_LABEL,
};
use crate::Errno;
use abi::MSG_REGS;

/// A file-protocol reply; the data of `Read` and `Ioctl`, an entry's name and a redirect's path borrow the message bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply<'a> {
    /// `Open` succeeded: the new fd (nonzero).
    Opened {
        /// The fd for later requests.
        fd: u32,
    },
    /// `Open` is to be sent elsewhere: label [`REDIRECT_LABEL`], no words, the path in the bytes.
    ///
    /// The message's handle field carries the other server's endpoint (see
    /// the [module docs](super#redirects)); this value is only the path.
    Redirect {
        /// What to open at the other server (UTF-8, no NUL, at most [`MAX_PATH_BYTES`](super::MAX_PATH_BYTES); often empty).
        path: &'a str,
    },
    /// `Read` succeeded: the bytes read (w0 repeats their count; empty at end of file).
    Read {
        /// The bytes.
        data: &'a [u8],
    },
    /// `Write` succeeded: how many bytes the server took (at most [`MAX_IO_BYTES`]).
    Written {
        /// Bytes written.
        len_bytes: u32,
    },
    /// `Ioctl` succeeded: the command's result.
    Ioctl {
        /// The result value (0 when the command returns nothing).
        value: u64,
        /// Result bytes (often empty).
        data: &'a [u8],
    },
    /// `Seek` succeeded: the new position (at most `i64::MAX`).
    Seeked {
        /// Bytes from the start of the file.
        offset: u64,
    },
    /// `Poll` succeeded: the events that hold now (maybe none).
    Polled {
        /// The ready events.
        revents: PollEvents,
    },
    /// `Release` succeeded.
    Released,
    /// `Stat` succeeded.
    Stat(Stat),
    /// `Mkdir`, `Unlink`, `Rmdir` or `Rename` succeeded: no words, no bytes.
    Done,
    /// `Readdir` found the entry asked for: w0 its kind, w1 its inode number, its name in the bytes.
    Entry {
        /// The entry's name in its directory: non-empty, no `/` or NUL, at most [`MAX_NAME_BYTES`](super::MAX_NAME_BYTES).
        name: &'a str,
        /// File, directory or device.
        kind: FileKind,
        /// The server's number for the file (`d_ino`); equal numbers are the same file.
        ino: u64,
    },
    /// `Readdir` asked past the last entry: w0 is 0 and no bytes travel.
    End,
    /// Any operation failed: the label is the errno, nothing else travels.
    Error(Errno),
}

impl<'a> Reply<'a> {
    /// The one operation this reply answers (`None` for [`Reply::Error`] and [`Reply::Done`], which answer several).
    pub const fn op(&self) -> Option<Op> {
        match self.ops() {
            [op] => Some(*op),
            _ => None,
        }
    }

    /// Every operation this reply can answer ([`Reply::Error`] answers any).
    pub const fn ops(&self) -> &'static [Op] {
        match self {
            Reply::Opened { .. } | Reply::Redirect { .. } => &[Op::Open],
            Reply::Read { .. } => &[Op::Read],
            Reply::Written { .. } => &[Op::Write],
            Reply::Ioctl { .. } => &[Op::Ioctl],
            Reply::Seeked { .. } => &[Op::Seek],
            Reply::Polled { .. } => &[Op::Poll],
            Reply::Released => &[Op::Release],
            Reply::Stat(_) => &[Op::Stat],
            Reply::Done => &[Op::Mkdir, Op::Unlink, Op::Rmdir, Op::Rename],
            Reply::Entry { .. } | Reply::End => &[Op::Readdir],
            Reply::Error(_) => &Op::ALL,
        }
    }

    /// Encodes the reply; its bytes go to the start of `buf`.
    ///
    /// Fails with `E2BIG` for data beyond `buf` or one message, `EBADF` for
    /// fd 0, `ENAMETOOLONG` for a long entry name or redirect path and
    /// `EINVAL` for other out-of-range fields (a NUL in a path).
    pub fn encode(&self, buf: &mut [u8]) -> Result<Encoded, Errno> {
        Ok(match *self {
            Reply::Opened { fd } => Encoded::new(OK_LABEL, [fd_to_word(fd)?], 0),
            Reply::Redirect { path } => {
                check_path(path)?;
                let len = put_bytes(buf, path.as_bytes())?;
                Encoded::new(REDIRECT_LABEL, [], len)
            }
            Reply::Read { data } => {
                let len = put_bytes(buf, data)?;
                Encoded::new(OK_LABEL, [len as u64], len)
            }
            Reply::Written { len_bytes } => {
                if len_bytes as usize > MAX_IO_BYTES {
                    return Err(Errno::Invalid);
                }
                Encoded::new(OK_LABEL, [len_bytes.into()], 0)
            }
            Reply::Ioctl { value, data } => {
                let len = put_bytes(buf, data)?;
                Encoded::new(OK_LABEL, [value], len)
            }
            Reply::Seeked { offset } => {
                if offset > i64::MAX as u64 {
                    return Err(Errno::Invalid);
                }
                Encoded::new(OK_LABEL, [offset], 0)
            }
            Reply::Polled { revents } => Encoded::new(OK_LABEL, [revents.bits().into()], 0),
            Reply::Released => Encoded::new(OK_LABEL, [], 0),
            Reply::Stat(stat) => {
                stat.check()?;
                let len = put_bytes(buf, &stat.to_bytes())?;
                Encoded::new(OK_LABEL, [], len)
            }
            Reply::Done => Encoded::new(OK_LABEL, [], 0),
            Reply::Entry { name, kind, ino } => {
                check_name(name)?;
                let len = put_bytes(buf, name.as_bytes())?;
                Encoded::new(OK_LABEL, [(kind as u8).into(), ino], len)
            }
            // No FileKind is 0, so w0 = 0 tells the end from an entry.
            Reply::End => Encoded::new(OK_LABEL, [0], 0),
            Reply::Error(errno) => Encoded::new(errno.code(), [], 0),
        })
    }

    /// Decodes the reply to a request of operation `op`. Never panics.
    ///
    /// [`REDIRECT_LABEL`] is a reply only to `Open`; to any other operation
    /// it is an unknown label ([`DecodeError::UnknownErrno`]).
    pub fn decode(
        op: Op,
        label: u16,
        words: [u64; MSG_REGS],
        bytes: &'a [u8],
    ) -> Result<Reply<'a>, DecodeError> {
        check_len(bytes)?;
        if op == Op::Open && label == REDIRECT_LABEL {
            return Ok(Reply::Redirect {
                path: path_from_bytes(bytes)?,
            });
        }
        if let Some(errno) = reply_errno(label)? {
            return Ok(Reply::Error(errno));
        }
        let [w0, w1, ..] = words;
        Ok(match op {
            Op::Open => {
                no_bytes(bytes)?;
                Reply::Opened {
                    fd: fd_from_word(w0)?,
                }
            }
            Op::Read => {
                if w0 != bytes.len() as u64 {
                    return Err(DecodeError::BadWord(0));
                }
                Reply::Read { data: bytes }
            }
            Op::Write => {
                no_bytes(bytes)?;
                Reply::Written {
                    len_bytes: u32_from_word(&words, 0, MAX_IO_BYTES as u32)?,
                }
            }
            Op::Ioctl => Reply::Ioctl {
                value: w0,
                data: bytes,
            },
            Op::Seek => {
                no_bytes(bytes)?;
                match offset_from_word(w0, 0)? {
                    Some(offset) => Reply::Seeked { offset },
                    None => return Err(DecodeError::BadWord(0)),
                }
            }
            Op::Poll => {
                no_bytes(bytes)?;
                let revents = u32::try_from(w0)
                    .ok()
                    .and_then(PollEvents::from_bits)
                    .ok_or(DecodeError::BadWord(0))?;
                Reply::Polled { revents }
            }
            Op::Release => {
                no_bytes(bytes)?;
                Reply::Released
            }
            Op::Stat => Reply::Stat(Stat::from_bytes(bytes)?),
            Op::Mkdir | Op::Unlink | Op::Rmdir | Op::Rename => {
                no_bytes(bytes)?;
                Reply::Done
            }
            Op::Readdir if w0 == 0 => {
                no_bytes(bytes)?;
                Reply::End
            }
            Op::Readdir => {
                let kind = u8::try_from(w0)
                    .ok()
                    .and_then(FileKind::from_raw)
                    .ok_or(DecodeError::BadWord(0))?;
                let name = name_from_bytes(bytes)?;
                Reply::Entry {
                    name,
                    kind,
                    ino: w1,
                }
            }
        })
    }

    /// `Ok(self)` for success, `Err(errno)` for [`Reply::Error`].
    pub fn into_result(self) -> Result<Reply<'a>, Errno> {
        match self {
            Reply::Error(errno) => Err(errno),
            ok => Ok(ok),
        }
    }
}
