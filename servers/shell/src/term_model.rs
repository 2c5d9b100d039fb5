//! Test helpers: a model terminal that interprets the editor's VT100 subset, and a small PRNG.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

/// A terminal of unbounded width and height that understands CR, LF, BS,
/// BEL, printable ASCII and `ESC [` n `C`/`D`/`K`/`H`/`J`; it panics on any
/// other byte, so the editor cannot emit anything outside that subset.
pub(crate) struct Term {
    /// The screen rows; cells past a row's end are blank.
    rows: Vec<Vec<u8>>,
    row: usize,
    /// The cursor's column; may be past the row's end.
    pub(crate) col: usize,
    /// BELs received.
    pub(crate) bells: usize,
    /// The escape sequence being received, from its ESC.
    pending: Vec<u8>,
}

impl Term {
    /// A blank screen, cursor at the top left.
    pub(crate) fn new() -> Term {
        Term {
            rows: vec![Vec::new()],
            row: 0,
            col: 0,
            bells: 0,
            pending: Vec::new(),
        }
    }

    /// Interprets `bytes`.
    pub(crate) fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.byte(b);
        }
    }

    /// The row the cursor is on.
    pub(crate) fn line(&self) -> String {
        self.row_text(self.row)
    }

    /// The cursor's row index.
    pub(crate) fn row(&self) -> usize {
        self.row
    }

    /// Row `index` as text (blank cells are spaces).
    pub(crate) fn row_text(&self, index: usize) -> String {
        String::from_utf8(self.rows[index].clone()).unwrap()
    }

    fn byte(&mut self, b: u8) {
        if !self.pending.is_empty() {
            return self.escape_byte(b);
        }
        match b {
            b'\r' => self.col = 0,
            b'\n' => {
                self.row += 1;
                if self.rows.len() == self.row {
                    self.rows.push(Vec::new());
                }
            }
            0x08 => self.col = self.col.saturating_sub(1),
            0x07 => self.bells += 1,
            0x1b => self.pending.push(b),
            0x20..=0x7e => {
                let row = &mut self.rows[self.row];
                if row.len() <= self.col {
                    row.resize(self.col + 1, b' ');
                }
                row[self.col] = b;
                self.col += 1;
            }
            _ => panic!("the terminal model got byte {b:#04x}"),
        }
    }

    fn escape_byte(&mut self, b: u8) {
        self.pending.push(b);
        if self.pending.len() == 2 {
            assert_eq!(b, b'[', "only CSI sequences are expected");
            return;
        }
        if b.is_ascii_digit() {
            return;
        }
        let sequence = core::mem::take(&mut self.pending);
        let digits = core::str::from_utf8(&sequence[2..sequence.len() - 1]).unwrap();
        assert!(
            !digits.starts_with('0'),
            "no zero or padded parameter: {digits:?}"
        );
        let n: Option<usize> = (!digits.is_empty()).then(|| digits.parse().unwrap());
        match (b, n) {
            (b'C', Some(n)) => self.col += n,
            (b'D', Some(n)) => self.col = self.col.saturating_sub(n),
            (b'K', None) => self.rows[self.row].truncate(self.col),
            (b'H', None) => (self.row, self.col) = (0, 0),
            (b'J', Some(2)) => self.rows = vec![Vec::new(); self.row + 1],
            _ => panic!("unexpected CSI {digits:?} {:?}", b as char),
        }
    }
}

/// A deterministic xorshift generator for property tests.
pub(crate) struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    /// A number below `n` (`n > 0`).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as usize % n
    }

    /// One of `items`.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[test]
fn the_model_terminal_interprets_the_subset() {
    let mut t = Term::new();
    t.write(b"hello\x1b[3Dxy\x1b[K\x08Z\x07");
    assert_eq!((t.line().as_str(), t.col, t.bells), ("hexZ", 4, 1));
    t.write(b"\x1b[2C!\r\nnext");
    assert_eq!(t.row_text(0), "hexZ  !");
    assert_eq!((t.line().as_str(), t.row(), t.col), ("next", 1, 4));
    t.write(b"\x1b[H\x1b[2Jtop");
    assert_eq!((t.line().as_str(), t.row(), t.col), ("top", 0, 3));
}
