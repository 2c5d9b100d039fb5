//! The test rig for `FsServer::call`: a fake host (an in-memory device registry) and a client that encodes requests and decodes replies.

use crate::server::{FsServer, Host};
use crate::test_util::ROOMY;
use abi::MAX_MSG_BYTES;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use proto::devreg::{DevKind, DevName, Device};
use proto::file::{FileKind, OpenFlags, Reply, Request, REDIRECT_LABEL};
use proto::serve::{Answer, Call};
use proto::Errno;

pub(crate) const R: OpenFlags = OpenFlags::READ;
pub(crate) const RW: OpenFlags = OpenFlags::READ.union(OpenFlags::WRITE);
pub(crate) const DIR: OpenFlags = OpenFlags::READ.union(OpenFlags::DIRECTORY);
pub(crate) const ALICE: u64 = 7;
pub(crate) const BOB: u64 = 8;

/// A device registry in memory; every handle it gives is numbered from 100 and accounted for.
pub(crate) struct FakeHost {
    pub(crate) devices: Vec<Device>,
    pub(crate) now_ns: u64,
    pub(crate) given: Vec<u32>,
    pub(crate) closed: Vec<u32>,
    pub(crate) lookup_error: Option<Errno>,
    pub(crate) list_error: Option<Errno>,
}

impl Host for FakeHost {
    type Handle = u32;

    fn now_ns(&mut self) -> u64 {
        self.now_ns
    }

    fn lookup_device(&mut self, name: &str) -> Result<u32, Errno> {
        if let Some(e) = self.lookup_error {
            return Err(e);
        }
        // As the registry: a name it could never hold is EINVAL or ENAMETOOLONG.
        DevName::new(name)?;
        self.devices
            .iter()
            .find(|d| d.name.as_str() == name)
            .ok_or(Errno::NoEntry)?;
        let handle = 100 + self.given.len() as u32;
        self.given.push(handle);
        Ok(handle)
    }

    fn for_each_device(&mut self, visit: &mut dyn FnMut(&Device)) -> Result<(), Errno> {
        if let Some(e) = self.list_error {
            return Err(e);
        }
        self.devices.iter().for_each(visit);
        Ok(())
    }

    fn close(&mut self, handle: u32) {
        assert!(self.given.contains(&handle), "closes only its handles");
        assert!(!self.closed.contains(&handle), "closes a handle once");
        self.closed.push(handle);
    }
}

pub(crate) fn device(name: &str, major: u32, minor: u32) -> Device {
    Device {
        name: DevName::new(name).unwrap(),
        kind: DevKind::Char,
        major,
        minor,
        owner: 3,
    }
}

/// A server with `/dev` mounted, a fake registry of two devices, and the reply buffer.
pub(crate) struct Rig {
    pub(crate) server: FsServer,
    pub(crate) host: FakeHost,
    pub(crate) out: Box<[u8; MAX_MSG_BYTES]>,
    /// The handle the last reply moved.
    pub(crate) moved: Option<u32>,
    /// Every handle a reply moved.
    pub(crate) sent: Vec<u32>,
}

impl Rig {
    pub(crate) fn new() -> Rig {
        let mut server = FsServer::new(ROOMY);
        server.fs_mut().mount_devices("/dev").unwrap();
        let host = FakeHost {
            devices: alloc::vec![device("gpiochip0", 254, 0), device("ttyS0", 4, 64)],
            now_ns: 1_000,
            given: Vec::new(),
            closed: Vec::new(),
            lookup_error: None,
            list_error: None,
        };
        Rig {
            server,
            host,
            out: Box::new([0; MAX_MSG_BYTES]),
            moved: None,
            sent: Vec::new(),
        }
    }

    /// Calls with raw (label, words, bytes); the reply's encoding and the handle it moves.
    pub(crate) fn raw(
        &mut self,
        badge: u64,
        label: u16,
        words: [u64; 4],
        bytes: &[u8],
    ) -> proto::Encoded {
        let call = Call {
            label,
            words,
            bytes,
            badge,
        };
        match self.server.call(&mut self.host, &call, &mut *self.out) {
            Answer::Reply(encoded, handle) => {
                assert!(usize::from(encoded.len_bytes) <= MAX_MSG_BYTES);
                assert!(handle.is_none() || encoded.label == REDIRECT_LABEL);
                self.moved = handle;
                self.sent.extend(handle);
                encoded
            }
            Answer::Wait => panic!("the file server never waits"),
        }
    }

    /// Sends `req` for client `badge`; its decoded reply.
    pub(crate) fn send(&mut self, badge: u64, req: &Request) -> Reply<'_> {
        let mut bytes = [0u8; MAX_MSG_BYTES];
        let e = req.encode(&mut bytes).expect("test requests encode");
        let enc = self.raw(badge, e.label, e.words, &bytes[..usize::from(e.len_bytes)]);
        let sent = &self.out[..usize::from(enc.len_bytes)];
        Reply::decode(req.op(), enc.label, enc.words, sent).expect("replies decode")
    }

    pub(crate) fn open(&mut self, badge: u64, path: &str, flags: OpenFlags) -> Result<u32, Errno> {
        let mode = 0o644;
        match self.send(badge, &Request::Open { path, flags, mode }) {
            Reply::Opened { fd } => Ok(fd),
            Reply::Error(e) => Err(e),
            other => panic!("open {path}: {other:?}"),
        }
    }

    pub(crate) fn read(
        &mut self,
        fd: u32,
        len_bytes: u32,
        offset: Option<u64>,
    ) -> Result<Vec<u8>, Errno> {
        match self.send(
            ALICE,
            &Request::Read {
                fd,
                len_bytes,
                offset,
            },
        ) {
            Reply::Read { data } => Ok(data.to_vec()),
            Reply::Error(e) => Err(e),
            other => panic!("read: {other:?}"),
        }
    }

    /// Every entry of directory `fd` as (name, kind, ino), to the end.
    pub(crate) fn list(&mut self, fd: u32) -> Result<Vec<(String, FileKind, u64)>, Errno> {
        let mut entries = Vec::new();
        for index in 0.. {
            match self.send(ALICE, &Request::Readdir { fd, index }) {
                Reply::Entry { name, kind, ino } => entries.push((name.into(), kind, ino)),
                Reply::End => return Ok(entries),
                Reply::Error(e) => return Err(e),
                other => panic!("readdir: {other:?}"),
            }
        }
        unreachable!()
    }
}
