//! Host tests for the log ring: order, dropping, padding, truncation, clearing, line format.

use super::*;
use std::cell::Cell;
use std::string::String;
use std::vec::Vec;

#[test]
fn empty_ring() {
    let ring = LogRing::<1024>::new();
    assert!(ring.is_empty());
    assert_eq!(ring.len(), 0);
    assert_eq!(
        (ring.first_seq(), ring.next_seq(), ring.dropped()),
        (0, 0, 0)
    );
    assert_eq!(ring.iter().count(), 0);
    assert_eq!(ring.iter_from(5).count(), 0);
    assert_eq!(ring.get(0), None);
}

#[test]
fn records_come_back_in_order_with_all_fields() {
    let mut ring = LogRing::<1024>::new();
    assert_eq!(ring.push(Level::Info, 10, "first"), 0);
    assert_eq!(ring.push(Level::Err, 20, ""), 1);
    assert_eq!(
        ring.push_fmt(
            Level::Debug,
            30,
            format_args!("x={} y={}", std::hint::black_box(1), String::from("two"))
        ),
        2
    );
    let got: Vec<(u64, u64, Level, &str, bool)> = ring
        .iter()
        .map(|r| (r.seq, r.time_ns, r.level, r.text, r.truncated))
        .collect();
    assert_eq!(
        got,
        [
            (0, 10, Level::Info, "first", false),
            (1, 20, Level::Err, "", false),
            (2, 30, Level::Debug, "x=1 y=two", false),
        ]
    );
    assert_eq!(ring.get(1).map(|r| r.text), Some(""));
    assert_eq!(ring.get(3), None);
    assert_eq!(ring.iter_from(1).map(|r| r.seq).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(ring.iter_from(1).size_hint(), (2, Some(2)));
    assert_eq!(ring.iter_from(3).count(), 0);
    assert_eq!(ring.dropped(), 0);
}

#[test]
fn one_trailing_newline_is_dropped() {
    let mut ring = LogRing::<1024>::new();
    ring.push(Level::Info, 0, "line\n");
    ring.push(Level::Info, 0, "two\n\n");
    ring.push_fmt(Level::Info, 0, format_args!("{}\n", 3));
    ring.push(Level::Info, 0, "\n");
    let (a, b, empty) = (String::from("a\n"), String::from("b\n"), String::new());
    ring.push_fmt(Level::Info, 0, format_args!("{a}{b}{empty}"));
    let texts: Vec<&str> = ring.iter().map(|r| r.text).collect();
    assert_eq!(texts, ["line", "two\n", "3", "", "a\nb"]);
}

#[test]
fn full_ring_drops_oldest_and_counts_them() {
    let mut ring = LogRing::<256>::new();
    // 20-byte header + 12-byte text = 32 bytes: exactly eight fit.
    for i in 0..8u64 {
        ring.push(Level::Info, i, &format!("message {i:04}"));
    }
    assert_eq!((ring.first_seq(), ring.len(), ring.dropped()), (0, 8, 0));
    ring.push(Level::Info, 8, "message 0008");
    assert_eq!((ring.first_seq(), ring.len(), ring.dropped()), (1, 8, 1));
    assert_eq!(ring.get(0), None);
    assert_eq!(ring.get(1).map(|r| r.text), Some("message 0001"));
    // A reader that wanted record 0 resumes at the oldest kept and learns it missed one.
    assert_eq!(ring.missed_since(0), 1);
    assert_eq!(ring.iter_from(0).next().map(|r| r.seq), Some(1));
    assert_eq!(ring.missed_since(1), 0);
}

#[test]
fn records_never_straddle_the_end() {
    let mut ring = LogRing::<256>::new();
    // 5 records of 40 bytes leave 56 at the end; then a 64-byte record must wrap.
    for i in 0..5u64 {
        ring.push(Level::Info, i, &"x".repeat(20));
    }
    let big = "y".repeat(44);
    let seq = ring.push(Level::Warning, 5, &big);
    assert_eq!(ring.get(seq).map(|r| r.text), Some(big.as_str()));
    // The wrapped record overwrote the two oldest (80 bytes at the start).
    assert_eq!(ring.first_seq(), 2);
    let texts: Vec<usize> = ring.iter().map(|r| r.text.len()).collect();
    assert_eq!(texts, [20, 20, 20, 44]);
}

#[test]
fn padding_shorter_than_a_header_is_implied() {
    let mut ring = LogRing::<512>::new();
    // Six 83-byte records leave 14 bytes at the end: too few for a header, so no marker.
    for i in 0..6u64 {
        ring.push(Level::Info, i, &"z".repeat(63));
    }
    assert_eq!(ring.tail, 498);
    assert_eq!(ring.padding_at(498), 14);
    let seq = ring.push(Level::Info, 6, "after the gap");
    assert_eq!(ring.get(seq).map(|r| r.text), Some("after the gap"));
    assert_eq!(
        ring.iter().map(|r| r.seq).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5, 6]
    );
    for i in 7..60u64 {
        ring.push(Level::Info, i, &"w".repeat(i as usize % 100));
    }
    assert_eq!(ring.iter().last().map(|r| r.seq), Some(59));
    assert_eq!(ring.iter().count() as u64, ring.len());
}

#[test]
fn truncation_cuts_at_char_boundaries() {
    let mut ring = LogRing::<4096>::new();
    let max = LogRing::<4096>::MAX_TEXT_BYTES;
    assert_eq!(LogRing::<4096>::MAX_RECORD_BYTES, 1024);
    assert_eq!(max, 1004);
    assert_eq!(LogRing::<256>::MAX_RECORD_BYTES, 64);
    assert_eq!(LogRing::<65536>::MAX_RECORD_BYTES, 1024);

    let euros = "€".repeat(400); // 3 bytes each: 1002 fits, 1005 does not.
    let seq = ring.push(Level::Info, 0, &euros);
    let r = ring.get(seq).unwrap();
    assert!(r.truncated);
    assert_eq!(r.text.len(), 1002);
    assert!(r.text.chars().all(|c| c == '€'));

    let emoji = format!("a{}", "😀".repeat(300)); // 1 + 4k bytes: 1001 fits.
    let seq = ring.push_fmt(Level::Info, 0, format_args!("a{}", "😀".repeat(300)));
    let r = ring.get(seq).unwrap();
    assert!(r.truncated);
    assert_eq!(r.text, &emoji[..1001]);

    let exact = "b".repeat(max);
    let seq = ring.push(Level::Info, 0, &exact);
    assert_eq!(
        ring.get(seq).map(|r| (r.text.len(), r.truncated)),
        Some((max, false))
    );
    let seq = ring.push(Level::Info, 0, &format!("{exact}c"));
    assert_eq!(
        ring.get(seq).map(|r| (r.text.len(), r.truncated)),
        Some((max, true))
    );
}

#[test]
fn push_fmt_truncates_across_many_pieces() {
    let mut ring = LogRing::<256>::new();
    assert_eq!(LogRing::<256>::MAX_TEXT_BYTES, 44);
    let (e, u, n) = (
        "é".repeat(10),
        "ü".repeat(20),
        std::hint::black_box(1234567),
    );
    let seq = ring.push_fmt(Level::Info, 0, format_args!("{e}{n}{u}tail"));
    let r = ring.get(seq).unwrap();
    // 20 + 7 + 8 * 2 = 43 bytes: the ninth 'ü' would end at byte 45.
    let want = format!("{e}{n}{}", "ü".repeat(8));
    assert_eq!((r.text, r.truncated), (want.as_str(), true));
}

/// A Display that prints more the second time it is formatted.
struct Growing(Cell<usize>);

impl fmt::Display for Growing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.get();
        self.0.set(n + 1);
        for _ in 0..(n + 1) * 8 {
            f.write_str("é")?;
        }
        Ok(())
    }
}

#[test]
fn push_fmt_survives_output_that_changes_between_passes() {
    let mut ring = LogRing::<1024>::new();
    ring.push(Level::Info, 0, "before");
    let g = Growing(Cell::new(0));
    let seq = ring.push_fmt(Level::Info, 1, format_args!("{g}"));
    let r = ring.get(seq).unwrap();
    // Measured 16 bytes, then produced 32: cut at the 16 reserved.
    assert_eq!((r.text, r.truncated), ("é".repeat(8).as_str(), true));
    let seq = ring.push(Level::Info, 2, "after");
    assert_eq!(
        ring.iter().map(|r| r.text).collect::<Vec<_>>(),
        ["before", "éééééééé", "after"]
    );
    assert_eq!(seq, 2);
}

#[test]
fn clear_keeps_sequence_numbers_going() {
    let mut ring = LogRing::<512>::new();
    for i in 0..5u64 {
        ring.push(Level::Notice, i, "m");
    }
    ring.clear();
    assert!(ring.is_empty());
    assert_eq!(
        (ring.first_seq(), ring.next_seq(), ring.dropped()),
        (5, 5, 0)
    );
    assert_eq!(ring.iter().count(), 0);
    assert_eq!(ring.missed_since(2), 3);
    assert_eq!(ring.push(Level::Notice, 9, "again"), 5);
    assert_eq!(
        ring.iter_from(0)
            .map(|r| (r.seq, r.text))
            .collect::<Vec<_>>(),
        [(5, "again")]
    );
}

#[test]
fn ring_fits_in_a_static() {
    static RING: spin::Mutex<LogRing<2048>> = spin::Mutex::new(LogRing::new());
    let seq = RING.lock().push(Level::Alert, 5, "static");
    assert_eq!(RING.lock().get(seq).map(|r| r.text), Some("static"));
}

fn line(record: &Record<'_>, raw: bool) -> String {
    let mut s = String::new();
    format_line(record, raw, &mut s).unwrap();
    s
}

#[test]
fn format_line_matches_linux() {
    let mut r = Record {
        seq: 0,
        time_ns: 1_234_567_891,
        level: Level::Info,
        text: "hello",
        truncated: false,
    };
    assert_eq!(line(&r, false), "[    1.234567] hello");
    assert_eq!(line(&r, true), "<6>[    1.234567] hello");
    r.time_ns = 0;
    r.level = Level::Emerg;
    assert_eq!(line(&r, true), "<0>[    0.000000] hello");
    r.time_ns = 12_345_000_001_000;
    assert_eq!(line(&r, false), "[12345.000001] hello");
    r.time_ns = 123_456_999_999_999;
    r.text = "";
    assert_eq!(line(&r, false), "[123456.999999] ");
    r.time_ns = u64::MAX;
    assert_eq!(line(&r, false), "[18446744073.709551] ");
}

#[test]
fn get_reads_the_newest_record_without_walking_the_ring() {
    // printk reads back every record it pushes: a walk from the oldest made
    // each line cost more than the one before until the ring filled.
    let mut ring = LogRing::<1024>::new();
    ring.push(Level::Info, 1, "aaaaaaaaaaaaaaaaaaaa");
    ring.push(Level::Info, 2, "second");
    let newest = ring.push(Level::Info, 3, "newest");
    // Break the oldest header's length: any walk from `head` now loses its place.
    let head = ring.head;
    ring.buf[head..head + 2].copy_from_slice(&0u16.to_le_bytes());
    assert_eq!(
        ring.get(newest).map(|r| (r.seq, r.text)),
        Some((newest, "newest"))
    );
}
