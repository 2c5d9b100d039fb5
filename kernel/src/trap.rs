//! From user mode into the kernel and back: syscalls, faults, interrupts, switching and idling.
//!
//! The vectors have already saved the task's registers in its context; this
//! decides what happens and which task's context the return to EL0 restores.

use crate::arch::aarch64::exceptions::{enter_user, fault_address, set_user_context, Kind};
use crate::arch::aarch64::{cpu, mmu};
use crate::fastpath::Next;
use crate::kstate::{with_kernel, with_kernel_masked, Kernel};
use crate::task::TaskId;

/// Exception class of `svc` from AArch64 (ESR_EL1.EC).
const EC_SVC64: u64 = 0x15;

/// Handles an exception taken from EL0. Returns with TPIDR_EL1 naming the
/// context of the task to run next; if no task can run, idles instead.
pub fn from_user(kind: Kind, esr: u64) {
    let syscall = kind == Kind::Sync && esr >> 26 == EC_SVC64;
    if kind == Kind::Irq {
        crate::irq::handle();
    }
    // `call` and `reply_recv` tried the fast path already (`fast_syscall`).
    let next = with_kernel_masked(|k| general(k, kind, esr, syscall));
    match next {
        Some(ctx) => set_user_context(ctx),
        None => idle(),
    }
}

/// The IPC fast path, entered from the vectors before any dispatch: true if
/// it handled the current task's syscall (TPIDR_EL1 then names the context
/// to run), false if it changed nothing and the general path must run.
#[inline(always)]
pub fn fast_syscall() -> bool {
    let outcome = with_kernel_masked(|k| {
        let next = match crate::fastpath::try_fast(k) {
            Some(next) => direct_switch(k, next),
            None => match builtin_call(k) {
                Some(next) => next,
                None => return Fast::Declined,
            },
        };
        match next {
            Some(ctx) => {
                set_user_context(ctx);
                Fast::Done
            }
            None => Fast::Idle,
        }
    });
    match outcome {
        Fast::Done => true,
        Fast::Declined => false,
        Fast::Idle => idle(),
    }
}

/// How `fast_syscall` ended: the syscall done and TPIDR_EL1 naming the task
/// to run, nothing changed, or done with no task able to run.
enum Fast {
    Done,
    Declined,
    Idle,
}

/// A call the fast path declined, if it is on a server built into the
/// kernel: it is answered in this syscall, and the caller goes on with no
/// scheduler unless its call waits or a tick came (`Some(None)`: idle).
/// `None`, with nothing changed, for anything else. Kept out of line, off the
/// IPC fast path's code.
#[cold]
#[inline(never)]
fn builtin_call(k: &mut Kernel) -> Option<Option<*const crate::task::UserContext>> {
    if !k.try_builtin_call() {
        return None;
    }
    Some(after_builtin_call(k))
}

/// After a call a built-in server answered: back to the caller if it can go
/// on and no tick is due, else through the scheduler as the general path does.
#[inline(always)]
fn after_builtin_call(k: &mut Kernel) -> Option<*const crate::task::UserContext> {
    let me = k.current?;
    let ready = k
        .tasks
        .get(me)
        .is_some_and(|t| t.state == crate::task::State::Ready);
    if ready && k.ticks_seen == crate::time::ticks() && k.loaded == Some(me) {
        return k.tasks.get(me).map(|t| t.ctx.as_ptr());
    }
    k.account_ticks();
    let next = k.pick_next()?;
    Some(switch_to(k, next))
}

/// After the fast path: straight to `next` (Ready, already charged as the
/// CPU's task) without the scheduler, unless the timer ticked meanwhile.
#[inline(always)]
fn direct_switch(k: &mut Kernel, next: Next) -> Option<*const crate::task::UserContext> {
    k.current = Some(next.id);
    k.quantum.reset();
    if k.ticks_seen != crate::time::ticks() {
        k.account_ticks();
        let next = k.pick_next()?;
        return Some(switch_to(k, next));
    }
    debug_assert_eq!(k.cpu_clock.charged(), Some(next.id));
    if k.loaded != Some(next.id) {
        // A valid ASID: TTBR0 only. Anything else goes through the allocator.
        let Some((root, asid)) = next.tables else {
            return Some(switch_to(k, next.id));
        };
        match k.loaded {
            Some(_) => mmu::switch_user_tables(root, asid), // walks are on
            None => mmu::load_user_tables(root, asid),
        }
        k.loaded = Some(next.id);
    }
    Some(next.ctx)
}

/// Everything but the fast path: the general syscall path, faults and interrupts, then the scheduler.
fn general(
    k: &mut Kernel,
    kind: Kind,
    esr: u64,
    syscall: bool,
) -> Option<*const crate::task::UserContext> {
    match kind {
        Kind::Sync if syscall => crate::syscall::dispatch(k),
        Kind::Sync | Kind::SError => {
            let elr = k
                .current
                .and_then(|c| k.tasks.get(c))
                .map_or(0, |t| t.ctx.pc);
            k.fault_current(esr, fault_address(), elr);
        }
        Kind::Irq | Kind::Fiq => k.deliver_irqs(),
    }
    k.account_ticks();
    let next = k.pick_next()?;
    Some(switch_to(k, next))
}

/// Makes `next` the running task, with its address space in TTBR0 (an ASID
/// from the allocator; a TLB flush only when ASIDs roll over), and charges the
/// outgoing task its CPU time. Returns its context.
fn switch_to(k: &mut Kernel, next: TaskId) -> *const crate::task::UserContext {
    k.current = Some(next);
    k.account_switch(Some(next));
    let Some(task) = k.tasks.get_mut(next) else {
        return core::ptr::null();
    };
    if k.loaded != Some(next) {
        let current_asid = task.asid.filter(|a| a.generation() == k.asids.generation());
        let asid = match current_asid {
            Some(asid) => asid, // still valid: no allocator work, no flush
            None => {
                let (asid, flush_all) = k.asids.assign(task.asid);
                if flush_all {
                    mmu::flush_tlb_all();
                }
                asid
            }
        };
        task.asid = Some(asid);
        if let Some(space) = &task.space {
            mmu::load_user_tables(space.root().as_usize(), asid.value());
        }
        k.loaded = Some(next);
    }
    task.ctx.as_ptr()
}

/// Waits for interrupts until some task can run, then enters it. The kernel
/// stack is reset on the way out, so whatever called this is abandoned.
pub fn idle() -> ! {
    loop {
        cpu::disable_irqs();
        let next = with_kernel(|k| {
            k.deliver_irqs();
            k.account_ticks();
            let Some(next) = k.pick_next() else {
                k.account_switch(None); // idle time is nobody's
                return None;
            };
            Some(switch_to(k, next))
        });
        if let Some(ctx) = next {
            set_user_context(ctx);
            enter_user();
        }
        // An interrupt that is already pending wakes `wfi` even while masked.
        cpu::wait_for_interrupt();
        cpu::enable_irqs();
    }
}
