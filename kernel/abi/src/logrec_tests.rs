//! Host tests of the log-record encoding: round trips, exact layout, and garbage that must not panic.

extern crate std;

use super::*;
use std::vec;
use std::vec::Vec;

fn rec(seq: u64, level: u8, text: &str) -> LogRecord<'_> {
    LogRecord {
        seq,
        time_ns: seq * 1_000 + 7,
        level,
        text,
    }
}

#[test]
fn layout_is_little_endian_header_then_text() {
    let mut out = [0xAAu8; 32];
    let r = LogRecord {
        seq: 0x0102_0304_0506_0708,
        time_ns: 0x1112_1314_1516_1718,
        level: 5,
        text: "hi",
    };
    assert_eq!(encode(&r, &mut out), Some(21));
    assert_eq!(&out[0..8], &[8, 7, 6, 5, 4, 3, 2, 1]);
    assert_eq!(
        &out[8..16],
        &[0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11]
    );
    assert_eq!(out[16], 5);
    assert_eq!(&out[17..19], &[2, 0]);
    assert_eq!(&out[19..21], b"hi");
    assert_eq!(out[21], 0xAA, "nothing written past the record");
}

#[test]
fn records_round_trip_back_to_back() {
    let texts = ["first", "", "ünïcødé ✓", "x"];
    let mut buf = vec![0u8; 256];
    let mut at = 0;
    for (i, t) in texts.iter().enumerate() {
        at += encode(&rec(i as u64 + 40, i as u8, t), &mut buf[at..]).expect("fits");
    }
    let got: Vec<LogRecord<'_>> = records(&buf[..at]).map(|r| r.expect("valid")).collect();
    let want: Vec<LogRecord<'_>> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| rec(i as u64 + 40, i as u8, t))
        .collect();
    assert_eq!(got, want);
    let (first, len) = decode(&buf).expect("valid");
    assert_eq!((first.text, len), ("first", HEADER_BYTES + 5));
}

#[test]
fn encode_refuses_what_does_not_fit_or_decode_would_reject() {
    let mut small = [0u8; HEADER_BYTES + 3];
    assert_eq!(encode(&rec(1, 6, "four"), &mut small), None);
    assert_eq!(small, [0u8; HEADER_BYTES + 3], "nothing written on refusal");
    assert_eq!(
        encode(&rec(1, 6, "abc"), &mut small),
        Some(HEADER_BYTES + 3)
    );
    assert_eq!(encode(&rec(1, 8, ""), &mut [0u8; 64]), None);
    let long = "x".repeat(usize::from(u16::MAX) + 1);
    assert_eq!(
        encode(&rec(1, 0, &long), &mut vec![0u8; long.len() + 64]),
        None
    );
}

#[test]
fn every_truncation_is_an_error() {
    let mut buf = [0u8; 64];
    let len = encode(&rec(3, 4, "truncate me"), &mut buf).expect("fits");
    for cut in 0..len {
        assert_eq!(
            decode(&buf[..cut]),
            Err(DecodeError::Truncated),
            "cut at {cut}"
        );
    }
    assert!(decode(&buf[..len]).is_ok());
}

#[test]
fn bad_level_and_bad_utf8_are_errors_and_end_iteration() {
    let mut buf = [0u8; 64];
    let len = encode(&rec(1, 2, "ok"), &mut buf).expect("fits");
    let second = encode(&rec(2, 3, "ab"), &mut buf[len..]).expect("fits");
    buf[len + 16] = 9;
    let got: Vec<_> = records(&buf[..len + second]).collect();
    assert_eq!(got, [Ok(rec(1, 2, "ok")), Err(DecodeError::BadLevel(9))]);
    buf[len + 16] = 3;
    buf[len + HEADER_BYTES] = 0xFF;
    assert_eq!(decode(&buf[len..]), Err(DecodeError::BadText));
}

#[test]
fn random_garbage_never_panics() {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..2000 {
        let len = (next() % 80) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        if len > 18 && next() % 2 == 0 {
            bytes[16] %= 8; // get past the level check more often
            bytes[18] = 0;
            bytes[17] %= 64;
        }
        let mut seen = 0;
        for r in records(&bytes) {
            seen += 1;
            if let Ok(r) = r {
                assert!(r.level <= MAX_LEVEL);
                assert!(r.encoded_len() <= bytes.len());
            }
        }
        assert!(seen <= bytes.len() / HEADER_BYTES + 1);
    }
}
