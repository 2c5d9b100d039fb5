//! Tests of `Redirect` (the file server's answer for `/dev` names) and the `PATH` open flag.

extern crate std;

use super::tests::page;
use super::*;
use crate::{DecodeError, Errno};
use std::string::String;

#[test]
fn redirect_answers_only_open_and_carries_a_checked_path() {
    let mut buf = page();
    let enc = Reply::Redirect { path: "gpio" }.encode(&mut buf).unwrap();
    assert_eq!(enc.label, REDIRECT_LABEL);
    assert_eq!((enc.word_count, enc.len_bytes), (0, 4));
    assert_eq!(&buf[..4], b"gpio");
    assert_eq!(Reply::Redirect { path: "gpio" }.op(), Some(Op::Open));
    // To any other operation the label means nothing.
    for op in Op::ALL.into_iter().filter(|&op| op != Op::Open) {
        assert_eq!(
            Reply::decode(op, REDIRECT_LABEL, [0; 4], b""),
            Err(DecodeError::UnknownErrno(REDIRECT_LABEL))
        );
    }
    // Words are ignored; the path is checked as a request's path is.
    assert_eq!(
        Reply::decode(Op::Open, REDIRECT_LABEL, [9; 4], b""),
        Ok(Reply::Redirect { path: "" })
    );
    let long: String = "x".repeat(MAX_PATH_BYTES + 1);
    assert_eq!(
        Reply::Redirect { path: &long }.encode(&mut buf),
        Err(Errno::NameTooLong)
    );
    assert_eq!(
        Reply::decode(Op::Open, REDIRECT_LABEL, [0; 4], long.as_bytes()),
        Err(DecodeError::NameTooLong)
    );
    assert_eq!(
        Reply::Redirect { path: "a\0" }.encode(&mut buf),
        Err(Errno::Invalid)
    );
    for bad in [&b"a\0"[..], &[0xC0, 0x80]] {
        assert_eq!(
            Reply::decode(Op::Open, REDIRECT_LABEL, [0; 4], bad),
            Err(DecodeError::BadName)
        );
    }
    // A redirect is not a request: a server answers that label with ENOSYS.
    let as_request = Request::decode(REDIRECT_LABEL, [0; 4], b"").unwrap_err();
    assert_eq!(as_request.errno(), Errno::NotImplemented);
}

#[test]
fn path_is_a_valid_flag_that_still_needs_an_access_bit() {
    let flags = OpenFlags::READ | OpenFlags::PATH;
    let req = Request::Open {
        path: "/dev/gpiochip0",
        flags,
        mode: 0,
    };
    let mut buf = page();
    let enc = req.encode(&mut buf).unwrap();
    assert_eq!(enc.words[0], 0x81);
    let back = Request::decode(enc.label, enc.words, &buf[..14]).unwrap();
    assert_eq!(back, req);
    assert!(OpenFlags::ALL.contains(OpenFlags::PATH));
    assert_eq!(OpenFlags::from_bits(OpenFlags::PATH.bits()), None);
    assert_eq!(
        Request::decode(0x100, [0x80, 0, 0, 0], b"/x"),
        Err(DecodeError::BadWord(0))
    );
}
