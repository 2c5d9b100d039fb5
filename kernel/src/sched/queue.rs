//! Run queues for preemptive priority round-robin, and the time-slice rule.
//!
//! There are [`NUM_PRIORITIES`] levels: 0 is the lowest, 31 the highest. The scheduler
//! always runs the front thread of the highest non-empty level; threads of one level take
//! turns, each for at most [`TIMESLICE_TICKS`] timer ticks. A bitmap of non-empty levels
//! makes "highest ready priority" one count-leading-zeros.

use alloc::collections::VecDeque;
use core::fmt;

/// Priority levels: `0` (lowest, e.g. the idle thread) to `NUM_PRIORITIES - 1` (highest).
pub const NUM_PRIORITIES: usize = 32;

/// Ticks a thread may run before others of its priority get a turn: 5 ticks at the
/// kernel's 100 Hz tick (`time::HZ`) is 50 ms.
pub const TIMESLICE_TICKS: u32 = 5;

/// Why a run-queue operation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunQueueError {
    /// The priority is `NUM_PRIORITIES` or more.
    InvalidPriority(u8),
    /// The queue of that priority could not grow.
    OutOfMemory,
}

impl fmt::Display for RunQueueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunQueueError::InvalidPriority(p) => {
                write!(f, "priority {p} out of range (0..{NUM_PRIORITIES})")
            }
            RunQueueError::OutOfMemory => f.write_str("out of memory for the run queue"),
        }
    }
}

/// Ready threads (`T` is a thread id), one FIFO per priority.
///
/// Invariants: bit `p` of `nonempty` is set exactly when `queues[p]` is non-empty;
/// `len` is the sum of the queue lengths; a thread is queued at most once (the caller's
/// promise, checked by `debug_assert!`).
pub struct RunQueues<T> {
    queues: [VecDeque<T>; NUM_PRIORITIES],
    /// Bit `p` set: priority `p` has a ready thread.
    nonempty: u32,
    len: usize,
}

impl<T: Copy + Eq> RunQueues<T> {
    /// Empty queues; allocates nothing until the first push, and is `const` for a `static`.
    pub const fn new() -> Self {
        Self {
            queues: [const { VecDeque::new() }; NUM_PRIORITIES],
            nonempty: 0,
            len: 0,
        }
    }

    /// The queue of `prio`, checked.
    fn queue_mut(&mut self, prio: u8) -> Result<&mut VecDeque<T>, RunQueueError> {
        self.queues
            .get_mut(usize::from(prio))
            .ok_or(RunQueueError::InvalidPriority(prio))
    }

    /// Makes room for `threads` threads in all at `prio`, so pushes there
    /// allocate nothing and cannot fail for lack of memory while at most
    /// that many are queued. The kernel calls it when it creates a thread,
    /// with the number of threads there are then.
    pub fn make_room(&mut self, prio: u8, threads: usize) -> Result<(), RunQueueError> {
        let queue = self.queue_mut(prio)?;
        queue
            .try_reserve(threads.saturating_sub(queue.len()))
            .map_err(|_| RunQueueError::OutOfMemory)
    }

    /// Threads `prio` has room for without allocating.
    #[cfg(test)]
    pub fn room_at(&self, prio: u8) -> usize {
        self.queues
            .get(usize::from(prio))
            .map_or(0, VecDeque::capacity)
    }

    /// Queues `t` behind the others of `prio` (a thread that became ready or used up its slice).
    pub fn push_back(&mut self, prio: u8, t: T) -> Result<(), RunQueueError> {
        self.push(prio, t, false)
    }

    /// Queues `t` ahead of the others of `prio` (a preempted thread with time left).
    pub fn push_front(&mut self, prio: u8, t: T) -> Result<(), RunQueueError> {
        self.push(prio, t, true)
    }

    fn push(&mut self, prio: u8, t: T, front: bool) -> Result<(), RunQueueError> {
        debug_assert!(!self.contains(t), "thread queued twice");
        let queue = self.queue_mut(prio)?;
        queue
            .try_reserve(1)
            .map_err(|_| RunQueueError::OutOfMemory)?;
        if front {
            queue.push_front(t);
        } else {
            queue.push_back(t);
        }
        self.nonempty |= 1 << prio;
        self.len += 1;
        Ok(())
    }

    /// Takes the front thread of the highest non-empty priority, with that priority.
    pub fn pop_highest(&mut self) -> Option<(u8, T)> {
        let prio = self.highest_ready_priority()?;
        let queue = &mut self.queues[usize::from(prio)];
        let t = queue.pop_front();
        debug_assert!(t.is_some(), "bitmap names an empty queue");
        if queue.is_empty() {
            self.nonempty &= !(1 << prio);
        }
        self.len -= 1;
        t.map(|t| (prio, t))
    }

    /// Takes `t` out of whichever queue holds it (it blocked or died); false if not queued.
    pub fn remove(&mut self, t: T) -> bool {
        let mut bits = self.nonempty;
        while bits != 0 {
            let prio = bits.trailing_zeros();
            bits &= bits - 1;
            let queue = &mut self.queues[prio as usize];
            if let Some(pos) = queue.iter().position(|&q| q == t) {
                queue.remove(pos);
                if queue.is_empty() {
                    self.nonempty &= !(1 << prio);
                }
                self.len -= 1;
                return true;
            }
        }
        false
    }

    /// Whether `t` is queued at any priority.
    pub fn contains(&self, t: T) -> bool {
        self.queues.iter().any(|q| q.contains(&t))
    }

    /// The highest priority with a ready thread, in O(1).
    pub fn highest_ready_priority(&self) -> Option<u8> {
        match self.nonempty {
            0 => None,
            bits => Some((31 - bits.leading_zeros()) as u8),
        }
    }

    /// Whether no thread is ready.
    pub fn is_empty(&self) -> bool {
        debug_assert_eq!(self.len == 0, self.nonempty == 0);
        self.len == 0
    }

    /// Ready threads at all priorities.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Ready threads at `prio` (0 for an invalid priority).
    pub fn len_at(&self, prio: u8) -> usize {
        self.queues.get(usize::from(prio)).map_or(0, VecDeque::len)
    }
}

impl<T: Copy + Eq> Default for RunQueues<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// The running thread's time slice, counted in timer ticks.
///
/// Invariant: `ticks_left <= TIMESLICE_TICKS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quantum {
    ticks_left: u32,
}

impl Quantum {
    /// A full slice of [`TIMESLICE_TICKS`].
    pub const fn new() -> Self {
        Self {
            ticks_left: TIMESLICE_TICKS,
        }
    }

    /// Counts one timer tick; true when the slice is used up (and on every tick after).
    pub fn on_tick(&mut self) -> bool {
        self.ticks_left = self.ticks_left.saturating_sub(1);
        self.ticks_left == 0
    }

    /// Refills the slice (the thread goes to the back of its queue, or a new thread runs).
    pub fn reset(&mut self) {
        self.ticks_left = TIMESLICE_TICKS;
    }

    /// Ticks left before the slice expires.
    pub const fn ticks_left(&self) -> u32 {
        self.ticks_left
    }

    /// Whether the slice is used up.
    pub const fn is_expired(&self) -> bool {
        self.ticks_left == 0
    }
}

impl Default for Quantum {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
#[path = "queue_tests.rs"]
mod tests;
