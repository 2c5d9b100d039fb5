//! Host tests of the line discipline: each key, both modes, switching mid-line, full queues.

extern crate std;

use super::*;
use std::vec;
use std::vec::Vec;

/// A discipline with its echo collected.
struct Tty {
    ld: LineDiscipline,
    echoed: Vec<u8>,
}

impl Tty {
    fn new(raw: bool, echo: bool) -> Tty {
        Tty {
            ld: LineDiscipline::with_mode(TtyMode { raw, echo }),
            echoed: Vec::new(),
        }
    }

    fn feed(&mut self, bytes: &[u8]) -> Vec<Action> {
        let echoed = &mut self.echoed;
        let ld = &mut self.ld;
        bytes
            .iter()
            .map(|&b| ld.input(b, &mut |out: &[u8]| echoed.extend_from_slice(out)))
            .collect()
    }

    /// One read of up to `len` bytes.
    fn read(&mut self, len: usize) -> Vec<u8> {
        let mut buf = vec![0u8; len];
        let n = self.ld.read(&mut buf);
        buf.truncate(n);
        buf
    }

    fn take_echo(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.echoed)
    }
}

use Action::*;

#[test]
fn a_line_is_readable_only_when_complete() {
    let mut t = Tty::new(false, true);
    assert_eq!(t.feed(b"ls"), [Buffered, Buffered]);
    assert!(!t.ld.readable());
    assert_eq!(t.read(64), b"");
    assert_eq!(t.ld.pending_line(), b"ls");
    assert_eq!(t.feed(b"\r"), [Delivered]);
    assert!(t.ld.readable());
    assert_eq!(t.take_echo(), b"ls\r\n");
    assert_eq!(t.read(64), b"ls\n");
    assert!(!t.ld.readable());
}

#[test]
fn lf_ends_a_line_and_crlf_is_one_end() {
    let mut t = Tty::new(false, true);
    assert_eq!(
        t.feed(b"a\nb\r\nc\n\n"),
        [Buffered, Delivered, Buffered, Delivered, Ignored, Buffered, Delivered, Delivered]
    );
    assert_eq!(t.read(64), b"a\n");
    assert_eq!(t.read(64), b"b\n");
    assert_eq!(t.read(64), b"c\n");
    assert_eq!(t.read(64), b"\n", "LF LF is an empty line");
    assert_eq!(t.read(64), b"");
    // CR CR is two lines too.
    t.feed(b"\r\r");
    assert_eq!((t.read(8), t.read(8)), (b"\n".to_vec(), b"\n".to_vec()));
}

#[test]
fn both_backspaces_erase_one_character() {
    let mut t = Tty::new(false, true);
    t.feed(b"abc");
    t.take_echo();
    assert_eq!(t.feed(&[0x7F, 0x08]), [Edited, Edited]);
    assert_eq!(t.take_echo(), b"\x08 \x08\x08 \x08");
    assert_eq!(t.ld.pending_line(), b"a");
    t.feed(b"x\r");
    assert_eq!(t.read(64), b"ax\n");
}

#[test]
fn backspace_on_an_empty_line_echoes_nothing() {
    let mut t = Tty::new(false, true);
    assert_eq!(t.feed(&[0x7F, 0x08]), [Edited, Edited]);
    assert_eq!(t.take_echo(), b"");
    t.feed(b"a\x7F\x7F");
    assert_eq!(t.take_echo(), b"a\x08 \x08");
}

#[test]
fn backspace_erases_whole_utf8_characters_by_their_width() {
    let mut t = Tty::new(false, true);
    t.feed("é한".as_bytes());
    t.take_echo();
    t.feed(b"\x7F");
    assert_eq!(
        t.take_echo(),
        b"\x08 \x08\x08 \x08",
        "Hangul is two columns"
    );
    assert_eq!(t.ld.pending_line(), "é".as_bytes());
    t.feed(b"\x7F");
    assert_eq!(t.take_echo(), b"\x08 \x08");
    assert_eq!(t.ld.pending_line(), b"");
    // Stray continuation bytes go one at a time.
    t.feed(&[b'a', 0x80, 0x80]);
    t.feed(b"\x7F");
    assert_eq!(t.ld.pending_line(), &[b'a', 0x80]);
}

#[test]
fn ctrl_u_kills_the_line() {
    let mut t = Tty::new(false, true);
    t.feed("ab한".as_bytes());
    t.take_echo();
    assert_eq!(t.feed(b"\x15"), [Edited]);
    assert_eq!(t.take_echo(), b"\x08 \x08".repeat(4));
    assert_eq!(t.ld.pending_line(), b"");
    assert!(!t.ld.readable());
    t.feed(b"ok\r");
    assert_eq!(t.read(64), b"ok\n");
}

#[test]
fn ctrl_c_discards_the_line() {
    let mut t = Tty::new(false, true);
    t.feed(b"rm -rf");
    t.take_echo();
    assert_eq!(t.feed(b"\x03"), [Interrupted]);
    assert_eq!(t.take_echo(), b"^C\r\n");
    assert!(!t.ld.readable());
    t.feed(b"ls\r");
    assert_eq!(t.read(64), b"ls\n");
}

#[test]
fn the_line_stops_at_its_maximum_with_a_bell() {
    let mut t = Tty::new(false, true);
    let full = [b'x'; LINE_MAX_BYTES];
    assert!(t.feed(&full).iter().all(|&a| a == Buffered));
    t.take_echo();
    assert_eq!(t.feed(b"y"), [Refused]);
    assert_eq!(t.take_echo(), b"\x07");
    t.feed(b"\x7Fz\r");
    let line = t.read(1024);
    assert_eq!(line.len(), LINE_MAX_BYTES + 1);
    assert_eq!(&line[LINE_MAX_BYTES - 2..], b"xz\n");
}

#[test]
fn a_short_read_returns_part_of_a_line_and_keeps_the_rest() {
    let mut t = Tty::new(false, false);
    t.feed(b"hello\rworld\r");
    assert_eq!(t.read(3), b"hel");
    assert!(t.ld.readable());
    assert_eq!(
        t.read(64),
        b"lo\n",
        "a read does not run into the next line"
    );
    assert_eq!(t.read(64), b"world\n");
    assert_eq!(t.read(0), b"");
}

#[test]
fn raw_mode_delivers_every_byte_as_is() {
    let mut t = Tty::new(true, false);
    let bytes = [b'a', b'\r', 0x03, 0x7F, 0x15, 0x1B, b'[', b'A', 0x00];
    assert!(t.feed(&bytes).iter().all(|&a| a == Delivered));
    assert_eq!(t.take_echo(), b"", "echo off");
    assert_eq!(t.read(4), &bytes[..4]);
    assert_eq!(t.read(64), &bytes[4..]);
    assert!(!t.ld.readable());
}

#[test]
fn raw_mode_echoes_only_with_echo_on() {
    let mut t = Tty::new(true, true);
    t.feed(b"q\x03");
    assert_eq!(t.take_echo(), b"q\x03");
}

#[test]
fn line_mode_without_echo_edits_silently() {
    let mut t = Tty::new(false, false);
    let typed = [
        b"secret".as_slice(),
        &[0x7F],
        b"T\r",
        &[b'x'; LINE_MAX_BYTES + 1],
    ]
    .concat();
    t.feed(&typed);
    t.feed(b"\x03");
    assert_eq!(t.take_echo(), b"", "no echo, no bell, no ^C");
    assert_eq!(t.read(64), b"secreT\n");
}

#[test]
fn leaving_line_mode_makes_the_half_line_readable() {
    let mut t = Tty::new(false, true);
    t.feed(b"done\rhal");
    t.ld.set_mode(TtyMode {
        raw: true,
        echo: true,
    });
    assert_eq!(t.ld.pending_line(), b"");
    t.feed(b"f\x7F");
    assert_eq!(t.read(64), b"done\nhalf\x7F", "raw reads cross lines");
}

#[test]
fn entering_line_mode_reads_raw_leftovers_as_one_line() {
    let mut t = Tty::new(true, false);
    t.feed(b"ab\ncd");
    t.ld.set_mode(TtyMode::default());
    assert!(t.ld.readable(), "leftovers are readable without a newline");
    t.feed(b"line\r");
    assert_eq!(t.read(3), b"ab\n");
    assert_eq!(
        t.read(64),
        b"cd",
        "the leftover chunk ends where raw mode ended"
    );
    assert_eq!(t.read(64), b"line\n");
}

#[test]
fn mode_switches_mid_line_keep_editing_sane() {
    let mut t = Tty::new(false, true);
    t.feed(b"ab\x1b["); // mid escape sequence
    t.ld.set_mode(TtyMode {
        raw: false,
        echo: false,
    });
    assert_eq!(t.ld.pending_line(), b"ab", "echo off keeps the line");
    assert_eq!(
        t.feed(b"A"),
        [Buffered],
        "the switch ended the escape sequence"
    );
    t.ld.set_mode(TtyMode {
        raw: true,
        echo: false,
    });
    t.ld.set_mode(TtyMode::default());
    assert_eq!(t.ld.mode(), TtyMode::default());
    t.feed(b"c\r");
    assert_eq!(
        t.read(64),
        b"abA",
        "the line went readable on leaving line mode"
    );
    assert_eq!(t.read(64), b"c\n");
}

#[test]
fn escape_sequences_are_dropped_but_ctrl_c_still_works() {
    let mut t = Tty::new(false, true);
    // Up arrow (CSI A), F1 (SS3 P), Delete (CSI 3 ~), Alt-x.
    t.feed(b"a\x1b[Ab\x1bOPc\x1b[3~d\x1bxe");
    assert_eq!(t.ld.pending_line(), b"abcde");
    assert_eq!(t.take_echo(), b"abcde");
    t.feed(b"\x1b[1;\x03");
    assert_eq!(t.take_echo(), b"^C\r\n");
    assert_eq!(t.ld.pending_line(), b"");
}

#[test]
fn other_control_bytes_are_ignored_in_line_mode() {
    let mut t = Tty::new(false, true);
    assert_eq!(t.feed(&[0x00, 0x01, b'\t', 0x04, 0x1F]), [Ignored; 5]);
    assert_eq!(t.take_echo(), b"");
    assert_eq!(t.ld.pending_line(), b"");
}

#[test]
fn a_full_queue_refuses_the_newline_but_keeps_the_line() {
    let mut t = Tty::new(false, true);
    let line = [b'x'; 99];
    for _ in 0..READ_QUEUE_BYTES / 100 {
        t.feed(&line);
        assert_eq!(t.feed(b"\r"), [Delivered]);
    }
    t.feed(&line); // 10 lines of 100 queued: 24 bytes free
    t.take_echo();
    assert_eq!(t.feed(b"\r"), [Refused]);
    assert_eq!(t.take_echo(), b"\x07");
    assert_eq!(t.ld.pending_line().len(), 99);
    assert_eq!(t.read(1024).len(), 100);
    assert_eq!(t.feed(b"\r"), [Delivered]);
    assert_eq!(t.ld.overruns(), 0, "nothing was lost");
}

#[test]
fn a_full_queue_in_raw_mode_drops_and_counts() {
    let mut t = Tty::new(true, true);
    t.feed(&[b'r'; READ_QUEUE_BYTES]);
    t.take_echo();
    assert_eq!(t.feed(b"st"), [Refused, Refused]);
    assert_eq!(t.take_echo(), b"", "a dropped byte is not echoed");
    assert_eq!(t.ld.overruns(), 2);
    t.ld.flush_input();
    assert!(!t.ld.readable());
}

#[test]
fn random_input_keeps_the_invariants() {
    // xorshift64: a fixed sequence, so a failure replays.
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet = b"ab\r\n\x7F\x08\x15\x03\x1b[O~1\x00\xc3\xa9\xed";
    let mut t = Tty::new(false, true);
    for _ in 0..50_000 {
        let r = next();
        match r % 50 {
            0 => t.ld.set_mode(TtyMode {
                raw: r & 0x100 != 0,
                echo: r & 0x200 != 0,
            }),
            1..=5 => {
                let whole_lines = !t.ld.mode().raw && t.ld.unterminated == 0;
                let got = t.read((r >> 8) as usize % 300);
                if whole_lines {
                    // At most one line, and its newline is the last byte read.
                    let newlines = got.iter().filter(|&&b| b == b'\n').count();
                    assert!(newlines <= 1);
                    assert!(newlines == 0 || got.last() == Some(&b'\n'));
                }
            }
            _ => {
                t.feed(&[alphabet[(r >> 8) as usize % alphabet.len()]]);
            }
        }
        assert!(t.ld.pending_line().len() <= LINE_MAX_BYTES);
        assert_eq!(t.ld.readable(), !t.ld.queue.is_empty());
        t.echoed.clear();
    }
}
