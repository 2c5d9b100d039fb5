//! The machine under the portable kernel core (tasks, IPC, scheduling): the real pieces on the target, fakes on the host.
//!
//! `kstate`, `ipc`, `teardown`, `object`, `task` and `fastpath` reach the
//! hardware only through these names. On the target they are plain
//! re-exports of the real items, so the seam costs nothing; on the host
//! (`cargo test`) they are small fakes that host tests can set and inspect.

#[cfg(not(target_os = "none"))]
pub mod host;
#[cfg(target_os = "none")]
mod target;

#[cfg(not(target_os = "none"))]
pub use host::{
    ack_irq, copy_frame_prefix, copy_into_frame, counter, counts_to_ns, device_released,
    fault_in_kernel, flush_tlb_all, flush_tlb_asid, free_frames, load_user_tables, monotonic_ns,
    read_frame, set_irq_bound, switch_user_tables, switch_user_tables_for_eret, take_fired_irqs,
    ticks, unload_user_tables, user_readable_pa, user_writable_pa, with_frame, write_frame,
    AddressSpace, CtxBox,
};
#[cfg(target_os = "none")]
pub use target::{
    ack_irq, copy_frame_prefix, copy_into_frame, counter, counts_to_ns, device_released,
    fault_in_kernel, flush_tlb_all, flush_tlb_asid, free_frames, load_user_tables, monotonic_ns,
    read_frame, set_irq_bound, switch_user_tables, switch_user_tables_for_eret, take_fired_irqs,
    ticks, unload_user_tables, user_readable_pa, user_writable_pa, with_frame, write_frame,
    AddressSpace, CtxBox,
};
