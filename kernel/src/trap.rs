//! From user mode into the kernel and back: syscalls, faults, interrupts, switching and idling.
//!
//! The vectors have already saved the task's registers in its context; this
//! decides what happens and which task's context the return to EL0 restores.

use crate::arch::aarch64::cpu;
use crate::arch::aarch64::exceptions::{enter_user, fault_address, set_user_context, Kind};
use crate::fastpath::{Op, Takes};
use crate::kstate::{with_kernel, with_kernel_at, Kernel, KernelLock};
use crate::task::UserContext;

/// Exception class of `svc` from AArch64 (ESR_EL1.EC).
const EC_SVC64: u64 = 0x15;

/// Handles an exception taken from EL0. Returns with TPIDR_EL1 naming the
/// context of the task to run next; if no task can run, idles instead.
pub fn from_user(kernel: &KernelLock, kind: Kind, esr: u64) {
    let syscall = kind == Kind::Sync && esr >> 26 == EC_SVC64;
    if kind == Kind::Irq {
        crate::irq::handle();
    }
    // `call` and `reply_recv` tried the fast path already (`fast_call`, `fast_reply_recv`).
    let next = with_kernel_at(kernel, |k| general(k, kind, esr, syscall));
    match next {
        Some(ctx) => set_user_context(ctx),
        None => idle(),
    }
}

/// The IPC fast path for a `call` with no buffer bytes, entered from the
/// vectors before any dispatch: if it handled the current task's syscall,
/// the context to run next (TPIDR_EL1 names it too); null if it changed
/// nothing and the general path must run.
///
/// The code tries register-only messages and makes no calls, so it needs no
/// stack frame beyond the frame record (docs/benchmarks.md); what it
/// declines may still be a call on a built-in server ([`fast_syscall_rest`]).
#[inline(always)]
pub fn fast_call(kernel: &KernelLock) -> *const UserContext {
    fast_registers::<true>(kernel)
}

/// [`fast_call`] for a `reply_recv` (or `reply_recv_from`) with no buffer bytes.
#[inline(always)]
pub fn fast_reply_recv(kernel: &KernelLock) -> *const UserContext {
    fast_registers::<false>(kernel)
}

/// The register-only try of a `call` (`CALL`) or a `reply_recv`, then the
/// rest. Generic, so each has its own closure, inlined into its one caller.
#[inline(always)]
fn fast_registers<const CALL: bool>(kernel: &KernelLock) -> *const UserContext {
    let op = if CALL {
        Op::Call
    } else {
        Op::ReplyRecv { from_memory: false }
    };
    let ctx = with_kernel_at(kernel, |k| {
        match crate::fastpath::try_fast_as(k, op, Takes::Registers) {
            Some(next) => {
                let ctx = k.switch_direct(next);
                set_user_context(ctx);
                ctx
            }
            None => core::ptr::null(),
        }
    });
    if ctx.is_null() {
        return fast_syscall_rest(kernel, Takes::Registers);
    }
    ctx
}

/// [`fast_call`] and [`fast_reply_recv`] for a message whose descriptor names buffer bytes (or a
/// handle, which the fast path declines).
#[inline(always)]
pub fn fast_syscall_bytes(kernel: &KernelLock) -> *const UserContext {
    fast_syscall_rest(kernel, Takes::Any)
}

/// The fast path taking any message if `takes` says so (a register-only try
/// has been made already otherwise), then a call on a built-in server: the
/// context to run next, or null if neither took the syscall, which then
/// goes the general way.
#[inline(never)]
fn fast_syscall_rest(kernel: &KernelLock, takes: Takes) -> *const UserContext {
    let outcome = with_kernel_at(kernel, |k| {
        let fast = match takes {
            Takes::Any => crate::fastpath::try_fast(k, Takes::Any),
            Takes::Registers => None,
        };
        let next = match fast {
            Some(next) => Some(k.switch_direct(next)),
            None => match builtin_call(k) {
                Some(next) => next,
                None => return Fast::Declined,
            },
        };
        match next {
            Some(ctx) => {
                set_user_context(ctx);
                Fast::Done(ctx)
            }
            None => Fast::Idle,
        }
    });
    match outcome {
        Fast::Done(ctx) => ctx,
        Fast::Declined => core::ptr::null(),
        Fast::Idle => idle(),
    }
}

/// How `fast_syscall_rest` ended: the syscall done and the context to run
/// (TPIDR_EL1 names it), nothing changed, or done with no task able to run.
enum Fast {
    Done(*const UserContext),
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
    Some(k.switch_to(next))
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
    Some(k.switch_to(next))
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
            Some(k.switch_to(next))
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
