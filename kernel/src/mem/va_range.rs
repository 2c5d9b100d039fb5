//! A first-fit allocator of virtual page ranges (the `vmap` area), with coalescing on free.

use super::addr::{VirtAddr, PAGE_SIZE};
use alloc::collections::BTreeMap;

/// Free virtual ranges of one area, kept as `start -> pages`, never adjacent.
///
/// Invariant: free ranges lie inside `[base, end)`, do not overlap and do not
/// touch (touching ranges are merged on free).
pub struct VaAllocator {
    free: BTreeMap<usize, usize>,
    base: usize,
    end: usize,
}

/// Why a free was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VaFreeError {
    /// The range is not inside the area or not page aligned.
    OutOfArea,
    /// Part of the range is already free.
    DoubleFree,
}

impl VaAllocator {
    /// An allocator for `[base, base + pages * PAGE_SIZE)`, all free.
    pub fn new(base: VirtAddr, pages: usize) -> Self {
        debug_assert!(base.is_page_aligned());
        let mut free = BTreeMap::new();
        if pages > 0 {
            free.insert(base.as_usize(), pages);
        }
        Self {
            free,
            base: base.as_usize(),
            end: base.as_usize() + pages * PAGE_SIZE,
        }
    }

    /// Takes the lowest free range of `pages` pages, or `None` if none is that long.
    pub fn alloc(&mut self, pages: usize) -> Option<VirtAddr> {
        if pages == 0 {
            return None;
        }
        let (&start, &len) = self.free.iter().find(|(_, &len)| len >= pages)?;
        self.free.remove(&start);
        if len > pages {
            self.free.insert(start + pages * PAGE_SIZE, len - pages);
        }
        Some(VirtAddr(start))
    }

    /// Returns `pages` pages at `va`, merging with free neighbours.
    pub fn free(&mut self, va: VirtAddr, pages: usize) -> Result<(), VaFreeError> {
        let start = va.as_usize();
        let end = start
            .checked_add(pages * PAGE_SIZE)
            .ok_or(VaFreeError::OutOfArea)?;
        if pages == 0 || !va.is_page_aligned() || start < self.base || end > self.end {
            return Err(VaFreeError::OutOfArea);
        }
        let before = self.free.range(..end).next_back().map(|(&s, &n)| (s, n));
        if let Some((s, n)) = before {
            if s + n * PAGE_SIZE > start {
                return Err(VaFreeError::DoubleFree);
            }
        }
        let (mut new_start, mut new_pages) = (start, pages);
        if let Some((s, n)) = before.filter(|&(s, n)| s + n * PAGE_SIZE == start) {
            self.free.remove(&s);
            new_start = s;
            new_pages += n;
        }
        if let Some(n) = self.free.remove(&end) {
            new_pages += n;
        }
        self.free.insert(new_start, new_pages);
        Ok(())
    }

    /// Free pages in the area.
    pub fn free_pages(&self) -> usize {
        self.free.values().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: usize = 0xFFFF_FFC0_0000_0000;

    #[test]
    fn first_fit_and_coalescing_restore_one_range() {
        let mut a = VaAllocator::new(VirtAddr(BASE), 16);
        let x = a.alloc(4).unwrap();
        let y = a.alloc(4).unwrap();
        let z = a.alloc(8).unwrap();
        assert_eq!(
            (x.0, y.0, z.0),
            (BASE, BASE + 4 * PAGE_SIZE, BASE + 8 * PAGE_SIZE)
        );
        assert_eq!(a.alloc(1), None, "area is full");
        a.free(y, 4).unwrap();
        a.free(x, 4).unwrap();
        assert_eq!(a.alloc(9), None, "only 8 pages are free before z");
        a.free(z, 8).unwrap();
        assert_eq!(a.free.len(), 1, "neighbours merged back into one range");
        assert_eq!(a.alloc(16), Some(VirtAddr(BASE)));
    }

    #[test]
    fn bad_frees_are_refused_and_change_nothing() {
        let mut a = VaAllocator::new(VirtAddr(BASE), 8);
        let x = a.alloc(2).unwrap();
        assert_eq!(
            a.free(VirtAddr(BASE + 2 * PAGE_SIZE), 1),
            Err(VaFreeError::DoubleFree)
        );
        assert_eq!(
            a.free(VirtAddr(BASE - PAGE_SIZE), 1),
            Err(VaFreeError::OutOfArea)
        );
        assert_eq!(a.free(VirtAddr(BASE + 1), 1), Err(VaFreeError::OutOfArea));
        assert_eq!(a.free(x, 0), Err(VaFreeError::OutOfArea));
        assert_eq!(a.free_pages(), 6);
        a.free(x, 2).unwrap();
        assert_eq!(a.free(x, 1), Err(VaFreeError::DoubleFree));
        assert_eq!(a.free_pages(), 8);
    }

    #[test]
    fn zero_pages_is_not_an_allocation() {
        let mut a = VaAllocator::new(VirtAddr(BASE), 8);
        assert_eq!(a.alloc(0), None);
    }
}
