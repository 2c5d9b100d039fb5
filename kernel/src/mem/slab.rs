//! Object caches (slab): fixed-size kernel objects packed into pages, with slabinfo-style accounting.
//!
//! Each slab is one page: a header at its start, then equal slots. Free slots form
//! an intrusive list through their first word, and slabs sit on intrusive doubly linked
//! lists (full, partial, empty) through their headers, so a cache needs no heap. An object's
//! slab is found by rounding its address down to the page. Pages come from a [`PageSource`]
//! passed to every call that may need one; freeing an object never does, so it takes no
//! lock but the cache's. Empty slabs are kept for reuse until [`ObjectCache::shrink`].

use core::mem::{align_of, size_of};
use core::ptr::NonNull;

use super::addr::{align_up, OutOfMemory, PAGE_SIZE};

mod page;
#[path = "slab_typed.rs"]
mod typed;

use page::{FreeSlot, Kind, SlabHeader, SlabList, SLAB_MAGIC};
pub use typed::TypedCache;

/// Where caches get their pages.
///
/// # Safety
///
/// `alloc_page` must return a pointer to `PAGE_SIZE` writable bytes, aligned to `PAGE_SIZE`,
/// valid and used by nothing else until the same pointer is given back to `free_page`.
pub unsafe trait PageSource {
    /// Hands out one page, or `Err` when there is none.
    fn alloc_page(&mut self) -> Result<NonNull<u8>, OutOfMemory>;

    /// Takes back a page.
    ///
    /// # Safety
    ///
    /// `page` came from `alloc_page` on this source, was not freed since, and is not used again.
    unsafe fn free_page(&mut self, page: NonNull<u8>);
}

/// Why a cache cannot be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheError {
    /// The alignment is not a power of two.
    BadAlign,
    /// Not one object fits in a page beside the slab header (objects of about a page or more).
    TooLarge,
}

/// A cache's numbers, as one line of `slabinfo` shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheStats {
    /// The cache's name.
    pub name: &'static str,
    /// Bytes per object as asked at construction (its slot may be larger).
    pub object_size: usize,
    /// Objects one slab (one page) holds.
    pub objects_per_slab: usize,
    /// Objects handed out and not freed.
    pub active_objects: usize,
    /// Object slots in all slabs.
    pub total_objects: usize,
    /// Slabs with every slot in use.
    pub slabs_full: usize,
    /// Slabs with some slots in use.
    pub slabs_partial: usize,
    /// Slabs with no slot in use.
    pub slabs_empty: usize,
}

/// A cache of objects of one size and alignment (untyped; see [`TypedCache`]).
///
/// Invariants: `active_objects` is the sum of the slabs' `in_use`; every slab page came from
/// the page source the caller passes, and is on exactly one of the three lists.
pub struct ObjectCache {
    name: &'static str,
    object_size: usize,
    /// Bytes from one slot to the next: the object size rounded up to the slot alignment.
    slot_size: usize,
    /// Offset of slot 0 in the page: the header rounded up to the slot alignment.
    first_offset: usize,
    objects_per_slab: usize,
    active_objects: usize,
    full: SlabList,
    partial: SlabList,
    empty: SlabList,
}

// SAFETY: the cache owns its slab pages outright through raw pointers that belong to no
// thread, so moving it to another CPU (e.g. inside a lock) is sound.
unsafe impl Send for ObjectCache {}

impl ObjectCache {
    /// A cache for objects of `size` bytes aligned to `align` (a power of two).
    ///
    /// `Err(TooLarge)` when not one object fits in a page after the slab header
    /// (roughly: larger than a page minus 64 bytes, or aligned to a whole page).
    pub const fn new(name: &'static str, size: usize, align: usize) -> Result<Self, CacheError> {
        if !align.is_power_of_two() {
            return Err(CacheError::BadAlign);
        }
        // Checked first so that the rounding below cannot overflow.
        if size > PAGE_SIZE || align > PAGE_SIZE {
            return Err(CacheError::TooLarge);
        }
        // A free slot must hold its link, so slots are at least one aligned pointer.
        let slot_align = if align > align_of::<FreeSlot>() {
            align
        } else {
            align_of::<FreeSlot>()
        };
        let slot_bytes = if size > size_of::<FreeSlot>() {
            size
        } else {
            size_of::<FreeSlot>()
        };
        let slot_size = align_up(slot_bytes, slot_align);
        let first_offset = align_up(size_of::<SlabHeader>(), slot_align);
        if first_offset >= PAGE_SIZE {
            return Err(CacheError::TooLarge);
        }
        let objects_per_slab = (PAGE_SIZE - first_offset) / slot_size;
        if objects_per_slab == 0 {
            return Err(CacheError::TooLarge);
        }
        Ok(Self {
            name,
            object_size: size,
            slot_size,
            first_offset,
            objects_per_slab,
            active_objects: 0,
            full: SlabList::new(),
            partial: SlabList::new(),
            empty: SlabList::new(),
        })
    }

    /// Hands out one object slot (uninitialised), from a partial slab if any, else an empty
    /// one, else a new page from `pages`. `Err` only when a new page was needed and none came.
    pub fn alloc<P: PageSource + ?Sized>(
        &mut self,
        pages: &mut P,
    ) -> Result<NonNull<u8>, OutOfMemory> {
        let slab = match (self.partial.head, self.empty.head) {
            (Some(slab), _) | (None, Some(slab)) => slab,
            (None, None) => self.grow(pages)?,
        };
        // SAFETY: `slab` heads a list of this cache, so it is a live header of ours, and a slab
        // on the partial or empty list has a free slot; the slot lies inside the slab's page.
        let slot = unsafe {
            let header = &mut *slab.as_ptr();
            let Some(slot) = header.free else {
                unreachable!("slab on the partial or empty list has no free slot");
            };
            header.free = slot.as_ref().next;
            header.in_use += 1;
            slot
        };
        // SAFETY: `slab` is a live header of ours that just went from `in_use - 1` to `in_use`.
        unsafe { self.relist(slab, 1) };
        self.active_objects += 1;
        Ok(slot.cast())
    }

    /// Gives back an object slot. Its slab stays cached, even when empty, until `shrink`.
    ///
    /// # Safety
    ///
    /// `ptr` is exactly a pointer returned by `alloc` on this cache (not one re-derived from a
    /// reference), not freed since, and not used afterwards. Whatever the slot held is not dropped.
    pub unsafe fn free(&mut self, ptr: NonNull<u8>) {
        let offset = ptr.addr().get() & (PAGE_SIZE - 1);
        // Stepping back keeps the pointer's provenance, which `alloc` took from the whole page.
        let Some(slab) = NonNull::new(ptr.as_ptr().wrapping_sub(offset).cast::<SlabHeader>())
        else {
            debug_assert!(false, "free of {ptr:?} in page zero, never allocated");
            return;
        };
        // SAFETY: `ptr` came from `alloc`, so its page is one of our slabs and starts with a
        // live header, reachable through `ptr` (see above).
        let header = unsafe { &mut *slab.as_ptr() };
        let plausible = header.magic == SLAB_MAGIC ^ self.slot_size
            && offset >= self.first_offset
            && (offset - self.first_offset).is_multiple_of(self.slot_size)
            && header.in_use > 0;
        debug_assert!(
            plausible,
            "free of {ptr:?}, never allocated from cache {}",
            self.name
        );
        if !plausible {
            return; // leaking a slot beats corrupting a slab
        }
        let slot: NonNull<FreeSlot> = ptr.cast();
        debug_assert!(
            !Self::slot_is_free(header, slot),
            "double free of {ptr:?} in cache {}",
            self.name
        );
        // SAFETY: the slot is ours, handed out and now given back, aligned for a link, and at
        // least as large as one (`new` made slots so).
        unsafe { slot.write(FreeSlot { next: header.free }) };
        header.free = Some(slot);
        header.in_use -= 1;
        // SAFETY: `slab` is a live header of ours that just went from `in_use + 1` to `in_use`.
        unsafe { self.relist(slab, -1) };
        self.active_objects -= 1;
    }

    /// Returns the pages of all empty slabs to `pages`; gives how many it returned.
    pub fn shrink<P: PageSource + ?Sized>(&mut self, pages: &mut P) -> usize {
        let mut freed = 0;
        while let Some(slab) = self.empty.head {
            // SAFETY: `slab` is on the empty list, so it is a live header and no slot of its
            // page is in use; once off the list nothing refers to the page, so it can go back.
            unsafe {
                self.empty.remove(slab);
                pages.free_page(slab.cast());
            }
            freed += 1;
        }
        freed
    }

    /// The cache's numbers for `slabinfo`.
    pub fn stats(&self) -> CacheStats {
        let slabs = self.full.len + self.partial.len + self.empty.len;
        CacheStats {
            name: self.name,
            object_size: self.object_size,
            objects_per_slab: self.objects_per_slab,
            active_objects: self.active_objects,
            total_objects: slabs * self.objects_per_slab,
            slabs_full: self.full.len,
            slabs_partial: self.partial.len,
            slabs_empty: self.empty.len,
        }
    }

    /// Takes a page from `pages`, lays a slab out in it and puts it on the empty list.
    fn grow<P: PageSource + ?Sized>(
        &mut self,
        pages: &mut P,
    ) -> Result<NonNull<SlabHeader>, OutOfMemory> {
        let page = pages.alloc_page()?;
        debug_assert!(
            page.addr().get().is_multiple_of(PAGE_SIZE),
            "page source gave a misaligned page"
        );
        let mut free = None;
        for index in (0..self.objects_per_slab).rev() {
            // SAFETY: slots lie inside the page (`new` checked they fit), aligned for a link;
            // the page is ours and writable (the `PageSource` contract).
            unsafe {
                let slot: NonNull<FreeSlot> =
                    page.add(self.first_offset + index * self.slot_size).cast();
                slot.write(FreeSlot { next: free });
                free = Some(slot);
            }
        }
        let slab: NonNull<SlabHeader> = page.cast();
        let header = SlabHeader {
            prev: None,
            next: None,
            free,
            in_use: 0,
            magic: SLAB_MAGIC ^ self.slot_size,
        };
        // SAFETY: the page starts with room for the header (slot 0 starts after it) and is
        // page-aligned, so aligned for it; the new slab is on no list yet.
        unsafe {
            slab.write(header);
            self.empty.push(slab);
        }
        Ok(slab)
    }

    /// Which list a slab with `in_use` slots handed out belongs on.
    fn list_of(&self, in_use: usize) -> Kind {
        debug_assert!(in_use <= self.objects_per_slab);
        match in_use {
            0 => Kind::Empty,
            n if n == self.objects_per_slab => Kind::Full,
            _ => Kind::Partial,
        }
    }

    fn list_mut(&mut self, kind: Kind) -> &mut SlabList {
        match kind {
            Kind::Empty => &mut self.empty,
            Kind::Partial => &mut self.partial,
            Kind::Full => &mut self.full,
        }
    }

    /// Moves `slab` to the list its `in_use` now selects, after it changed by `delta`.
    ///
    /// # Safety
    ///
    /// `slab` is a live header of this cache, on the list selected by `in_use - delta`.
    unsafe fn relist(&mut self, slab: NonNull<SlabHeader>, delta: isize) {
        // SAFETY: the caller promises a live header of ours.
        let in_use = unsafe { slab.as_ref().in_use };
        let (before, after) = (
            self.list_of(in_use.wrapping_add_signed(-delta)),
            self.list_of(in_use),
        );
        if before != after {
            // SAFETY: the slab is on `before` (the caller's promise), then on no list until pushed.
            unsafe {
                self.list_mut(before).remove(slab);
                self.list_mut(after).push(slab);
            }
        }
    }

    /// Is `slot` on its slab's free list? Walks the list: for debug checks only.
    fn slot_is_free(header: &SlabHeader, slot: NonNull<FreeSlot>) -> bool {
        let mut cursor = header.free;
        while let Some(free) = cursor {
            if free == slot {
                return true;
            }
            // SAFETY: free-list entries are free slots of this slab, each holding a link.
            cursor = unsafe { free.as_ref().next };
        }
        false
    }
}

#[cfg(test)]
#[path = "slab_tests.rs"]
mod tests;
