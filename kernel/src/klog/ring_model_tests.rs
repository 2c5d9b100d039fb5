//! Host property tests for the log ring: random pushes checked against a layout model.

use super::*;
use std::collections::VecDeque;
use std::string::String;
use std::vec::Vec;

use crate::test_rng::Rng;

/// What the model expects a record to hold.
#[derive(Clone, Debug, PartialEq)]
struct Expected {
    seq: u64,
    time_ns: u64,
    level: Level,
    text: String,
    truncated: bool,
}

/// The model's rule, written independently of the ring: drop one trailing
/// newline, then keep the longest prefix of at most `max` bytes ending on a char boundary.
fn expected_text(text: &str, max: usize) -> (String, bool) {
    let text = text.strip_suffix('\n').unwrap_or(text);
    if text.len() <= max {
        return (text.into(), false);
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    (text[..cut].into(), true)
}

fn collect<const N: usize>(ring: &LogRing<N>) -> Vec<Expected> {
    ring.iter()
        .map(|r| Expected {
            seq: r.seq,
            time_ns: r.time_ns,
            level: r.level,
            text: r.text.into(),
            truncated: r.truncated,
        })
        .collect()
}

fn record_bytes(e: &Expected) -> usize {
    HEADER_BYTES + e.text.len()
}

/// A layout model written differently from the ring: records are extents in
/// an `n`-byte array, and a new record claims `[tail, tail + len)` (or the
/// rest of the array plus `[0, len)` when it does not fit before the end);
/// the oldest records are dropped while they overlap the claim.
struct Model {
    n: usize,
    /// Kept records, oldest first, with their offsets.
    recs: VecDeque<(Expected, usize)>,
    tail: usize,
}

impl Model {
    fn overlaps(claim: &[(usize, usize)], off: usize, len: usize) -> bool {
        claim
            .iter()
            .any(|&(start, end)| off < end && start < off + len)
    }

    fn push(&mut self, e: Expected) {
        let len = record_bytes(&e);
        loop {
            if self.recs.is_empty() {
                self.tail = 0;
            }
            let claim = if self.tail + len > self.n {
                [(self.tail, self.n), (0, len)]
            } else {
                [(self.tail, self.tail + len), (0, 0)]
            };
            match self.recs.front() {
                Some((f, off)) if Self::overlaps(&claim, *off, record_bytes(f)) => {
                    self.recs.pop_front();
                }
                _ => {
                    // Only the oldest records can be in the way.
                    assert!(self.recs.iter().all(|(r, off)| !Self::overlaps(
                        &claim,
                        *off,
                        record_bytes(r)
                    )));
                    let off = if claim[1].1 > 0 { 0 } else { self.tail };
                    self.tail = (off + len) % self.n;
                    self.recs.push_back((e, off));
                    return;
                }
            }
        }
    }
}

/// Random text of 0..max_bytes bytes mixing 1-, 2-, 3- and 4-byte chars and newlines.
fn random_text(rng: &mut Rng, max_bytes: u64) -> String {
    const CHARS: [char; 7] = ['a', 'Z', ' ', '\n', 'é', '€', '😀'];
    let target = rng.below_u64(max_bytes + 1) as usize;
    let mut s = String::new();
    while s.len() < target {
        s.push(CHARS[rng.below_u64(CHARS.len() as u64) as usize]);
    }
    if rng.below_u64(8) == 0 {
        s.push('\n');
    }
    s
}

/// Pushes random records (through both `push` and `push_fmt`) and checks the
/// ring against a VecDeque model after every push.
fn check_against_model<const N: usize>(seed: u64, pushes: usize) {
    let max_text = LogRing::<N>::MAX_TEXT_BYTES;
    let mut ring = LogRing::<N>::new();
    let mut model = Model {
        n: N,
        recs: VecDeque::new(),
        tail: 0,
    };
    let mut rng = Rng(seed);
    let mut reader_seq = 0u64;
    let mut reader_missed = 0u64;
    for i in 0..pushes {
        let text = random_text(&mut rng, max_text as u64 + 64);
        let level = Level::ALL[rng.below_u64(8) as usize];
        let time_ns = i as u64 * 1_000 + rng.below_u64(1_000);
        let seq = if rng.below_u64(2) == 0 {
            ring.push(level, time_ns, &text)
        } else {
            let split = text.floor_char_boundary(rng.below_u64(text.len() as u64 + 1) as usize);
            let (a, b) = text.split_at(split);
            ring.push_fmt(level, time_ns, format_args!("{a}{b}"))
        };
        assert_eq!(seq, i as u64, "sequence numbers are consecutive");
        let (kept, truncated) = expected_text(&text, max_text);
        model.push(Expected {
            seq,
            time_ns,
            level,
            text: kept,
            truncated,
        });

        let want: Vec<Expected> = model.recs.iter().map(|(e, _)| e.clone()).collect();
        let got = collect(&ring);
        assert_eq!(got, want, "ring differs from model after push {i}");
        assert_eq!(got.len() as u64, ring.len());
        assert_eq!(ring.first_seq(), want[0].seq);
        assert_eq!(
            ring.dropped(),
            ring.first_seq(),
            "no clear, so every loss is a drop"
        );
        assert_eq!(ring.next_seq(), i as u64 + 1);
        assert_eq!(ring.tail, model.tail, "ring and model place records alike");

        // An incremental reader, like `dmesg -w`, reading now and then.
        if rng.below_u64(7) == 0 {
            reader_missed += ring.missed_since(reader_seq);
            for r in ring.iter_from(reader_seq) {
                assert!(r.seq >= reader_seq);
                reader_seq = r.seq + 1;
            }
            assert_eq!(reader_seq, ring.next_seq());
        }
    }
    assert!(ring.dropped() > 0, "the test must wrap around");
    assert!(reader_missed <= ring.dropped());
}

#[test]
fn model_small_ring_many_wraps() {
    check_against_model::<256>(0x1234_5678_9abc_def1, 20_000);
}

#[test]
fn model_odd_sized_ring() {
    check_against_model::<1000>(42, 20_000);
}

#[test]
fn model_kernel_sized_ring() {
    check_against_model::<16384>(0xdead_beef, 20_000);
}
