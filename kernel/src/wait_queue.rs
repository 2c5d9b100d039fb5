//! A FIFO of waiting tasks whose first place is a plain field: an endpoint's queue is almost always empty or one task long, and the IPC fast path touches only that place.

use alloc::collections::vec_deque::{self, VecDeque};
use alloc::collections::TryReserveError;

/// Tasks (or anything `Copy`) waiting in arrival order.
///
/// Invariant: `rest` is non-empty only while `first` is occupied; `first`
/// is the oldest entry, then `rest` front to back.
#[derive(Clone, Debug)]
pub struct WaitQueue<T> {
    first: Option<T>,
    rest: VecDeque<T>,
}

impl<T: Copy + PartialEq> WaitQueue<T> {
    /// An empty queue (no allocation).
    pub const fn new() -> Self {
        Self {
            first: None,
            rest: VecDeque::new(),
        }
    }

    /// The oldest entry.
    #[inline(always)]
    pub fn front(&self) -> Option<&T> {
        self.first.as_ref()
    }

    /// Whether nobody waits.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.first.is_none()
    }

    /// How many wait.
    pub fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.rest.len()
    }

    /// Takes the oldest entry out.
    #[inline(always)]
    pub fn pop_front(&mut self) -> Option<T> {
        let taken = self.first.take()?;
        if !self.rest.is_empty() {
            self.first = self.rest.pop_front();
        }
        Some(taken)
    }

    /// Makes `x` the only entry of an empty queue (the fast path's push: no
    /// allocation, no call). Returns false, changing nothing, if it was not empty.
    #[inline(always)]
    pub fn push_into_empty(&mut self, x: T) -> bool {
        if self.first.is_some() {
            return false;
        }
        debug_assert!(self.rest.is_empty());
        self.first = Some(x);
        true
    }

    /// Makes sure `additional` more entries fit without allocating.
    pub fn try_reserve(&mut self, additional: usize) -> Result<(), TryReserveError> {
        // The first place is free room for one entry.
        let needed = additional.saturating_sub(usize::from(self.first.is_none()));
        self.rest.try_reserve(needed)
    }

    /// Adds `x` at the back (allocates if `try_reserve` did not make room).
    pub fn push_back(&mut self, x: T) {
        if !self.push_into_empty(x) {
            self.rest.push_back(x);
        }
    }

    /// Keeps the entries for which `keep` is true, in order. Allocates
    /// nothing (teardown and timeouts call it, and must not fail).
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        let keep_first = self.first.as_ref().is_some_and(&mut keep);
        self.rest.retain(|x| keep(x));
        if !keep_first {
            self.first = self.rest.pop_front();
        }
    }

    /// The entries, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.first.iter().chain(self.rest.iter())
    }
}

impl<T> Default for WaitQueue<T> {
    fn default() -> Self {
        Self {
            first: None,
            rest: VecDeque::new(),
        }
    }
}

impl<T> IntoIterator for WaitQueue<T> {
    type Item = T;
    type IntoIter = core::iter::Chain<core::option::IntoIter<T>, vec_deque::IntoIter<T>>;

    fn into_iter(self) -> Self::IntoIter {
        self.first.into_iter().chain(self.rest)
    }
}

impl<T: Copy + PartialEq, const N: usize> PartialEq<[T; N]> for WaitQueue<T> {
    fn eq(&self, other: &[T; N]) -> bool {
        self.len() == N && self.iter().zip(other).all(|(a, b)| a == b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn items(q: &WaitQueue<u32>) -> Vec<u32> {
        q.iter().copied().collect()
    }

    #[test]
    fn first_in_first_out_across_the_first_place_and_the_rest() {
        let mut q = WaitQueue::new();
        assert!(q.is_empty() && q.front().is_none() && q.pop_front().is_none());
        for x in 1..=4 {
            q.push_back(x);
        }
        assert_eq!((q.len(), q.front()), (4, Some(&1)));
        assert_eq!(q.pop_front(), Some(1));
        assert_eq!(items(&q), [2, 3, 4]);
        q.push_back(5);
        assert_eq!(q, [2, 3, 4, 5]);
        let drained: Vec<u32> = core::iter::from_fn(|| q.pop_front()).collect();
        assert_eq!(drained, [2, 3, 4, 5]);
        assert!(q.is_empty());
    }

    #[test]
    fn push_into_empty_fills_only_an_empty_queue() {
        let mut q = WaitQueue::new();
        assert!(q.push_into_empty(7));
        assert!(!q.push_into_empty(8), "a second entry needs push_back");
        assert_eq!(q, [7]);
    }

    #[test]
    fn retain_keeps_order_and_refills_the_first_place() {
        let mut q = WaitQueue::new();
        for x in [1, 2, 3, 4, 5] {
            q.push_back(x);
        }
        q.retain(|&x| x % 2 == 0);
        assert_eq!(q, [2, 4]);
        assert_eq!(q.front(), Some(&2));
        q.retain(|_| false);
        assert!(q.is_empty());
        assert_eq!(q.len(), 0, "len agrees with is_empty");
        q.push_back(9);
        assert_eq!(q.into_iter().collect::<Vec<_>>(), [9]);
    }

    #[test]
    fn retain_allocates_nothing() {
        let mut q = WaitQueue::new();
        q.push_back(1);
        q.retain(|_| true);
        q.retain(|&x| x != 1);
        assert_eq!(q.rest.capacity(), 0, "a one-entry queue has no heap part");
        for x in [2, 3, 4] {
            q.push_back(x);
        }
        let capacity = q.rest.capacity();
        q.retain(|&x| x != 2);
        assert_eq!(q, [3, 4]);
        assert_eq!(q.rest.capacity(), capacity);
    }

    #[test]
    fn reserving_counts_the_free_first_place() {
        let mut q: WaitQueue<u32> = WaitQueue::new();
        q.try_reserve(1).unwrap();
        q.push_back(1);
        q.try_reserve(3).unwrap();
        q.push_back(2);
        q.push_back(3);
        assert_eq!(q, [1, 2, 3]);
    }
}
