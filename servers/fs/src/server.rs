//! The file server's request handling apart from its transport: a [`Call`] in, its reply encoded, for the IPC loop and the kernel alike.
//!
//! [`FsServer`] holds the tree ([`MemFs`]) and the open files (a
//! [`proto::OpenTable`]); what it needs from its surroundings (the clock,
//! the device registry behind `/dev`, closing a handle) comes through
//! [`Host`]. [`FsServer::call`] answers one request: decode, answer, encode
//! into `out`. It never answers [`Answer::Wait`]: a file is always ready.
//!
//! `out` is a [`ReplyBuffer`]: a `&mut [u8; MAX_MSG_BYTES]` (the kernel, the
//! tests), or a buffer lent only for the encoding, after the answer, when
//! the host needs it while answering (user space: the registry is asked
//! through the same IPC buffer the reply goes to).
//!
//! # Behaviour
//!
//! - Every request first sets the tree's clock from [`Host::now_ns`].
//! - A request that does not decode gets [`proto::DecodeError::errno`]
//!   (`ENOSYS` for an unknown label).
//! - `Open("/dev/NAME")` asks [`Host::lookup_device`] and answers
//!   `Redirect { path: "" }` moving the handle it gave; opened with `PATH`
//!   it makes an fd here whose `Stat` is the device node's (numbers from
//!   [`Host::for_each_device`]). `Readdir` of `/dev` lists the devices.
//! - A handle the reply does not move is given back with [`Host::close`].
//! - fds are per client (the call's badge); a `PATH` fd only answers `Stat`
//!   and `Release` (`EBADF` otherwise).

use crate::server_dev as dev;
use crate::{Ino, Limits, MemFs, Opened};
use abi::MAX_MSG_BYTES;
use proto::devreg::{Device, MAX_NAME_BYTES};
use proto::file::{OpenFlags, Reply, Request, Stat, Whence, REDIRECT_LABEL};
use proto::serve::{Answer, Call};
use proto::{Errno, OpenTable};

pub use crate::server_reply::{encode_read_reply, encode_reply, read_reply_header};

/// Most open files at once, over all clients.
pub const MAX_OPEN: usize = 256;

/// What the file server needs from the transport around it.
pub trait Host {
    /// A handle the reply to `Open("/dev/NAME")` moves to the client (a driver's endpoint).
    type Handle;

    /// Now, in ns since boot: the tree's clock for the next request.
    fn now_ns(&mut self) -> u64;

    /// Device `name`'s endpoint, for this open (`ENOENT`, `EINVAL` or
    /// `ENAMETOOLONG`: no such device; any other error fails the open).
    fn lookup_device(&mut self, name: &str) -> Result<Self::Handle, Errno>;

    /// Calls `visit` with every registered device, in the registry's order
    /// (none, and `Ok`, without a registry).
    fn for_each_device(&mut self, visit: &mut dyn FnMut(&Device)) -> Result<(), Errno>;

    /// Gives back a handle that no reply moves.
    fn close(&mut self, handle: Self::Handle);
}

/// What an fd names: an inode of the tree, or (opened with `PATH`) a device node.
#[derive(Clone, Copy, Debug)]
enum Node {
    Inode(Ino),
    Device(Stat),
}

/// One open file: what it names, where the next read or write goes, how it was opened.
#[derive(Clone, Copy, Debug)]
pub struct OpenFile {
    node: Node,
    offset: u64,
    flags: OpenFlags,
}

/// The file server's state: the tree and the open files of every client.
#[derive(Debug)]
pub struct FsServer {
    /// The namespace.
    fs: MemFs,
    /// The fds, by client badge.
    opens: OpenTable<OpenFile>,
    /// A `/dev` entry's name while its reply is encoded (the reply borrows it).
    name: [u8; MAX_NAME_BYTES],
}

/// Where [`FsServer::call`] encodes a reply: a buffer lent for the encoding.
pub trait ReplyBuffer {
    /// Runs `encode` with the buffer (once the answer is known: the host is done with it).
    fn with<R>(self, encode: impl FnOnce(&mut [u8; MAX_MSG_BYTES]) -> R) -> R;
}

impl ReplyBuffer for &mut [u8; MAX_MSG_BYTES] {
    #[inline]
    fn with<R>(self, encode: impl FnOnce(&mut [u8; MAX_MSG_BYTES]) -> R) -> R {
        encode(self)
    }
}

impl FsServer {
    /// An empty tree with `limits`, no mounts, no open files (at most [`MAX_OPEN`]).
    pub fn new(limits: Limits) -> FsServer {
        FsServer {
            fs: MemFs::new(limits),
            opens: OpenTable::new(MAX_OPEN),
            name: [0; MAX_NAME_BYTES],
        }
    }

    /// The tree (for its usage).
    pub fn fs(&self) -> &MemFs {
        &self.fs
    }

    /// The tree, to mount `/boot` and `/dev` in or set its clock before serving.
    pub fn fs_mut(&mut self) -> &mut MemFs {
        &mut self.fs
    }

    /// The open files: `count()` fds, and by badge the clients (the module's usage).
    pub fn opens(&self) -> &OpenTable<OpenFile> {
        &self.opens
    }

    /// Answers `call` and encodes the reply into `out`: always [`Answer::Reply`],
    /// moving the device's handle for a `/dev` redirect (a handle the reply
    /// cannot move goes back to `host`).
    // Inlined (with `answer`) into the transport's loop in another crate: an
    // outlined copy returns the reply through memory (fs_read_4k +70 instructions).
    #[inline]
    pub fn call<H: Host>(
        &mut self,
        host: &mut H,
        call: &Call,
        out: impl ReplyBuffer,
    ) -> Answer<H::Handle> {
        self.call_inner(host, call, out, false).0
    }

    /// [`FsServer::call`] for a transport that sends a reply's bytes from
    /// where they lie (the kernel's `reply_recv_from`): a successful `Read`
    /// is answered without copying the data into `out`; the reply's bytes
    /// are the returned slice, in the tree. Anything else is as `call`.
    #[inline]
    pub fn call_direct<'s, H: Host>(
        &'s mut self,
        host: &mut H,
        call: &Call<'s>,
        out: impl ReplyBuffer,
    ) -> (Answer<H::Handle>, Option<&'s [u8]>) {
        self.call_inner(host, call, out, true)
    }

    #[inline(always)]
    fn call_inner<'s, H: Host>(
        &'s mut self,
        host: &mut H,
        call: &Call<'s>,
        out: impl ReplyBuffer,
        direct: bool,
    ) -> (Answer<H::Handle>, Option<&'s [u8]>) {
        self.fs.set_clock(host.now_ns());
        let mut handle = None;
        let answered = match Request::decode(call.label, call.words, call.bytes) {
            Ok(req) => self.answer(host, &req, call.badge, &mut handle),
            Err(e) => Err(e.errno()),
        };
        if let (true, Ok(Reply::Read { data })) = (direct, &answered) {
            if data.len() <= proto::file::MAX_IO_BYTES {
                return (Answer::reply(read_reply_header(data.len())), Some(data));
            }
        }
        // By reference: moving a reply costs a copy of the whole enum.
        let encoded = out.with(|buf| match &answered {
            Ok(reply) => encode_reply(reply, buf),
            Err(e) => encode_reply(&Reply::Error(*e), buf),
        });
        let answer = match handle {
            Some(handle) if encoded.label != REDIRECT_LABEL => {
                host.close(handle);
                Answer::reply(encoded)
            }
            handle => Answer::Reply(encoded, handle),
        };
        (answer, None)
    }

    /// One decoded request of the client with `badge`: the reply; a handle it moves goes to `handle`.
    #[inline]
    fn answer<'s, H: Host>(
        &'s mut self,
        host: &mut H,
        req: &Request<'s>,
        badge: u64,
        handle: &mut Option<H::Handle>,
    ) -> Result<Reply<'s>, Errno> {
        let FsServer { fs, opens, name } = self;
        let reply = match *req {
            Request::Open { path, flags, mode } => {
                return open(fs, opens, host, path, flags, mode, badge, handle)
            }
            Request::Release { fd } => {
                if let Node::Inode(ino) = opens.release(fd, badge)?.node {
                    fs.unpin(ino)?;
                }
                Reply::Released
            }
            Request::Stat { fd } => match opens.get(fd, badge)?.node {
                Node::Inode(ino) => Reply::Stat(fs.stat(ino)?),
                Node::Device(stat) => Reply::Stat(stat),
            },
            Request::Read {
                fd,
                len_bytes,
                offset,
            } => {
                let (open, ino) = file_open(opens, fd, badge)?;
                let at = offset.unwrap_or(open.offset);
                // Straight from where the bytes live (for /boot, the archive mapping).
                let data = fs.read_ref(ino, at, len_bytes as usize)?;
                if offset.is_none() {
                    open.offset = at + data.len() as u64;
                }
                Reply::Read { data }
            }
            Request::Write { fd, offset, data } => {
                let (open, ino) = file_open(opens, fd, badge)?;
                if !open.flags.contains(OpenFlags::WRITE) {
                    return Err(Errno::BadFd);
                }
                let at = match offset {
                    Some(at) => at,
                    None if open.flags.contains(OpenFlags::APPEND) => fs.stat(ino)?.size_bytes,
                    None => open.offset,
                };
                let n = fs.write(ino, at, data)?;
                if offset.is_none() {
                    open.offset = at + n as u64;
                }
                Reply::Written {
                    len_bytes: n as u32,
                }
            }
            Request::Seek { fd, offset, whence } => {
                let (open, ino) = file_open(opens, fd, badge)?;
                let base = match whence {
                    Whence::Set => 0,
                    Whence::Cur => open.offset as i64,
                    Whence::End => fs.stat(ino)?.size_bytes as i64,
                };
                let to = base
                    .checked_add(offset)
                    .filter(|&t| t >= 0)
                    .ok_or(Errno::Invalid)?;
                open.offset = to as u64;
                Reply::Seeked {
                    offset: open.offset,
                }
            }
            Request::Readdir { fd, index } => {
                let (_, ino) = file_open(opens, fd, badge)?;
                let index = usize::try_from(index).map_err(|_| Errno::Invalid)?;
                if fs.is_devices(ino)? {
                    dev::entry(host, index, name)?
                } else {
                    match fs.readdir(ino, index)? {
                        Some(e) => Reply::Entry {
                            name: e.name,
                            kind: e.kind,
                            ino: e.ino.raw(),
                        },
                        None => Reply::End,
                    }
                }
            }
            Request::Mkdir { path, mode } => fs.mkdir(path, mode).map(|_| Reply::Done)?,
            Request::Unlink { path } => fs.unlink(path).map(|()| Reply::Done)?,
            Request::Rmdir { path } => fs.rmdir(path).map(|()| Reply::Done)?,
            Request::Rename { from, to } => fs.rename(from, to).map(|()| Reply::Done)?,
            Request::Poll { fd, events } => {
                file_open(opens, fd, badge)?;
                Reply::Polled { revents: events } // a file is always ready
            }
            Request::Ioctl { fd, .. } => {
                file_open(opens, fd, badge)?;
                return Err(Errno::NotTty);
            }
        };
        Ok(reply)
    }
}

/// Opens `path`: an fd here, or for `/dev/NAME` a redirect to its driver (its endpoint put in `handle`).
#[allow(clippy::too_many_arguments)]
fn open<'d, H: Host>(
    fs: &mut MemFs,
    opens: &mut OpenTable<OpenFile>,
    host: &mut H,
    path: &'d str,
    flags: OpenFlags,
    mode: u32,
    badge: u64,
    handle: &mut Option<H::Handle>,
) -> Result<Reply<'d>, Errno> {
    let node = match fs.open(path, flags, mode)? {
        Opened::Inode(ino) => Node::Inode(ino),
        Opened::Device(dev) if flags.contains(OpenFlags::PATH) => {
            Node::Device(dev::device_node(host, &dev, flags)?)
        }
        Opened::Device(dev) => {
            *handle = Some(dev::driver_handle(host, &dev, flags)?);
            return Ok(Reply::Redirect { path: "" });
        }
    };
    let pinned = match node {
        Node::Inode(ino) => Some(ino),
        Node::Device(_) => None,
    };
    let open = OpenFile {
        node,
        offset: 0,
        flags,
    };
    match opens.open(badge, open) {
        Ok(fd) => Ok(Reply::Opened { fd }),
        Err(e) => {
            if let Some(ino) = pinned {
                let _ = fs.unpin(ino);
            }
            Err(e)
        }
    }
}

/// The open file `fd` of `badge` if it is a file or directory opened for use (`EBADF` for a `PATH` fd).
// Every fd request takes it: inlinable in the transport's crate.
#[inline]
fn file_open(
    opens: &mut OpenTable<OpenFile>,
    fd: u32,
    badge: u64,
) -> Result<(&mut OpenFile, Ino), Errno> {
    let open = opens.get_mut(fd, badge)?;
    match open.node {
        Node::Inode(ino) if !open.flags.contains(OpenFlags::PATH) => Ok((open, ino)),
        _ => Err(Errno::BadFd),
    }
}
