//! Exception entry: the vector table, the saved-context frame and the dispatch to kernel handlers.

use super::context::UserContext;
use crate::kstate::KernelLock;
use aarch64_cpu::asm::barrier;
use aarch64_cpu::registers::{Readable, Writeable, ESR_EL1, FAR_EL1, TPIDR_EL1, VBAR_EL1};

/// The interrupted context, as `vectors.s` saves it on the stack.
///
/// Invariant: the layout matches the stores in `vectors.s` (checked by
/// `FRAME_BYTES`), and its first 34 words are a `UserContext`'s.
#[repr(C)]
#[derive(Debug)]
pub struct TrapFrame {
    /// General registers x0..x30.
    pub x: [u64; 31],
    /// The EL0 stack pointer.
    pub sp_el0: u64,
    /// Where the exception was taken (the faulting or interrupted instruction).
    pub elr: u64,
    /// The saved program status.
    pub spsr: u64,
    /// Frame record {x29, elr} linking backtraces through the exception.
    frame_record: [u64; 2],
}

/// Bytes of a `TrapFrame` (a multiple of 16, as the stack requires).
pub const FRAME_BYTES: usize = core::mem::size_of::<TrapFrame>();
const _: () = assert!(FRAME_BYTES == 18 * 16);

core::arch::global_asm!(
    include_str!("vectors.s"),
    FRAME_BYTES = const FRAME_BYTES,
    SYS_CALL = const abi::Sysnum::Call as u64,
    SYS_REPLY_RECV = const abi::Sysnum::ReplyRecv as u64,
    SYS_REPLY_RECV_FROM = const abi::Sysnum::ReplyRecvFrom as u64,
    KERNEL = sym crate::kstate::KERNEL,
);

/// Which of the 16 vectors was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// From EL1 while using SP_EL0 (the kernel never does).
    CurrentElSp0,
    /// From the kernel itself.
    CurrentEl,
    /// From an AArch64 task at EL0.
    LowerEl64,
    /// From an AArch32 task (mica runs none).
    LowerEl32,
}

/// The kind of exception within an origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Synchronous: faults, system calls, breakpoints.
    Sync,
    /// An interrupt.
    Irq,
    /// A fast interrupt (unused).
    Fiq,
    /// A system error (asynchronous abort).
    SError,
}

/// Everything a handler needs to know about an exception it did not expect.
#[derive(Clone, Copy, Debug)]
pub struct Fault {
    /// Where it came from.
    pub origin: Origin,
    /// What kind it is.
    pub kind: Kind,
    /// ESR_EL1 at entry.
    pub esr: u64,
    /// FAR_EL1 at entry.
    pub far: u64,
    /// ELR_EL1 at entry.
    pub elr: u64,
    /// The frame pointer of the frame record built at entry.
    pub fp: u64,
}

/// Installs the vector table on this core.
pub fn init() {
    extern "C" {
        static exception_vectors: u8;
    }
    // Taking the address of the linker-placed table needs no dereference.
    let base = core::ptr::addr_of!(exception_vectors) as u64;
    VBAR_EL1.set(base);
    barrier::isb(barrier::SY);
}

/// Called by `vectors.s` with the saved frame and the vector number (0..16).
#[no_mangle]
extern "C" fn exception_dispatch(frame: &mut TrapFrame, vector: u64) {
    let origin = match vector / 4 {
        0 => Origin::CurrentElSp0,
        1 => Origin::CurrentEl,
        2 => Origin::LowerEl64,
        _ => Origin::LowerEl32,
    };
    let kind = match vector % 4 {
        0 => Kind::Sync,
        1 => Kind::Irq,
        2 => Kind::Fiq,
        _ => Kind::SError,
    };
    if kind == Kind::Irq && origin == Origin::CurrentEl {
        crate::irq::handle();
        return;
    }
    let fault = Fault {
        origin,
        kind,
        esr: ESR_EL1.get(),
        far: FAR_EL1.get(),
        elr: frame.elr,
        fp: core::ptr::addr_of!(frame.frame_record) as u64,
    };
    crate::panic::kernel_fault(&fault)
}

/// Called by `vectors.s` for every exception from EL0, after it saved the
/// task's registers in the context TPIDR_EL1 names, with the kernel state's
/// lock; returns with TPIDR_EL1 naming the context to restore.
#[no_mangle]
extern "C" fn user_exception(vector: u64, kernel: &'static KernelLock) {
    let kind = match vector % 4 {
        0 => Kind::Sync,
        1 => Kind::Irq,
        2 => Kind::Fiq,
        _ => Kind::SError,
    };
    crate::trap::from_user(kernel, kind, ESR_EL1.get());
}

/// Called by `vectors.s` first for a `call` from EL0 (`svc` with x8 naming
/// it) with no buffer bytes or handle, after it saved the task's registers:
/// the IPC fast path with no dispatch frame in front of it. Returns the
/// context to restore when it handled the syscall (TPIDR_EL1 names it
/// too); null (nothing changed) sends the exception on to `user_exception`.
/// `vectors.s` passes the kernel state's lock (`kstate::KERNEL`).
#[no_mangle]
extern "C" fn fast_call(kernel: &'static KernelLock) -> *const UserContext {
    crate::trap::fast_call(kernel)
}

/// [`fast_call`] for a `reply_recv` or `reply_recv_from`.
#[no_mangle]
extern "C" fn fast_reply_recv(kernel: &'static KernelLock) -> *const UserContext {
    crate::trap::fast_reply_recv(kernel)
}

/// [`fast_call`] and [`fast_reply_recv`] for a message with buffer bytes or
/// a handle in its descriptor (`x1` bits 19 and up), which `vectors.s` sends
/// here instead, whichever of the three operations it is.
#[no_mangle]
extern "C" fn fast_syscall_bytes(kernel: &'static KernelLock) -> *const UserContext {
    crate::trap::fast_syscall_bytes(kernel)
}

/// Names the context the next return to EL0 restores (TPIDR_EL1).
pub fn set_user_context(ctx: *const UserContext) {
    TPIDR_EL1.set(ctx as u64);
}

/// Enters the task whose context `set_user_context` named last; the kernel
/// stack starts over.
pub fn enter_user() -> ! {
    extern "C" {
        fn enter_user_asm() -> !;
    }
    // The scheduler names a live context (a slab object that stays put,
    // `mem::ctx_box`) with `set_user_context` before every return to EL0.
    // SAFETY: that context's pstate selects EL0, so the eret cannot raise the
    // exception level, and nothing on the kernel stack is needed afterwards.
    unsafe { enter_user_asm() }
}
/// The faulting address of the exception being handled (FAR_EL1).
pub fn fault_address() -> u64 {
    FAR_EL1.get()
}
