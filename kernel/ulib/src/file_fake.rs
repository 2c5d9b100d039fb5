//! A fake file server and driver for `ulib::file`'s host tests; requests and replies go through the real encodings.

extern crate std;

use crate::Handle;
use abi::MAX_MSG_BYTES;
use proto::file::{FileKind, Op, OpenFlags, PollEvents, Reply, Request, Stat, Whence};
use proto::{Encoded, Errno};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::string::String;
use std::vec::Vec;

/// The file server's handle in the tests.
pub(super) const ROOT: Handle = 1;
/// The first handle a redirect hands out (a driver's endpoint).
const FIRST_DRIVER: Handle = 100;

/// What the client did, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Event {
    /// A request to a server (for `Open`, with its flags' bits).
    Call(Handle, Op, u32),
    /// A handle closed.
    Close(Handle),
}

/// The fake's state, one per test thread.
#[derive(Default)]
pub(super) struct Fake {
    /// Files at the root, by path.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Root paths answered with a redirect, and the path to open at the driver.
    pub redirects: BTreeMap<String, String>,
    /// Driver paths refused, with the errno.
    pub refusals: BTreeMap<String, Errno>,
    /// Directory entries every directory lists.
    pub entries: Vec<(&'static str, FileKind)>,
    /// Most bytes one `Write` takes (0: all).
    pub max_write: usize,
    /// Bytes each `Write` request carried.
    pub write_sizes: Vec<usize>,
    /// The fake clock, moved by `sleep_ns`.
    pub clock_ns: u64,
    /// From when `Poll` reports `READABLE`.
    pub readable_at_ns: u64,
    /// Every request and close.
    pub events: Vec<Event>,
    /// Driver handles handed out and not closed.
    pub live: BTreeSet<Handle>,
    /// Open fds: (server, fd) to (path, position).
    opens: BTreeMap<(Handle, u32), (String, u64)>,
    next_fd: u32,
    handed_out: u32,
}

std::thread_local! {
    static FAKE: RefCell<Fake> = RefCell::new(Fake::default());
}

/// Runs `f` on this thread's fake.
pub(super) fn with<R>(f: impl FnOnce(&mut Fake) -> R) -> R {
    FAKE.with(|fake| f(&mut fake.borrow_mut()))
}

/// The fake's `call`: encode, decode as a server would, answer, encode, decode as the client.
pub(super) fn call<R>(
    server: Handle,
    req: &Request<'_>,
    f: impl FnOnce(Reply<'_>) -> R,
) -> Result<(R, Handle), Errno> {
    let mut out = [0u8; MAX_MSG_BYTES];
    let (answer, handle) = exchange(server, req, &mut out)?;
    let bytes = &out[..usize::from(answer.len_bytes)];
    match Reply::decode(req.op(), answer.label, answer.words, bytes) {
        Ok(reply) => Ok((f(reply), handle)),
        Err(_) => Err(Errno::Io),
    }
}

/// `req` through the real encodings to the fake server, its reply encoded
/// into `out`: the reply's descriptor and the handle it moves.
fn exchange(
    server: Handle,
    req: &Request<'_>,
    out: &mut [u8; MAX_MSG_BYTES],
) -> Result<(Encoded, Handle), Errno> {
    let mut buf = [0u8; MAX_MSG_BYTES];
    let enc = req.encode(&mut buf)?;
    let sent = Request::decode(enc.label, enc.words, &buf[..usize::from(enc.len_bytes)])
        .expect("the client sends requests that decode");
    Ok(with(|fake| fake.serve(server, &sent, out)))
}

/// The fake's `call_into`: as `call`, with the reply's bytes put in `window`
/// when they fit (as the kernel or the IPC-buffer copy leaves them), and
/// decoded from there.
pub(super) fn call_into<R>(
    server: Handle,
    req: &Request<'_>,
    window: &mut [u8],
    f: impl FnOnce(Reply<'_>) -> R,
) -> Result<(R, Handle), Errno> {
    let mut out = [0u8; MAX_MSG_BYTES];
    let (answer, handle) = exchange(server, req, &mut out)?;
    let bytes = &out[..usize::from(answer.len_bytes)];
    let decoded = match window.get_mut(..bytes.len()) {
        Some(dest) => {
            dest.copy_from_slice(bytes);
            Reply::decode(req.op(), answer.label, answer.words, dest).map(f)
        }
        None => Reply::decode(req.op(), answer.label, answer.words, bytes).map(f),
    };
    decoded.map(|r| (r, handle)).map_err(|_| Errno::Io)
}

/// Closes a driver handle; closing one the client does not hold fails the test.
pub(super) fn close(h: Handle) {
    with(|fake| {
        assert!(
            fake.live.remove(&h),
            "closed handle {h}, which it does not hold"
        );
        fake.events.push(Event::Close(h));
    });
}

pub(super) fn now_ns() -> u64 {
    with(|fake| fake.clock_ns)
}

pub(super) fn sleep_ns(ns: u64) {
    with(|fake| fake.clock_ns += ns);
}

impl Fake {
    /// The requests sent, in order, as (server, op).
    pub(super) fn calls(&self) -> Vec<(Handle, Op)> {
        let calls = self.events.iter().filter_map(|e| match *e {
            Event::Call(h, op, _) => Some((h, op)),
            Event::Close(_) => None,
        });
        calls.collect()
    }

    /// Answers `req` into `out`: the encoded reply and the handle it moves.
    fn serve(&mut self, server: Handle, req: &Request<'_>, out: &mut [u8]) -> (Encoded, Handle) {
        let flags = match *req {
            Request::Open { flags, .. } => flags.bits(),
            _ => 0,
        };
        self.events.push(Event::Call(server, req.op(), flags));
        let mut scratch = Vec::new();
        let (reply, handle) = if server == ROOT || self.live.contains(&server) {
            self.answer(server, req, &mut scratch)
        } else {
            (Reply::Error(Errno::BadFd), 0)
        };
        (
            reply.encode(out).expect("the fake's replies encode"),
            handle,
        )
    }

    fn new_fd(&mut self, server: Handle, path: &str) -> u32 {
        self.next_fd += 1;
        self.opens
            .insert((server, self.next_fd), (String::from(path), 0));
        self.next_fd
    }

    /// A redirect to a fresh driver handle, opening `there`.
    fn redirect<'s>(&mut self, there: &str, scratch: &'s mut Vec<u8>) -> (Reply<'s>, Handle) {
        self.handed_out += 1;
        let h = FIRST_DRIVER + self.handed_out;
        self.live.insert(h);
        scratch.extend_from_slice(there.as_bytes());
        let path = core::str::from_utf8(scratch).unwrap_or("");
        (Reply::Redirect { path }, h)
    }

    fn answer<'s>(
        &mut self,
        server: Handle,
        req: &Request<'_>,
        scratch: &'s mut Vec<u8>,
    ) -> (Reply<'s>, Handle) {
        let fd_of = |fd: u32| (server, fd);
        let reply = match *req {
            Request::Open { path, flags, .. } if server == ROOT => {
                let there = self.redirects.get(path).cloned();
                match there {
                    Some(there) if !flags.contains(OpenFlags::PATH) => {
                        return self.redirect(&there, scratch)
                    }
                    Some(_) => Reply::Opened {
                        fd: self.new_fd(server, path),
                    },
                    None if self.files.contains_key(path) || flags.contains(OpenFlags::CREATE) => {
                        self.files.entry(String::from(path)).or_default();
                        Reply::Opened {
                            fd: self.new_fd(server, path),
                        }
                    }
                    None => Reply::Error(Errno::NoEntry),
                }
            }
            Request::Open { path, .. } => match self.refusals.get(path) {
                Some(&e) => Reply::Error(e),
                None if path == "again" => return self.redirect("again", scratch),
                None => Reply::Opened {
                    fd: self.new_fd(server, ""),
                },
            },
            Request::Release { fd } => match self.opens.remove(&fd_of(fd)) {
                Some(_) => Reply::Released,
                None => Reply::Error(Errno::BadFd),
            },
            Request::Read {
                fd,
                len_bytes,
                offset,
            } => match self.opens.get_mut(&fd_of(fd)) {
                Some((path, pos)) => {
                    let data = self
                        .files
                        .get(path.as_str())
                        .map(Vec::as_slice)
                        .unwrap_or(&[]);
                    let at = (offset.unwrap_or(*pos) as usize).min(data.len());
                    let n = (data.len() - at).min(len_bytes as usize);
                    scratch.extend_from_slice(&data[at..at + n]);
                    if offset.is_none() {
                        *pos = (at + n) as u64;
                    }
                    Reply::Read { data: scratch }
                }
                None => Reply::Error(Errno::BadFd),
            },
            Request::Write { fd, offset, data } => match self.opens.get_mut(&fd_of(fd)) {
                Some((path, pos)) => {
                    self.write_sizes.push(data.len());
                    let n = match self.max_write {
                        0 => data.len(),
                        max => data.len().min(max),
                    };
                    let file = self.files.entry(path.clone()).or_default();
                    let at = offset.unwrap_or(*pos) as usize;
                    if file.len() < at + n {
                        file.resize(at + n, 0);
                    }
                    file[at..at + n].copy_from_slice(&data[..n]);
                    if offset.is_none() {
                        *pos = (at + n) as u64;
                    }
                    Reply::Written {
                        len_bytes: n as u32,
                    }
                }
                None => Reply::Error(Errno::BadFd),
            },
            Request::Seek { fd, offset, whence } => match self.opens.get_mut(&fd_of(fd)) {
                Some((path, pos)) => {
                    let len = self.files.get(path.as_str()).map_or(0, Vec::len) as i64;
                    let base = match whence {
                        Whence::Set => 0,
                        Whence::Cur => *pos as i64,
                        Whence::End => len,
                    };
                    *pos = (base + offset).max(0) as u64;
                    Reply::Seeked { offset: *pos }
                }
                None => Reply::Error(Errno::BadFd),
            },
            Request::Stat { fd } => match self.opens.get(&fd_of(fd)) {
                Some((path, _)) => Reply::Stat(self.stat_of(server, path)),
                None => Reply::Error(Errno::BadFd),
            },
            Request::Ioctl { cmd, arg, data, .. } => {
                scratch.extend(data.iter().rev());
                Reply::Ioctl {
                    value: arg + u64::from(cmd),
                    data: scratch,
                }
            }
            Request::Poll { events, .. } if self.clock_ns >= self.readable_at_ns => Reply::Polled {
                revents: events & PollEvents::READABLE,
            },
            Request::Poll { .. } => Reply::Polled {
                revents: PollEvents::NONE,
            },
            Request::Readdir { index, .. } => match self.entries.get(index as usize) {
                Some(&(name, kind)) => Reply::Entry {
                    name,
                    kind,
                    ino: index + 1,
                },
                None => Reply::End,
            },
            Request::Unlink { path } => match self.files.remove(path) {
                Some(_) => Reply::Done,
                None => Reply::Error(Errno::NoEntry),
            },
            Request::Rename { from, to } => match self.files.remove(from) {
                Some(data) => {
                    self.files.insert(String::from(to), data);
                    Reply::Done
                }
                None => Reply::Error(Errno::NoEntry),
            },
            Request::Mkdir { .. } | Request::Rmdir { .. } => Reply::Done,
        };
        (reply, 0)
    }

    /// A driver's or a redirect name's stat is a char device 254:0; a file's, its size.
    fn stat_of(&self, server: Handle, path: &str) -> Stat {
        let device = server != ROOT || self.redirects.contains_key(path);
        Stat {
            kind: if device {
                FileKind::CharDev
            } else {
                FileKind::File
            },
            mode: 0o644,
            major: if device { 254 } else { 0 },
            minor: 0,
            size_bytes: self.files.get(path).map_or(0, |f| f.len() as u64),
            atime_ns: 0,
            mtime_ns: 0,
            ctime_ns: 0,
        }
    }
}
