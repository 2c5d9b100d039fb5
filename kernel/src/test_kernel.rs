//! Host-test rig for the kernel core: a `Kernel` with hand-made tasks and objects, and syscalls made as a task.

use crate::arena::Id;
use crate::cap::table::{Cap, HandleTable};
use crate::kstate::Kernel;
use crate::object::{Endpoint, KObj, Notification};
use crate::platform::{host, AddressSpace, CtxBox};
use crate::task::{State, Task, TaskId, UserContext};
use abi::{Error, MsgInfo, Rights};
use alloc::string::String;

pub use abi::{FOREVER, NO_WAIT};

/// A fresh kernel on a freshly reset fake machine (clock at 0, no frames).
pub fn kernel() -> Kernel {
    host::reset();
    Kernel::new()
}

/// Adds a ready task at `priority` with no handles, a stub address space and its own IPC frame.
pub fn task(k: &mut Kernel, name: &str, priority: u8) -> TaskId {
    let task = Task {
        pid: k.next_pid,
        name: String::from(name),
        priority,
        state: State::Ready,
        ctx: CtxBox::new(UserContext::default()).expect("the host heap"),
        space: Some(AddressSpace::default()),
        asid: None,
        handles: HandleTable::new(),
        ipc_frame: host::alloc_frame(),
        fault_ep: None,
        reply_to: None,
        bound_ntfn: None,
        kmsg: None,
        cpu_counts: 0,
    };
    let id = k.tasks.insert(task).ok().expect("the host heap");
    k.next_pid += 1;
    k.wake(id);
    id
}

/// A new endpoint that no handle names yet.
pub fn endpoint(k: &mut Kernel) -> Id {
    k.endpoints.insert(Endpoint::default()).ok().expect("heap")
}

/// A new notification that no handle names yet.
pub fn notification(k: &mut Kernel) -> Id {
    k.notifications
        .insert(Notification::default())
        .ok()
        .expect("heap")
}

/// Gives `t` a handle to `obj`, counting the reference as the syscalls do; returns its number.
pub fn grant(k: &mut Kernel, t: TaskId, obj: KObj, rights: Rights, badge: u64) -> u64 {
    let mut cap = Cap::new(obj, rights);
    cap.badge = badge;
    let h = tk(k, t).handles.insert(cap).expect("room for a handle");
    k.retain(obj, rights);
    u64::from(h.raw())
}

/// Makes `t` the running task as the scheduler would: a still-ready previous
/// task goes to the back of its queue, and the switch charges the clock to
/// `t` and loads its tables.
pub fn run(k: &mut Kernel, t: TaskId) {
    if let Some(c) = k.current.filter(|&c| c != t) {
        if let Some(prev) = k.tasks.get(c).filter(|x| x.state == State::Ready) {
            k.run.push_back(prev.priority, c).expect("heap");
        }
    }
    k.run.remove(t);
    k.switch_to(t);
}

/// The current task's syscall down the fast path, then the switch `trap`
/// makes with its answer: the task that runs next.
pub fn fast(k: &mut Kernel) -> Option<TaskId> {
    let next = crate::fastpath::try_fast(k, crate::fastpath::Takes::Any)?;
    k.switch_direct(next);
    Some(next.id)
}

/// The task `t` (which must exist).
pub fn tk(k: &mut Kernel, t: TaskId) -> &mut Task {
    k.tasks.get_mut(t).expect("the task exists")
}

/// The CPU time charged to `t` so far, in nanoseconds.
pub fn cpu_ns(k: &Kernel, t: TaskId) -> u64 {
    host::counts_to_ns(k.tasks.get(t).expect("the task exists").cpu_counts)
}

/// What `t` is doing.
pub fn state(k: &Kernel, t: TaskId) -> State {
    k.tasks.get(t).expect("the task exists").state
}

/// Puts a message in `t`'s registers: `info` in x1, `words` from x2.
pub fn load(k: &mut Kernel, t: TaskId, info: MsgInfo, words: &[u64]) {
    let ctx = &mut tk(k, t).ctx;
    ctx.x[1] = info.to_raw();
    ctx.x[2..2 + words.len()].copy_from_slice(words);
}

/// A message of `words.len()` register words with `label`.
pub fn words_msg(label: u16, words: &[u64]) -> MsgInfo {
    MsgInfo::new(label, words.len() as u8)
}

/// A syscall by `t` as `syscall::dispatch` makes it: `t` runs, `x0` starts
/// at 0, and an error also lands in `x0`.
pub fn sys(
    k: &mut Kernel,
    t: TaskId,
    f: impl FnOnce(&mut Kernel) -> Result<(), Error>,
) -> Result<(), Error> {
    assert_eq!(
        state(k, t),
        State::Ready,
        "only a ready task makes syscalls"
    );
    run(k, t);
    tk(k, t).ctx.x[0] = 0;
    let result = f(k);
    if let (Err(e), Some(task)) = (result, k.tasks.get_mut(t)) {
        task.ctx.x[0] = e as u64;
    }
    result
}

/// `call` by `t` through handle `h` with a register message.
pub fn call(k: &mut Kernel, t: TaskId, h: u64, label: u16, words: &[u64]) -> Result<(), Error> {
    load(k, t, words_msg(label, words), words);
    sys(k, t, |k| k.sys_send(h, true, FOREVER))
}

/// `send` by `t` through handle `h` with a register message.
pub fn send(k: &mut Kernel, t: TaskId, h: u64, label: u16, words: &[u64]) -> Result<(), Error> {
    load(k, t, words_msg(label, words), words);
    sys(k, t, |k| k.sys_send(h, false, FOREVER))
}

/// `recv` by `t` on handle `h`, waiting forever.
pub fn recv(k: &mut Kernel, t: TaskId, h: u64) -> Result<(), Error> {
    sys(k, t, |k| k.sys_recv(h, FOREVER))
}

/// `reply` by `t` with a register message.
pub fn reply(k: &mut Kernel, t: TaskId, label: u16, words: &[u64]) -> Result<(), Error> {
    load(k, t, words_msg(label, words), words);
    sys(k, t, |k| k.sys_reply())
}

/// `reply_recv` by `t` on handle `h`, with a register reply, waiting forever.
pub fn reply_recv(
    k: &mut Kernel,
    t: TaskId,
    h: u64,
    label: u16,
    words: &[u64],
) -> Result<(), Error> {
    load(k, t, words_msg(label, words), words);
    sys(k, t, |k| k.sys_reply_recv(h, FOREVER))
}

/// What `t` received: the descriptor in x1, the words x2..x5 and the badge in x6.
pub fn received(k: &mut Kernel, t: TaskId) -> (MsgInfo, [u64; 4], u64) {
    let x = &tk(k, t).ctx.x;
    let info = MsgInfo::from_raw(x[1]).expect("a valid descriptor");
    (info, [x[2], x[3], x[4], x[5]], x[6])
}

/// The syscall result in `t`'s `x0`.
pub fn result(k: &mut Kernel, t: TaskId) -> Result<(), Error> {
    Error::check(tk(k, t).ctx.x[0])
}

/// Advances the fake clock by `ns` and lets the kernel account for it, as a timer interrupt would.
pub fn advance(k: &mut Kernel, ns: u64) {
    host::advance_ns(ns);
    k.account_ticks();
}

/// The badge a `pair` client's handle carries.
pub const BADGE: u64 = 7;

/// A server and a client of one endpoint, both ready at priority 5.
pub struct Pair {
    /// Receives on `ep` through `h_srv`.
    pub srv: TaskId,
    /// Sends and calls on `ep` through `h_cli` (badge `BADGE`, may grant).
    pub cli: TaskId,
    /// The endpoint.
    pub ep: Id,
    /// The server's handle (RECV).
    pub h_srv: u64,
    /// The client's handle (SEND and GRANT).
    pub h_cli: u64,
}

/// Builds a `Pair` in `k`.
pub fn pair(k: &mut Kernel) -> Pair {
    let srv = task(k, "srv", 5);
    let cli = task(k, "cli", 5);
    let ep = endpoint(k);
    let h_srv = grant(k, srv, KObj::Endpoint(ep), Rights::RECV, 0);
    let h_cli = grant(
        k,
        cli,
        KObj::Endpoint(ep),
        Rights::SEND.union(Rights::GRANT),
        BADGE,
    );
    Pair {
        srv,
        cli,
        ep,
        h_srv,
        h_cli,
    }
}

/// `t`'s whole IPC buffer.
pub fn ipc_buffer(k: &mut Kernel, t: TaskId) -> alloc::vec::Vec<u8> {
    frames_bytes(&[tk(k, t).ipc_frame])
}

/// Whole frames, one after another, as one byte string.
pub fn frames_bytes(frames: &[crate::mem::PhysAddr]) -> alloc::vec::Vec<u8> {
    let page = crate::mem::PAGE_SIZE;
    let mut out = alloc::vec![0; frames.len() * page];
    for (f, chunk) in frames.iter().zip(out.chunks_mut(page)) {
        host::read_frame(*f, 0, chunk);
    }
    out
}
