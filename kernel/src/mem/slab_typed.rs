//! `TypedCache<T>`: an object cache that moves values of one type in and drops them on free.

use core::marker::PhantomData;
use core::mem::{align_of, size_of};
use core::ptr::NonNull;

use super::{CacheError, CacheStats, ObjectCache, OutOfMemory, PageSource};

/// An [`ObjectCache`] for values of type `T`: allocation moves a value in, freeing drops it.
pub struct TypedCache<T> {
    cache: ObjectCache,
    _objects: PhantomData<T>,
}

impl<T> TypedCache<T> {
    /// A cache for `T`s; `Err(TooLarge)` when a `T` does not fit in a slab page.
    pub const fn new(name: &'static str) -> Result<Self, CacheError> {
        match ObjectCache::new(name, size_of::<T>(), align_of::<T>()) {
            Ok(cache) => Ok(Self {
                cache,
                _objects: PhantomData,
            }),
            Err(error) => Err(error),
        }
    }

    /// Moves `value` into a new object; on failure gives the value back untouched.
    pub fn alloc<P: PageSource + ?Sized>(
        &mut self,
        pages: &mut P,
        value: T,
    ) -> Result<NonNull<T>, (OutOfMemory, T)> {
        match self.cache.alloc(pages) {
            Ok(slot) => {
                let object: NonNull<T> = slot.cast();
                // SAFETY: the slot is fresh, at least `size_of::<T>()` bytes and aligned for `T`
                // (the cache was built with `T`'s layout), and nothing else refers to it.
                unsafe { object.write(value) };
                Ok(object)
            }
            Err(error) => Err((error, value)),
        }
    }

    /// Drops the object and gives its slot back.
    ///
    /// # Safety
    ///
    /// `ptr` is exactly a pointer returned by `alloc` on this cache, not freed since, with no
    /// reference to the object alive, and not used afterwards.
    pub unsafe fn free(&mut self, ptr: NonNull<T>) {
        // SAFETY: `ptr` holds a live `T` that `alloc` wrote and nobody else refers to.
        unsafe { ptr.drop_in_place() };
        // SAFETY: `ptr` came from `self.cache.alloc` (cast only) and is not used again.
        unsafe { self.cache.free(ptr.cast()) };
    }

    /// Returns the pages of all empty slabs to `pages`; gives how many it returned.
    pub fn shrink<P: PageSource + ?Sized>(&mut self, pages: &mut P) -> usize {
        self.cache.shrink(pages)
    }

    /// The cache's numbers for `slabinfo`.
    pub fn stats(&self) -> CacheStats {
        self.cache.stats()
    }
}
