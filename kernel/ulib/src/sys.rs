//! The syscall stubs: one safe function per operation of [`abi::Sysnum`], registers exactly as `abi` documents.
//!
//! Each stub puts the number in `x8` and the arguments in `x0..x6`, traps
//! with `svc #0`, and decodes `x0` (the [`Error`] code) and the results in
//! `x1..x6`. The asm declares `x0..x6` as clobbered and nothing else: the
//! kernel preserves every other register (`x7` included). `Call` also reads
//! `x7`, a receive window: 0 in [`sys_call`], a slice in [`crate::sys_call_into`]. Stubs that let the
//! kernel read or write the IPC buffer hold its guard while they run (see
//! [`crate::ipc`]).

use crate::ipc;
use crate::panic::SliceWriter;
use crate::Msg;
use abi::{Error, Handle, InfoKind, PowerAction, Rights, SpawnArgs, Sysnum};
use core::arch::asm;
use core::fmt::Write;

/// Traps into the kernel with `x8` = `num` and `x0..x6` = `args`; returns `x0..x6`.
///
/// # Safety
///
/// Every pointer argument must be valid for what the operation does with it,
/// the operation must not unmap or change memory Rust code uses, and if it
/// touches the IPC buffer the caller must hold the buffer's guard.
#[inline(always)]
pub(crate) unsafe fn svc(num: Sysnum, args: [u64; 7]) -> [u64; 7] {
    // SAFETY: forwarded: the caller upholds `raw_svc`'s contract for this operation.
    unsafe { raw_svc(num as u64, args) }
}

/// [`svc`] with an unchecked number.
///
/// # Safety
///
/// As for [`svc`], for whatever operation `num` selects.
#[inline(always)]
unsafe fn raw_svc(num: u64, args: [u64; 7]) -> [u64; 7] {
    // The asm is not `nomem`: the compiler assumes memory may be read and written.
    // SAFETY: `svc #0` changes only x0..x6 (declared inout), never the stack; its
    // memory effects are the caller's obligation, stated above.
    unsafe { crate::svc_asm::svc_asm!(num, args) }
}

/// The result registers after a successful call, or the error in `x0`.
pub(crate) fn ok(regs: [u64; 7]) -> Result<[u64; 7], Error> {
    Error::check(regs[0]).map(|()| regs)
}

/// A handle the kernel returned; a zero or oversized one breaks the contract.
pub(crate) fn handle(raw: u64) -> Result<Handle, Error> {
    Handle::try_from(raw)
        .ok()
        .filter(|&h| h != 0)
        .ok_or(Error::InvalidHandle)
}

/// A pointer as a syscall argument (the kernel checks it against our address space).
pub(crate) fn ptr_arg<T>(ptr: *const T) -> u64 {
    ptr.expose_provenance() as u64
}

/// Writes `text` to the kernel log at `level` ([`crate::level`]; at most 1024 bytes).
pub fn sys_log(level: u8, text: &str) -> Result<(), Error> {
    let args = [
        ptr_arg(text.as_ptr()),
        text.len() as u64,
        u64::from(level),
        0,
        0,
        0,
        0,
    ];
    // SAFETY: the kernel only reads `text.len()` bytes at `text`, which the &str keeps alive.
    ok(unsafe { svc(Sysnum::Log, args) }).map(drop)
}

/// Ends the task with exit code `code` and no message.
pub fn sys_exit(code: i32) -> ! {
    exit_with_buffer(code, 0)
}

/// Ends the task with `code`; `msg` (cut to a page at a char boundary) travels
/// to the supervisor in the [`abi::label::EXIT`] message.
pub fn sys_exit_with_message(code: i32, msg: &str) -> ! {
    let len_bytes = ipc::with_buffer(|buf| {
        let mut w = SliceWriter::new(buf);
        // SliceWriter cuts instead of failing.
        let _ = w.write_str(msg);
        w.len()
    });
    exit_with_buffer(code, len_bytes)
}

/// `Exit` with the first `len_bytes` of the IPC buffer as the message.
pub(crate) fn exit_with_buffer(code: i32, len_bytes: usize) -> ! {
    // Sign-extended, so the kernel reads the same code as i32 or as i64.
    let code = i64::from(code) as u64;
    // SAFETY: Exit does not return, so the kernel reading the IPC buffer overlaps
    // no Rust code (any reference to it is never used again). `brk` turns a
    // kernel that returns anyway into a fault instead of running on.
    unsafe {
        asm!(
            "svc #0",
            "brk #1",
            in("x0") code,
            in("x1") len_bytes as u64,
            in("x8") Sysnum::Exit as u64,
            options(noreturn, nostack),
        );
    }
}

/// Gives the rest of the time slice to tasks of the same priority.
pub fn sys_yield() {
    // SAFETY: Yield takes no pointers and changes no memory of ours.
    let _ = unsafe { svc(Sysnum::Yield, [0; 7]) };
}

/// Sleeps at least `time_ns` nanoseconds.
pub fn sys_sleep(time_ns: u64) -> Result<(), Error> {
    // SAFETY: Sleep takes no pointers and changes no memory of ours.
    ok(unsafe { svc(Sysnum::Sleep, [time_ns, 0, 0, 0, 0, 0, 0]) }).map(drop)
}

/// Reports a system figure.
pub fn sys_info(kind: InfoKind) -> Result<u64, Error> {
    // SAFETY: SysInfo takes no pointers and changes no memory of ours.
    ok(unsafe { svc(Sysnum::SysInfo, [kind as u64, 0, 0, 0, 0, 0, 0]) }).map(|r| r[1])
}

/// Maps `pages` zeroed pages at `addr` (page aligned; 0 lets the kernel choose); returns the address.
pub fn sys_map_anon(addr: usize, pages: usize, writable: bool) -> Result<usize, Error> {
    let args = [addr as u64, pages as u64, u64::from(writable), 0, 0, 0, 0];
    // SAFETY: MapAnon only adds pages where nothing is mapped (AlreadyMapped
    // otherwise), so memory Rust uses is untouched.
    ok(unsafe { svc(Sysnum::MapAnon, args) }).map(|r| r[1] as usize)
}

/// Unmaps `pages` pages at `addr`.
///
/// # Safety
///
/// Nothing Rust uses may lie in the range: no live reference or allocation,
/// not the image, the stack, the heap window ([`crate::heap::HEAP_BASE`]) or
/// the IPC buffer. Unmapped and later remapped memory would change under them.
pub unsafe fn sys_unmap(addr: usize, pages: usize) -> Result<(), Error> {
    let args = [addr as u64, pages as u64, 0, 0, 0, 0, 0];
    // SAFETY: the caller guarantees that nothing Rust uses is in the range.
    ok(unsafe { svc(Sysnum::Unmap, args) }).map(drop)
}

/// Creates a shareable memory region of `pages` zeroed pages.
pub fn sys_mem_create(pages: usize) -> Result<Handle, Error> {
    // SAFETY: MemCreate takes no pointers and maps nothing.
    ok(unsafe { svc(Sysnum::MemCreate, [pages as u64, 0, 0, 0, 0, 0, 0]) })
        .and_then(|r| handle(r[1]))
}

/// Maps region `region` at `addr` (0: kernel chooses), writable if asked.
/// Returns the address and the region's length in pages.
pub fn sys_mem_map(region: Handle, addr: usize, writable: bool) -> Result<(usize, usize), Error> {
    let args = [
        u64::from(region),
        addr as u64,
        u64::from(writable),
        0,
        0,
        0,
        0,
    ];
    // SAFETY: MemMap only adds pages where nothing is mapped (AlreadyMapped
    // otherwise), so memory Rust uses is untouched.
    ok(unsafe { svc(Sysnum::MemMap, args) }).map(|r| (r[1] as usize, r[2] as usize))
}

/// Creates an endpoint; the handle has all rights.
pub fn sys_endpoint_create() -> Result<Handle, Error> {
    // SAFETY: EndpointCreate takes no pointers and changes no memory of ours.
    ok(unsafe { svc(Sysnum::EndpointCreate, [0; 7]) }).and_then(|r| handle(r[1]))
}

/// Creates a notification; the handle has all rights.
pub fn sys_notification_create() -> Result<Handle, Error> {
    // SAFETY: NotificationCreate takes no pointers and changes no memory of ours.
    ok(unsafe { svc(Sysnum::NotificationCreate, [0; 7]) }).and_then(|r| handle(r[1]))
}

/// Duplicates `h` with `rights` (at most its own) and, if not 0, `badge`.
pub fn sys_handle_dup(h: Handle, rights: Rights, badge: u64) -> Result<Handle, Error> {
    let args = [u64::from(h), u64::from(rights.0), badge, 0, 0, 0, 0];
    // SAFETY: HandleDup takes no pointers and changes no memory of ours.
    ok(unsafe { svc(Sysnum::HandleDup, args) }).and_then(|r| handle(r[1]))
}

/// Closes `h`.
pub fn sys_handle_close(h: Handle) -> Result<(), Error> {
    // SAFETY: HandleClose takes no pointers and changes no memory of ours.
    ok(unsafe { svc(Sysnum::HandleClose, [u64::from(h), 0, 0, 0, 0, 0, 0]) }).map(drop)
}

/// Sends `msg` on endpoint `ep` and waits (up to `timeout_ns`) for the reply.
///
/// Inlined: a caller's message and reply then stay in registers.
#[inline]
pub fn sys_call(ep: Handle, msg: &Msg, timeout_ns: u64) -> Result<Msg, Error> {
    let _claim = ipc::claim("sys_call");
    let args = msg.to_regs(ep, timeout_ns);
    // SAFETY: no receive window (x7 = 0), so no pointer arguments; the kernel
    // reads and writes the IPC buffer, whose guard `_claim` holds, so no Rust
    // reference to it is live.
    let regs = unsafe { crate::svc_asm::svc_asm!(Sysnum::Call as u64, args, x7 = 0u64) };
    Msg::from_regs(&regs).map(|(reply, _)| reply)
}

/// Sends `msg` on endpoint `ep`, waiting (up to `timeout_ns`) only until it is received.
pub fn sys_send(ep: Handle, msg: &Msg, timeout_ns: u64) -> Result<(), Error> {
    let _claim = ipc::claim("sys_send");
    // SAFETY: no pointer arguments; the kernel reads the IPC buffer, whose guard
    // `_claim` holds, so no Rust reference to it is live.
    ok(unsafe { svc(Sysnum::Send, msg.to_regs(ep, timeout_ns)) }).map(drop)
}

/// Waits (up to `timeout_ns`) for a message on endpoint `ep`, or a bound
/// notification; returns it and the sender's badge.
pub fn sys_recv(ep: Handle, timeout_ns: u64) -> Result<(Msg, u64), Error> {
    let _claim = ipc::claim("sys_recv");
    let args = [u64::from(ep), 0, 0, 0, 0, 0, timeout_ns];
    // SAFETY: no pointer arguments; the kernel writes the IPC buffer, whose
    // guard `_claim` holds, so no Rust reference to it is live.
    Msg::from_regs(&unsafe { svc(Sysnum::Recv, args) })
}

/// Replies `msg` to the caller this thread last received from.
pub fn sys_reply(msg: &Msg) -> Result<(), Error> {
    let _claim = ipc::claim("sys_reply");
    // SAFETY: no pointer arguments; the kernel reads the IPC buffer, whose guard
    // `_claim` holds, so no Rust reference to it is live.
    ok(unsafe { svc(Sysnum::Reply, msg.to_regs(0, 0)) }).map(drop)
}

/// Replies `msg`, then waits (up to `timeout_ns`) for the next message on `ep`: a server's loop.
///
/// Inlined, like [`sys_call`].
#[inline]
pub fn sys_reply_recv(ep: Handle, msg: &Msg, timeout_ns: u64) -> Result<(Msg, u64), Error> {
    let _claim = ipc::claim("sys_reply_recv");
    // SAFETY: no pointer arguments; the kernel reads and writes the IPC buffer,
    // whose guard `_claim` holds, so no Rust reference to it is live.
    Msg::from_regs(&unsafe { svc(Sysnum::ReplyRecv, msg.to_regs(ep, timeout_ns)) })
}

/// Sets `bits` on notification `ntfn`; never blocks.
pub fn sys_signal(ntfn: Handle, bits: u64) -> Result<(), Error> {
    // SAFETY: Signal takes no pointers and changes no memory of ours.
    ok(unsafe { svc(Sysnum::Signal, [u64::from(ntfn), bits, 0, 0, 0, 0, 0]) }).map(drop)
}

/// Waits (up to `timeout_ns`) until notification `ntfn` has bits set; takes and returns them.
pub fn sys_wait(ntfn: Handle, timeout_ns: u64) -> Result<u64, Error> {
    let args = [u64::from(ntfn), 0, 0, 0, 0, 0, timeout_ns];
    // SAFETY: Wait takes no pointers and changes no memory of ours.
    ok(unsafe { svc(Sysnum::Wait, args) }).map(|r| r[1])
}

/// Binds notification `ntfn` to this thread so `sys_recv` also wakes on it; 0 unbinds.
pub fn sys_notification_bind(ntfn: Handle) -> Result<(), Error> {
    // SAFETY: NotificationBind takes no pointers and changes no memory of ours.
    ok(unsafe {
        svc(
            Sysnum::NotificationBind,
            [u64::from(ntfn), 0, 0, 0, 0, 0, 0],
        )
    })
    .map(drop)
}

/// Starts a task as `spawn` describes; returns its handle and task id.
pub fn sys_task_spawn(spawn: &SpawnArgs) -> Result<(Handle, u64), Error> {
    let args = [ptr_arg(spawn), 0, 0, 0, 0, 0, 0];
    // SAFETY: the kernel only reads the block (alive behind the reference) and the
    // memory its fields point at, each checked against our address space.
    let regs = ok(unsafe { svc(Sysnum::TaskSpawn, args) })?;
    Ok((handle(regs[1])?, regs[2]))
}

/// Stops task `task` and frees everything it owns.
pub fn sys_task_kill(task: Handle) -> Result<(), Error> {
    // SAFETY: TaskKill takes no pointers; killing ourselves just ends the task.
    ok(unsafe { svc(Sysnum::TaskKill, [u64::from(task), 0, 0, 0, 0, 0, 0]) }).map(drop)
}

/// Makes syscall `num` with raw registers `x0..x6` = `args`; returns `x0..x6`.
/// For tests that feed the kernel bad numbers and arguments on purpose.
///
/// Holds the IPC buffer guard while it runs (panics inside `ipc::with_buffer`).
///
/// # Safety
///
/// Nothing checks the arguments on our side, so the kernel does whatever they
/// say to this task's memory: the caller must make sure any pointer the
/// operation writes through (e.g. none for most operations, the IPC buffer
/// for receives) is not memory Rust uses, and that it unmaps nothing Rust
/// uses (see [`sys_unmap`]). An `Exit` through here does not return.
pub unsafe fn syscall_raw(num: u64, args: [u64; 7]) -> [u64; 7] {
    // SAFETY: forwarded; x7 = 0 names no receive window for a `Call`.
    unsafe { syscall_raw_x7(num, args, 0) }
}

/// [`syscall_raw`] with `x7` as well (a `Call`'s receive window,
/// `reply_recv_from`'s bytes).
///
/// # Safety
///
/// As for [`syscall_raw`], and whatever the operation does through `x7`.
pub unsafe fn syscall_raw_x7(num: u64, args: [u64; 7], x7: u64) -> [u64; 7] {
    let _claim = ipc::claim("syscall_raw");
    // SAFETY: the IPC buffer guard is held; the rest is the caller's contract.
    unsafe { crate::svc_asm::svc_asm!(num, args, x7 = x7) }
}

/// Moves the reply owed to the last caller into a handle, to answer later
/// with [`sys_reply_to`] (a server that parks a blocking request).
pub fn sys_reply_save() -> Result<Handle, Error> {
    // SAFETY: no pointers, no IPC buffer.
    ok(unsafe { svc(Sysnum::ReplySave, [0; 7]) }).and_then(|r| handle(r[1]))
}

/// Answers a saved reply (the handle is used up).
pub fn sys_reply_to(reply: Handle, msg: &Msg) -> Result<(), Error> {
    let _claim = ipc::claim("sys_reply_to");
    // SAFETY: no pointer arguments; the kernel reads the IPC buffer, whose guard
    // `_claim` holds, so no Rust reference to it is live.
    ok(unsafe { svc(Sysnum::ReplyTo, msg.to_regs(reply, 0)) }).map(drop)
}

/// Copies kernel log records from sequence number `from_seq` on into the IPC
/// buffer (encoded as [`abi::logrec`] describes); returns the bytes written and
/// the sequence number to ask for next. [`crate::sysinfo::log_read`] decodes them.
pub fn sys_log_read(from_seq: u64) -> Result<(usize, u64), Error> {
    let _claim = ipc::claim("sys_log_read");
    // SAFETY: no pointers; the kernel writes the IPC buffer, whose guard `_claim` holds.
    let regs = ok(unsafe { svc(Sysnum::LogRead, [from_seq, 0, 0, 0, 0, 0, 0]) })?;
    Ok((regs[1] as usize, regs[2]))
}

/// Describes the task with the smallest pid `>= from_pid`: `x1..x6` as
/// [`abi::Sysnum::TaskInfo`] lists them (pid, state, priority, pages, CPU ns,
/// name length), the name in the IPC buffer. See [`crate::sysinfo::task_info`].
pub fn sys_task_info(from_pid: u64) -> Result<[u64; 6], Error> {
    let _claim = ipc::claim("sys_task_info");
    // SAFETY: no pointers; the kernel writes the IPC buffer, whose guard `_claim` holds.
    let r = ok(unsafe { svc(Sysnum::TaskInfo, [from_pid, 0, 0, 0, 0, 0, 0]) })?;
    Ok([r[1], r[2], r[3], r[4], r[5], r[6]])
}

/// Describes the kernel's object cache `index`: `x1..x5` as
/// [`abi::Sysnum::SlabInfo`] lists them (object bytes, active, total, slabs,
/// name length), the name in the IPC buffer. See [`crate::sysinfo::slab_info`].
pub fn sys_slab_info(index: u64) -> Result<[u64; 5], Error> {
    let _claim = ipc::claim("sys_slab_info");
    // SAFETY: no pointers; the kernel writes the IPC buffer, whose guard `_claim` holds.
    let r = ok(unsafe { svc(Sysnum::SlabInfo, [index, 0, 0, 0, 0, 0, 0]) })?;
    Ok([r[1], r[2], r[3], r[4], r[5]])
}

/// Powers the machine off or restarts it; returns only if the kernel refused, with why.
pub fn sys_power(action: PowerAction) -> Error {
    // SAFETY: Power takes no pointers; on success nothing of ours runs again.
    let regs = unsafe { svc(Sysnum::Power, [action as u64, 0, 0, 0, 0, 0, 0]) };
    // A return with success would break the contract: report it as garbage.
    Error::check(regs[0]).err().unwrap_or(Error::InvalidSyscall)
}

/// Starts the server built into the kernel as `name` with `args` (`key=value`
/// words): a handle to it, or the error and the length of the reason the
/// kernel put in the IPC buffer (`InvalidArgument`: the server's init refused).
/// `NotFound`: no such server built in (the microkernel build has none).
pub fn sys_builtin_start(name: &str, args: &str) -> Result<Handle, (Error, usize)> {
    let (n, a) = (ptr_arg(name.as_ptr()), ptr_arg(args.as_ptr()));
    let args = [n, name.len() as u64, a, args.len() as u64, 0, 0, 0];
    let _claim = ipc::claim("sys_builtin_start");
    // SAFETY: the kernel only reads the two strings, which the &strs keep alive,
    // and writes a refusal's reason into the IPC buffer, whose guard `_claim` holds.
    let regs = unsafe { svc(Sysnum::BuiltinStart, args) };
    match Error::check(regs[0]) {
        Ok(()) => handle(regs[1]).map_err(|e| (e, 0)),
        Err(Error::InvalidArgument) => Err((Error::InvalidArgument, regs[1] as usize)),
        Err(e) => Err((e, 0)),
    }
}
