//! A task's capability (handle) table: slots of object + rights + badge, named by generation-checked handles.
//!
//! User space names kernel objects by `u32` handle numbers. A handle packs the slot
//! index and the slot's generation, so a handle kept after `remove` is rejected even
//! once its slot holds a new object:
//!
//! ```text
//!  31                      12 11          0
//! +--------------------------+-------------+
//! | generation (20 bits)     | index + 1   |
//! +--------------------------+-------------+
//! ```
//!
//! The low 12 bits are never 0, so the number 0 is never a handle and can mean "none";
//! a table has at most [`MAX_SLOTS_LIMIT`] (4095) slots. A slot's generation grows by one
//! on every `remove` and wraps after 2^20 reuses: only then could a stale number name a
//! new object, and only in that one slot.

use alloc::vec::Vec;
use core::fmt;

/// What a capability allows; defined in the ABI, where user space sees the same bits.
pub use abi::Rights;

/// Bits of a handle number that hold `slot index + 1`.
pub const INDEX_BITS: u32 = 12;
/// Bits of a handle number that hold the slot's generation.
pub const GENERATION_BITS: u32 = 32 - INDEX_BITS;
/// Most slots any table can have: the index field holds `index + 1`, which must not be 0.
pub const MAX_SLOTS_LIMIT: usize = (1 << INDEX_BITS) - 1;
/// Slots of a task's table unless the type says otherwise.
pub const DEFAULT_SLOTS: usize = 256;

const INDEX_MASK: u32 = (1 << INDEX_BITS) - 1;
const GENERATION_MASK: u32 = (1 << GENERATION_BITS) - 1;

/// One capability: the object it names, what it allows, and the badge receivers see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cap<O> {
    /// The kernel object it names (cloned by `duplicate`).
    pub object: O,
    /// What the holder may do with it.
    pub rights: Rights,
    /// A word the kernel delivers with each message sent through this cap; 0 means unbadged.
    pub badge: u64,
}

impl<O> Cap<O> {
    /// An unbadged capability.
    pub const fn new(object: O, rights: Rights) -> Self {
        Self {
            object,
            rights,
            badge: 0,
        }
    }
}

/// A handle number as user space sees it; 0 is never valid (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Handle(u32);

impl Handle {
    /// The "no handle" number.
    pub const NONE: Handle = Handle(0);

    /// A handle from a number user space passed in; it is checked on every lookup.
    pub const fn from_raw(raw: u32) -> Handle {
        Handle(raw)
    }

    /// The number to give to user space.
    pub const fn raw(self) -> u32 {
        self.0
    }

    const fn new(index: usize, generation: u32) -> Handle {
        Handle((generation & GENERATION_MASK) << INDEX_BITS | (index as u32 + 1))
    }

    /// The slot index; `usize::MAX` (no slot) for a number with index field 0,
    /// so the table's bound check refuses it with no test of its own.
    const fn index(self) -> usize {
        ((self.0 & INDEX_MASK) as usize).wrapping_sub(1)
    }

    const fn generation(self) -> u32 {
        self.0 >> INDEX_BITS
    }
}

/// Why a handle-table operation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CapError {
    /// The number names no live capability (0, out of range, freed, or stale).
    InvalidHandle,
    /// The capability lacks a right the operation needs.
    NoRights,
    /// Every slot of the table is in use.
    TableFull,
    /// A badge can only be put on an unbadged capability.
    AlreadyBadged,
    /// The table could not grow.
    OutOfMemory,
}

impl fmt::Display for CapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CapError::InvalidHandle => "invalid handle",
            CapError::NoRights => "handle lacks the needed rights",
            CapError::TableFull => "handle table full",
            CapError::AlreadyBadged => "capability already badged",
            CapError::OutOfMemory => "out of memory for the handle table",
        })
    }
}

/// One slot: a live capability, or a link in the free list.
///
/// Aligned to 64 bytes, so a slot's size is a power of two (64 for a
/// kernel object's capability, checked in `object.rs`) and finding slot `i`
/// is a shift, not a multiply: the IPC fast path looks up a handle in each
/// direction (docs/benchmarks.md, step 34).
#[repr(align(64))]
struct Slot<O> {
    /// The generation a handle to this slot must carry (used) or will carry (free).
    generation: u32,
    cap: Option<Cap<O>>,
    /// Next free slot index while this one is free, forming a LIFO list.
    next_free: Option<u16>,
}

/// A task's handles: at most `MAX_SLOTS` capabilities, each named by a [`Handle`].
///
/// Invariants: `slots.len() <= MAX_SLOTS <= MAX_SLOTS_LIMIT`; the free list links exactly
/// the slots with no cap, each once; `used` counts the slots with a cap. Slots grow on demand.
pub struct HandleTable<O, const MAX_SLOTS: usize = DEFAULT_SLOTS> {
    slots: Vec<Slot<O>>,
    /// Head of the free list (most recently freed slot first).
    free_head: Option<u16>,
    used: usize,
}

/// Bytes of one slot of a table of `O`s.
pub const fn slot_size<O>() -> usize {
    core::mem::size_of::<Slot<O>>()
}

impl<O, const MAX_SLOTS: usize> HandleTable<O, MAX_SLOTS> {
    /// An empty table; allocates nothing until the first insert.
    pub const fn new() -> Self {
        const { assert!(MAX_SLOTS >= 1 && MAX_SLOTS <= MAX_SLOTS_LIMIT) };
        Self {
            slots: Vec::new(),
            free_head: None,
            used: 0,
        }
    }

    /// Live capabilities in the table.
    pub fn len(&self) -> usize {
        self.used
    }

    /// Whether the table holds no capability.
    pub fn is_empty(&self) -> bool {
        self.used == 0
    }

    /// Most capabilities the table can hold.
    pub const fn capacity(&self) -> usize {
        MAX_SLOTS
    }

    /// Stores `cap` in a free slot and returns its new handle.
    pub fn insert(&mut self, cap: Cap<O>) -> Result<Handle, CapError> {
        let index = match self.free_head {
            Some(index) => usize::from(index),
            None if self.slots.len() >= MAX_SLOTS => return Err(CapError::TableFull),
            None => {
                self.slots
                    .try_reserve(1)
                    .map_err(|_| CapError::OutOfMemory)?;
                self.slots.push(Slot {
                    generation: 0,
                    cap: None,
                    next_free: None,
                });
                self.slots.len() - 1
            }
        };
        let slot = &mut self.slots[index];
        debug_assert!(slot.cap.is_none(), "free list names a used slot");
        self.free_head = slot.next_free.take();
        slot.cap = Some(cap);
        self.used += 1;
        Ok(Handle::new(index, slot.generation))
    }

    /// The slot index `h` names, if it names a live capability.
    fn live_index(&self, h: Handle) -> Result<usize, CapError> {
        let index = h.index();
        match self.slots.get(index) {
            Some(slot) if slot.cap.is_some() && slot.generation == h.generation() => Ok(index),
            _ => Err(CapError::InvalidHandle),
        }
    }

    /// The capability `h` names.
    pub fn get(&self, h: Handle) -> Result<&Cap<O>, CapError> {
        let index = self.live_index(h)?;
        self.slots[index]
            .cap
            .as_ref()
            .ok_or(CapError::InvalidHandle)
    }

    /// What `pick` makes of the capability `h` names; `None` if `h` names no
    /// live capability or `pick` refuses it. The generation is checked
    /// first, so a `pick` that wants one kind of object tests the slot's
    /// kind and its liveness in one compare (the IPC fast path's lookup).
    #[inline(always)]
    pub fn get_as<R>(&self, h: Handle, pick: impl FnOnce(&Cap<O>) -> Option<R>) -> Option<R> {
        let slot = self.slots.get(h.index())?;
        if slot.generation != h.generation() {
            return None;
        }
        pick(slot.cap.as_ref()?)
    }

    /// The capability `h` names, if it has every right in `needed`.
    pub fn get_with(&self, h: Handle, needed: Rights) -> Result<&Cap<O>, CapError> {
        let cap = self.get(h)?;
        if cap.rights.contains(needed) {
            Ok(cap)
        } else {
            Err(CapError::NoRights)
        }
    }

    /// Takes the capability out of the table; `h` and every copy of its number go stale.
    pub fn remove(&mut self, h: Handle) -> Result<Cap<O>, CapError> {
        let index = self.live_index(h)?;
        self.free_slot(index).ok_or(CapError::InvalidHandle)
    }

    /// Empties a slot, if used: bumps its generation and pushes it on the free list.
    fn free_slot(&mut self, index: usize) -> Option<Cap<O>> {
        let slot = &mut self.slots[index];
        let cap = slot.cap.take()?;
        slot.generation = slot.generation.wrapping_add(1) & GENERATION_MASK;
        slot.next_free = self.free_head;
        // The index fits: slots.len() <= MAX_SLOTS_LIMIT < 2^16.
        self.free_head = Some(index as u16);
        self.used -= 1;
        Some(cap)
    }

    /// Every live capability with its handle, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (Handle, &Cap<O>)> {
        self.slots.iter().enumerate().filter_map(|(index, slot)| {
            Some((Handle::new(index, slot.generation), slot.cap.as_ref()?))
        })
    }

    /// Removes every capability (task teardown); handles stay stale afterwards.
    ///
    /// Dropping the iterator early still empties the table.
    pub fn drain(&mut self) -> Drain<'_, O, MAX_SLOTS> {
        Drain {
            table: self,
            next_index: 0,
        }
    }
}

impl<O: Clone, const MAX_SLOTS: usize> HandleTable<O, MAX_SLOTS> {
    /// A second handle to the same object with `rights & rights_mask`; needs [`Rights::DUP`].
    ///
    /// `badge: Some(b)` badges the copy, allowed only if the original is unbadged
    /// (`Some(0)` leaves it unbadged); `None` keeps the original's badge.
    pub fn duplicate(
        &mut self,
        h: Handle,
        rights_mask: Rights,
        badge: Option<u64>,
    ) -> Result<Handle, CapError> {
        let original = self.get_with(h, Rights::DUP)?;
        let badge = match badge {
            None => original.badge,
            Some(_) if original.badge != 0 => return Err(CapError::AlreadyBadged),
            Some(new_badge) => new_badge,
        };
        let copy = Cap {
            object: original.object.clone(),
            rights: original.rights.intersect(rights_mask),
            badge,
        };
        debug_assert!(original.rights.contains(copy.rights));
        self.insert(copy)
    }
}

impl<O, const MAX_SLOTS: usize> Default for HandleTable<O, MAX_SLOTS> {
    fn default() -> Self {
        Self::new()
    }
}

/// The iterator of [`HandleTable::drain`]: yields each capability as it frees its slot.
pub struct Drain<'a, O, const MAX_SLOTS: usize> {
    table: &'a mut HandleTable<O, MAX_SLOTS>,
    next_index: usize,
}

impl<O, const MAX_SLOTS: usize> Iterator for Drain<'_, O, MAX_SLOTS> {
    type Item = Cap<O>;

    fn next(&mut self) -> Option<Cap<O>> {
        while self.next_index < self.table.slots.len() {
            let index = self.next_index;
            self.next_index += 1;
            if let Some(cap) = self.table.free_slot(index) {
                return Some(cap);
            }
        }
        None
    }
}

impl<O, const MAX_SLOTS: usize> Drop for Drain<'_, O, MAX_SLOTS> {
    fn drop(&mut self) {
        // Finish freeing the slots the caller did not take, so the table ends empty.
        for _cap in self.by_ref() {}
        debug_assert_eq!(self.table.used, 0);
    }
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;

/// The error a syscall reports for a handle-table refusal.
impl From<CapError> for abi::Error {
    fn from(e: CapError) -> Self {
        use abi::Error;
        match e {
            CapError::TableFull => Error::TableFull,
            CapError::NoRights => Error::NoRights,
            CapError::OutOfMemory => Error::OutOfMemory,
            CapError::AlreadyBadged => Error::InvalidArgument,
            _ => Error::InvalidHandle,
        }
    }
}
