//! File-protocol tests: every request and reply round-trips, limits and bad fields are refused.

extern crate std;

use super::*;
use crate::{DecodeError, Encoded, Errno, CURRENT_OFFSET, OK_LABEL};
use abi::MAX_MSG_BYTES;

/// A page-sized buffer, as the IPC buffer.
pub(super) fn page() -> [u8; MAX_MSG_BYTES] {
    [0; MAX_MSG_BYTES]
}

/// The bytes an encoding wrote.
pub(super) fn sent<'a>(buf: &'a [u8], enc: &Encoded) -> &'a [u8] {
    &buf[..usize::from(enc.len_bytes)]
}

fn stat() -> Stat {
    Stat {
        kind: FileKind::CharDev,
        mode: 0o660,
        major: 4,
        minor: 64,
        size_bytes: 0,
        atime_ns: 1,
        mtime_ns: 2,
        ctime_ns: u64::MAX,
    }
}

const RW: OpenFlags = OpenFlags::READ.union(OpenFlags::WRITE);

pub(super) fn sample_requests<'a>(data: &'a [u8], long_path: &'a str) -> [Request<'a>; 19] {
    [
        Request::Open {
            path: "serial0",
            flags: RW,
            mode: 0,
        },
        Request::Open {
            path: long_path,
            flags: OpenFlags::ALL,
            mode: MAX_MODE,
        },
        Request::Open {
            path: "",
            flags: OpenFlags::READ | OpenFlags::NONBLOCK,
            mode: 0,
        },
        Request::Read {
            fd: 1,
            len_bytes: MAX_IO_BYTES as u32,
            offset: None,
        },
        Request::Read {
            fd: u32::MAX,
            len_bytes: 0,
            offset: Some(i64::MAX as u64),
        },
        Request::Write {
            fd: 7,
            offset: Some(0),
            data,
        },
        Request::Ioctl {
            fd: 3,
            cmd: crate::ioctl::GPIO_SET,
            arg: u64::MAX,
            data: b"",
        },
        Request::Ioctl {
            fd: 3,
            cmd: u32::MAX,
            arg: 0,
            data: &data[..10],
        },
        Request::Seek {
            fd: 2,
            offset: i64::MIN,
            whence: Whence::End,
        },
        Request::Poll {
            fd: 2,
            events: PollEvents::READABLE | PollEvents::WRITABLE,
        },
        Request::Release { fd: 4097 },
        Request::Stat { fd: 9 },
        Request::Mkdir {
            path: "/home/pi/src",
            mode: 0o755,
        },
        Request::Mkdir {
            path: long_path,
            mode: MAX_MODE,
        },
        Request::Unlink { path: "/tmp/x" },
        Request::Rmdir { path: "" },
        Request::Rename {
            from: long_path,
            to: long_path,
        },
        Request::Rename {
            from: "",
            to: "/b/ü",
        },
        Request::Readdir {
            fd: 5,
            index: u64::MAX,
        },
    ]
}

#[test]
fn every_request_round_trips() {
    let data = [0xA5u8; MAX_IO_BYTES];
    let long_path: &str = &"p".repeat(MAX_PATH_BYTES);
    let mut seen = [false; Op::ALL.len()];
    for req in sample_requests(&data, long_path) {
        let mut buf = page();
        let enc = req.encode(&mut buf).unwrap();
        assert_eq!(enc.label, req.op().label());
        assert_eq!(Op::from_label(enc.label), Some(req.op()));
        let info = enc.info();
        assert_eq!(
            (info.words, info.len_bytes),
            (enc.word_count, enc.len_bytes)
        );
        assert!(enc.words[usize::from(enc.word_count)..]
            .iter()
            .all(|&w| w == 0));
        let back = Request::decode(enc.label, enc.words, sent(&buf, &enc)).unwrap();
        assert_eq!(back, req);
        seen[(enc.label - 0x100) as usize] = true;
    }
    assert!(seen.iter().all(|&s| s), "every op is sampled");
}

#[test]
fn wire_layout_is_the_documented_one() {
    let mut buf = page();
    let read = Request::Read {
        fd: 5,
        len_bytes: 100,
        offset: None,
    };
    let enc = read.encode(&mut buf).unwrap();
    assert_eq!(enc.label, 0x101);
    assert_eq!(enc.words, [5, 100, CURRENT_OFFSET, 0]);
    assert_eq!((enc.word_count, enc.len_bytes), (3, 0));

    let open = Request::Open {
        path: "gpio",
        flags: OpenFlags::READ,
        mode: 0o644,
    };
    let enc = open.encode(&mut buf).unwrap();
    assert_eq!(enc.words[..2], [1, 0o644]);
    assert_eq!(&buf[..4], b"gpio");

    let seek = Request::Seek {
        fd: 1,
        offset: -1,
        whence: Whence::Cur,
    };
    assert_eq!(seek.encode(&mut buf).unwrap().words, [1, u64::MAX, 1, 0]);
}

#[test]
fn unused_words_are_ignored() {
    let mut buf = page();
    let req = Request::Release { fd: 3 };
    let mut enc = req.encode(&mut buf).unwrap();
    enc.words[1..].copy_from_slice(&[0xDEAD, 0xBEEF, u64::MAX]);
    assert_eq!(Request::decode(enc.label, enc.words, &[]), Ok(req));
}

pub(super) fn sample_replies<'a>(data: &'a [u8], long_path: &'a str) -> [Reply<'a>; 18] {
    [
        Reply::Opened { fd: 1 },
        Reply::Redirect { path: "" },
        Reply::Redirect { path: "gpio/ü" },
        Reply::Redirect { path: long_path },
        Reply::Read { data },
        Reply::Read { data: &[] },
        Reply::Written {
            len_bytes: MAX_IO_BYTES as u32,
        },
        Reply::Ioctl {
            value: 1,
            data: &data[..3],
        },
        Reply::Seeked {
            offset: i64::MAX as u64,
        },
        Reply::Polled {
            revents: PollEvents::HANGUP | PollEvents::READABLE,
        },
        Reply::Released,
        Reply::Stat(stat()),
        Reply::Done,
        Reply::Entry {
            name: "..",
            kind: FileKind::Dir,
            ino: 0,
        },
        Reply::Entry {
            name: core::str::from_utf8(&data[..MAX_NAME_BYTES]).unwrap(),
            kind: FileKind::BlockDev,
            ino: u64::MAX,
        },
        Reply::End,
        Reply::Error(Errno::NoEntry),
        Reply::Error(Errno::TimedOut),
    ]
}

#[test]
fn every_reply_round_trips() {
    let data = [7u8; MAX_IO_BYTES];
    let long_path: &str = &"r".repeat(MAX_PATH_BYTES);
    for reply in sample_replies(&data, long_path) {
        let mut buf = page();
        let enc = reply.encode(&mut buf).unwrap();
        for &op in reply.ops() {
            let back = Reply::decode(op, enc.label, enc.words, sent(&buf, &enc)).unwrap();
            assert_eq!(back, reply, "{op:?}");
        }
        match reply {
            Reply::Error(e) => assert_eq!((enc.label, enc.word_count), (e.code(), 0)),
            Reply::Redirect { .. } => assert_eq!((enc.label, enc.word_count), (0x1F0, 0)),
            _ => assert_eq!(enc.label, OK_LABEL),
        }
    }
}

#[test]
fn stat_bytes_follow_the_table() {
    let bytes = stat().to_bytes();
    assert_eq!(bytes[0], 3);
    assert_eq!(bytes[4..8], 0o660u32.to_le_bytes());
    assert_eq!(bytes[12..16], 64u32.to_le_bytes());
    assert_eq!(bytes[40..48], u64::MAX.to_le_bytes());
    let mut bad = bytes;
    bad[0] = 9;
    assert_eq!(Stat::from_bytes(&bad), Err(DecodeError::BadBytes));
    let mut bad = bytes;
    bad[2] = 1;
    assert_eq!(Stat::from_bytes(&bad), Err(DecodeError::BadBytes));
    assert_eq!(Stat::from_bytes(&bytes[..47]), Err(DecodeError::BadBytes));
}

#[test]
fn names_and_data_have_limits() {
    let mut buf = page();
    let long = "x".repeat(MAX_PATH_BYTES + 1);
    let open = |path| Request::Open {
        path,
        flags: OpenFlags::READ,
        mode: 0,
    };
    assert_eq!(open(&long).encode(&mut buf), Err(Errno::NameTooLong));
    let err = Request::decode(0x100, [1, 0, 0, 0], long.as_bytes()).unwrap_err();
    assert_eq!(err.errno(), Errno::NameTooLong);

    let big = [0u8; MAX_IO_BYTES + 1];
    let write = |data| Request::Write {
        fd: 1,
        offset: None,
        data,
    };
    assert_eq!(write(&big).encode(&mut buf), Err(Errno::TooBig));
    assert_eq!(write(&big[..11]).encode(&mut [0; 10]), Err(Errno::TooBig));
    assert!(write(&big[..MAX_IO_BYTES]).encode(&mut buf).is_ok());
    let err = Request::decode(0x102, [1, CURRENT_OFFSET, 0, 0], &big).unwrap_err();
    assert_eq!(err.errno(), Errno::TooBig);
    let read_big = Request::Read {
        fd: 1,
        len_bytes: MAX_IO_BYTES as u32 + 1,
        offset: None,
    };
    assert_eq!(read_big.encode(&mut buf), Err(Errno::TooBig));
    assert_eq!(
        Request::decode(0x101, [1, 4097, CURRENT_OFFSET, 0], &[]),
        Err(DecodeError::TooBig)
    );
    assert_eq!(
        Reply::Read { data: &big }.encode(&mut buf),
        Err(Errno::TooBig)
    );
}

#[test]
fn bad_fields_are_refused_on_both_sides() {
    let mut buf = page();
    assert_eq!(Request::Stat { fd: 0 }.encode(&mut buf), Err(Errno::BadFd));
    assert_eq!(Request::decode(0x107, [0; 4], &[]), Err(DecodeError::BadFd));
    assert_eq!(
        Request::decode(0x107, [1 << 32, 0, 0, 0], &[]),
        Err(DecodeError::BadFd)
    );
    assert_eq!(
        Request::decode(0x107, [1, 0, 0, 0], b"x"),
        Err(DecodeError::BadBytes)
    );
    let unknown = Request::decode(0x10D, [1; 4], &[]).unwrap_err();
    assert_eq!(unknown.errno(), Errno::NotImplemented);
    for label in [0, 0xFF, abi::label::FAULT, abi::label::EXIT] {
        assert_eq!(
            Request::decode(label, [1; 4], &[]),
            Err(DecodeError::UnknownOp(label))
        );
    }
    // Flags: unknown bits, or neither READ nor WRITE.
    for flags in [0x100, 0x80, 0, OpenFlags::CREATE.bits()] {
        let r = Request::decode(0x100, [flags.into(), 0, 0, 0], b"f");
        assert_eq!(r, Err(DecodeError::BadWord(0)));
    }
    assert_eq!(OpenFlags::from_bits(0x100 | 1), None);
    assert_eq!(
        OpenFlags::from_bits(0x80 | 1),
        Some(OpenFlags::PATH | OpenFlags::READ)
    );
    assert_eq!(
        Request::decode(0x100, [1, 0o10000, 0, 0], b"f"),
        Err(DecodeError::BadWord(1))
    );
    for path in [&b"a\0b"[..], &[0xFF, 0xFE]] {
        assert_eq!(
            Request::decode(0x100, [1, 0, 0, 0], path),
            Err(DecodeError::BadName)
        );
    }
    let nul = Request::Open {
        path: "a\0",
        flags: OpenFlags::READ,
        mode: 0,
    };
    assert_eq!(nul.encode(&mut buf), Err(Errno::Invalid));
    let past = Request::Read {
        fd: 1,
        len_bytes: 1,
        offset: Some(1 << 63),
    };
    assert_eq!(past.encode(&mut buf), Err(Errno::Invalid));
    assert_eq!(
        Request::decode(0x101, [1, 1, 1 << 63, 0], &[]),
        Err(DecodeError::BadWord(2))
    );
    assert_eq!(
        Request::decode(0x104, [1, 0, 3, 0], &[]),
        Err(DecodeError::BadWord(2))
    );
    assert_eq!(
        Request::decode(0x105, [1, 0x40, 0, 0], &[]),
        Err(DecodeError::BadWord(1))
    );
}

#[test]
fn bad_replies_are_refused() {
    assert_eq!(
        Reply::decode(Op::Open, 4, [0; 4], &[]),
        Err(DecodeError::UnknownErrno(4))
    );
    assert_eq!(
        Reply::decode(Op::Open, 0, [0; 4], &[]),
        Err(DecodeError::BadFd)
    );
    assert_eq!(
        Reply::decode(Op::Read, 0, [5, 0, 0, 0], b"abc"),
        Err(DecodeError::BadWord(0))
    );
    assert_eq!(
        Reply::decode(Op::Seek, 0, [CURRENT_OFFSET, 0, 0, 0], &[]),
        Err(DecodeError::BadWord(0))
    );
    assert_eq!(
        Reply::decode(Op::Stat, 0, [0; 4], &[0; 10]),
        Err(DecodeError::BadBytes)
    );
    assert_eq!(
        Reply::decode(Op::Release, 0, [0; 4], b"!"),
        Err(DecodeError::BadBytes)
    );
    assert_eq!(
        Reply::Written { len_bytes: 4097 }.encode(&mut page()),
        Err(Errno::Invalid)
    );
    assert_eq!(Reply::Error(Errno::Io).into_result(), Err(Errno::Io));
    assert_eq!(Reply::Released.into_result(), Ok(Reply::Released));
}
