//! Host tests of `TypedCache`: values move in, come back on failure, and drop once on free.

use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};

static DROPS: AtomicUsize = AtomicUsize::new(0);

#[repr(align(64))]
struct Tracked {
    id: u64,
    payload: [u8; 40],
}

impl Drop for Tracked {
    fn drop(&mut self) {
        DROPS.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn typed_cache_moves_values_in_and_drops_them_on_free() {
    let mut cache = TypedCache::<Tracked>::new("tracked").unwrap();
    assert_eq!(cache.stats().object_size, 64);
    let per = cache.stats().objects_per_slab;
    let mut pages = TestPages::new(1);
    let mut objects = Vec::new();
    for id in 0..per as u64 {
        let object = cache
            .alloc(
                &mut pages,
                Tracked {
                    id,
                    payload: [id as u8; 40],
                },
            )
            .ok()
            .unwrap();
        assert_eq!(object.addr().get() % 64, 0);
        objects.push(object);
    }
    // The page source is dry: the value comes back whole and is not dropped.
    let before = DROPS.load(Ordering::SeqCst);
    let (error, value) = cache
        .alloc(
            &mut pages,
            Tracked {
                id: 99,
                payload: [7; 40],
            },
        )
        .err()
        .unwrap();
    assert_eq!((error, value.id, value.payload), (OutOfMemory, 99, [7; 40]));
    assert_eq!(DROPS.load(Ordering::SeqCst), before);
    drop(value);
    for (id, object) in objects.iter().enumerate() {
        // SAFETY: the object is live and nothing else refers to it.
        let tracked = unsafe { object.as_ref() };
        assert_eq!((tracked.id, tracked.payload), (id as u64, [id as u8; 40]));
    }
    let before = DROPS.load(Ordering::SeqCst);
    for object in objects {
        // SAFETY: from this cache, freed once, no reference alive.
        unsafe { cache.free(object) };
    }
    assert_eq!(DROPS.load(Ordering::SeqCst), before + per);
    assert_eq!(cache.shrink(&mut pages), 1);
    assert!(pages.live.is_empty());
}
