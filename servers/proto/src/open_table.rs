//! `OpenTable`: a server's open files (`filp->private_data`), by fd, per client, generation-tagged.
//!
//! A server keeps one table. `Open` puts the per-open state in and hands the
//! client an fd; every later request names that fd, and the table checks it
//! belongs to the calling client (its badge) and is still open. `count` is
//! the use count `rmmod` checks: a server with open fds is in use.
//!
//! # fd layout
//!
//! An fd is `generation << 12 | (slot + 1)`: the low 12 bits are never 0,
//! so no fd is 0, and the first fds of a fresh table are 1, 2, 3. Each
//! release bumps the slot's 20-bit generation, so a stale fd (closed, maybe
//! reused) is `EBADF` until the generation wraps after 2^20 reuses of one slot.

extern crate alloc;

use crate::Errno;
use alloc::vec::Vec;

/// Bits of an fd that name the slot (plus one).
const SLOT_BITS: u32 = 12;
/// Mask of those bits.
const SLOT_MASK: u32 = (1 << SLOT_BITS) - 1;
/// Generations wrap at this many (20 bits).
const GENERATIONS: u32 = 1 << (32 - SLOT_BITS);

/// Most fds one table can hold (the slot field's range).
pub const MAX_OPEN: usize = SLOT_MASK as usize;

/// One slot: its generation and, while open, the owner's badge and the state.
#[derive(Debug)]
struct Slot<T> {
    /// Bumped at each release; always below [`GENERATIONS`].
    generation: u32,
    /// `(client badge, state)` while the fd is open.
    open: Option<(u64, T)>,
}

/// The open files of one server: fd -> (client badge, per-open state `T`).
#[derive(Debug)]
pub struct OpenTable<T> {
    /// Grows up to `max_open` slots; a released slot is reused (lowest first).
    slots: Vec<Slot<T>>,
    /// Most fds open at once (at most [`MAX_OPEN`]).
    max_open: usize,
    /// Open slots: kept equal to the number of `Some` in `slots`.
    count: usize,
}

impl<T> OpenTable<T> {
    /// An empty table that holds at most `max_open` fds (clamped to [`MAX_OPEN`]).
    pub const fn new(max_open: usize) -> Self {
        let max_open = if max_open > MAX_OPEN {
            MAX_OPEN
        } else {
            max_open
        };
        OpenTable {
            slots: Vec::new(),
            max_open,
            count: 0,
        }
    }

    /// The limit given at creation.
    pub const fn max_open(&self) -> usize {
        self.max_open
    }

    /// Opens `state` for client `badge`: the new fd, or `EMFILE` if the table is full.
    pub fn open(&mut self, badge: u64, state: T) -> Result<u32, Errno> {
        let slot = match self.slots.iter().position(|s| s.open.is_none()) {
            Some(index) => index,
            None if self.slots.len() < self.max_open => {
                self.slots.push(Slot {
                    generation: 0,
                    open: None,
                });
                self.slots.len() - 1
            }
            None => return Err(Errno::TooManyOpen),
        };
        let entry = self.slots.get_mut(slot).ok_or(Errno::TooManyOpen)?;
        entry.open = Some((badge, state));
        self.count += 1;
        debug_assert!(self.count <= self.max_open && slot < MAX_OPEN);
        Ok(entry.generation << SLOT_BITS | (slot as u32 + 1))
    }

    /// The slot index an fd names, if its generation is the slot's current one and it is open.
    fn index_of(&self, fd: u32) -> Option<usize> {
        let index = ((fd & SLOT_MASK) as usize).checked_sub(1)?;
        let slot = self.slots.get(index)?;
        (slot.generation == fd >> SLOT_BITS && slot.open.is_some()).then_some(index)
    }

    /// The state of `fd` if client `badge` opened it; `EBADF` otherwise.
    pub fn get(&self, fd: u32, badge: u64) -> Result<&T, Errno> {
        let index = self.index_of(fd).ok_or(Errno::BadFd)?;
        match self.slots.get(index).and_then(|s| s.open.as_ref()) {
            Some((owner, state)) if *owner == badge => Ok(state),
            _ => Err(Errno::BadFd),
        }
    }

    /// The state of `fd`, mutable, if client `badge` opened it; `EBADF` otherwise.
    pub fn get_mut(&mut self, fd: u32, badge: u64) -> Result<&mut T, Errno> {
        let index = self.index_of(fd).ok_or(Errno::BadFd)?;
        match self.slots.get_mut(index).and_then(|s| s.open.as_mut()) {
            Some((owner, state)) if *owner == badge => Ok(state),
            _ => Err(Errno::BadFd),
        }
    }

    /// Closes `fd` of client `badge` and returns its state; `EBADF` if it is not theirs or not open.
    pub fn release(&mut self, fd: u32, badge: u64) -> Result<T, Errno> {
        self.get(fd, badge)?;
        let index = self.index_of(fd).ok_or(Errno::BadFd)?;
        self.take(index).ok_or(Errno::BadFd)
    }

    /// Closes every fd of client `badge` (it died or went away): their fds and states.
    pub fn release_all(&mut self, badge: u64) -> Vec<(u32, T)> {
        let mut released = Vec::new();
        for index in 0..self.slots.len() {
            let Some(slot) = self.slots.get(index) else {
                break;
            };
            if matches!(slot.open, Some((owner, _)) if owner == badge) {
                let fd = slot.generation << SLOT_BITS | (index as u32 + 1);
                if let Some(state) = self.take(index) {
                    released.push((fd, state));
                }
            }
        }
        released
    }

    /// Empties slot `index` and starts its next generation.
    fn take(&mut self, index: usize) -> Option<T> {
        let slot = self.slots.get_mut(index)?;
        let (_, state) = slot.open.take()?;
        slot.generation = (slot.generation + 1) % GENERATIONS;
        self.count -= 1;
        Some(state)
    }

    /// Open fds, all clients: the server's use count.
    pub const fn count(&self) -> usize {
        self.count
    }

    /// Open fds of client `badge`.
    pub fn count_by(&self, badge: u64) -> usize {
        self.iter().filter(|&(_, owner, _)| owner == badge).count()
    }

    /// The use count a module manager shows: (open fds, distinct clients).
    /// No allocation: quadratic in the open fds, which the table bounds.
    pub fn usage(&self) -> (u64, u64) {
        let mut fds = 0;
        let mut clients = 0;
        for (i, (_, badge, _)) in self.iter().enumerate() {
            fds += 1;
            if !self.iter().take(i).any(|(_, earlier, _)| earlier == badge) {
                clients += 1;
            }
        }
        debug_assert!(clients <= fds && fds == self.count as u64);
        (fds, clients)
    }

    /// Whether no fd is open.
    pub const fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Every open fd as `(fd, client badge, state)`, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, u64, &T)> + '_ {
        self.slots.iter().enumerate().filter_map(|(index, slot)| {
            let (badge, state) = slot.open.as_ref()?;
            Some((
                slot.generation << SLOT_BITS | (index as u32 + 1),
                *badge,
                state,
            ))
        })
    }

    /// Every open fd as `(fd, client badge, state)`, states mutable.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (u32, u64, &mut T)> + '_ {
        self.slots
            .iter_mut()
            .enumerate()
            .filter_map(|(index, slot)| {
                let generation = slot.generation;
                let (badge, state) = slot.open.as_mut()?;
                Some((generation << SLOT_BITS | (index as u32 + 1), *badge, state))
            })
    }
}

#[cfg(test)]
mod tests;
