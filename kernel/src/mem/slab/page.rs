//! The layout of one slab page (header, free-slot links) and the intrusive lists slabs sit on.

use core::ptr::NonNull;

/// A free slot: its first word links to the next free slot of the same slab.
pub(super) struct FreeSlot {
    pub(super) next: Option<NonNull<FreeSlot>>,
}

/// The start of every slab page.
///
/// Invariants: `in_use` slots are handed out and the other `objects_per_slab - in_use` are on
/// `free`; the slab is on the list its `in_use` selects ([`super::ObjectCache::list_of`]).
#[repr(C)]
pub(super) struct SlabHeader {
    pub(super) prev: Option<NonNull<SlabHeader>>,
    pub(super) next: Option<NonNull<SlabHeader>>,
    pub(super) free: Option<NonNull<FreeSlot>>,
    pub(super) in_use: usize,
    /// `SLAB_MAGIC ^ slot_size`: tells a slab of this cache from anything else in a bad free.
    pub(super) magic: usize,
}

pub(super) const SLAB_MAGIC: usize = 0x51AB_CAFE;

/// Which list a slab is on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Empty,
    Partial,
    Full,
}

/// An intrusive doubly linked list of slabs, threaded through their headers.
pub(super) struct SlabList {
    pub(super) head: Option<NonNull<SlabHeader>>,
    pub(super) len: usize,
}

impl SlabList {
    pub(super) const fn new() -> Self {
        Self { head: None, len: 0 }
    }

    /// # Safety
    ///
    /// `slab` points to a live header on no list.
    pub(super) unsafe fn push(&mut self, mut slab: NonNull<SlabHeader>) {
        // SAFETY: the caller gives a live header no list refers to; the old head is live too.
        unsafe {
            slab.as_mut().prev = None;
            slab.as_mut().next = self.head;
            if let Some(mut head) = self.head {
                head.as_mut().prev = Some(slab);
            }
        }
        self.head = Some(slab);
        self.len += 1;
    }

    /// # Safety
    ///
    /// `slab` points to a live header on this list.
    pub(super) unsafe fn remove(&mut self, slab: NonNull<SlabHeader>) {
        debug_assert!(self.len > 0, "removing from an empty slab list");
        // SAFETY: `slab` is on this list, so it and its neighbours are live headers.
        unsafe {
            let (prev, next) = (slab.as_ref().prev, slab.as_ref().next);
            match prev {
                Some(mut p) => p.as_mut().next = next,
                None => self.head = next,
            }
            if let Some(mut n) = next {
                n.as_mut().prev = prev;
            }
        }
        self.len -= 1;
    }
}
