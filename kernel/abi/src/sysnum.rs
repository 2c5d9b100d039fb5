//! Syscall numbers, one per operation, each documented with its registers.

/// The operations of the kernel. The number goes in `x8`.
///
/// Unless a variant says otherwise, `x0` returns the [`crate::Error`] code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u64)]
pub enum Sysnum {
    /// Writes to the kernel log. `x0` = pointer, `x1` = length (at most 1024
    /// bytes, UTF-8), `x2` = printk level (0 emerg .. 7 debug).
    /// Errors: `BadAddress`, `InvalidArgument`.
    Log = 0,
    /// Ends the calling task. `x0` = exit code. Its supervisor receives an
    /// [`crate::label::EXIT`] message; the IPC buffer's first `x1` bytes (at
    /// most a page) travel with it, e.g. a panic message. Does not return.
    Exit = 1,
    /// Gives up the rest of the time slice to tasks of the same priority.
    Yield = 2,
    /// Sleeps at least `x0` nanoseconds (the `msleep` case; others run meanwhile).
    Sleep = 3,
    /// Reports a system figure: `x0` = [`crate::InfoKind`]; `x1` returns it.
    SysInfo = 4,
    /// Maps `x1` pages of zeroed memory, virtually contiguous. `x0` = address
    /// (page aligned, in the user range) or 0 to let the kernel choose;
    /// `x2` = 1 for writable. `x1` returns the address.
    /// Errors: `InvalidArgument`, `AlreadyMapped`, `OutOfMemory`.
    MapAnon = 5,
    /// Unmaps `x1` pages at `x0` and frees what only this mapping held.
    /// Errors: `InvalidArgument`, `NotMapped`.
    Unmap = 6,
    /// Creates a shareable memory region of `x0` pages (zeroed); `x1` returns a
    /// handle with MAP, WRITE, DUP and GRANT rights. Pass the handle in a message
    /// to share the memory. Errors: `InvalidArgument`, `OutOfMemory`, `TableFull`.
    MemCreate = 7,
    /// Maps the region `x0` at `x1` (0: kernel chooses); `x2` = 1 for writable
    /// (needs WRITE). `x1` returns the address. Errors: `InvalidHandle`,
    /// `WrongType`, `NoRights`, `AlreadyMapped`, `OutOfMemory`.
    MemMap = 8,
    /// Creates an endpoint; `x1` returns a handle with all rights.
    EndpointCreate = 9,
    /// Creates a notification; `x1` returns a handle with all rights.
    NotificationCreate = 10,
    /// Duplicates handle `x0` with rights `x1 & its rights` and, if `x2` is not
    /// 0, badge `x2` (only on an unbadged endpoint or notification). Needs DUP.
    /// `x1` returns the new handle.
    HandleDup = 11,
    /// Closes handle `x0`.
    HandleClose = 12,
    /// Sends a message on endpoint `x0` (SEND right) and waits for the reply,
    /// with the registers of the table in the crate docs. `x6` = timeout.
    /// If [`crate::MsgInfo::handle`] is set, that handle (GRANT right on the
    /// endpoint) moves to the receiver. Errors: `InvalidHandle`, `NoRights`,
    /// `TimedOut`, `TooLarge`, `PeerGone`: at once if no handle with RECV on
    /// the endpoint is left (it is dead, see the crate docs), while waiting to
    /// be received if the last one goes (its holder exits, is killed or closes
    /// it), and while waiting for the reply if the server that received the
    /// call ends or drops its saved reply. `x7` = a receive [`crate::Window`]
    /// for the reply's bytes, or 0: success is then `x0` = 0 (bytes in the IPC
    /// buffer) or [`crate::REPLY_IN_WINDOW`] (bytes in the window).
    Call = 13,
    /// Sends a message on endpoint `x0` (SEND right) and waits only until it
    /// is received. `x6` = timeout. Errors as for `Call`; `PeerGone` at once
    /// on a dead endpoint (even with a `NO_WAIT` timeout) or when its last
    /// RECV handle goes while the message waits.
    Send = 14,
    /// Waits for a message on endpoint `x0` (RECV right), or for a signal on
    /// the notification bound to this thread. `x6` = timeout; returns the
    /// message and, in `x6`, the sender's badge.
    Recv = 15,
    /// Replies to the caller this thread last received from (message in
    /// `x1`..`x5`). Errors: `NoReplyTarget` if there is none or it is gone.
    Reply = 16,
    /// Replies, then receives on endpoint `x0`, in one call: a server's loop.
    ReplyRecv = 17,
    /// Sets bits `x1` on notification `x0` (SEND right); never blocks.
    Signal = 18,
    /// Waits until notification `x0` (RECV right) has bits set, takes and
    /// returns them in `x1`. `x6` = timeout.
    Wait = 19,
    /// Binds notification `x0` to the calling thread, so `Recv` also wakes on
    /// it (label [`crate::label::NOTIFICATION`]). 0 unbinds.
    NotificationBind = 20,
    /// Starts a task from an ELF image: `x0` points at a [`crate::SpawnArgs`].
    /// `x1` returns a task handle, `x2` the task id. Errors: `BadAddress`,
    /// `BadElf`, `InvalidArgument`, `OutOfMemory`, `InvalidHandle`, `NoRights`.
    TaskSpawn = 21,
    /// Stops task `x0` (CONTROL right) and frees everything it owns.
    TaskKill = 22,
    /// Claims the device named by the `x1` bytes at `x0` (a name from the
    /// board's device table, e.g. `gpio`, `pl011`): exclusive, the
    /// `request_mem_region` of mica. `x1` returns a memory-region handle (MAP,
    /// WRITE) that maps the registers uncached with `mem_map`; `x2` its pages.
    /// The claim ends when the region's last handle and mapping are gone (the
    /// owner exits, crashes or is removed). Errors: `NotFound` (no such device),
    /// `Busy` with the owner's pid in `x1` and its name in the IPC buffer (`x2` bytes).
    DeviceClaim = 23,
    /// Describes entry `x0` of the board's device table (for `iomem`): its name
    /// in the IPC buffer (`x4` bytes), `x1` physical base, `x2` length in bytes,
    /// `x3` the owner's pid (0: free or held by the kernel). When a server
    /// built into the kernel holds it, `x5` is the length of that server's
    /// name, which follows at byte 64 of the IPC buffer (0: not held so).
    /// `NotFound` past the end.
    DeviceInfo = 24,
    /// Binds interrupt line `x0` (BCM2835 numbering, 0..64) to notification
    /// `x1` (SEND right): each interrupt masks the line and signals bit `x2`
    /// (a one-bit mask). `x1` returns an IRQ handle; closing it unbinds.
    /// Errors: `InvalidArgument`, `Busy` (pid in `x1`, as for `DeviceClaim`).
    IrqClaim = 25,
    /// Unmasks the line of IRQ handle `x0` after the driver has served it.
    IrqAck = 26,
    /// Moves the reply this thread owes its last caller into a handle (`x1`),
    /// so a server can go on receiving and answer later (a blocking read that
    /// waits for data). Errors: `NoReplyTarget`, `TableFull`.
    ReplySave = 27,
    /// Answers through reply handle `x0` with the message in `x1..x5`; the
    /// handle is used up. Closing it unanswered fails the caller with
    /// `PeerGone`. Errors: `InvalidHandle`, `WrongType`, `PeerGone` (the caller
    /// gave up or is gone), `InvalidArgument` (a malformed message).
    ReplyTo = 28,
    /// Copies kernel log records (for `dmesg`) into the IPC buffer: whole
    /// records, oldest first, starting at the first one whose sequence number
    /// is `>= x0` (the oldest kept one if `x0` was already overwritten), as many
    /// as fit in the page; encoded as [`crate::logrec`] describes. `x1` returns
    /// the bytes written, `x2` the sequence number to ask for next (`x0`
    /// unchanged when there was nothing new): read until `x1` is 0.
    LogRead = 29,
    /// Describes the task with the smallest pid `>= x0` (zombies included), for
    /// `ps`: `x1` its pid, `x2` its [`crate::TaskState`], `x3` its priority,
    /// `x4` its memory in pages (every page mapped in its user half: program,
    /// stack, heap, IPC buffer, shared regions and device registers; plus its
    /// page-table pages; 0 for a zombie), `x5` its CPU time in nanoseconds,
    /// `x6` the length of its name, which is in the IPC buffer. Ask again with
    /// `x1 + 1` for the next task. `NotFound` past the last task.
    TaskInfo = 30,
    /// Describes the kernel's object cache number `x0` (for `slabinfo`): its
    /// name in the IPC buffer (`x5` bytes), `x1` object size in bytes, `x2`
    /// active objects, `x3` total object slots, `x4` slabs (pages).
    /// `NotFound` past the last cache.
    SlabInfo = 31,
    /// Powers the machine off (`x0` = [`crate::PowerAction::Off`]) or restarts
    /// it (`x0` = [`crate::PowerAction::Reboot`]) through the BCM2835 watchdog.
    /// Does not return. Errors: `InvalidArgument` for any other `x0`.
    Power = 32,
    /// Starts the server built into this kernel (the monolithic build) whose
    /// name is at `x0` (`x1` bytes), with the `key=value` parameters at `x2`
    /// (`x3` bytes, separated by spaces). Its `module_init` runs in the call;
    /// `x1` is then a handle to the server: `call` on it runs the server in
    /// the kernel, and with the badge `proto::modctl::MANAGER_BADGE` it takes
    /// the module manager's STOP, USAGE and CRASH. Errors: `NotFound` when
    /// no server of that name is built in (every name, in the microkernel
    /// build), `Busy` when it runs already, `InvalidArgument` when its init
    /// refused (the reason in the IPC buffer, `x1` bytes).
    BuiltinStart = 33,
    /// `ReplyRecv` whose reply bytes (`len_bytes` of `x1`) come from the
    /// caller's own memory at `x7` instead of its IPC buffer: a server
    /// answers a read straight from where the data lives, with no copy into
    /// its buffer first. The range must be readable by the caller; if it is
    /// not, nothing is sent and the error is `BadAddress`.
    ReplyRecvFrom = 34,
}

impl Sysnum {
    /// Every operation, in number order.
    pub const ALL: [Sysnum; 35] = [
        Sysnum::Log,
        Sysnum::Exit,
        Sysnum::Yield,
        Sysnum::Sleep,
        Sysnum::SysInfo,
        Sysnum::MapAnon,
        Sysnum::Unmap,
        Sysnum::MemCreate,
        Sysnum::MemMap,
        Sysnum::EndpointCreate,
        Sysnum::NotificationCreate,
        Sysnum::HandleDup,
        Sysnum::HandleClose,
        Sysnum::Call,
        Sysnum::Send,
        Sysnum::Recv,
        Sysnum::Reply,
        Sysnum::ReplyRecv,
        Sysnum::Signal,
        Sysnum::Wait,
        Sysnum::NotificationBind,
        Sysnum::TaskSpawn,
        Sysnum::TaskKill,
        Sysnum::DeviceClaim,
        Sysnum::DeviceInfo,
        Sysnum::IrqClaim,
        Sysnum::IrqAck,
        Sysnum::ReplySave,
        Sysnum::ReplyTo,
        Sysnum::LogRead,
        Sysnum::TaskInfo,
        Sysnum::SlabInfo,
        Sysnum::Power,
        Sysnum::BuiltinStart,
        Sysnum::ReplyRecvFrom,
    ];

    /// Decodes `x8`; `None` for a number no operation has.
    pub fn from_raw(raw: u64) -> Option<Sysnum> {
        Self::ALL.get(usize::try_from(raw).ok()?).copied()
    }

    /// The operation's name in lower case, as the docs and logs spell it.
    pub fn name(self) -> &'static str {
        match self {
            Sysnum::Log => "log",
            Sysnum::Exit => "exit",
            Sysnum::Yield => "yield",
            Sysnum::Sleep => "sleep",
            Sysnum::SysInfo => "sys_info",
            Sysnum::MapAnon => "map_anon",
            Sysnum::Unmap => "unmap",
            Sysnum::MemCreate => "mem_create",
            Sysnum::MemMap => "mem_map",
            Sysnum::EndpointCreate => "endpoint_create",
            Sysnum::NotificationCreate => "notification_create",
            Sysnum::HandleDup => "handle_dup",
            Sysnum::HandleClose => "handle_close",
            Sysnum::Call => "call",
            Sysnum::Send => "send",
            Sysnum::Recv => "recv",
            Sysnum::Reply => "reply",
            Sysnum::ReplyRecv => "reply_recv",
            Sysnum::Signal => "signal",
            Sysnum::Wait => "wait",
            Sysnum::NotificationBind => "notification_bind",
            Sysnum::TaskSpawn => "task_spawn",
            Sysnum::TaskKill => "task_kill",
            Sysnum::DeviceClaim => "device_claim",
            Sysnum::DeviceInfo => "device_info",
            Sysnum::IrqClaim => "irq_claim",
            Sysnum::IrqAck => "irq_ack",
            Sysnum::ReplySave => "reply_save",
            Sysnum::ReplyTo => "reply_to",
            Sysnum::LogRead => "log_read",
            Sysnum::TaskInfo => "task_info",
            Sysnum::SlabInfo => "slab_info",
            Sysnum::Power => "power",
            Sysnum::BuiltinStart => "builtin_start",
            Sysnum::ReplyRecvFrom => "reply_recv_from",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_are_dense() {
        for (i, s) in Sysnum::ALL.iter().enumerate() {
            assert_eq!(*s as u64, i as u64, "{} is out of order", s.name());
            assert_eq!(Sysnum::from_raw(i as u64), Some(*s));
        }
        assert_eq!(Sysnum::from_raw(Sysnum::ALL.len() as u64), None);
        assert_eq!(Sysnum::from_raw(u64::MAX), None);
    }

    #[test]
    fn names_are_unique() {
        for a in Sysnum::ALL {
            for b in Sysnum::ALL {
                assert!(a == b || a.name() != b.name());
            }
        }
    }
}
