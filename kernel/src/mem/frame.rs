//! The physical frame allocator: power-of-two buddy blocks of 4 KiB frames, in physical addresses.
//!
//! This is the `kmalloc`/DMA side of memory: blocks are physically contiguous and aligned
//! to their own size. It wraps `buddy_system_allocator::FrameAllocator`, which works in
//! frame numbers, rounds every request up to a power of two and keeps its free blocks in
//! `BTreeSet`s (so it needs the crate's `alloc` feature and a global allocator).

use buddy_system_allocator::FrameAllocator as Buddy;

use super::addr::{OutOfMemory, PhysAddr, PAGE_SIZE};

/// Largest block order: one block holds at most `2^MAX_ORDER` frames (1 GiB, all of a Pi 3's RAM).
pub const MAX_ORDER: usize = 18;

/// Most frames one allocation can ask for (`2^MAX_ORDER`).
pub const MAX_BLOCK_FRAMES: usize = 1 << MAX_ORDER;

/// The crate's `ORDER` parameter: it keeps free lists for orders `0..ORDER`.
const BUDDY_ORDER: usize = MAX_ORDER + 1;

/// Frames a request for `count` frames really takes: `count` rounded up to a power of two.
///
/// `None` when `count` is 0 or larger than [`MAX_BLOCK_FRAMES`] (such a request always fails).
pub const fn block_frames(count: usize) -> Option<usize> {
    if count == 0 || count > MAX_BLOCK_FRAMES {
        None
    } else {
        Some(count.next_power_of_two())
    }
}

/// Physical frames, handed out as naturally aligned power-of-two blocks.
///
/// Invariants: `used_frames <= total_frames`; every frame added lies in
/// `lowest_frame..end_frame`; ranges added never overlap (the caller's promise).
pub struct FrameAllocator {
    /// The buddy system itself, in frame numbers.
    buddy: Buddy<BUDDY_ORDER>,
    /// Frames ever added.
    total_frames: usize,
    /// Frames taken, counted as the rounded-up blocks the buddy really hands out.
    used_frames: usize,
    /// Lowest frame number ever added (`usize::MAX` before any range).
    lowest_frame: usize,
    /// One past the highest frame number ever added.
    end_frame: usize,
}

impl FrameAllocator {
    /// An allocator with no memory; `const` so it can live in a `static` behind a lock.
    pub const fn new() -> Self {
        Self {
            buddy: Buddy::new(),
            total_frames: 0,
            used_frames: 0,
            lowest_frame: usize::MAX,
            end_frame: 0,
        }
    }

    /// Gives the frames inside `start..end_exclusive` to the allocator.
    ///
    /// Both ends are rounded inward to whole pages; a range with no whole page is ignored.
    /// The range must not overlap memory already added (that would hand frames out twice).
    pub fn add_range(&mut self, start: PhysAddr, end_exclusive: PhysAddr) {
        // Rounding up the start could overflow at the top of the address space: nothing fits then.
        let Some(first_frame) = start.0.checked_add(PAGE_SIZE - 1).map(|a| a / PAGE_SIZE) else {
            return;
        };
        let end_frame = end_exclusive.0 / PAGE_SIZE;
        if first_frame >= end_frame {
            return;
        }
        self.buddy.add_frame(first_frame, end_frame);
        self.total_frames += end_frame - first_frame;
        self.lowest_frame = self.lowest_frame.min(first_frame);
        self.end_frame = self.end_frame.max(end_frame);
    }

    /// Allocates `count` physically contiguous frames and returns the first one's address.
    ///
    /// The block really taken is `count` rounded up to a power of two, and its address is
    /// aligned to that block size. `count == 0` or `count > MAX_BLOCK_FRAMES` is an `Err`.
    pub fn alloc(&mut self, count: usize) -> Result<PhysAddr, OutOfMemory> {
        let block = block_frames(count).ok_or(OutOfMemory)?;
        let frame = self.buddy.alloc(block).ok_or(OutOfMemory)?;
        debug_assert!(
            frame.is_multiple_of(block),
            "buddy block not aligned to its size"
        );
        debug_assert!(frame >= self.lowest_frame && frame + block <= self.end_frame);
        self.used_frames += block;
        debug_assert!(self.used_frames <= self.total_frames);
        Ok(PhysAddr(frame * PAGE_SIZE))
    }

    /// Allocates one frame.
    pub fn alloc_one(&mut self) -> Result<PhysAddr, OutOfMemory> {
        self.alloc(1)
    }

    /// Returns a block from [`alloc`](Self::alloc); `count` must be the count it was asked with
    /// (any count that rounds to the same power of two will do).
    ///
    /// A free that cannot be right (misaligned, outside the memory added, more than is in use)
    /// trips a `debug_assert!` and is ignored in release builds: leaking beats corrupting.
    pub fn free(&mut self, start: PhysAddr, count: usize) {
        let Some(block) = block_frames(count) else {
            debug_assert!(
                count != 0 && count <= MAX_BLOCK_FRAMES,
                "free of a bad count"
            );
            return;
        };
        let frame = start.0 / PAGE_SIZE;
        let plausible = start.is_page_aligned()
            && frame.is_multiple_of(block)
            && frame >= self.lowest_frame
            && frame
                .checked_add(block)
                .is_some_and(|end| end <= self.end_frame)
            && block <= self.used_frames;
        debug_assert!(
            plausible,
            "free of a block never allocated: {start:?} x {count}"
        );
        if !plausible {
            return;
        }
        // If the whole block (or a free block containing it) can be taken again, it was free already.
        debug_assert!(
            self.buddy.alloc_at(frame, block).is_none(),
            "double free of {start:?} x {count}"
        );
        self.buddy.dealloc(frame, block);
        self.used_frames -= block;
    }

    /// Frames ever added.
    pub const fn total_frames(&self) -> usize {
        self.total_frames
    }

    /// Frames not handed out.
    pub const fn free_frames(&self) -> usize {
        self.total_frames - self.used_frames
    }

    /// Frames handed out, counting each block at its rounded-up power-of-two size.
    pub const fn used_frames(&self) -> usize {
        self.used_frames
    }
}

impl Default for FrameAllocator {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
#[path = "frame_tests.rs"]
mod tests;
