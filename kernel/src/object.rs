//! Kernel objects that handles name: endpoints, notifications, memory regions and tasks.

use crate::arena::Id;
use crate::mem::PhysAddr;
use crate::task::TaskId;
use crate::wait_queue::WaitQueue;
use alloc::collections::VecDeque;
use alloc::vec::Vec;

/// What a handle names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KObj {
    /// An IPC endpoint.
    Endpoint(Id),
    /// A notification.
    Notification(Id),
    /// A shareable memory region.
    Region(Id),
    /// A task (for killing it).
    Task(TaskId),
    /// An interrupt line bound to a notification (closing it unbinds).
    Irq(u32),
    /// A server built into the kernel (the monolithic build): `call` runs it in the caller's syscall.
    Builtin(Id),
    /// A saved reply: the caller waiting, and the server that owes the answer.
    Reply {
        /// The task waiting for the answer.
        caller: TaskId,
        /// The task that received its call.
        server: TaskId,
    },
}

impl KObj {
    /// The kind in words, for errors and listings.
    pub fn kind(self) -> &'static str {
        match self {
            KObj::Endpoint(_) => "endpoint",
            KObj::Notification(_) => "notification",
            KObj::Region(_) => "memory region",
            KObj::Task(_) => "task",
            KObj::Irq(_) => "interrupt",
            KObj::Builtin(_) => "built-in server",
            KObj::Reply { .. } => "reply",
        }
    }
}

/// A rendezvous point: threads queue here to send or to receive.
///
/// Invariants: at most one of the queues is non-empty; every queued task is in
/// state `Sending`/`Receiving` naming this endpoint. `recv_refs <= refs`: of the
/// handles counted in `refs` (every task's table, messages move handles without
/// recounting), `recv_refs` are those with the RECV right. Once handles exist and
/// `recv_refs` is 0 the endpoint is dead (see [`Endpoint::is_dead`]): no RECV
/// handle can be made again, `receivers` and `senders` stay empty, and `call`
/// and `send` fail with `PeerGone`. `Kernel::retain`/`release` keep the counts.
///
/// Aligned to 32 bytes, so an arena slot of it (the endpoint and the slot's
/// generation) is 128 bytes: the IPC fast path finds the endpoint with a
/// shift instead of a multiply in each direction (docs/benchmarks.md, step 34).
#[derive(Default)]
#[repr(align(32))]
pub struct Endpoint {
    /// Handles that name it (the object is freed with the last).
    pub refs: u32,
    /// Those of `refs` with the RECV right (nobody can receive once it is 0).
    pub recv_refs: u32,
    /// Blocked senders, oldest first.
    pub senders: WaitQueue<TaskId>,
    /// Blocked receivers, oldest first.
    pub receivers: WaitQueue<TaskId>,
}

const _: () = assert!(
    crate::arena::slot_size::<Endpoint>().is_power_of_two(),
    "an endpoint's arena slot is no longer a power of two: adjust Endpoint's alignment"
);
const _: () = assert!(
    crate::cap::table::slot_size::<KObj>().is_power_of_two(),
    "a handle-table slot is no longer a power of two: adjust its alignment"
);

impl Endpoint {
    /// No handle can receive on it any more (a pipe with no readers): senders
    /// and callers get `PeerGone`.
    #[inline(always)]
    pub fn is_dead(&self) -> bool {
        self.recv_refs == 0
    }
}

/// An asynchronous bit-set with waiters.
#[derive(Default)]
pub struct Notification {
    /// Handles that name it.
    pub refs: u32,
    /// Bits signalled and not yet taken.
    pub bits: u64,
    /// Tasks blocked in `wait`, oldest first.
    pub waiters: VecDeque<TaskId>,
    /// Tasks whose `recv` also wakes on it.
    pub bound: Vec<TaskId>,
}

/// Frames that several tasks can map (shared memory).
pub struct Region {
    /// Handles plus mappings that hold it; the frames are freed at 0.
    pub refs: u32,
    /// Its frames, in order.
    pub frames: Vec<PhysAddr>,
    /// Whether the frames came from the frame allocator (the boot archive's and
    /// devices' did not).
    pub owned: bool,
    /// The board device whose registers these are (index in `board::DEVICES`):
    /// mapped uncached, and the device's claim ends with the region.
    pub device: Option<usize>,
}

/// An interrupt line's owner and where its interrupts go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IrqBinding {
    /// The task that bound it.
    pub owner: TaskId,
    /// The notification to signal.
    pub ntfn: Id,
    /// The bit to set in it.
    pub bit: u64,
}

impl Drop for Region {
    fn drop(&mut self) {
        if self.owned {
            crate::platform::free_frames(&self.frames);
        }
    }
}
