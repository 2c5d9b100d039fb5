//! From user mode into the kernel and back: syscalls, faults, interrupts, switching and idling.

use crate::arch::aarch64::exceptions::{Kind, TrapFrame};
use crate::arch::aarch64::{cpu, mmu};
use crate::kstate::{with_kernel, Kernel};
use crate::task::{TaskId, UserContext};

/// Exception class of `svc` from AArch64 (ESR_EL1.EC).
const EC_SVC64: u64 = 0x15;

/// Handles an exception taken from EL0 and leaves in `frame` the registers of
/// whichever task runs next. If no task can run, idles instead of returning.
pub fn from_user(frame: &mut TrapFrame, kind: Kind, esr: u64, far: u64) {
    if kind == Kind::Irq {
        crate::irq::handle();
    }
    let resumed = with_kernel(|k| {
        save(k, frame);
        match kind {
            Kind::Sync if esr >> 26 == EC_SVC64 => crate::syscall::dispatch(k),
            Kind::Sync | Kind::SError => k.fault_current(esr, far, frame.elr),
            Kind::Irq | Kind::Fiq => {}
        }
        k.account_ticks();
        let next = k.pick_next()?;
        Some(load(k, next))
    });
    match resumed {
        Some(ctx) => restore(frame, &ctx),
        None => idle(),
    }
}

/// Copies the interrupted registers into the current task.
fn save(k: &mut Kernel, frame: &TrapFrame) {
    let Some(task) = k.current.and_then(|c| k.tasks.get_mut(c)) else {
        return;
    };
    task.ctx.x = frame.x;
    task.ctx.sp = frame.sp_el0;
    task.ctx.pc = frame.elr;
    task.ctx.pstate = frame.spsr;
}

fn restore(frame: &mut TrapFrame, ctx: &UserContext) {
    frame.x = ctx.x;
    frame.sp_el0 = ctx.sp;
    frame.elr = ctx.pc;
    frame.spsr = ctx.pstate;
}

/// Makes `next` the running task: its address space in TTBR0 (an ASID from the
/// allocator; a flush only when ASIDs roll over) and its registers returned.
fn load(k: &mut Kernel, next: TaskId) -> UserContext {
    k.current = Some(next);
    if k.loaded != Some(next) {
        let Some(task) = k.tasks.get_mut(next) else {
            return UserContext::default();
        };
        let (asid, flush_all) = k.asids.assign(task.asid);
        task.asid = Some(asid);
        if flush_all {
            mmu::flush_tlb_all();
        }
        if let Some(space) = &task.space {
            mmu::load_user_tables(space.root().as_usize(), asid.value());
        }
        k.loaded = Some(next);
    }
    k.tasks.get(next).map(|t| t.ctx).unwrap_or_default()
}

/// Waits for interrupts until some task can run, then enters it. The kernel
/// stack is reset on the way out, so whatever called this is abandoned.
pub fn idle() -> ! {
    loop {
        cpu::disable_irqs();
        let next = with_kernel(|k| {
            k.account_ticks();
            let next = k.pick_next()?;
            Some(load(k, next))
        });
        if let Some(ctx) = next {
            crate::arch::aarch64::exceptions::enter_user(&ctx);
        }
        // An interrupt that is already pending wakes `wfi` even while masked.
        cpu::wait_for_interrupt();
        cpu::enable_irqs();
    }
}
