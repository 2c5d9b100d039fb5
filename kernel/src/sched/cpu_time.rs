//! CPU-time accounting: which task the system counter is charging, and since when.
//!
//! The kernel calls [`CpuClock::switch`] whenever it hands the CPU to a task
//! (or to nobody, when it idles) and [`CpuClock::take`] on the timer tick; each
//! returns the counter periods the outgoing or running task used, for the
//! caller to add to that task. Switching to the task already charged reads no
//! counter, so a syscall that returns to its caller costs nothing here.

/// Charges elapsed system-counter periods ("counts") to one task at a time.
///
/// Invariant: `since_counts` is the counter value from which `charged` has not
/// been charged yet (meaningless while `charged` is `None`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CpuClock<T> {
    charged: Option<T>,
    since_counts: u64,
}

impl<T: Copy + Eq> CpuClock<T> {
    /// Charges nobody (the kernel has not run a task yet).
    pub const fn new() -> Self {
        Self {
            charged: None,
            since_counts: 0,
        }
    }

    /// The task being charged now.
    pub fn charged(&self) -> Option<T> {
        self.charged
    }

    /// The CPU goes to `next` (`None`: idle). Returns the task that had it and
    /// the counts it used since last charged; reads `now_counts` only if the task changes.
    pub fn switch(
        &mut self,
        next: Option<T>,
        now_counts: impl FnOnce() -> u64,
    ) -> Option<(T, u64)> {
        if self.charged == next {
            return None;
        }
        let now = now_counts();
        let outgoing = self
            .charged
            .map(|t| (t, now.wrapping_sub(self.since_counts)));
        self.charged = next;
        self.since_counts = now;
        outgoing
    }

    /// The CPU goes straight from the charged task to `to` (the IPC fast
    /// path, which checked whom the clock charges first): returns the counts
    /// the charged task used up to `now_counts`.
    #[inline(always)]
    pub fn pass_to(&mut self, to: T, now_counts: u64) -> u64 {
        debug_assert!(self.charged.is_some(), "passing on with nobody charged");
        let used = now_counts.wrapping_sub(self.since_counts);
        self.charged = Some(to);
        self.since_counts = now_counts;
        used
    }

    /// The charged task and the counts it used since last charged, up to
    /// `now_counts`; it goes on being charged from there (the tick, a reader).
    pub fn take(&mut self, now_counts: u64) -> Option<(T, u64)> {
        let t = self.charged?;
        let used = now_counts.wrapping_sub(self.since_counts);
        self.since_counts = now_counts;
        Some((t, used))
    }
}

impl<T: Copy + Eq> Default for CpuClock<T> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::cell::Cell;

    #[test]
    fn the_outgoing_task_gets_the_time_since_it_was_switched_to() {
        let mut clock = CpuClock::new();
        assert_eq!(clock.switch(Some(1), || 100), None, "nobody ran before");
        assert_eq!(clock.switch(Some(2), || 130), Some((1, 30)));
        assert_eq!(clock.switch(None, || 200), Some((2, 70)));
        assert_eq!(clock.charged(), None);
        assert_eq!(clock.switch(Some(1), || 500), None, "idle time is nobody's");
        assert_eq!(clock.switch(Some(2), || 510), Some((1, 10)));
    }

    #[test]
    fn staying_with_the_same_task_reads_no_counter() {
        let mut clock = CpuClock::new();
        clock.switch(Some(7), || 10);
        let reads = Cell::new(0);
        let now = || {
            reads.set(reads.get() + 1);
            99
        };
        assert_eq!(clock.switch(Some(7), now), None);
        assert_eq!(reads.get(), 0);
        assert_eq!(clock.switch(None, || 40), Some((7, 30)));
        assert_eq!(clock.switch(None, || panic!("idle to idle")), None);
    }

    #[test]
    fn the_tick_charges_the_running_task_and_keeps_charging_it() {
        let mut clock = CpuClock::new();
        assert_eq!(clock.take(5), None, "nobody to charge");
        clock.switch(Some(3), || 10);
        assert_eq!(clock.take(25), Some((3, 15)));
        assert_eq!(clock.take(40), Some((3, 15)));
        assert_eq!(
            clock.switch(Some(4), || 41),
            Some((3, 1)),
            "only what is left"
        );
        assert_eq!(clock.charged(), Some(4));
    }

    #[test]
    fn passing_on_charges_the_running_task_and_starts_charging_the_next() {
        let mut clock = CpuClock::new();
        clock.switch(Some(1), || 100);
        assert_eq!(clock.pass_to(2, 160), 60);
        assert_eq!(clock.charged(), Some(2));
        assert_eq!(clock.switch(Some(1), || 175), Some((2, 15)));
    }

    #[test]
    fn a_wrapping_counter_still_gives_the_elapsed_counts() {
        let mut clock = CpuClock::new();
        clock.switch(Some(1), || u64::MAX - 4);
        assert_eq!(clock.take(5), Some((1, 10)));
    }
}
