//! Property test: random keystrokes to `LineEditor` and to a simple model must agree, and the
//! model terminal fed the echo must always show the prompt and the line, cursor in place.

use crate::term_model::{Rng, Term};
use crate::{Event, LineEditor};
use alloc::string::String;
use alloc::vec::Vec;
use alloc::{format, vec};

const PROMPT: &str = "mica> ";
const MAX_LINE: usize = 12;
const HISTORY: usize = 3;

/// A key the test presses, each with the byte sequences that spell it.
#[derive(Clone, Copy, Debug)]
enum Op {
    Insert(u8),
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
    Up,
    Down,
    KillStart,
    KillEnd,
    KillWord,
    Enter,
    Interrupt,
    CtrlD,
    ClearScreen,
    /// Input the editor must ignore: unknown escapes, non-ASCII, stray controls.
    Junk,
}

impl Op {
    fn spellings(self) -> Vec<&'static [u8]> {
        match self {
            Op::Insert(_) => vec![],
            Op::Backspace => vec![b"\x7f", b"\x08"],
            Op::Delete => vec![b"\x1b[3~"],
            Op::Left => vec![b"\x1b[D", b"\x1bOD", b"\x02", b"\x1b[1;5D"],
            Op::Right => vec![b"\x1b[C", b"\x1bOC", b"\x06"],
            Op::Home => vec![b"\x1b[H", b"\x1bOH", b"\x1b[1~", b"\x1b[7~", b"\x01"],
            Op::End => vec![b"\x1b[F", b"\x1bOF", b"\x1b[4~", b"\x1b[8~", b"\x05"],
            Op::Up => vec![b"\x1b[A", b"\x1bOA", b"\x10"],
            Op::Down => vec![b"\x1b[B", b"\x1bOB", b"\x0e"],
            Op::KillStart => vec![b"\x15"],
            Op::KillEnd => vec![b"\x0b"],
            Op::KillWord => vec![b"\x17"],
            Op::Enter => vec![b"\r", b"\n", b"\r\n"],
            Op::Interrupt => vec![b"\x03"],
            Op::CtrlD => vec![b"\x04"],
            Op::ClearScreen => vec![b"\x0c"],
            Op::Junk => vec![
                b"\x1b[5~",
                b"\x1b[?25h",
                b"\x1bx",
                b"\x1bOP",
                b"\x1b[200~",
                b"\xc3\xa9",
                b"\x00",
                b"\x09",
                b"\x1b[12;34;56m",
            ],
        }
    }
}

/// The editor as a specification: a buffer, a cursor and the history rules, no echo.
struct Model {
    buf: Vec<u8>,
    cursor: usize,
    history: Vec<String>,
    /// The history entry shown, if walking.
    shown: Option<usize>,
    /// The line typed before walking.
    typed: Vec<u8>,
    after_cr: bool,
}

impl Model {
    fn reset(&mut self) -> String {
        self.cursor = 0;
        self.shown = None;
        String::from_utf8(core::mem::take(&mut self.buf)).unwrap()
    }

    fn show(&mut self, line: Vec<u8>) {
        self.cursor = line.len();
        self.buf = line;
    }

    /// Applies `op`, typed as `bytes`; returns the event and whether a BEL is due.
    fn apply(&mut self, op: Op, bytes: &[u8]) -> (Option<Event>, bool) {
        let after_cr = core::mem::replace(&mut self.after_cr, bytes.last() == Some(&b'\r'));
        let len = self.buf.len();
        match op {
            Op::Insert(_) if len == MAX_LINE => return (None, true),
            Op::Insert(c) => {
                self.buf.insert(self.cursor, c);
                self.cursor += 1;
            }
            Op::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                self.buf.remove(self.cursor);
            }
            Op::Delete | Op::CtrlD if self.cursor < len => drop(self.buf.remove(self.cursor)),
            Op::CtrlD if len == 0 => {
                self.reset();
                return (Some(Event::Eof), false);
            }
            Op::Left => self.cursor = self.cursor.saturating_sub(1),
            Op::Right => self.cursor = (self.cursor + 1).min(len),
            Op::Home => self.cursor = 0,
            Op::End => self.cursor = len,
            Op::KillStart => {
                self.buf.drain(..self.cursor);
                self.cursor = 0;
            }
            Op::KillEnd => self.buf.truncate(self.cursor),
            Op::KillWord => {
                let end = self.cursor;
                while self.cursor > 0 && self.buf[self.cursor - 1] == b' ' {
                    self.cursor -= 1;
                }
                while self.cursor > 0 && self.buf[self.cursor - 1] != b' ' {
                    self.cursor -= 1;
                }
                self.buf.drain(self.cursor..end);
            }
            Op::Up => match self.shown {
                None if !self.history.is_empty() => {
                    self.typed = self.buf.clone();
                    self.shown = Some(self.history.len() - 1);
                }
                Some(i) if i > 0 => self.shown = Some(i - 1),
                _ => return (None, false),
            },
            Op::Down => match self.shown {
                Some(i) if i + 1 == self.history.len() => {
                    self.shown = None;
                    let typed = core::mem::take(&mut self.typed);
                    self.show(typed);
                }
                Some(i) => self.shown = Some(i + 1),
                None => {}
            },
            Op::Enter if after_cr && bytes == b"\n" => {}
            Op::Enter => {
                let line = self.reset();
                let repeat = self.history.last() == Some(&line);
                if !line.trim().is_empty() && !repeat {
                    if self.history.len() == HISTORY {
                        self.history.remove(0);
                    }
                    self.history.push(line.clone());
                }
                return (Some(Event::Line(line)), false);
            }
            Op::Interrupt => {
                self.reset();
                return (Some(Event::Interrupt), false);
            }
            _ => {}
        }
        if matches!(op, Op::Up | Op::Down) {
            if let Some(i) = self.shown {
                self.show(self.history[i].as_bytes().to_vec());
            }
        }
        (None, false)
    }
}

/// A random key: mostly letters and spaces from a small alphabet so history repeats happen.
fn random_op(rng: &mut Rng) -> Op {
    const OPS: [Op; 16] = [
        Op::Backspace,
        Op::Delete,
        Op::Left,
        Op::Right,
        Op::Home,
        Op::End,
        Op::Up,
        Op::Down,
        Op::KillStart,
        Op::KillEnd,
        Op::KillWord,
        Op::Enter,
        Op::Interrupt,
        Op::CtrlD,
        Op::ClearScreen,
        Op::Junk,
    ];
    match rng.below(10) {
        0..=3 => Op::Insert(*rng.pick(b"ab ")),
        4 => Op::Insert(0x20 + rng.below(0x5f) as u8),
        _ => *rng.pick(&OPS),
    }
}

#[test]
fn random_keystrokes_match_the_model_and_the_screen() {
    for seed in 1..=300 {
        let mut rng = Rng::new(seed);
        let mut ed = LineEditor::with_limits(HISTORY, MAX_LINE);
        ed.set_prompt(PROMPT);
        let mut model = Model {
            buf: Vec::new(),
            cursor: 0,
            history: Vec::new(),
            shown: None,
            typed: Vec::new(),
            after_cr: false,
        };
        let mut term = Term::new();
        ed.prompt(&mut |s: &[u8]| term.write(s));
        for step in 0..300 {
            let op = random_op(&mut rng);
            let bytes: Vec<u8> = match op {
                Op::Insert(c) => vec![c],
                _ => rng.pick(&op.spellings()).to_vec(),
            };
            let context = format!("seed {seed} step {step} {op:?} {bytes:?}");
            let before = format!("{PROMPT}{}", ed.line());
            let bells = term.bells;
            let mut events = Vec::new();
            for &b in &bytes {
                events.extend(ed.feed(b, &mut |s: &[u8]| term.write(s)));
            }
            let (want, bell) = model.apply(op, &bytes);
            assert_eq!(
                events,
                want.clone().into_iter().collect::<Vec<_>>(),
                "{context}"
            );
            assert_eq!(term.bells, bells + usize::from(bell), "{context}");
            if let Some(event) = want {
                // The finished line stays on screen; the cursor is on a fresh row.
                let shown = match event {
                    Event::Interrupt => format!("{before}^C"),
                    _ => before,
                };
                assert_eq!(term.row_text(term.row() - 1), shown, "{context}");
                assert_eq!((term.line().as_str(), term.col), ("", 0), "{context}");
                ed.prompt(&mut |s: &[u8]| term.write(s));
            }
            if matches!(op, Op::ClearScreen) {
                assert_eq!(term.row(), 0, "{context}");
            }
            assert_eq!(ed.line().as_bytes(), model.buf, "{context}");
            assert_eq!(ed.cursor(), model.cursor, "{context}");
            assert!(
                ed.history().eq(model.history.iter().map(String::as_str)),
                "{context}"
            );
            let screen = format!("{PROMPT}{}", ed.line());
            assert_eq!(term.line(), screen, "{context}");
            assert_eq!(term.col, PROMPT.len() + ed.cursor(), "{context}");
        }
    }
}
