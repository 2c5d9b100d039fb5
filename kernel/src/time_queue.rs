//! The timeout queue: things (sleeping threads, IPC timeouts) waiting for a deadline in nanoseconds.
//!
//! A sorted `Vec`, latest deadline first, so the earliest entry is at the end: popping is
//! O(1) and inserting or removing is a shift of tens of entries, the expected size. Equal
//! deadlines come out in insertion order.

use alloc::vec::Vec;
use core::fmt;

/// Why a time-queue operation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeQueueError {
    /// The queue could not grow.
    OutOfMemory,
}

impl fmt::Display for TimeQueueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeQueueError::OutOfMemory => f.write_str("out of memory for the time queue"),
        }
    }
}

/// One waiting entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry<T> {
    deadline_ns: u64,
    item: T,
}

/// Items waiting for deadlines (`T` is a thread id or a timer id).
///
/// Invariants: `entries` is sorted by `deadline_ns`, non-increasing, and among equal
/// deadlines the earlier-inserted entry sits nearer the end; an item is queued at most
/// once (the caller's promise, checked by `debug_assert!`).
pub struct TimeQueue<T> {
    entries: Vec<Entry<T>>,
}

impl<T: Copy + Eq> TimeQueue<T> {
    /// An empty queue; allocates nothing until the first insert, and is `const` for a `static`.
    pub const fn new() -> Self {
        Self {
            entries: Vec::new(),
        }
    }

    /// Makes room for `additional` more entries, so later inserts cannot fail for lack of memory.
    pub fn reserve(&mut self, additional: usize) -> Result<(), TimeQueueError> {
        self.entries
            .try_reserve(additional)
            .map_err(|_| TimeQueueError::OutOfMemory)
    }

    /// Queues `item` to expire at `deadline_ns` (after everything already due by then).
    pub fn insert(&mut self, deadline_ns: u64, item: T) -> Result<(), TimeQueueError> {
        debug_assert!(!self.contains(item), "item queued twice");
        self.reserve(1)?;
        // Later deadlines stay in front; equal ones already queued stay nearer the end.
        let pos = self
            .entries
            .partition_point(|e| e.deadline_ns > deadline_ns);
        self.entries.insert(pos, Entry { deadline_ns, item });
        debug_assert!(self.is_sorted());
        Ok(())
    }

    /// Takes `item` out (it woke for another reason or died); false if it was not queued.
    pub fn remove(&mut self, item: T) -> bool {
        match self.entries.iter().rposition(|e| e.item == item) {
            Some(pos) => {
                self.entries.remove(pos);
                true
            }
            None => false,
        }
    }

    /// Takes the earliest item whose deadline is at or before `now_ns`; call until `None`.
    pub fn pop_expired(&mut self, now_ns: u64) -> Option<T> {
        match self.entries.last() {
            Some(e) if e.deadline_ns <= now_ns => self.entries.pop().map(|e| e.item),
            _ => None,
        }
    }

    /// The earliest deadline, to program the timer with.
    pub fn next_deadline(&self) -> Option<u64> {
        self.entries.last().map(|e| e.deadline_ns)
    }

    /// Whether `item` is queued.
    pub fn contains(&self, item: T) -> bool {
        // The emptiness test first: the IPC fast path asks this of an
        // almost always empty queue, and it is then one load and a branch.
        !self.entries.is_empty() && self.entries.iter().any(|e| e.item == item)
    }

    /// Items queued.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn is_sorted(&self) -> bool {
        self.entries
            .windows(2)
            .all(|w| w[0].deadline_ns >= w[1].deadline_ns)
    }
}

impl<T: Copy + Eq> Default for TimeQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
#[path = "time_queue_tests.rs"]
mod tests;
