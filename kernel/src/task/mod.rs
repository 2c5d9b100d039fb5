//! Tasks: an address space, a handle table and one thread of saved user registers.

#[cfg(target_os = "none")]
pub mod space;

use crate::arena::Id;
use crate::cap::table::HandleTable;
use crate::mem::PhysAddr;
use crate::object::KObj;
use crate::platform::{AddressSpace, CtxBox};
use alloc::string::String;

/// Names a task inside the kernel (an arena id; stale ids find nothing).
pub type TaskId = Id;

pub use crate::arch::aarch64::context::UserContext;

/// What a thread is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Runnable, in a run queue (or current).
    Ready,
    /// Queued on an endpoint to send; `call` if it then waits for a reply.
    Sending {
        /// The endpoint.
        ep: Id,
        /// A call (waits for the reply) rather than a send.
        call: bool,
        /// The badge of the handle it sends through.
        badge: u64,
    },
    /// Queued on an endpoint to receive.
    Receiving {
        /// The endpoint.
        ep: Id,
    },
    /// Waiting for `server` to reply.
    AwaitingReply {
        /// The task that received the call.
        server: TaskId,
    },
    /// Waiting on a notification.
    Waiting {
        /// The notification.
        ntfn: Id,
    },
    /// Sleeping until its deadline.
    Sleeping,
    /// Its call to a server built into the kernel waits for that server
    /// (a console read before a line is typed); the call runs again when
    /// the server makes progress (its `pc` points back at the `svc`).
    InKernel {
        /// The built-in server.
        server: Id,
    },
    /// Ended (exit or fault); waits only to deliver its last message to its supervisor.
    Zombie,
}

impl State {
    /// A short word for listings (`ps`).
    pub fn name(self) -> &'static str {
        match self {
            State::Ready => "ready",
            State::Sending { .. } => "send",
            State::Receiving { .. } => "recv",
            State::AwaitingReply { .. } => "call",
            State::Waiting { .. } => "wait",
            State::Sleeping => "sleep",
            State::InKernel { .. } => "call",
            State::Zombie => "zombie",
        }
    }
}

/// A message the kernel composed for a supervisor (fault or exit).
#[derive(Clone, Copy, Debug)]
pub struct KernelMsg {
    /// Its descriptor (label FAULT or EXIT).
    pub info: abi::MsgInfo,
    /// Its words.
    pub words: [u64; 4],
}

/// One task (and its single thread).
pub struct Task {
    /// The user-visible task id (like a pid; never reused).
    pub pid: u64,
    /// Its name, as given at spawn.
    pub name: String,
    /// Scheduling priority (0..=31).
    pub priority: u8,
    /// What the thread is doing.
    pub state: State,
    /// Saved user registers.
    pub ctx: CtxBox,
    /// Its memory; `None` once a zombie has given it back.
    pub space: Option<AddressSpace>,
    /// Its ASID, if one was assigned (see `mem::asid`).
    pub asid: Option<crate::mem::asid::Asid>,
    /// What it may reach.
    pub handles: HandleTable<KObj>,
    /// The frame of its IPC buffer (mapped at `abi::IPC_BUFFER_VA`).
    pub ipc_frame: PhysAddr,
    /// Where its fault and exit messages go: endpoint and badge. Not a reference:
    /// once the supervisor's handles are gone the endpoint dies, and a task that
    /// then ends is reaped at once (no zombie waits for a receiver that cannot come).
    pub fault_ep: Option<(Id, u64)>,
    /// The caller waiting for this task's reply.
    pub reply_to: Option<TaskId>,
    /// The notification `recv` also wakes on.
    pub bound_ntfn: Option<Id>,
    /// A kernel-composed message to deliver instead of the registers (zombies).
    pub kmsg: Option<KernelMsg>,
    /// CPU time used, in system-counter periods (`platform::counts_to_ns`
    /// converts). A plain sum: a u64 of counts lasts some 30,000 years at
    /// the Pi 3's 19.2 MHz (9,000 at QEMU's 62.5 MHz), and the counter never
    /// runs backwards.
    pub cpu_counts: u64,
}
