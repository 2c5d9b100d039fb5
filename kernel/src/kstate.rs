//! The kernel's state in one place, behind one lock, and the scheduler's moves over it.
//!
//! Locking rule: every task and kernel object is reached only through
//! `with_kernel`, which holds `KERNEL` with IRQs masked. The kernel never
//! blocks while holding it: a syscall either completes or records why the
//! thread waits and returns to whichever thread runs next.

use crate::arena::{Arena, Id};
use crate::mem::asid::AsidAllocator;
use crate::object::{Endpoint, Notification, Region};
use crate::sched::cpu_time::CpuClock;
use crate::sched::queue::{Quantum, RunQueues};
use crate::sync::IrqMutex;
use crate::task::{State, Task, TaskId};
use crate::time_queue::TimeQueue;

/// All tasks and kernel objects, and the scheduler's queues.
pub struct Kernel {
    /// Every task, zombies included.
    pub tasks: Arena<Task>,
    /// Endpoints.
    pub endpoints: Arena<Endpoint>,
    /// Notifications.
    pub notifications: Arena<Notification>,
    /// Shared memory regions.
    pub regions: Arena<Region>,
    /// Ready tasks by priority (the running one is not queued).
    pub run: RunQueues<TaskId>,
    /// The task whose registers the current trap frame holds.
    pub current: Option<TaskId>,
    /// Deadlines of sleeping and timed-out-waiting tasks.
    pub timeouts: TimeQueue<TaskId>,
    /// ASIDs for address spaces.
    pub asids: AsidAllocator,
    /// What is left of the current task's time slice.
    pub quantum: Quantum,
    /// The task whose tables TTBR0 holds. Some exactly while TTBR0 walks are
    /// on (TCR_EL1.EPD0 clear), so a switch between two tasks' tables need not
    /// look at TCR.
    pub loaded: Option<TaskId>,
    /// Ticks already accounted for.
    pub ticks_seen: u64,
    /// Who the CPU time since the last switch or tick goes to.
    pub cpu_clock: CpuClock<TaskId>,
    /// The next pid to hand out.
    pub next_pid: u64,
    /// The first task (its exit ends a test kernel).
    pub init: Option<TaskId>,
    /// Who holds each device of `board::DEVICES` (the `request_mem_region` claims).
    pub device_owner: [Option<TaskId>; crate::board::DEVICES.len()],
    /// Which built-in server holds each device of `board::DEVICES` (the monolithic build).
    pub builtin_device_owner: [Option<crate::arena::Id>; crate::board::DEVICES.len()],
    /// Who holds each interrupt line, and where its interrupts go.
    pub irq_bindings: [Option<crate::object::IrqBinding>; 64],
    /// Servers running inside the kernel (the monolithic build; none otherwise).
    pub builtins: Arena<crate::builtin::Instance>,
    /// The request bytes of the built-in call in progress (reused: no allocation per call).
    pub builtin_scratch: alloc::vec::Vec<u8>,
    /// The device registry of the built-in `devreg`.
    pub devices: crate::builtin::Devices,
}

/// The kernel state. Code reaches it through `with_kernel`; the vectors
/// hand its address to every exception handler from EL0 (`with_kernel_at`).
pub(crate) static KERNEL: KernelLock = IrqMutex::new(Kernel::new());

/// The lock around the kernel state.
pub type KernelLock = IrqMutex<Kernel>;

/// Runs `f` on the kernel state: the accessor of kernel globals everywhere
/// but the exception entries from EL0, which use `with_kernel_at`.
pub fn with_kernel<R>(f: impl FnOnce(&mut Kernel) -> R) -> R {
    f(&mut KERNEL.lock())
}

/// `with_kernel` for the exception path, where IRQs are masked already, on
/// the lock the vectors name (`KERNEL`, by its address in a register). The
/// compiler cannot see that this is a static, so it reaches every field
/// from that one register instead of forming each field's address anew
/// (docs/benchmarks.md, step 29).
#[inline(always)]
pub fn with_kernel_at<R>(kernel: &KernelLock, f: impl FnOnce(&mut Kernel) -> R) -> R {
    f(&mut kernel.lock_masked())
}

impl Kernel {
    /// An empty kernel: no tasks, no objects, nothing running.
    pub(crate) const fn new() -> Self {
        Self {
            tasks: Arena::new(),
            endpoints: Arena::new(),
            notifications: Arena::new(),
            regions: Arena::new(),
            run: RunQueues::new(),
            current: None,
            timeouts: TimeQueue::new(),
            asids: AsidAllocator::new(),
            quantum: Quantum::new(),
            loaded: None,
            ticks_seen: 0,
            cpu_clock: CpuClock::new(),
            next_pid: 1,
            init: None,
            device_owner: [None; crate::board::DEVICES.len()],
            builtin_device_owner: [None; crate::board::DEVICES.len()],
            irq_bindings: [None; 64],
            builtins: Arena::new(),
            builtin_scratch: alloc::vec::Vec::new(),
            devices: crate::builtin::Devices::new(),
        }
    }

    /// The running task, which every syscall acts for.
    pub fn cur(&mut self) -> &mut Task {
        let id = self.current.expect("a syscall always has a current task");
        self.tasks.get_mut(id).expect("the current task exists")
    }

    /// Makes `t` runnable: queued behind tasks of its priority.
    pub fn wake(&mut self, t: TaskId) {
        self.timeouts.remove(t);
        let Some(task) = self.tasks.get_mut(t) else {
            return;
        };
        task.state = State::Ready;
        let prio = task.priority;
        if self.current != Some(t) && self.run.push_back(prio, t).is_err() {
            crate::pr_crit!("sched: no memory to queue task {}", task.pid);
        }
    }

    /// Wakes `t` with syscall result `result` in its `x0`.
    pub fn wake_with(&mut self, t: TaskId, result: Result<(), abi::Error>) {
        if let Some(task) = self.tasks.get_mut(t) {
            task.ctx.set_result(result);
        }
        self.wake(t);
    }

    /// Blocks the current task in `state`, with a deadline unless `timeout_ns` is FOREVER.
    pub fn block_current(&mut self, state: State, timeout_ns: u64) {
        let id = self.current.expect("only a running task blocks");
        self.cur().state = state;
        if timeout_ns != abi::FOREVER {
            let deadline = crate::platform::monotonic_ns().saturating_add(timeout_ns);
            if self.timeouts.insert(deadline, id).is_err() {
                crate::pr_crit!("sched: no memory for a timeout");
            }
        }
    }

    /// Picks who runs next: the current task if it can and nobody outranks it,
    /// else the highest-priority ready task. `None`: nothing can run.
    pub fn pick_next(&mut self) -> Option<TaskId> {
        let expired = self.quantum.is_expired();
        if let Some(c) = self.current {
            let (runnable, prio) = match self.tasks.get(c) {
                Some(t) => (t.state == State::Ready, t.priority),
                None => (false, 0),
            };
            if runnable {
                let outranked = self.run.highest_ready_priority().is_some_and(|p| p > prio);
                if !outranked && !self.quantum.is_expired() {
                    return Some(c);
                }
                // Preempted: to the back of its queue if its slice ran out, else the front.
                let res = if self.quantum.is_expired() {
                    self.run.push_back(prio, c)
                } else {
                    self.run.push_front(prio, c)
                };
                if res.is_err() {
                    return Some(c);
                }
            }
        }
        let (_, next) = self.run.pop_highest()?;
        if self.current != Some(next) || expired {
            self.quantum.reset();
        }
        self.current = Some(next);
        Some(next)
    }

    /// The CPU goes to `next` (`None`: the kernel idles): charges the outgoing
    /// task its CPU time. Called on every switch to user mode; free when `next` already ran.
    #[inline]
    pub fn account_switch(&mut self, next: Option<TaskId>) {
        if let Some((t, counts)) = self.cpu_clock.switch(next, crate::platform::counter) {
            self.charge_cpu(t, counts);
        }
    }

    /// Charges the task on the CPU its time up to now (the tick; readers of CPU time).
    pub fn account_running(&mut self) {
        if let Some((t, counts)) = self.cpu_clock.take(crate::platform::counter()) {
            self.charge_cpu(t, counts);
        }
    }

    fn charge_cpu(&mut self, t: TaskId, counts: u64) {
        if let Some(task) = self.tasks.get_mut(t) {
            task.cpu_counts += counts;
        }
    }

    /// Accounts for timer ticks since the last call: CPU time, time slices and expired timeouts.
    #[inline]
    pub fn account_ticks(&mut self) {
        if self.ticks_seen != crate::platform::ticks() {
            self.account_new_ticks();
        }
    }

    /// The timer ticked since the last look: charge the ticks and expire deadlines.
    fn account_new_ticks(&mut self) {
        let now_ticks = crate::platform::ticks();
        while self.ticks_seen < now_ticks {
            self.ticks_seen += 1;
            if self.current.is_some() {
                self.quantum.on_tick();
            }
        }
        self.account_running();
        if self.timeouts.is_empty() {
            return;
        }
        let now_ns = crate::platform::monotonic_ns();
        while let Some(t) = self.timeouts.pop_expired(now_ns) {
            self.expire(t);
        }
    }

    /// Signals the notifications of device lines that fired (their lines stay
    /// masked until the driver's `irq_ack`).
    pub fn deliver_irqs(&mut self) {
        let mut fired = crate::platform::take_fired_irqs();
        while fired != 0 {
            let line = fired.trailing_zeros();
            fired &= fired - 1;
            if self.builtin_irq(line) {
                crate::platform::ack_irq(line); // served in the kernel already
                continue;
            }
            let Some(b) = self.irq_bindings[line as usize] else {
                continue;
            };
            let _ = self.signal_bits(b.ntfn, b.bit); // a gone notification: nobody to tell
        }
    }

    /// A deadline passed: a sleeper wakes normally, a waiter with `TimedOut`.
    fn expire(&mut self, t: TaskId) {
        let Some(state) = self.tasks.get(t).map(|task| task.state) else {
            return;
        };
        match state {
            State::Sleeping => self.wake_with(t, Ok(())),
            State::Sending { ep, .. } | State::Receiving { ep } => {
                if let Some(e) = self.endpoints.get_mut(ep) {
                    e.senders.retain(|&x| x != t);
                    e.receivers.retain(|&x| x != t);
                }
                self.wake_with(t, Err(abi::Error::TimedOut));
            }
            State::Waiting { ntfn } => {
                if let Some(n) = self.notifications.get_mut(ntfn) {
                    n.waiters.retain(|&x| x != t);
                }
                self.wake_with(t, Err(abi::Error::TimedOut));
            }
            State::AwaitingReply { server } => {
                if let Some(s) = self.tasks.get_mut(server) {
                    if s.reply_to == Some(t) {
                        s.reply_to = None;
                    }
                }
                self.wake_with(t, Err(abi::Error::TimedOut));
            }
            State::InKernel { .. } => {
                if let Some(task) = self.tasks.get_mut(t) {
                    task.ctx.pc += 4; // past the `svc` it would have run again
                }
                self.wake_with(t, Err(abi::Error::TimedOut));
            }
            State::Ready | State::Zombie => {}
        }
    }

    /// Live tasks (zombies included).
    pub fn task_count(&self) -> usize {
        self.tasks.len()
    }

    /// Looks up a task by pid.
    pub fn find_pid(&self, pid: u64) -> Option<Id> {
        self.tasks
            .iter()
            .find(|(_, t)| t.pid == pid)
            .map(|(id, _)| id)
    }
}

#[cfg(test)]
#[path = "kstate_tests.rs"]
mod tests;
