//! The real machine behind `platform`: re-exports, plus one helper over the global frame allocator.

pub use crate::arch::aarch64::mmu::{flush_tlb_asid, unload_user_tables};
pub use crate::irq::{set_bound as set_irq_bound, take_fired as take_fired_irqs};
pub use crate::mem::ctx_box::CtxBox;
pub use crate::mem::{copy_frame_prefix, write_frame};
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

/// A device claim ended: the console comes back to the kernel if it was the UART's.
pub fn device_released(index: usize) {
    if crate::board::DEVICES
        .get(index)
        .is_some_and(|d| d.name == crate::devsys::CONSOLE_DEVICE)
    {
        crate::console::hand_over(false);
    }
}
