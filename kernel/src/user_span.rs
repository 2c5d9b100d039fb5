//! User ranges of at most two pages as physical memory, found with the hardware walk, and copies into them: how a reply's bytes reach a receive window.

use crate::mem::PhysAddr;
use crate::platform::{copy_into_frame, write_frame};

/// A user range of at most two pages, as physical memory: `first` bytes at
/// `at`, the rest from the start of frame `next` (the range crossed into the
/// following page).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// Where the range starts.
    pub at: PhysAddr,
    /// Bytes from `at` to the end of the range or of its page.
    pub first: usize,
    /// The frame of the following page, if the range crosses into it.
    pub next: Option<PhysAddr>,
}

impl Span {
    /// The user range `[va, va + len_bytes)` through the loaded tables, with
    /// `translate` (a hardware walk: `AT S1E0R` or `AT S1E0W`) saying where
    /// each page is, if the task may access it and it is Normal memory.
    #[inline(always)]
    pub fn of_user(
        va: usize,
        len_bytes: usize,
        translate: fn(usize) -> Option<usize>,
    ) -> Option<Span> {
        let end = va.checked_add(len_bytes)?;
        if va < abi::USER_MIN || end > abi::USER_END || len_bytes == 0 {
            return None;
        }
        let page = crate::mem::PAGE_SIZE;
        let first = len_bytes.min(page - va % page);
        let at = PhysAddr(translate(va)?);
        let next = match first < len_bytes {
            true => Some(PhysAddr(translate(va + first)?)),
            false => None,
        };
        Some(Span { at, first, next })
    }

    /// Where byte `offset` of the range is, and how many bytes from there lie in the same frame.
    #[inline(always)]
    fn locate(&self, offset: usize) -> (PhysAddr, usize) {
        match (offset < self.first, self.next) {
            (true, _) | (false, None) => {
                (PhysAddr(self.at.as_usize() + offset), self.first - offset)
            }
            (false, Some(next)) => {
                let into = offset - self.first;
                (
                    PhysAddr(next.as_usize() + into),
                    crate::mem::PAGE_SIZE - into,
                )
            }
        }
    }
}

/// Copies `len_bytes` from span `from` to span `to`, frame piece by frame piece (at most three).
#[inline(always)]
pub fn copy_span(to: Span, from: Span, len_bytes: usize) {
    let page = crate::mem::PAGE_SIZE;
    let mut done = 0;
    while done < len_bytes {
        let (src, src_room) = from.locate(done);
        let (dst, dst_room) = to.locate(done);
        let n = src_room.min(dst_room).min(len_bytes - done);
        let frame = PhysAddr(dst.as_usize() & !(page - 1));
        copy_into_frame(frame, dst.as_usize() % page, src, n);
        done += n;
    }
}

/// Writes `bytes` (at most two pages' worth) into span `to`, piece by piece.
pub fn write_span(to: Span, bytes: &[u8]) {
    let page = crate::mem::PAGE_SIZE;
    let mut done = 0;
    while done < bytes.len() {
        let (dst, room) = to.locate(done);
        let n = room.min(bytes.len() - done);
        let frame = PhysAddr(dst.as_usize() & !(page - 1));
        write_frame(frame, dst.as_usize() % page, &bytes[done..done + n]);
        done += n;
    }
}

/// Writes `bytes` into the current task's receive window `raw` (`x7` of its
/// `call`), through its loaded tables, if the window holds them and the task
/// may write it: true if it did. Nothing is written otherwise.
pub fn write_to_window(raw: u64, bytes: &[u8]) -> bool {
    let Some(window) = abi::Window::from_raw(raw).filter(|w| w.len >= bytes.len()) else {
        return false;
    };
    match Span::of_user(window.va, bytes.len(), crate::platform::user_writable_pa) {
        Some(to) => {
            write_span(to, bytes);
            true
        }
        None => false,
    }
}
