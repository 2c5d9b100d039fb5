//! Handing the CPU to a task: the clock charged to it, and its address space in TTBR0.

use crate::fastpath::Next;
use crate::kstate::Kernel;
use crate::platform;
use crate::task::{TaskId, UserContext};

impl Kernel {
    /// Makes `next` the running task, with its address space in TTBR0 (an
    /// ASID from the allocator; a TLB flush only when ASIDs roll over), and
    /// charges the outgoing task its CPU time. Returns its context (null if
    /// `next` is gone).
    pub fn switch_to(&mut self, next: TaskId) -> *const UserContext {
        self.current = Some(next);
        self.account_switch(Some(next));
        let Some(task) = self.tasks.get_mut(next) else {
            return core::ptr::null();
        };
        if self.loaded != Some(next) {
            let current_asid = task
                .asid
                .filter(|a| a.generation() == self.asids.generation());
            let asid = match current_asid {
                Some(asid) => asid, // still valid: no allocator work, no flush
                None => {
                    let (asid, flush_all) = self.asids.assign(task.asid);
                    if flush_all {
                        platform::flush_tlb_all();
                    }
                    asid
                }
            };
            task.asid = Some(asid);
            if let Some(space) = &task.space {
                platform::load_user_tables(space.root().as_usize(), asid.value());
            }
            self.loaded = Some(next);
        }
        task.ctx.as_ptr()
    }

    /// After the fast path: straight to `next` (Ready, already charged as the
    /// CPU's task, its ASID current) without the scheduler: no tick waits to
    /// be accounted at a syscall (see `fastpath::try_fast_as`). Returns its
    /// context.
    ///
    /// `next` runs out the time slice of the task it takes over from, as the
    /// general path's direct switches do: a client and a server trading the
    /// CPU share one slice, so when it ends a ready task of their priority
    /// gets its turn. (A fresh slice per switch would let such a pair keep
    /// that task off the CPU for as long as they trade faster than a slice.)
    #[inline(always)]
    pub fn switch_direct(&mut self, next: Next) -> *const UserContext {
        debug_assert_eq!(self.cpu_clock.charged(), Some(next.id));
        debug_assert_eq!(self.ticks_seen, platform::ticks());
        self.current = Some(next.id);
        if self.loaded != Some(next.id) {
            // TTBR0 walks are on: the caller's tables were loaded (a guard of
            // `try_fast`). Nothing reads user memory before the `eret`.
            let (root, asid) = next.tables;
            platform::switch_user_tables_for_eret(root, asid);
            self.loaded = Some(next.id);
        }
        next.ctx
    }
}
