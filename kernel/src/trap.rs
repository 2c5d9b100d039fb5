//! From user mode into the kernel and back: syscalls, faults, interrupts, switching and idling.
//!
//! The vectors have already saved the task's registers in its context; this
//! decides what happens and which task's context the return to EL0 restores.

use crate::arch::aarch64::cpu;
use crate::arch::aarch64::exceptions::{enter_user, fault_address, set_user_context, Kind};
use crate::fastpath::{Declined, Takes};
use crate::kstate::{with_kernel, with_kernel_masked, Kernel};

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
///
/// A register-only message is tried first by code that makes no calls, so
/// it needs no stack frame beyond the frame record (docs/benchmarks.md);
/// anything else goes on to [`fast_syscall_rest`].
#[inline(always)]
pub fn fast_syscall() -> bool {
    let declined = with_kernel_masked(|k| match crate::fastpath::try_fast(k, Takes::Registers) {
        Some(next) => {
            set_user_context(k.switch_direct(next));
            None
        }
        None => Some(crate::fastpath::why_declined(k)),
    });
    match declined {
        None => true,
        Some(why) => fast_syscall_rest(why),
    }
}

/// What the register-only try declined: a message with buffer bytes goes
/// through the fast path again, taking bytes; anything else may be a call
/// on a built-in server, else it is for the general path.
#[inline(never)]
fn fast_syscall_rest(why: Declined) -> bool {
    let outcome = with_kernel_masked(|k| {
        let fast = match why {
            Declined::HasBytes => crate::fastpath::try_fast(k, Takes::Any),
            Declined::General => None,
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

/// How `fast_syscall_rest` ended: the syscall done and TPIDR_EL1 naming the
/// task to run, nothing changed, or done with no task able to run.
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
