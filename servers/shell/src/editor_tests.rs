//! Tests of `LineEditor`: exact echoes for simple edits, keys, history, limits.

use crate::term_model::Term;
use crate::{Event, LineEditor};
use alloc::string::String;
use alloc::vec::Vec;

/// Feeds `bytes`, returning the events and everything echoed.
fn feed(ed: &mut LineEditor, bytes: &[u8]) -> (Vec<Event>, Vec<u8>) {
    let mut echo = Vec::new();
    let mut events = Vec::new();
    for &b in bytes {
        events.extend(ed.feed(b, &mut |s: &[u8]| echo.extend_from_slice(s)));
    }
    (events, echo)
}

/// Feeds `bytes` expecting no event; returns the echo.
fn echo_of(ed: &mut LineEditor, bytes: &[u8]) -> Vec<u8> {
    let (events, echo) = feed(ed, bytes);
    assert_eq!(events, [], "{bytes:?}");
    echo
}

fn line(s: &str) -> Event {
    Event::Line(String::from(s))
}

/// An editor with `typed` already fed.
fn editor_with(typed: &[u8]) -> LineEditor {
    let mut ed = LineEditor::new(8);
    echo_of(&mut ed, typed);
    ed
}

const LEFT: &[u8] = b"\x1b[D";
const HOME: &[u8] = b"\x1b[H";
const UP: &[u8] = b"\x1b[A";
const DOWN: &[u8] = b"\x1b[B";

#[test]
fn typing_echoes_the_bytes() {
    let mut ed = LineEditor::new(8);
    assert_eq!(echo_of(&mut ed, b"ls -l"), b"ls -l");
    assert_eq!((ed.line(), ed.cursor()), ("ls -l", 5));
}

#[test]
fn enter_in_every_spelling_counts_once() {
    let mut ed = LineEditor::new(8);
    assert_eq!(
        feed(&mut ed, b"a\r"),
        (alloc::vec![line("a")], b"a\r\n".to_vec())
    );
    assert_eq!(
        feed(&mut ed, b"\nb\n"),
        (alloc::vec![line("b")], b"b\r\n".to_vec())
    );
    let (events, _) = feed(&mut ed, b"c\r\n\n\n\r\r");
    assert_eq!(events, [line("c"), line(""), line(""), line(""), line("")]);
    assert_eq!((ed.line(), ed.cursor()), ("", 0));
}

#[test]
fn enter_mid_line_returns_the_whole_line() {
    let mut ed = editor_with(b"hello");
    echo_of(&mut ed, HOME);
    assert_eq!(feed(&mut ed, b"\r").0, [line("hello")]);
}

#[test]
fn insert_in_the_middle_redraws_the_tail() {
    let mut ed = editor_with(b"ac");
    assert_eq!(echo_of(&mut ed, LEFT), b"\x08");
    assert_eq!(echo_of(&mut ed, b"b"), b"bc\x08");
    let mut ed = editor_with(b"abcd");
    assert_eq!(echo_of(&mut ed, HOME), b"\x1b[4D");
    assert_eq!(echo_of(&mut ed, b"x"), b"xabcd\x1b[4D");
    assert_eq!((ed.line(), ed.cursor()), ("xabcd", 1));
}

#[test]
fn cursor_moves_echo_minimally() {
    let mut ed = editor_with(b"abcd");
    assert_eq!(echo_of(&mut ed, b"\x01"), b"\x1b[4D");
    assert_eq!(echo_of(&mut ed, b"\x1b[C"), b"a"); // one right reprints the byte
    assert_eq!(echo_of(&mut ed, b"\x05"), b"\x1b[3C");
    assert_eq!(echo_of(&mut ed, b"\x1b[C"), b""); // at the end
    assert_eq!(echo_of(&mut ed, b"\x01\x1b[D"), b"\x1b[4D"); // at the start
}

#[test]
fn backspace_and_delete() {
    let mut ed = editor_with(b"abc");
    assert_eq!(echo_of(&mut ed, b"\x7f"), b"\x08\x1b[K");
    assert_eq!(echo_of(&mut ed, b"\x08"), b"\x08\x1b[K");
    assert_eq!(ed.line(), "a");
    let mut ed = editor_with(b"abcd");
    echo_of(&mut ed, b"\x1b[D\x1b[D");
    assert_eq!(echo_of(&mut ed, b"\x7f"), b"\x08cd\x1b[K\x1b[2D");
    assert_eq!(echo_of(&mut ed, b"\x1b[3~"), b"d\x1b[K\x08");
    assert_eq!((ed.line(), ed.cursor()), ("ad", 1));
    assert_eq!(echo_of(&mut ed, b"\x01\x7f"), b"\x08"); // nothing before the cursor
    assert_eq!(echo_of(&mut ed, b"\x05\x1b[3~"), b"\x1b[2C"); // nothing under it
    assert_eq!(ed.line(), "ad");
}

#[test]
fn kills() {
    let mut ed = editor_with(b"one two three");
    echo_of(&mut ed, b"\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D");
    assert_eq!(echo_of(&mut ed, b"\x0b"), b"\x1b[K");
    assert_eq!((ed.line(), ed.cursor()), ("one two", 7));
    assert_eq!(echo_of(&mut ed, b"\x17"), b"\x1b[3D\x1b[K");
    assert_eq!((ed.line(), ed.cursor()), ("one ", 4));
    echo_of(&mut ed, b"xy\x1b[D");
    assert_eq!(echo_of(&mut ed, b"\x15"), b"\x1b[5Dy\x1b[K\x08");
    assert_eq!((ed.line(), ed.cursor()), ("y", 0));
}

#[test]
fn ctrl_w_skips_spaces_then_a_word() {
    let mut ed = editor_with(b"cat  a/b   ");
    echo_of(&mut ed, b"\x17");
    assert_eq!(ed.line(), "cat  ");
    echo_of(&mut ed, b"\x17");
    assert_eq!(ed.line(), "");
    echo_of(&mut ed, b"\x17");
    assert_eq!(ed.line(), "");
}

#[test]
fn every_home_and_end_spelling() {
    for home in [&b"\x1b[H"[..], b"\x1bOH", b"\x1b[1~", b"\x1b[7~", b"\x01"] {
        for end in [&b"\x1b[F"[..], b"\x1bOF", b"\x1b[4~", b"\x1b[8~", b"\x05"] {
            let mut ed = editor_with(b"abc");
            echo_of(&mut ed, home);
            assert_eq!(ed.cursor(), 0, "{home:?}");
            echo_of(&mut ed, end);
            assert_eq!(ed.cursor(), 3, "{end:?}");
        }
    }
}

#[test]
fn every_arrow_spelling() {
    let arrows: [(&[u8], &[u8]); 3] = [
        (b"\x1b[D", b"\x1b[C"),
        (b"\x1bOD", b"\x1bOC"),
        (b"\x02", b"\x06"),
    ];
    for (left, right) in arrows {
        let mut ed = editor_with(b"abc");
        echo_of(&mut ed, left);
        echo_of(&mut ed, left);
        assert_eq!(ed.cursor(), 1);
        echo_of(&mut ed, right);
        assert_eq!(ed.cursor(), 2);
    }
    let mut ed = editor_with(b"abc");
    echo_of(&mut ed, b"\x1b[1;5D"); // Ctrl-Left: the modifier is ignored
    assert_eq!(ed.cursor(), 2);
}

#[test]
fn unknown_escapes_are_swallowed_whole() {
    for junk in [
        &b"\x1b[5~"[..],   // Page Up
        b"\x1b[3;5~",      // Ctrl-Delete
        b"\x1b[200~",      // bracketed paste start
        b"\x1b[?25h",      // private mode
        b"\x1b[12345678Z", // huge parameter
        b"\x1bOP",         // F1
        b"\x1bx",          // Alt-x
        b"\x1b[ q",        // an intermediate byte
    ] {
        let mut ed = editor_with(b"ab");
        assert_eq!(echo_of(&mut ed, junk), b"", "{junk:?}");
        assert_eq!((ed.line(), ed.cursor()), ("ab", 2), "{junk:?}");
        assert_eq!(echo_of(&mut ed, b"c"), b"c", "{junk:?}");
    }
}

#[test]
fn a_control_byte_aborts_an_escape() {
    let mut ed = editor_with(b"ab");
    assert_eq!(feed(&mut ed, b"\x1b[1\r").0, [line("ab")]);
    let mut ed = editor_with(b"ab");
    echo_of(&mut ed, b"\x1b\x1b[D"); // ESC ESC [ D: the second ESC starts over
    assert_eq!(ed.cursor(), 1);
}

#[test]
fn non_ascii_and_other_controls_are_ignored() {
    let mut ed = editor_with(b"a");
    assert_eq!(echo_of(&mut ed, "é€".as_bytes()), b"");
    assert_eq!(echo_of(&mut ed, b"\x00\x09\x1c\x7f\x7f\xff"), b"\x08\x1b[K");
    assert_eq!(ed.line(), "");
}

#[test]
fn ctrl_c_abandons_the_line() {
    let mut ed = editor_with(b"abc");
    echo_of(&mut ed, LEFT);
    assert_eq!(
        feed(&mut ed, b"\x03"),
        (alloc::vec![Event::Interrupt], b"c^C\r\n".to_vec())
    );
    assert_eq!((ed.line(), ed.cursor()), ("", 0));
    assert_eq!(ed.history().count(), 0);
}

#[test]
fn ctrl_d_is_eof_only_on_an_empty_line() {
    let mut ed = editor_with(b"ab\x01");
    assert_eq!(echo_of(&mut ed, b"\x04"), b"b\x1b[K\x08");
    assert_eq!(ed.line(), "b");
    assert_eq!(feed(&mut ed, b"\x04\x04").0, [Event::Eof]); // deletes "b", then EOF
    let (events, echo) = feed(&mut LineEditor::new(1), b"\x04");
    assert_eq!((events, echo), (alloc::vec![Event::Eof], b"\r\n".to_vec()));
}

#[test]
fn the_line_is_refused_past_its_limit() {
    let mut ed = LineEditor::with_limits(4, 5);
    assert_eq!(echo_of(&mut ed, b"abcdef"), b"abcde\x07");
    echo_of(&mut ed, HOME);
    assert_eq!(echo_of(&mut ed, b"x"), b"\x07");
    assert_eq!(ed.line(), "abcde");
    let mut ed = LineEditor::new(0);
    let full = [b'a'; crate::MAX_LINE_BYTES];
    assert_eq!(echo_of(&mut ed, &full), full);
    assert_eq!(echo_of(&mut ed, b"b"), b"\x07");
    assert_eq!(ed.line().len(), crate::MAX_LINE_BYTES);
}

#[test]
fn prompt_and_redraw() {
    let mut ed = editor_with(b"abc");
    ed.set_prompt("mica> ");
    echo_of(&mut ed, LEFT);
    let mut out = Vec::new();
    ed.prompt(&mut |s: &[u8]| out.extend_from_slice(s));
    assert_eq!(out, b"mica> abc\x08");
    out.clear();
    ed.redraw(&mut |s: &[u8]| out.extend_from_slice(s));
    assert_eq!(out, b"\rmica> abc\x1b[K\x08");
    assert_eq!(echo_of(&mut ed, b"\x0c"), b"\x1b[H\x1b[2Jmica> abc\x08");
}

#[test]
fn history_walks_and_keeps_the_typed_line() {
    let mut ed = LineEditor::new(8);
    for l in [&b"one\r"[..], b"two\r", b"three\r"] {
        feed(&mut ed, l);
    }
    echo_of(&mut ed, b"dr");
    assert_eq!(echo_of(&mut ed, UP), b"\x1b[2Dthree");
    assert_eq!(echo_of(&mut ed, UP), b"\x1b[5Dtwo\x1b[K");
    echo_of(&mut ed, UP);
    assert_eq!((ed.line(), ed.cursor()), ("one", 3));
    assert_eq!(echo_of(&mut ed, UP), b""); // no older entry
    echo_of(&mut ed, DOWN);
    assert_eq!(ed.line(), "two");
    echo_of(&mut ed, b"\x0e\x0e"); // Ctrl-N twice: three, then the typed line
    assert_eq!((ed.line(), ed.cursor()), ("dr", 2));
    assert_eq!(echo_of(&mut ed, DOWN), b""); // nothing newer
    assert_eq!(ed.history().collect::<Vec<_>>(), ["one", "two", "three"]);
}

#[test]
fn a_recalled_line_can_be_edited_and_entered() {
    let mut ed = LineEditor::new(8);
    feed(&mut ed, b"cat a\r");
    echo_of(&mut ed, b"\x10\x7fb"); // Ctrl-P
    assert_eq!(feed(&mut ed, b"\r").0, [line("cat b")]);
    assert_eq!(ed.history().collect::<Vec<_>>(), ["cat a", "cat b"]);
    // Walking away from an edited entry drops the edit.
    echo_of(&mut ed, b"\x1b[A\x7f\x1b[A\x1b[B");
    assert_eq!(ed.line(), "cat b");
}

#[test]
fn history_skips_blanks_and_repeats_and_drops_the_oldest() {
    let mut ed = LineEditor::new(3);
    for l in ["a", "", "   ", "b", "b", "a", "c", "d", "d"] {
        feed(&mut ed, l.as_bytes());
        feed(&mut ed, b"\r");
    }
    assert_eq!(ed.history().collect::<Vec<_>>(), ["a", "c", "d"]);
    let mut none = LineEditor::new(0);
    feed(&mut none, b"x\r\x1b[A");
    assert_eq!((none.history().count(), none.line()), (0, ""));
}

#[test]
fn the_screen_matches_after_scripted_edits() {
    let mut ed = LineEditor::new(4);
    ed.set_prompt("$ ");
    let mut term = Term::new();
    let mut out = |s: &[u8]| term.write(s);
    ed.prompt(&mut out);
    for &b in b"hello world\x01\x1b[C\x1b[Cxx\x17\x05 !\x1b[D\x1b[D\x0bab\x15zz\x1b[3~" {
        ed.feed(b, &mut out);
    }
    let want = alloc::format!("$ {}", ed.line());
    assert_eq!((term.line(), term.col), (want, 2 + ed.cursor()));
}
