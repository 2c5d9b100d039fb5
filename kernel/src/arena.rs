//! A generational arena: kernel objects by id, with stale ids detected instead of reused silently.

use alloc::vec::Vec;

/// Names a slot of an arena: index plus the generation it was filled in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id {
    index: u32,
    generation: u32,
}

impl Id {
    /// The id packed in a u64 (for logs and messages).
    pub const fn raw(self) -> u64 {
        ((self.generation as u64) << 32) | self.index as u64
    }
}

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
            return Ok(Id {
                index,
                generation: slot.generation,
            });
        }
        let Ok(index) = u32::try_from(self.slots.len()) else {
            return Err(value);
        };
        let free_room = self.slots.len() + 1 - self.free.len();
        if self.slots.try_reserve(1).is_err() || self.free.try_reserve(free_room).is_err() {
            return Err(value);
        }
        self.slots.push(Slot {
            generation: 0,
            value: Some(value),
        });
        self.live += 1;
        Ok(Id {
            index,
            generation: 0,
        })
    }

    /// The object `id` names, if it still exists.
    pub fn get(&self, id: Id) -> Option<&T> {
        let slot = self.slots.get(id.index as usize)?;
        (slot.generation == id.generation)
            .then_some(slot.value.as_ref())
            .flatten()
    }

    /// The object `id` names, mutably.
    pub fn get_mut(&mut self, id: Id) -> Option<&mut T> {
        let slot = self.slots.get_mut(id.index as usize)?;
        (slot.generation == id.generation)
            .then_some(slot.value.as_mut())
            .flatten()
    }

    /// Takes the object out; its id is stale from now on.
    pub fn remove(&mut self, id: Id) -> Option<T> {
        let slot = self.slots.get_mut(id.index as usize)?;
        if slot.generation != id.generation {
            return None;
        }
        let value = slot.value.take()?;
        slot.generation = slot.generation.wrapping_add(1);
        // Cannot fail: `insert` reserved room for every slot in `free`.
        self.free.push(id.index);
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
            s.value.as_ref().map(|v| {
                (
                    Id {
                        index: i as u32,
                        generation: s.generation,
                    },
                    v,
                )
            })
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
