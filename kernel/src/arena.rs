//! A generational arena: kernel objects by id, with stale ids detected instead of reused silently.

use alloc::vec::Vec;
use core::num::NonZeroU64;

/// Names a slot of an arena: index plus the generation it was filled in.
///
/// One word: the generation (never 0) in the high half, the index in the
/// low one, so an `Option<Id>` is a word too and ids compare in one
/// instruction (the IPC fast path compares several).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(NonZeroU64);

impl Id {
    /// The id of slot `index` at `generation` (at least 1).
    #[inline(always)]
    fn new(index: u32, generation: u32) -> Id {
        debug_assert!(generation != 0, "generations start at 1");
        let raw = (u64::from(generation) << 32) | u64::from(index);
        Id(NonZeroU64::new(raw).unwrap_or(NonZeroU64::MIN))
    }

    /// The slot.
    #[inline(always)]
    fn index(self) -> u32 {
        self.0.get() as u32
    }

    /// The generation the slot was filled in.
    #[inline(always)]
    fn generation(self) -> u32 {
        (self.0.get() >> 32) as u32
    }

    /// The id packed in a u64 (for logs and messages).
    pub const fn raw(self) -> u64 {
        self.0.get()
    }
}

/// Bytes of one slot of an arena of `T`s. A power of two makes finding a
/// slot a shift instead of a multiply (see `Endpoint`).
pub const fn slot_size<T>() -> usize {
    core::mem::size_of::<Slot<T>>()
}

/// A slot's first generation, and the one after `u32::MAX` (0 is never used).
const FIRST_GENERATION: u32 = 1;

struct Slot<T> {
    generation: u32,
    value: Option<T>,
}

/// Objects of one kind. Invariant: `free` lists exactly the empty slots.
pub struct Arena<T> {
    slots: Vec<Slot<T>>,
    free: Vec<u32>,
    live: usize,
}

impl<T> Arena<T> {
    /// An empty arena.
    pub const fn new() -> Self {
        Self {
            slots: Vec::new(),
            free: Vec::new(),
            live: 0,
        }
    }

    /// Stores `value`; `Err(value)` if the heap cannot grow.
    pub fn insert(&mut self, value: T) -> Result<Id, T> {
        if let Some(index) = self.free.pop() {
            let slot = &mut self.slots[index as usize];
            debug_assert!(slot.value.is_none());
            slot.value = Some(value);
            self.live += 1;
            return Ok(Id::new(index, slot.generation));
        }
        let Ok(index) = u32::try_from(self.slots.len()) else {
            return Err(value);
        };
        let free_room = self.slots.len() + 1 - self.free.len();
        if self.slots.try_reserve(1).is_err() || self.free.try_reserve(free_room).is_err() {
            return Err(value);
        }
        self.slots.push(Slot {
            generation: FIRST_GENERATION,
            value: Some(value),
        });
        self.live += 1;
        Ok(Id::new(index, FIRST_GENERATION))
    }

    /// The object `id` names, if it still exists.
    pub fn get(&self, id: Id) -> Option<&T> {
        let slot = self.slots.get(id.index() as usize)?;
        (slot.generation == id.generation())
            .then_some(slot.value.as_ref())
            .flatten()
    }

    /// The object `id` names, mutably.
    pub fn get_mut(&mut self, id: Id) -> Option<&mut T> {
        let slot = self.slots.get_mut(id.index() as usize)?;
        (slot.generation == id.generation())
            .then_some(slot.value.as_mut())
            .flatten()
    }

    /// The objects `a` and `b` name, both mutably; `None` if either is gone
    /// or both name the same slot.
    #[inline(always)]
    pub fn get_pair_mut(&mut self, a: Id, b: Id) -> Option<(&mut T, &mut T)> {
        let [sa, sb] = self
            .slots
            .get_disjoint_mut([a.index() as usize, b.index() as usize])
            .ok()?;
        let live = sa.generation == a.generation() && sb.generation == b.generation();
        match (live, sa.value.as_mut(), sb.value.as_mut()) {
            (true, Some(va), Some(vb)) => Some((va, vb)),
            _ => None,
        }
    }

    /// Takes the object out; its id is stale from now on.
    pub fn remove(&mut self, id: Id) -> Option<T> {
        let slot = self.slots.get_mut(id.index() as usize)?;
        if slot.generation != id.generation() {
            return None;
        }
        let value = slot.value.take()?;
        slot.generation = match slot.generation.wrapping_add(1) {
            0 => FIRST_GENERATION,
            g => g,
        };
        // Cannot fail: `insert` reserved room for every slot in `free`.
        self.free.push(id.index());
        self.live -= 1;
        Some(value)
    }

    /// Live objects.
    pub fn len(&self) -> usize {
        self.live
    }

    /// True when no object lives.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Every live object with its id.
    pub fn iter(&self) -> impl Iterator<Item = (Id, &T)> {
        self.slots.iter().enumerate().filter_map(|(i, s)| {
            s.value
                .as_ref()
                .map(|v| (Id::new(i as u32, s.generation), v))
        })
    }
}

impl<T> Default for Arena<T> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_ids_find_nothing_after_reuse() {
        let mut a = Arena::new();
        let x = a.insert("x").unwrap();
        assert_eq!(a.remove(x), Some("x"));
        let y = a.insert("y").unwrap();
        assert_eq!(a.get(x), None, "stale id must not name the new object");
        assert_eq!(a.get(y), Some(&"y"));
        assert_eq!(a.remove(x), None);
        assert_eq!(a.len(), 1);
    }

    #[test]
    fn an_optional_id_is_one_word() {
        assert_eq!(core::mem::size_of::<Option<Id>>(), 8);
        let mut a = Arena::new();
        let x = a.insert(1).unwrap();
        assert_ne!(Some(x), None);
        assert_eq!(x.raw() >> 32, u64::from(FIRST_GENERATION));
    }

    #[test]
    fn iter_and_len_track_live_objects() {
        let mut a = Arena::new();
        let ids: Vec<Id> = (0..10).map(|i| a.insert(i).unwrap()).collect();
        for id in ids.iter().step_by(2) {
            a.remove(*id);
        }
        assert_eq!(a.len(), 5);
        assert_eq!(
            a.iter().map(|(_, v)| *v).collect::<Vec<_>>(),
            vec![1, 3, 5, 7, 9]
        );
    }
}
