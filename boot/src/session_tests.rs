//! Tests of the loader's receiving logic over a scripted link: good transfers and every way one fails.

use super::*;
use crate::proto::crc32;
use std::collections::VecDeque;
use std::string::String;
use std::vec::Vec;

/// A link fed from a script: `Some(byte)` arrives, `None` is a silence long
/// enough for any timeout. Everything sent is kept.
struct Scripted {
    input: VecDeque<Option<u8>>,
    output: Vec<u8>,
}

impl Scripted {
    fn new() -> Scripted {
        Scripted {
            input: VecDeque::new(),
            output: Vec::new(),
        }
    }

    fn bytes(mut self, bytes: &[u8]) -> Scripted {
        self.input.extend(bytes.iter().map(|&b| Some(b)));
        self
    }

    fn silence(mut self) -> Scripted {
        self.input.push_back(None);
        self
    }

    fn image(self, image: &[u8]) -> Scripted {
        let header = Header::for_image(image).unwrap();
        self.bytes(&header.encode()).bytes(image)
    }

    /// What the loader said, one reply per line; fails on a line that is not one.
    fn replies(&self) -> Vec<Reply> {
        let text = String::from_utf8(self.output.clone()).unwrap();
        assert!(text.ends_with("\r\n"), "{text:?}");
        text.split_terminator("\r\n")
            .map(|line| Reply::parse(line).unwrap_or_else(|| panic!("not a reply: {line:?}")))
            .collect()
    }
}

impl Link for Scripted {
    fn recv(&mut self, timeout_ms: Option<u32>) -> Option<u8> {
        loop {
            match self.input.pop_front() {
                Some(Some(byte)) => return Some(byte),
                // A silence without a timeout just passes.
                Some(None) if timeout_ms.is_none() => continue,
                Some(None) => return None,
                None if timeout_ms.is_some() => return None,
                None => panic!("the loader waits for ever after: {:?}", self.replies()),
            }
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.output.extend_from_slice(bytes);
    }
}

const ROOM: usize = 64;

fn run(link: &mut Scripted) -> (usize, [u8; ROOM]) {
    let mut dest = [0xEE; ROOM];
    let len = receive_image(link, &mut dest);
    (len, dest)
}

fn ready() -> Reply {
    Reply::Ready {
        max_bytes: ROOM as u32,
    }
}

#[test]
fn a_good_image_is_stored_and_announced() {
    let image = b"kernel bytes \x00\xff";
    let mut link = Scripted::new().image(image);
    let (len, dest) = run(&mut link);
    assert_eq!(&dest[..len], image);
    assert_eq!(dest[len], 0xEE, "nothing written past the image");
    assert_eq!(
        link.replies(),
        [
            ready(),
            Reply::Request,
            Reply::Receiving { size_bytes: 15 },
            Reply::Booting { size_bytes: 15 }
        ]
    );
}

#[test]
fn noise_is_skipped_and_a_poke_repeats_the_banner() {
    // "MIMICA": a false start of the magic, then the real one.
    let mut link = Scripted::new()
        .bytes(b"zz\r")
        .silence()
        .bytes(b"MI")
        .image(b"ok");
    let (len, dest) = run(&mut link);
    assert_eq!(&dest[..len], b"ok");
    assert_eq!(
        link.replies(),
        [
            ready(),
            Reply::Request,
            ready(),
            Reply::Request,
            Reply::Receiving { size_bytes: 2 },
            Reply::Booting { size_bytes: 2 }
        ]
    );
}

#[test]
fn empty_and_oversized_images_are_refused_and_asked_for_again() {
    let empty = Header {
        size_bytes: 0,
        crc: 0,
    };
    let huge = Header {
        size_bytes: ROOM as u32 + 1,
        crc: 0,
    };
    let mut link = Scripted::new()
        .bytes(&empty.encode())
        .bytes(&huge.encode())
        .image(&[7; ROOM]);
    let (len, _) = run(&mut link);
    assert_eq!(len, ROOM);
    let refused = |size_bytes| Reply::Refused {
        size_bytes,
        max_bytes: ROOM as u32,
    };
    assert_eq!(
        link.replies(),
        [
            ready(),
            Reply::Request,
            refused(0),
            Reply::Request,
            refused(ROOM as u32 + 1),
            Reply::Request,
            Reply::Receiving {
                size_bytes: ROOM as u32
            },
            Reply::Booting {
                size_bytes: ROOM as u32
            }
        ]
    );
}

#[test]
fn a_bad_crc_is_reported_and_the_image_asked_for_again() {
    let image = b"0123456789";
    let mut corrupt = *image;
    corrupt[3] ^= 0x10;
    let header = Header::for_image(image).unwrap();
    let mut link = Scripted::new()
        .bytes(&header.encode())
        .bytes(&corrupt)
        .image(image);
    let (len, dest) = run(&mut link);
    assert_eq!(&dest[..len], image);
    let replies = link.replies();
    assert_eq!(
        replies[3],
        Reply::BadCrc {
            expected: crc32(image),
            got: crc32(&corrupt)
        }
    );
    assert_eq!(replies[4], Reply::Request);
    assert_eq!(replies[6], Reply::Booting { size_bytes: 10 });
}

#[test]
fn a_silence_in_the_image_or_header_is_a_timeout() {
    let image = b"abcdef";
    let header = Header::for_image(image).unwrap();
    let mut link = Scripted::new()
        .bytes(&header.encode())
        .bytes(b"abc")
        .silence()
        .bytes(b"MICA\x06")
        .silence()
        .image(image);
    let (len, dest) = run(&mut link);
    assert_eq!(&dest[..len], image);
    assert_eq!(
        link.replies(),
        [
            ready(),
            Reply::Request,
            Reply::Receiving { size_bytes: 6 },
            Reply::Timeout {
                received_bytes: 3,
                size_bytes: 6
            },
            Reply::Request,
            Reply::HeaderTimeout,
            Reply::Request,
            Reply::Receiving { size_bytes: 6 },
            Reply::Booting { size_bytes: 6 }
        ]
    );
}
