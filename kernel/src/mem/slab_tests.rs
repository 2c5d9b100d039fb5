//! Host tests of the object caches: geometry, list transitions, overlap, shrink and a random model.

use super::*;
use std::alloc::{alloc, dealloc, Layout};
use std::collections::HashSet;

const PAGE: Layout = match Layout::from_size_align(PAGE_SIZE, PAGE_SIZE) {
    Ok(layout) => layout,
    Err(_) => panic!("bad page layout"),
};

/// Pages from the host heap, with a limit and a record of which are live.
struct TestPages {
    live: HashSet<usize>,
    limit: usize,
}

impl TestPages {
    fn new(limit: usize) -> Self {
        Self {
            live: HashSet::new(),
            limit,
        }
    }
}

// SAFETY: pages come from `std::alloc` with a page-sized, page-aligned layout, and are given
// back (and never handed out again) only through `free_page`.
unsafe impl PageSource for TestPages {
    fn alloc_page(&mut self) -> Result<NonNull<u8>, OutOfMemory> {
        if self.live.len() >= self.limit {
            return Err(OutOfMemory);
        }
        // SAFETY: the layout has a non-zero size.
        let page = NonNull::new(unsafe { alloc(PAGE) }).ok_or(OutOfMemory)?;
        self.live.insert(page.addr().get());
        Ok(page)
    }

    unsafe fn free_page(&mut self, page: NonNull<u8>) {
        assert!(
            self.live.remove(&page.addr().get()),
            "freed a page that is not live"
        );
        // SAFETY: the page came from `alloc(PAGE)` above and is not used again (the caller's promise).
        unsafe { dealloc(page.as_ptr(), PAGE) };
    }
}

impl Drop for TestPages {
    fn drop(&mut self) {
        for addr in self.live.drain() {
            // SAFETY: a live page from `alloc(PAGE)`; the cache that held it is not used again.
            unsafe { dealloc(addr as *mut u8, PAGE) };
        }
    }
}

/// The page an object lives in.
fn page_of(ptr: NonNull<u8>) -> usize {
    ptr.addr().get() & !(PAGE_SIZE - 1)
}

/// Fills an object with a byte derived from `tag`.
fn fill(ptr: NonNull<u8>, len: usize, tag: usize) {
    // SAFETY: `ptr` is a live object of at least `len` bytes that only this test touches.
    unsafe { ptr.as_ptr().write_bytes(tag as u8, len) };
}

/// Checks an object still holds the bytes `fill` wrote.
fn holds(ptr: NonNull<u8>, len: usize, tag: usize) -> bool {
    // SAFETY: as in `fill`; the bytes were initialised by `fill`.
    unsafe { core::slice::from_raw_parts(ptr.as_ptr(), len) }
        .iter()
        .all(|b| *b == tag as u8)
}

use crate::test_rng::Rng;

static GLOBAL_CACHE: spin::Mutex<ObjectCache> =
    spin::Mutex::new(match ObjectCache::new("global", 48, 16) {
        Ok(cache) => cache,
        Err(_) => panic!("cache does not fit"),
    });

#[test]
fn a_cache_lives_in_a_static_behind_a_lock() {
    let mut pages = TestPages::new(4);
    let mut cache = GLOBAL_CACHE.lock();
    let object = cache.alloc(&mut pages).unwrap();
    assert_eq!(object.addr().get() % 16, 0);
    // SAFETY: `object` came from this cache and is not used again.
    unsafe { cache.free(object) };
    assert_eq!(cache.shrink(&mut pages), 1);
    assert!(pages.live.is_empty());
}

#[test]
fn geometry_fills_the_page_after_the_header() {
    let header = size_of::<SlabHeader>();
    for (size, align) in [
        (0, 1),
        (1, 1),
        (24, 8),
        (40, 8),
        (64, 64),
        (100, 4),
        (1000, 8),
        (2000, 16),
    ] {
        let cache = ObjectCache::new("geometry", size, align).unwrap();
        let slot = align_up(size.max(8), align.max(8));
        let first = align_up(header, align.max(8));
        let stats = cache.stats();
        assert_eq!(
            stats.objects_per_slab,
            (PAGE_SIZE - first) / slot,
            "size {size} align {align}"
        );
        assert_eq!(stats.object_size, size);
        assert_eq!((stats.active_objects, stats.total_objects), (0, 0));
    }
    assert_eq!(
        ObjectCache::new("small", 64, 64)
            .unwrap()
            .stats()
            .objects_per_slab,
        63
    );
}

#[test]
fn impossible_layouts_are_refused() {
    assert_eq!(
        ObjectCache::new("x", 8, 0).err(),
        Some(CacheError::BadAlign)
    );
    assert_eq!(
        ObjectCache::new("x", 8, 3).err(),
        Some(CacheError::BadAlign)
    );
    assert_eq!(
        ObjectCache::new("x", PAGE_SIZE, 8).err(),
        Some(CacheError::TooLarge)
    );
    assert_eq!(
        ObjectCache::new("x", PAGE_SIZE - 8, 8).err(),
        Some(CacheError::TooLarge)
    );
    assert_eq!(
        ObjectCache::new("x", usize::MAX, 8).err(),
        Some(CacheError::TooLarge)
    );
    assert_eq!(
        ObjectCache::new("x", 8, PAGE_SIZE).err(),
        Some(CacheError::TooLarge)
    );
    assert_eq!(
        ObjectCache::new("x", 8, 2 * PAGE_SIZE).err(),
        Some(CacheError::TooLarge)
    );
    assert_eq!(
        TypedCache::<[u8; 5000]>::new("x").err(),
        Some(CacheError::TooLarge)
    );
    assert!(ObjectCache::new("x", 2048, 2048).is_ok());
}

/// (full, partial, empty, active, total)
fn counts(cache: &ObjectCache) -> (usize, usize, usize, usize, usize) {
    let s = cache.stats();
    (
        s.slabs_full,
        s.slabs_partial,
        s.slabs_empty,
        s.active_objects,
        s.total_objects,
    )
}

#[test]
fn slabs_move_between_full_partial_and_empty() {
    // 1 KiB objects aligned to 1 KiB: the header takes slot 0's place, so 3 per slab.
    let mut cache = ObjectCache::new("kib", 1024, 1024).unwrap();
    assert_eq!(cache.stats().objects_per_slab, 3);
    let mut pages = TestPages::new(8);

    let a = cache.alloc(&mut pages).unwrap();
    assert_eq!(counts(&cache), (0, 1, 0, 1, 3));
    let b = cache.alloc(&mut pages).unwrap();
    let c = cache.alloc(&mut pages).unwrap();
    assert_eq!(counts(&cache), (1, 0, 0, 3, 3));
    assert_eq!(pages.live.len(), 1);
    let d = cache.alloc(&mut pages).unwrap();
    assert_eq!(counts(&cache), (1, 1, 0, 4, 6));
    assert_ne!(page_of(d), page_of(a));
    assert_eq!(pages.live.len(), 2);

    // SAFETY: from this cache, freed once (so for every free below).
    unsafe { cache.free(b) };
    assert_eq!(counts(&cache), (0, 2, 0, 3, 6));
    // SAFETY: as above.
    unsafe { cache.free(d) };
    assert_eq!(counts(&cache), (0, 1, 1, 2, 6));
    // A partial slab is preferred to an empty one.
    let e = cache.alloc(&mut pages).unwrap();
    assert_eq!(page_of(e), page_of(a));
    assert_eq!(counts(&cache), (1, 0, 1, 3, 6));
    // SAFETY: as above.
    unsafe {
        cache.free(a);
        cache.free(c);
        cache.free(e);
    }
    assert_eq!(counts(&cache), (0, 0, 2, 0, 6));
    // An empty slab is preferred to a new page.
    let f = cache.alloc(&mut pages).unwrap();
    assert_eq!(pages.live.len(), 2);
    assert_eq!(counts(&cache), (0, 1, 1, 1, 6));
    // SAFETY: as above.
    unsafe { cache.free(f) };

    assert_eq!(cache.shrink(&mut pages), 2);
    assert!(pages.live.is_empty());
    assert_eq!(counts(&cache), (0, 0, 0, 0, 0));
    assert_eq!(cache.shrink(&mut pages), 0);
}

#[test]
fn shrink_keeps_slabs_in_use() {
    let mut cache = ObjectCache::new("keep", 512, 8).unwrap();
    let per = cache.stats().objects_per_slab;
    let mut pages = TestPages::new(8);
    let objects: Vec<_> = (0..3 * per)
        .map(|_| cache.alloc(&mut pages).unwrap())
        .collect();
    assert_eq!(pages.live.len(), 3);
    // Empty the first two slabs, keep one object in the third.
    for object in &objects[..2 * per + per - 1] {
        // SAFETY: from this cache, freed once.
        unsafe { cache.free(*object) };
    }
    assert_eq!(counts(&cache), (0, 1, 2, 1, 3 * per));
    assert_eq!(cache.shrink(&mut pages), 2);
    assert_eq!(pages.live.len(), 1);
    assert!(pages.live.contains(&page_of(objects[3 * per - 1])));
    // SAFETY: from this cache, freed once.
    unsafe { cache.free(objects[3 * per - 1]) };
    assert_eq!(cache.shrink(&mut pages), 1);
    assert!(pages.live.is_empty());
}

#[test]
fn objects_are_aligned_and_never_overlap() {
    for (size, align) in [
        (1, 1),
        (24, 8),
        (40, 8),
        (48, 16),
        (64, 64),
        (200, 32),
        (1500, 512),
    ] {
        let mut cache = ObjectCache::new("overlap", size, align).unwrap();
        let mut pages = TestPages::new(16);
        let count = 3 * cache.stats().objects_per_slab + 1;
        let mut live: Vec<_> = (0..count)
            .map(|_| cache.alloc(&mut pages).unwrap())
            .collect();
        for (tag, object) in live.iter().enumerate() {
            assert_eq!(object.addr().get() % align, 0, "size {size} align {align}");
            fill(*object, size, tag);
        }
        assert!(live.iter().enumerate().all(|(tag, o)| holds(*o, size, tag)));
        // Free every other object, reuse the slots, and check again.
        let mut kept = Vec::new();
        for (index, object) in live.drain(..).enumerate() {
            if index.is_multiple_of(2) {
                // SAFETY: from this cache, freed once.
                unsafe { cache.free(object) };
            } else {
                kept.push((object, index));
            }
        }
        for index in count..count + count / 2 {
            let object = cache.alloc(&mut pages).unwrap();
            fill(object, size, index);
            kept.push((object, index));
        }
        assert!(
            kept.iter().all(|(o, tag)| holds(*o, size, *tag)),
            "size {size} align {align}"
        );
        let addrs: HashSet<_> = kept.iter().map(|(o, _)| o.addr().get()).collect();
        assert_eq!(addrs.len(), kept.len());
    }
}

#[test]
fn an_exhausted_page_source_is_an_error_and_changes_nothing() {
    let mut cache = ObjectCache::new("tight", 1024, 1024).unwrap();
    let mut pages = TestPages::new(2);
    let objects: Vec<_> = (0..6).map(|_| cache.alloc(&mut pages).unwrap()).collect();
    assert_eq!(cache.alloc(&mut pages), Err(OutOfMemory));
    assert_eq!(counts(&cache), (2, 0, 0, 6, 6));
    // SAFETY: from this cache, freed once.
    unsafe { cache.free(objects[4]) };
    let again = cache.alloc(&mut pages).unwrap();
    assert_eq!(again, objects[4]);
}

#[test]
fn random_alloc_free_matches_a_model() {
    let mut cache = ObjectCache::new("random", 72, 8).unwrap();
    let per = cache.stats().objects_per_slab;
    let mut pages = TestPages::new(12);
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut live: Vec<(NonNull<u8>, usize)> = Vec::new();
    let mut failures = 0;
    for step in 0..20_000 {
        match rng.below(100) {
            0 => {
                let (full, partial, empty, ..) = counts(&cache);
                assert_eq!(cache.shrink(&mut pages), empty);
                assert_eq!(pages.live.len(), full + partial);
            }
            1..=54 => match cache.alloc(&mut pages) {
                Ok(object) => {
                    assert_eq!(object.addr().get() % 8, 0);
                    fill(object, 72, step);
                    live.push((object, step));
                }
                Err(OutOfMemory) => {
                    assert_eq!(live.len(), 12 * per, "refused with room left");
                    failures += 1;
                }
            },
            _ if !live.is_empty() => {
                let (object, tag) = live.swap_remove(rng.below(live.len()));
                assert!(holds(object, 72, tag), "object overwritten");
                // SAFETY: from this cache, freed once.
                unsafe { cache.free(object) };
            }
            _ => {}
        }
        let (full, partial, empty, active, total) = counts(&cache);
        assert_eq!(active, live.len());
        assert_eq!(total, (full + partial + empty) * per);
        assert_eq!(pages.live.len(), full + partial + empty);
        assert!(full * per + partial <= active && active <= full * per + partial * (per - 1));
    }
    assert!(failures > 0, "the test never reached the page limit");
    for (object, tag) in live.drain(..) {
        assert!(holds(object, 72, tag));
        // SAFETY: from this cache, freed once.
        unsafe { cache.free(object) };
    }
    cache.shrink(&mut pages);
    assert!(pages.live.is_empty());
}

#[cfg(debug_assertions)]
#[test]
#[should_panic(expected = "double free")]
fn double_free_is_caught_in_debug_builds() {
    let mut cache = ObjectCache::new("double", 32, 8).unwrap();
    let mut pages = TestPages::new(1);
    let a = cache.alloc(&mut pages).unwrap();
    let _b = cache.alloc(&mut pages).unwrap();
    // SAFETY: deliberately wrong (the second free); the debug check must stop it.
    unsafe {
        cache.free(a);
        cache.free(a);
    }
}

#[cfg(debug_assertions)]
#[test]
#[should_panic(expected = "never allocated")]
fn a_pointer_inside_an_object_is_caught_in_debug_builds() {
    let mut cache = ObjectCache::new("inside", 32, 8).unwrap();
    let mut pages = TestPages::new(1);
    let a = cache.alloc(&mut pages).unwrap();
    // SAFETY: deliberately wrong (not an object start); the debug check must stop it.
    unsafe { cache.free(a.add(8)) };
}

#[path = "slab_typed_tests.rs"]
mod typed;
