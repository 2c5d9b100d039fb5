//! Saved user contexts at stable addresses: the exception vectors save and restore through them.

use super::addr::OutOfMemory;
use super::kernel_space::FramePages;
use super::slab::{CacheStats, TypedCache};
use crate::arch::aarch64::context::UserContext;
use crate::sync::IrqMutex;
use core::ops::{Deref, DerefMut};
use core::ptr::NonNull;

static CACHE: IrqMutex<TypedCache<UserContext>> =
    IrqMutex::new(match TypedCache::new("user-context") {
        Ok(cache) => cache,
        Err(_) => panic!("a UserContext fits in a slab"),
    });

/// The numbers of the saved-context cache, for `slabinfo`.
pub fn cache_stats() -> CacheStats {
    CACHE.lock().stats()
}

/// A `UserContext` in its own slab object, so its address never changes while
/// TPIDR_EL1 may point at it (tasks themselves move when their arena grows).
///
/// Invariant: `ptr` came from `CACHE` and is owned by this value alone.
pub struct CtxBox {
    ptr: NonNull<UserContext>,
}

// SAFETY: a CtxBox owns its context exclusively, like a Box; the kernel moves
// it between tasks' slots only under the kernel lock.
unsafe impl Send for CtxBox {}

impl CtxBox {
    /// Stores `ctx` in a fresh slab object.
    pub fn new(ctx: UserContext) -> Result<Self, OutOfMemory> {
        let ptr = CACHE
            .lock()
            .alloc(&mut FramePages, ctx)
            .map_err(|(e, _)| e)?;
        Ok(Self { ptr })
    }

    /// The context's address (for TPIDR_EL1).
    pub fn as_ptr(&self) -> *const UserContext {
        self.ptr.as_ptr()
    }
}

impl Deref for CtxBox {
    type Target = UserContext;
    fn deref(&self) -> &UserContext {
        // SAFETY: by the invariant the object is live and ours; `&self` lends it shared.
        unsafe { self.ptr.as_ref() }
    }
}

impl DerefMut for CtxBox {
    fn deref_mut(&mut self) -> &mut UserContext {
        // SAFETY: as in `deref`; `&mut self` makes the borrow unique.
        unsafe { self.ptr.as_mut() }
    }
}

impl Drop for CtxBox {
    fn drop(&mut self) {
        // SAFETY: the pointer came from this cache's `alloc` and is freed once, here.
        unsafe { CACHE.lock().free(self.ptr) };
    }
}
