//! Tests of the wire protocol: CRC-32 vectors, header layout and checks, reply lines both ways.

use super::*;
use std::format;
use std::string::ToString;

#[test]
fn crc32_matches_the_known_vectors() {
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    assert_eq!(crc32(b""), 0);
    assert_eq!(crc32(b"a"), 0xE8B7_BE43);
    assert_eq!(
        crc32(b"The quick brown fox jumps over the lazy dog"),
        0x414F_A339
    );
    assert_eq!(crc32(&[0u8; 32]), 0x190A_55AD);
}

#[test]
fn crc32_fed_in_pieces_equals_crc32_at_once() {
    let data: std::vec::Vec<u8> = (0..1000u32).map(|i| (i * 7 + i / 3) as u8).collect();
    let mut crc = Crc32::default();
    for piece in data.chunks(37) {
        crc.update(piece);
    }
    assert_eq!(crc.finish(), crc32(&data));
    // One flipped bit changes it.
    let mut flipped = data.clone();
    flipped[500] ^= 1;
    assert_ne!(crc32(&flipped), crc32(&data));
}

#[test]
fn header_encodes_magic_then_little_endian_size_and_crc() {
    let header = Header {
        size_bytes: 0x0102_0304,
        crc: 0xCBF4_3926,
    };
    assert_eq!(
        header.encode(),
        [b'M', b'I', b'C', b'A', 4, 3, 2, 1, 0x26, 0x39, 0xF4, 0xCB]
    );
    assert_eq!(Header::decode(&header.encode()), Some(header));
    let mut bad = header.encode();
    bad[0] = b'm';
    assert_eq!(Header::decode(&bad), None);
}

#[test]
fn header_for_an_image_carries_its_length_and_crc() {
    assert_eq!(
        Header::for_image(b"123456789"),
        Some(Header {
            size_bytes: 9,
            crc: 0xCBF4_3926
        })
    );
}

#[test]
fn header_check_refuses_empty_and_oversized_images() {
    let header = |size_bytes| Header { size_bytes, crc: 0 };
    assert_eq!(header(1).check(100), Ok(()));
    assert_eq!(header(100).check(100), Ok(()));
    assert_eq!(
        header(0).check(100),
        Err(Reply::Refused {
            size_bytes: 0,
            max_bytes: 100
        })
    );
    assert_eq!(
        header(101).check(100),
        Err(Reply::Refused {
            size_bytes: 101,
            max_bytes: 100
        })
    );
    assert_eq!(MAX_IMAGE_BYTES, 0x1F8_0000);
}

#[test]
fn replies_read_as_documented() {
    let cases = [
        (
            Reply::Ready {
                max_bytes: MAX_IMAGE_BYTES,
            },
            "mica-loader: ready, up to 33030144 bytes at 0x80000",
        ),
        (Reply::Request, "mica-loader: waiting for image"),
        (
            Reply::Receiving { size_bytes: 1234 },
            "mica-loader: receiving 1234 bytes",
        ),
        (
            Reply::Refused {
                size_bytes: 0,
                max_bytes: 99,
            },
            "mica-loader: refused 0 bytes: an image must be 1 to 99 bytes; send again",
        ),
        (
            Reply::HeaderTimeout,
            "mica-loader: timeout in the header; send again",
        ),
        (
            Reply::Timeout {
                received_bytes: 10,
                size_bytes: 20,
            },
            "mica-loader: timeout after 10 of 20 bytes; send again",
        ),
        (
            Reply::BadCrc {
                expected: 0xCBF4_3926,
                got: 0x1a,
            },
            "mica-loader: bad CRC (expected 0xcbf43926, got 0x0000001a); send again",
        ),
        (
            Reply::Booting { size_bytes: 77 },
            "mica-loader: booting 77 bytes",
        ),
    ];
    for (reply, text) in cases {
        assert_eq!(reply.to_string(), text);
        assert_eq!(Reply::parse(text), Some(reply), "{text}");
        // Line noise before the prefix and the line ending do not matter.
        let noisy = format!("\u{1}garbage{text}\r\n");
        assert_eq!(Reply::parse(&noisy), Some(reply), "{noisy:?}");
    }
}

#[test]
fn other_lines_are_not_replies() {
    for line in [
        "",
        "mica> ",
        "[    0.001] mica: booting",
        "mica-loader: ",
        "mica-loader: receiving many bytes",
        "mica-loader: receiving 99999999999 bytes",
        "mica-loader: bad CRC (expected 12, got 0x1); send again",
        "mica-loader: ready, up to 5 bytes at 0x1000",
        "mica-loader: waiting for image now",
    ] {
        assert_eq!(Reply::parse(line), None, "{line:?}");
    }
}

#[test]
fn pokes_are_line_endings() {
    assert!(is_poke(b'\r') && is_poke(b'\n'));
    assert!(!is_poke(b'M') && !is_poke(0));
}
