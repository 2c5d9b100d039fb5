//! `FsServer::call` fuzzed: random and mangled requests from a deterministic RNG never panic, and every reply decodes.

use crate::server_test_rig::{Rig, R};
use crate::test_util::Rng;
use abi::MAX_MSG_BYTES;
use alloc::vec::Vec;
use proto::file::{Op, OpenFlags, PollEvents, Reply, Request, Whence};
use proto::Errno;

/// A request from random parts: known paths and fds most of the time, anything else sometimes.
fn random_request(rng: &mut Rng, fds: &[u32], data: &[u8]) -> (u16, [u64; 4], Vec<u8>) {
    const PATHS: [&str; 8] = [
        "/",
        "/a",
        "/a/b",
        "/c",
        "/dev",
        "/dev/ttyS0",
        "/dev/gpiochip0",
        "/dev/x/..",
    ];
    let path = PATHS[rng.index(PATHS.len())];
    let fd = if fds.is_empty() || rng.below(4) == 0 {
        rng.next() as u32
    } else {
        fds[rng.index(fds.len())]
    };
    let offset = (rng.below(3) != 0).then(|| rng.below(64));
    let flags = OpenFlags::from_bits(rng.below(256) as u32).unwrap_or(R);
    let bytes = &data[..rng.index(data.len())];
    let req = match rng.below(13) {
        0 | 1 => Request::Open {
            path,
            flags,
            mode: 0o644,
        },
        2 => Request::Release { fd },
        3 => Request::Stat { fd },
        4 => Request::Read {
            fd,
            len_bytes: rng.below(4097) as u32,
            offset,
        },
        5 => Request::Write {
            fd,
            offset,
            data: bytes,
        },
        6 => Request::Seek {
            fd,
            offset: rng.below(200) as i64 - 100,
            whence: Whence::Cur,
        },
        7 => Request::Readdir {
            fd,
            index: rng.below(4),
        },
        8 => Request::Mkdir { path, mode: 0o755 },
        9 => Request::Unlink { path },
        10 => Request::Rmdir { path },
        11 => Request::Rename {
            from: path,
            to: PATHS[rng.index(PATHS.len())],
        },
        _ => Request::Poll {
            fd,
            events: PollEvents::READABLE,
        },
    };
    let mut buf = [0u8; MAX_MSG_BYTES];
    let e = req.encode(&mut buf).expect("these requests encode");
    let mut msg = (e.label, e.words, buf[..usize::from(e.len_bytes)].to_vec());
    match rng.below(8) {
        0 => msg.0 = 0x100 + rng.below(20) as u16,
        1 => msg.1[rng.index(4)] = rng.next(),
        2 => msg.2.truncate(rng.index(msg.2.len() + 1)),
        3 => msg.2 = (0..rng.index(300)).map(|_| rng.next() as u8).collect(),
        _ => {}
    }
    (msg.0, msg.1, msg.2)
}

#[test]
fn random_requests_never_panic_and_every_reply_decodes() {
    let mut rig = Rig::new();
    let mut rng = Rng::new(0xF5_5EED);
    let data: Vec<u8> = (0..600).map(|i| i as u8).collect();
    let mut fds = Vec::new();
    for round in 0..20_000 {
        let (label, words, bytes) = random_request(&mut rng, &fds, &data);
        let badge = 1 + rng.below(2);
        rig.host.now_ns = round;
        let enc = rig.raw(badge, label, words, &bytes);
        let op = Op::from_label(label);
        if let Some(op) = op {
            let sent = &rig.out[..usize::from(enc.len_bytes)];
            let reply = Reply::decode(op, enc.label, enc.words, sent);
            assert!(
                reply.is_ok(),
                "round {round}: {label:#x} answered {:?}",
                reply
            );
            if let Ok(Reply::Opened { fd }) = reply {
                fds.push(fd);
            }
        } else {
            assert_eq!(enc.label, Errno::NotImplemented.code());
        }
        if round % 1000 == 0 {
            rig.server.fs().check_invariants();
        }
    }
    rig.server.fs().check_invariants();
    assert!(rig.server.opens().count() > 0 && !rig.sent.is_empty());
    // Every handle the host gave went to a client or back to the host.
    assert_eq!(rig.host.given.len(), rig.sent.len() + rig.host.closed.len());
}
