//! Host tests of the frame allocator: rounding, alignment, exhaustion and a random model check.

use super::*;

/// Frame number to physical address.
fn pa(frame: usize) -> PhysAddr {
    PhysAddr(frame * PAGE_SIZE)
}

use crate::test_rng::Rng;

static GLOBAL_FRAMES: spin::Mutex<FrameAllocator> = spin::Mutex::new(FrameAllocator::new());

#[test]
fn lives_in_a_static_behind_a_lock() {
    let mut frames = GLOBAL_FRAMES.lock();
    frames.add_range(pa(0x100), pa(0x104));
    assert_eq!(frames.total_frames(), 4);
    let block = frames.alloc(4).unwrap();
    assert_eq!(block, pa(0x100));
    frames.free(block, 4);
    assert_eq!(frames.free_frames(), 4);
}

#[test]
fn block_frames_rounds_up_and_rejects_nonsense() {
    assert_eq!(block_frames(0), None);
    assert_eq!(block_frames(1), Some(1));
    assert_eq!(block_frames(3), Some(4));
    assert_eq!(block_frames(5), Some(8));
    assert_eq!(block_frames(MAX_BLOCK_FRAMES), Some(MAX_BLOCK_FRAMES));
    assert_eq!(block_frames(MAX_BLOCK_FRAMES + 1), None);
    assert_eq!(block_frames(usize::MAX), None);
}

#[test]
fn ranges_are_rounded_inward_to_pages() {
    let mut frames = FrameAllocator::new();
    // 0x1001..0x4fff holds only the whole pages 0x2000 and 0x3000.
    frames.add_range(PhysAddr(0x1001), PhysAddr(0x4fff));
    assert_eq!(frames.total_frames(), 2);
    let mut got = [frames.alloc_one().unwrap(), frames.alloc_one().unwrap()];
    got.sort();
    assert_eq!(got, [PhysAddr(0x2000), PhysAddr(0x3000)]);
    assert_eq!(frames.alloc_one(), Err(OutOfMemory));
}

#[test]
fn empty_and_backwards_ranges_are_ignored() {
    let mut frames = FrameAllocator::new();
    frames.add_range(PhysAddr(0x1001), PhysAddr(0x1fff));
    frames.add_range(PhysAddr(0x1000), PhysAddr(0x1000));
    frames.add_range(PhysAddr(0x5000), PhysAddr(0x2000));
    frames.add_range(PhysAddr(usize::MAX - 10), PhysAddr(usize::MAX));
    assert_eq!(frames.total_frames(), 0);
    assert_eq!(frames.alloc_one(), Err(OutOfMemory));
}

#[test]
fn blocks_are_contiguous_aligned_and_counted_at_their_real_size() {
    let mut frames = FrameAllocator::new();
    frames.add_range(pa(0), pa(64));
    let three = frames.alloc(3).unwrap();
    assert_eq!(three.as_usize() % (4 * PAGE_SIZE), 0);
    assert_eq!(frames.used_frames(), 4);
    let five = frames.alloc(5).unwrap();
    assert_eq!(five.as_usize() % (8 * PAGE_SIZE), 0);
    assert_eq!(frames.used_frames(), 12);
    assert_eq!(frames.free_frames(), 52);
    let (a, b) = (three.as_usize(), five.as_usize());
    assert!(
        a + 4 * PAGE_SIZE <= b || b + 8 * PAGE_SIZE <= a,
        "blocks overlap"
    );
    frames.free(three, 3);
    frames.free(five, 5);
    assert_eq!(frames.free_frames(), 64);
    // Everything merged back: the whole range is one block again.
    assert_eq!(frames.alloc(64), Ok(pa(0)));
}

#[test]
fn exhaustion_is_an_error_not_a_panic() {
    let mut frames = FrameAllocator::new();
    frames.add_range(pa(7), pa(17));
    let mut got = Vec::new();
    while let Ok(frame) = frames.alloc_one() {
        got.push(frame);
        assert!(got.len() <= 10, "handed out more frames than were added");
    }
    assert_eq!(got.len(), 10);
    got.sort();
    got.dedup();
    assert_eq!(got.len(), 10);
    assert!(got.iter().all(|f| (pa(7)..pa(17)).contains(f)));
    assert_eq!(frames.free_frames(), 0);
    for frame in got {
        frames.free(frame, 1);
    }
    assert_eq!(frames.free_frames(), 10);
    // 10 frames are free, but 7..17 holds no aligned block of 16; its only aligned 8 is 8..16.
    assert_eq!(frames.alloc(16), Err(OutOfMemory));
    assert_eq!(frames.alloc(0), Err(OutOfMemory));
    assert_eq!(frames.alloc(MAX_BLOCK_FRAMES + 1), Err(OutOfMemory));
    assert_eq!(frames.alloc(usize::MAX), Err(OutOfMemory));
    assert_eq!(frames.alloc(8), Ok(pa(8)));
    assert_eq!(frames.alloc(8), Err(OutOfMemory));
    assert_eq!(frames.free_frames(), 2);
}

#[test]
fn separate_ranges_add_up_and_the_hole_is_never_handed_out() {
    let mut frames = FrameAllocator::new();
    frames.add_range(pa(0x10), pa(0x20));
    frames.add_range(pa(0x30), pa(0x38));
    assert_eq!(frames.total_frames(), 24);
    let mut got = Vec::new();
    while let Ok(frame) = frames.alloc_one() {
        got.push(frame);
    }
    assert_eq!(got.len(), 24);
    assert!(got.iter().all(|f| !(pa(0x20)..pa(0x30)).contains(f)));
}

#[cfg(debug_assertions)]
#[test]
#[should_panic(expected = "double free")]
fn double_free_is_caught_in_debug_builds() {
    let mut frames = FrameAllocator::new();
    frames.add_range(pa(0), pa(8));
    let a = frames.alloc(2).unwrap();
    let _b = frames.alloc(2).unwrap();
    frames.free(a, 2);
    frames.free(a, 2);
}

#[cfg(debug_assertions)]
#[test]
#[should_panic(expected = "never allocated")]
fn misaligned_free_is_caught_in_debug_builds() {
    let mut frames = FrameAllocator::new();
    frames.add_range(pa(0), pa(8));
    let _a = frames.alloc(4).unwrap();
    frames.free(pa(1), 2);
}

/// Is there a free, size-aligned block of `block` frames inside `first..end` in the model?
fn model_has_free_block(used: &[bool], first: usize, end: usize, block: usize) -> bool {
    let mut start = first.next_multiple_of(block);
    while start + block <= end {
        if (start..start + block).all(|f| !used[f - first]) {
            return true;
        }
        start += block;
    }
    false
}

#[test]
fn random_alloc_free_matches_a_model() {
    // One unaligned range, so the buddy keeps blocks maximally merged and an allocation
    // must succeed exactly when the model has a free aligned block of the rounded size.
    let (first, end) = (5, 301);
    let mut frames = FrameAllocator::new();
    frames.add_range(pa(first), pa(end));
    let start_free = frames.free_frames();
    assert_eq!(start_free, end - first);

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut used = vec![false; end - first];
    let mut live: Vec<(usize, usize)> = Vec::new(); // (first frame, count asked)
    for _ in 0..20_000 {
        if live.is_empty() || rng.below(100) < 55 {
            let count = if rng.below(10) == 0 {
                1 + rng.below(70)
            } else {
                1 + rng.below(6)
            };
            let block = block_frames(count).unwrap();
            let expect_ok = model_has_free_block(&used, first, end, block);
            match frames.alloc(count) {
                Ok(addr) => {
                    assert!(expect_ok, "allocated {count} though the model had no room");
                    assert!(addr.is_page_aligned());
                    let frame = addr.as_usize() / PAGE_SIZE;
                    assert_eq!(frame % block, 0, "block not aligned to its size");
                    assert!(
                        frame >= first && frame + block <= end,
                        "block outside the range"
                    );
                    for f in frame..frame + block {
                        assert!(!used[f - first], "frame {f} handed out twice");
                        used[f - first] = true;
                    }
                    live.push((frame, count));
                }
                Err(OutOfMemory) => assert!(!expect_ok, "refused {count} though room existed"),
            }
        } else {
            let (frame, count) = live.swap_remove(rng.below(live.len()));
            frames.free(pa(frame), count);
            let block = block_frames(count).unwrap();
            used[frame - first..frame - first + block].fill(false);
        }
        let model_free = used.iter().filter(|u| !**u).count();
        assert_eq!(frames.free_frames(), model_free);
        assert_eq!(
            frames.used_frames() + frames.free_frames(),
            frames.total_frames()
        );
    }
    for (frame, count) in live.drain(..) {
        frames.free(pa(frame), count);
    }
    assert_eq!(frames.free_frames(), start_free);
    assert_eq!(frames.alloc(128), Ok(pa(128)));
}
