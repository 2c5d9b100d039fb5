//! Directory-operation tests: wire layout, op numbers, limits and bad fields of Mkdir..Readdir.

extern crate std;

use super::tests::{page, sent};
use super::*;
use crate::{DecodeError, Errno, OK_LABEL};

#[test]
fn op_numbers_are_stable_and_new_ones_follow() {
    let labels: std::vec::Vec<u16> = Op::ALL.iter().map(|op| op.label()).collect();
    assert_eq!(labels, (0x100..=0x10C).collect::<std::vec::Vec<u16>>());
    assert_eq!((Op::Stat.label(), Op::Mkdir.label()), (0x107, 0x108));
    assert_eq!(Op::from_label(0x10C), Some(Op::Readdir));
    assert_eq!(Op::from_label(0x10D), None);
    let path_ops = [Op::Open, Op::Mkdir, Op::Unlink, Op::Rmdir, Op::Rename];
    for op in Op::ALL {
        assert_eq!(op.takes_fd(), !path_ops.contains(&op), "{op:?}");
    }
}

#[test]
fn directory_requests_use_the_documented_layout() {
    let mut buf = page();
    let enc = Request::Mkdir {
        path: "/d",
        mode: 0o750,
    }
    .encode(&mut buf)
    .unwrap();
    assert_eq!(
        (enc.label, enc.words, enc.word_count),
        (0x108, [0o750, 0, 0, 0], 1)
    );
    assert_eq!(sent(&buf, &enc), b"/d");

    let enc = Request::Rmdir { path: "/d" }.encode(&mut buf).unwrap();
    assert_eq!((enc.label, enc.word_count, enc.len_bytes), (0x10A, 0, 2));

    let enc = Request::Rename {
        from: "/abc",
        to: "/de",
    }
    .encode(&mut buf)
    .unwrap();
    assert_eq!(
        (enc.label, enc.words, enc.word_count),
        (0x10B, [4, 3, 0, 0], 2)
    );
    assert_eq!(sent(&buf, &enc), b"/abc/de");

    let enc = Request::Readdir { fd: 3, index: 7 }
        .encode(&mut buf)
        .unwrap();
    assert_eq!(
        (enc.label, enc.words, enc.len_bytes),
        (0x10C, [3, 7, 0, 0], 0)
    );
    assert_eq!(Request::Readdir { fd: 3, index: 7 }.fd(), Some(3));
    assert_eq!(Request::Unlink { path: "x" }.fd(), None);
}

#[test]
fn directory_replies_use_the_documented_layout() {
    let mut buf = page();
    let enc = Reply::Done.encode(&mut buf).unwrap();
    assert_eq!((enc.label, enc.word_count, enc.len_bytes), (OK_LABEL, 0, 0));
    let entry = Reply::Entry {
        name: "boot",
        kind: FileKind::Dir,
        ino: 42,
    };
    let enc = entry.encode(&mut buf).unwrap();
    assert_eq!((enc.words, enc.word_count), ([2, 42, 0, 0], 2));
    assert_eq!(sent(&buf, &enc), b"boot");
    let enc = Reply::End.encode(&mut buf).unwrap();
    assert_eq!((enc.words, enc.word_count, enc.len_bytes), ([0; 4], 1, 0));
    // End ignores the words past w0, like every other message.
    assert_eq!(
        Reply::decode(Op::Readdir, 0, [0, 9, 9, 9], &[]),
        Ok(Reply::End)
    );
    assert_eq!((Reply::Done.op(), Reply::Done.ops().len()), (None, 4));
    assert_eq!(
        (entry.op(), Reply::End.op()),
        (Some(Op::Readdir), Some(Op::Readdir))
    );
    assert_eq!(Reply::Error(Errno::Io).ops(), &Op::ALL[..]);
    for op in [Op::Mkdir, Op::Unlink, Op::Rmdir, Op::Rename] {
        assert_eq!(Reply::decode(op, 0, [5; 4], &[]), Ok(Reply::Done));
        assert_eq!(
            Reply::decode(op, 0, [0; 4], b"x"),
            Err(DecodeError::BadBytes)
        );
    }
}

#[test]
fn paths_and_names_have_limits() {
    let mut buf = page();
    let long = "x".repeat(MAX_PATH_BYTES + 1);
    let ok = "y".repeat(MAX_PATH_BYTES);
    let mkdir = Request::Mkdir {
        path: &long,
        mode: 0,
    };
    assert_eq!(mkdir.encode(&mut buf), Err(Errno::NameTooLong));
    for label in [0x108, 0x109, 0x10A] {
        let err = Request::decode(label, [0; 4], long.as_bytes()).unwrap_err();
        assert_eq!(err.errno(), Errno::NameTooLong);
    }
    for (from, to) in [(&long, &ok), (&ok, &long)] {
        let rename = Request::Rename { from, to };
        assert_eq!(rename.encode(&mut buf), Err(Errno::NameTooLong));
    }
    let both = ok.repeat(2);
    assert_eq!(
        Request::decode(0x10B, [1025, 1023, 0, 0], both.as_bytes()),
        Err(DecodeError::NameTooLong)
    );
    assert_eq!(
        Request::decode(0x10B, [u64::MAX, 0, 0, 0], b""),
        Err(DecodeError::NameTooLong)
    );
    let rename = Request::Rename {
        from: "ab",
        to: "cd",
    };
    assert_eq!(rename.encode(&mut [0; 3]), Err(Errno::TooBig));

    let long_name = "n".repeat(MAX_NAME_BYTES + 1);
    let entry = |name| Reply::Entry {
        name,
        kind: FileKind::File,
        ino: 1,
    };
    assert_eq!(entry(&long_name).encode(&mut buf), Err(Errno::NameTooLong));
    assert_eq!(
        Reply::decode(Op::Readdir, 0, [1, 1, 0, 0], long_name.as_bytes()),
        Err(DecodeError::NameTooLong)
    );
    assert!(entry(&long_name[1..]).encode(&mut buf).is_ok());
}

#[test]
fn bad_directory_fields_are_refused_on_both_sides() {
    let mut buf = page();
    // Rename lengths must add up to the bytes sent.
    for words in [[2, 2, 0, 0], [1, 1, 0, 0], [0, 0, 0, 0]] {
        assert_eq!(
            Request::decode(0x10B, words, b"abc"),
            Err(DecodeError::BadBytes)
        );
    }
    // A split inside a UTF-8 character, or a NUL, is a bad name.
    let utf8 = "é".as_bytes();
    assert_eq!(
        Request::decode(0x10B, [1, 1, 0, 0], utf8),
        Err(DecodeError::BadName)
    );
    assert_eq!(
        Request::decode(0x109, [0; 4], b"a\0"),
        Err(DecodeError::BadName)
    );
    let nul = Request::Rename {
        from: "a",
        to: "\0",
    };
    assert_eq!(nul.encode(&mut buf), Err(Errno::Invalid));
    // Mkdir's mode, Readdir's fd and bytes.
    assert_eq!(
        Request::decode(0x108, [0o10000, 0, 0, 0], b"/d"),
        Err(DecodeError::BadWord(0))
    );
    let mkdir = Request::Mkdir {
        path: "/d",
        mode: 0o10000,
    };
    assert_eq!(mkdir.encode(&mut buf), Err(Errno::Invalid));
    assert_eq!(
        Request::decode(0x10C, [0, 1, 0, 0], &[]),
        Err(DecodeError::BadFd)
    );
    assert_eq!(
        Request::Readdir { fd: 0, index: 0 }.encode(&mut buf),
        Err(Errno::BadFd)
    );
    assert_eq!(
        Request::decode(0x10C, [1, 1, 0, 0], b"x"),
        Err(DecodeError::BadBytes)
    );
    // Entry names: empty, with a slash or a NUL; kinds out of range; End with bytes.
    for name in ["", "a/b", "/", "a\0"] {
        let entry = Reply::Entry {
            name,
            kind: FileKind::File,
            ino: 1,
        };
        assert_eq!(entry.encode(&mut buf), Err(Errno::Invalid), "{name:?}");
        assert_eq!(
            Reply::decode(Op::Readdir, 0, [1, 1, 0, 0], name.as_bytes()),
            Err(DecodeError::BadName)
        );
    }
    for kind in [5, 0x101, u64::MAX] {
        assert_eq!(
            Reply::decode(Op::Readdir, 0, [kind, 1, 0, 0], b"f"),
            Err(DecodeError::BadWord(0))
        );
    }
    assert_eq!(
        Reply::decode(Op::Readdir, 0, [0, 0, 0, 0], b"f"),
        Err(DecodeError::BadBytes)
    );
    assert_eq!(
        Reply::decode(Op::Readdir, 0, [1, 1, 0, 0], &[0xC3]),
        Err(DecodeError::BadName)
    );
}
