//! The real machine behind `platform`: re-exports, plus one helper over the global frame allocator.

pub use crate::arch::aarch64::mmu::{
    flush_tlb_all, flush_tlb_asid, load_user_tables, switch_user_tables,
    switch_user_tables_for_eret, unload_user_tables, user_readable_pa, user_writable_pa,
};
pub use crate::irq::{ack as ack_irq, set_bound as set_irq_bound, take_fired as take_fired_irqs};
pub use crate::mem::ctx_box::CtxBox;
pub use crate::mem::{copy_frame_prefix, copy_into_frame, read_frame, with_frame, write_frame};
pub use crate::task::space::AddressSpace;
pub use crate::time::{counter, counts_to_ns, monotonic_ns, ticks};

use crate::mem::kernel_space::FRAMES;
use crate::mem::PhysAddr;

/// Gives single frames back to the frame allocator (one lock for all of them).
#[inline]
pub fn free_frames(frames: &[PhysAddr]) {
    let mut allocator = FRAMES.lock();
    for &pa in frames {
        allocator.free(pa, 1);
    }
}

/// Takes a data abort at EL1 on purpose (a built-in server told to crash): the kernel's panic report.
/// `why` goes straight to the UART first, as the report does (the log ring dies with us).
#[inline(never)]
pub fn fault_in_kernel(why: &str) {
    crate::console::write_str_unlocked("\n");
    crate::console::write_str_unlocked(why);
    crate::console::write_str_unlocked("\n");
    // An address in the vmap area that the kernel never maps.
    let addr = core::hint::black_box(0xFFFF_FFC0_DEAD_0000usize);
    let _ = crate::arch::aarch64::cpu::read_u64_for_test(addr);
}

/// A device claim ended: the console comes back to the kernel if it was the UART's.
pub fn device_released(index: usize) {
    if crate::board::DEVICES
        .get(index)
        .is_some_and(|d| d.name == crate::devsys::CONSOLE_DEVICE)
    {
        crate::console::hand_over(false);
    }
}
