//! The heap: a linked-list allocator over a fixed window that grows with `sys_map_anon` when it runs out.
//!
//! The window starts at [`HEAP_BASE`], far above [`abi::MMAP_BASE`] where
//! the kernel places mappings it chooses, so the two never meet in practice.
//! Nothing is mapped until the first allocation. When an allocation does not
//! fit, the allocator maps at least [`GROW_MIN_PAGES`] more pages right after
//! the heap's end (a fixed address, so the heap stays contiguous) and retries
//! once. Out of memory, a full window or a taken address returns null, and
//! `alloc` then reports the failed allocation through the panic handler.

use abi::PAGE_SIZE;
use core::alloc::Layout;
use core::ptr::{self, NonNull};
use linked_list_allocator::Heap;

/// Start of the heap window (128 GiB; page aligned).
pub const HEAP_BASE: usize = 0x20_0000_0000;
/// Size of the heap window: the heap never grows past `HEAP_BASE + HEAP_WINDOW_BYTES`.
pub const HEAP_WINDOW_BYTES: usize = 0x10_0000_0000;
/// Fewest pages one growth maps (64 KiB), so small allocations do not each cost a syscall.
pub const GROW_MIN_PAGES: usize = 16;

/// Bytes the allocator may need beside an allocation: a free-hole header for the rest.
const HOLE_OVERHEAD_BYTES: usize = 2 * core::mem::size_of::<usize>();

const _: () =
    assert!(HEAP_BASE.is_multiple_of(PAGE_SIZE) && HEAP_WINDOW_BYTES.is_multiple_of(PAGE_SIZE));
const _: () = assert!(HEAP_BASE >= abi::MMAP_BASE + HEAP_WINDOW_BYTES);
const _: () = assert!(HEAP_BASE + HEAP_WINDOW_BYTES <= abi::STACK_TOP - abi::STACK_BYTES);

/// How much of the heap window is in use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HeapStats {
    /// Bytes mapped for the heap so far (it never shrinks).
    pub mapped_bytes: usize,
    /// Bytes handed out to live allocations, with the allocator's rounding.
    pub used_bytes: usize,
}

/// Pages to map so that `layout` fits in the new memory alone, whatever
/// the heap's end looks like: size, worst-case alignment padding and a hole
/// header, rounded up to whole pages and to at least [`GROW_MIN_PAGES`].
/// `None` if that overflows.
pub fn grow_pages(layout: Layout) -> Option<usize> {
    let need_bytes = layout
        .size()
        .checked_add(layout.align())?
        .checked_add(HOLE_OVERHEAD_BYTES)?;
    Some(need_bytes.div_ceil(PAGE_SIZE).max(GROW_MIN_PAGES))
}

/// A linked-list heap over the window `base..base + window_bytes`, mapped
/// page by page from its start as allocations need it.
///
/// Invariant: `heap` owns exactly `base..base + mapped_bytes`, all mapped
/// read-write for the rest of the run; `mapped_bytes == 0` exactly while
/// `heap` is not initialised; `mapped_bytes <= window_bytes`.
pub(crate) struct GrowingHeap {
    base: usize,
    window_bytes: usize,
    heap: Heap,
    mapped_bytes: usize,
}

#[cfg_attr(not(target_os = "none"), allow(dead_code))]
impl GrowingHeap {
    /// A heap with nothing mapped yet; `base` must be page aligned.
    pub(crate) const fn new(base: usize, window_bytes: usize) -> Self {
        Self {
            base,
            window_bytes,
            heap: Heap::empty(),
            mapped_bytes: 0,
        }
    }

    /// Where the next growth of `pages` goes and its bytes; `None` past the window.
    fn next_growth(&self, pages: usize) -> Option<(usize, usize)> {
        let bytes = pages.checked_mul(PAGE_SIZE)?;
        let new_mapped = self.mapped_bytes.checked_add(bytes)?;
        (new_mapped <= self.window_bytes).then_some((self.base + self.mapped_bytes, bytes))
    }

    /// Maps enough pages after the heap's end for `layout`; false if impossible.
    ///
    /// # Safety
    ///
    /// `map(addr, pages)` returning `Ok(addr)` must mean that `pages` pages at
    /// `addr` are now read-write memory that nothing else uses or unmaps.
    unsafe fn grow(&mut self, layout: Layout, map: MapFn<'_>) -> bool {
        let Some(pages) = grow_pages(layout) else {
            return false;
        };
        let Some((at, bytes)) = self.next_growth(pages) else {
            return false;
        };
        match map(at, pages) {
            Ok(addr) if addr == at => {}
            // Taken (AlreadyMapped), no memory, or the address was ignored.
            _ => return false,
        }
        debug_assert!(at.is_multiple_of(PAGE_SIZE));
        if self.mapped_bytes == 0 {
            // SAFETY: the first growth: `bytes` at `base` are ours alone and
            // mapped read-write for good, by `map`'s contract.
            unsafe { self.heap.init(ptr::with_exposed_provenance_mut(at), bytes) };
        } else {
            debug_assert_eq!(self.heap.top().addr(), at);
            // SAFETY: `bytes` at `at`, the heap's end by the invariant, are ours
            // alone and mapped read-write for good, by `map`'s contract.
            unsafe { self.heap.extend(bytes) };
        }
        self.mapped_bytes += bytes;
        debug_assert!(self.mapped_bytes <= self.window_bytes);
        true
    }

    /// A block for `layout`, growing the heap with `map` if needed; null if impossible.
    ///
    /// # Safety
    ///
    /// As for `map` in [`GrowingHeap::grow`].
    pub(crate) unsafe fn alloc(&mut self, layout: Layout, map: MapFn<'_>) -> *mut u8 {
        if let Ok(block) = self.heap.allocate_first_fit(layout) {
            return block.as_ptr();
        }
        // SAFETY: forwarded: the caller vouches for `map`.
        if !unsafe { self.grow(layout, map) } {
            return ptr::null_mut();
        }
        self.heap
            .allocate_first_fit(layout)
            .map_or(ptr::null_mut(), NonNull::as_ptr)
    }

    /// Returns a block to the heap.
    ///
    /// # Safety
    ///
    /// `block` came from [`GrowingHeap::alloc`] on this heap with `layout` and is not used again.
    pub(crate) unsafe fn dealloc(&mut self, block: NonNull<u8>, layout: Layout) {
        // SAFETY: the caller's contract is the allocator's.
        unsafe { self.heap.deallocate(block, layout) };
    }

    /// How much is mapped and in use.
    pub(crate) fn stats(&self) -> HeapStats {
        HeapStats {
            mapped_bytes: self.mapped_bytes,
            used_bytes: self.heap.used(),
        }
    }
}

/// Maps `pages` read-write pages at a fixed address; returns where they went.
type MapFn<'a> = &'a mut dyn FnMut(usize, usize) -> Result<usize, abi::Error>;

#[cfg(target_os = "none")]
pub use global::stats;

#[cfg(target_os = "none")]
mod global {
    use super::{GrowingHeap, HeapStats, HEAP_BASE, HEAP_WINDOW_BYTES};
    use core::alloc::{GlobalAlloc, Layout};
    use core::ptr::NonNull;

    /// The program's allocator: a [`GrowingHeap`] over the heap window behind a spin lock.
    struct UserHeap(spin::Mutex<GrowingHeap>);

    // SAFETY: alloc returns null or a block of `layout` from the heap, whose memory
    // is mapped and owned by it alone; dealloc returns blocks to the same heap.
    unsafe impl GlobalAlloc for UserHeap {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let mut map = |addr, pages| crate::sys_map_anon(addr, pages, true);
            // SAFETY: MapAnon at a fixed address succeeds only where nothing was
            // mapped, with fresh read-write pages; the heap window is never unmapped
            // (sys_unmap's contract excludes it).
            unsafe { self.0.lock().alloc(layout, &mut map) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            if let Some(block) = NonNull::new(ptr) {
                // SAFETY: GlobalAlloc's contract: `ptr` came from `alloc` on this
                // heap with this `layout` and is not used after this call.
                unsafe { self.0.lock().dealloc(block, layout) };
            }
        }
    }

    #[global_allocator]
    static HEAP: UserHeap = UserHeap(spin::Mutex::new(GrowingHeap::new(
        HEAP_BASE,
        HEAP_WINDOW_BYTES,
    )));

    /// How much of the heap window is mapped and in use.
    pub fn stats() -> HeapStats {
        HEAP.0.lock().stats()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use abi::Error;
    use std::vec::Vec;

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).unwrap()
    }

    #[test]
    fn growth_covers_size_alignment_and_header() {
        assert_eq!(grow_pages(layout(1, 1)), Some(GROW_MIN_PAGES));
        let pages = GROW_MIN_PAGES + 1;
        let size = pages * PAGE_SIZE;
        // size + 8 + 16 spills into one more page.
        assert_eq!(grow_pages(layout(size, 8)), Some(pages + 1));
        assert_eq!(grow_pages(layout(size - 24, 8)), Some(pages));
        assert_eq!(grow_pages(layout(size - 23, 8)), Some(pages + 1));
        // Page alignment costs up to a page of padding.
        assert_eq!(grow_pages(layout(size, PAGE_SIZE)), Some(pages + 2));
    }

    #[test]
    fn growth_stays_in_the_window() {
        let mut h = GrowingHeap::new(HEAP_BASE, HEAP_WINDOW_BYTES);
        assert_eq!(h.next_growth(16), Some((HEAP_BASE, 16 * PAGE_SIZE)));
        h.mapped_bytes = 3 * PAGE_SIZE;
        assert_eq!(
            h.next_growth(2),
            Some((HEAP_BASE + 3 * PAGE_SIZE, 2 * PAGE_SIZE))
        );
        let window_pages = HEAP_WINDOW_BYTES / PAGE_SIZE;
        assert_eq!(h.next_growth(window_pages), None);
        h.mapped_bytes = 0;
        assert!(h.next_growth(window_pages).is_some());
        assert_eq!(h.next_growth(window_pages + 1), None);
        assert_eq!(h.next_growth(usize::MAX), None);
        // The largest layout still has a page count; the window refuses it.
        let huge = grow_pages(layout(isize::MAX as usize, 1)).unwrap();
        assert_eq!(h.next_growth(huge), None);
    }

    /// A window of `pages` pages of host memory, and a fake MapAnon over it that records its calls.
    struct FakeWindow {
        mem: *mut u8,
        layout: Layout,
        calls: Vec<(usize, usize)>,
        refuse: bool,
    }

    impl FakeWindow {
        fn new(pages: usize) -> Self {
            let layout = layout(pages * PAGE_SIZE, PAGE_SIZE);
            // SAFETY: the layout has a non-zero size.
            let mem = unsafe { std::alloc::alloc_zeroed(layout) };
            assert!(!mem.is_null());
            Self {
                mem,
                layout,
                calls: Vec::new(),
                refuse: false,
            }
        }

        fn heap(&self) -> GrowingHeap {
            GrowingHeap::new(self.mem.addr(), self.layout.size())
        }

        fn alloc(&mut self, heap: &mut GrowingHeap, l: Layout) -> *mut u8 {
            let (calls, refuse) = (&mut self.calls, self.refuse);
            let mut map = |addr, pages| {
                calls.push((addr, pages));
                if refuse {
                    Err(Error::OutOfMemory)
                } else {
                    Ok(addr)
                }
            };
            // SAFETY: the window is host memory of ours, alive until `self` drops
            // (after `heap`, which the tests drop first or leak with it).
            unsafe { heap.alloc(l, &mut map) }
        }
    }

    impl Drop for FakeWindow {
        fn drop(&mut self) {
            // SAFETY: allocated in `new` with this layout.
            unsafe { std::alloc::dealloc(self.mem, self.layout) };
        }
    }

    #[test]
    fn heap_maps_lazily_and_grows_contiguously() {
        let mut w = FakeWindow::new(64);
        let mut heap = w.heap();
        assert_eq!(heap.stats(), HeapStats::default());
        let small = w.alloc(&mut heap, layout(100, 8));
        assert_eq!(w.calls, [(w.mem.addr(), GROW_MIN_PAGES)]);
        assert!(small.addr() >= w.mem.addr());
        // Fits in what is mapped: no new call.
        let second = w.alloc(&mut heap, layout(1000, 16));
        assert_eq!(w.calls.len(), 1);
        assert!(second.addr().is_multiple_of(16));
        // Larger than what is left: maps right after the end.
        let big = w.alloc(&mut heap, layout(20 * PAGE_SIZE, 8));
        let first_end = w.mem.addr() + GROW_MIN_PAGES * PAGE_SIZE;
        assert_eq!(w.calls[1].0, first_end);
        // The new pages merge with the free rest of the first ones: the block may start there.
        assert!(!big.is_null());
        let mapped_end = first_end + w.calls[1].1 * PAGE_SIZE;
        assert!(big.addr() > second.addr() && big.addr() + 20 * PAGE_SIZE <= mapped_end);
        // SAFETY: `big` spans 20 pages of the window; writing them proves they are ours.
        unsafe { big.write_bytes(0x5A, 20 * PAGE_SIZE) };
        let stats = heap.stats();
        assert_eq!(
            stats.mapped_bytes,
            (GROW_MIN_PAGES + w.calls[1].1) * PAGE_SIZE
        );
        assert!(stats.used_bytes >= 100 + 1000 + 20 * PAGE_SIZE);
        // Freed memory is reused without mapping more.
        // SAFETY: from alloc on this heap with this layout.
        unsafe { heap.dealloc(NonNull::new(big).unwrap(), layout(20 * PAGE_SIZE, 8)) };
        let again = w.alloc(&mut heap, layout(20 * PAGE_SIZE, 8));
        assert!(!again.is_null());
        assert_eq!(w.calls.len(), 2);
    }

    #[test]
    fn heap_returns_null_when_it_cannot_grow() {
        let mut w = FakeWindow::new(GROW_MIN_PAGES + 4);
        let mut heap = w.heap();
        w.refuse = true;
        assert!(w.alloc(&mut heap, layout(8, 8)).is_null());
        assert_eq!(
            heap.stats().mapped_bytes,
            0,
            "a refused map leaves the heap unmapped"
        );
        w.refuse = false;
        assert!(!w.alloc(&mut heap, layout(8, 8)).is_null());
        // Past the window: refused without asking the kernel.
        let calls = w.calls.len();
        assert!(w.alloc(&mut heap, layout(17 * PAGE_SIZE, 8)).is_null());
        assert_eq!(w.calls.len(), calls);
    }
}
