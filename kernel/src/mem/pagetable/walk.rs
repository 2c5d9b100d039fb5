//! The page-table walker: one tree and its memory for one operation, and the log that undoes splits.
//!
//! Offsets (`off`) are VAs relative to the start of the tree's half; see the parent module for
//! the tree's invariants.

use super::{Leaf, MapError, PageTable, TableMemory};
use crate::mem::addr::{align_down, OutOfMemory, PhysAddr, VirtAddr, PAGE_SIZE};
use crate::mem::pte::{Level, Pte, PteKind, ENTRIES_PER_TABLE};

/// Where a walk stopped: the first entry on the path that is not a table.
#[derive(Clone, Copy)]
pub(super) struct Slot {
    table: PhysAddr,
    index: usize,
    pub(super) level: Level,
    pub(super) pte: Pte,
}

/// Blocks split by one unmap and the tables made for them: at most two per end of the range
/// (1 GiB -> 2 MiB -> 4 KiB), kept so a failed unmap can put the blocks back.
#[derive(Default)]
pub(super) struct SplitLog(pub(super) [Option<(Slot, PhysAddr)>; 4]);

impl SplitLog {
    fn push(&mut self, split: (Slot, PhysAddr)) {
        let free = self.0.iter_mut().find(|s| s.is_none());
        debug_assert!(free.is_some(), "more than four splits in one unmap");
        if let Some(slot) = free {
            *slot = Some(split);
        }
    }

    /// Puts every split block back, newest first, and frees the tables the splits made.
    pub(super) fn undo(&self, mem: &mut dyn TableMemory) {
        for (slot, table) in self.0.iter().rev().flatten() {
            mem.table(slot.table)[slot.index] = slot.pte.raw();
            mem.free_table(*table);
        }
    }
}

/// One tree and the memory holding it, for the duration of one operation.
/// Offsets (`off`) are VAs relative to the start of the tree's half.
pub(super) struct Tree<'a> {
    pub(super) mem: &'a mut dyn TableMemory,
    pub(super) pt: &'a PageTable,
}

impl Tree<'_> {
    fn va(&self, off: usize) -> VirtAddr {
        VirtAddr(self.pt.half.base() + off)
    }

    fn get(&mut self, table: PhysAddr, index: usize) -> Pte {
        Pte(self.mem.table(table)[index])
    }

    fn set(&mut self, table: PhysAddr, index: usize, pte: Pte) {
        self.mem.table(table)[index] = pte.raw();
    }

    /// Follows table descriptors from the root towards `off` as far as they go.
    pub(super) fn walk(&mut self, off: usize) -> Slot {
        let (mut table, mut level) = (self.pt.root, Level::L1);
        loop {
            let index = level.index(off);
            let pte = self.get(table, index);
            match (pte.table_addr(level), level.next()) {
                (Some(child), Some(next)) => (table, level) = (child, next),
                _ => {
                    break Slot {
                        table,
                        index,
                        level,
                        pte,
                    }
                }
            }
        }
    }

    /// The lowest VA in `[start, end)` that is mapped (if `mapped`) or unmapped (if not).
    pub(super) fn find(&mut self, start: usize, end: usize, mapped: bool) -> Option<VirtAddr> {
        let mut off = start;
        while off < end {
            let slot = self.walk(off);
            if slot.pte.is_leaf(slot.level) == mapped {
                return Some(self.va(off));
            }
            off = align_down(off, slot.level.size_bytes()) + slot.level.size_bytes();
        }
        None
    }

    /// Writes `leaf` at level `target`, creating the tables on the way.
    pub(super) fn map_one(&mut self, off: usize, target: Level, leaf: Pte) -> Result<(), MapError> {
        let already = MapError::AlreadyMapped { va: self.va(off) };
        let (mut table, mut level) = (self.pt.root, Level::L1);
        while let (true, Some(next)) = (level != target, level.next()) {
            let pte = self.get(table, level.index(off));
            table = match (pte.table_addr(level), pte.kind(level)) {
                (Some(child), _) => child,
                (None, PteKind::Invalid) => {
                    let child = self.mem.alloc_table().map_err(|_| MapError::OutOfMemory)?;
                    self.set(table, level.index(off), Pte::table(child));
                    child
                }
                (None, _) => return Err(already),
            };
            level = next;
        }
        if self.get(table, target.index(off)).kind(target) != PteKind::Invalid {
            return Err(already);
        }
        self.set(table, target.index(off), leaf);
        Ok(())
    }

    /// Splits the blocks around `off` until a leaf starts exactly there.
    pub(super) fn split_at(&mut self, off: usize, log: &mut SplitLog) -> Result<(), OutOfMemory> {
        loop {
            let slot = self.walk(off);
            let size = slot.level.size_bytes();
            if slot.pte.kind(slot.level) != PteKind::Block || off.is_multiple_of(size) {
                return Ok(());
            }
            let table = self.mem.alloc_table()?;
            let child = |index| {
                slot.pte
                    .block_child(slot.level, index)
                    .unwrap_or(Pte::INVALID)
            };
            for (index, entry) in self.mem.table(table).iter_mut().enumerate() {
                *entry = child(index).raw();
            }
            self.set(slot.table, slot.index, Pte::table(table));
            log.push((slot, table));
        }
    }

    /// Calls `f` for every leaf under `table`, which sits at `level` and starts at offset `base`.
    pub(super) fn visit<F: FnMut(Leaf)>(
        &mut self,
        table: PhysAddr,
        level: Level,
        base: usize,
        f: &mut F,
    ) {
        let size_bytes = level.size_bytes();
        for index in 0..ENTRIES_PER_TABLE {
            let (pte, off) = (self.get(table, index), base + index * size_bytes);
            if let (Some(child), Some(next)) = (pte.table_addr(level), level.next()) {
                self.visit(child, next, off, f);
            } else if let (Some(pa), Some(attrs)) = (pte.leaf_addr(level), pte.attrs(level)) {
                f(Leaf {
                    va: self.va(off),
                    pa,
                    size_bytes,
                    attrs,
                });
            } else {
                debug_assert!(!pte.is_leaf(level), "unknown AttrIndx at {off:#x}");
            }
        }
    }

    /// Invalidates every leaf in `[start, end)` under `table`, freeing tables left empty;
    /// returns the 4 KiB pages removed. The range must not cut through a block.
    pub(super) fn clear(
        &mut self,
        table: PhysAddr,
        level: Level,
        start: usize,
        end: usize,
    ) -> usize {
        let size = level.size_bytes();
        let (mut off, mut pages) = (start, 0);
        while off < end {
            let (index, entry_end) = (level.index(off), (align_down(off, size) + size).min(end));
            let pte = self.get(table, index);
            if let (Some(child), Some(next)) = (pte.table_addr(level), level.next()) {
                pages += self.clear(child, next, off, entry_end);
                if self.mem.table(child).iter().all(|&e| e == 0) {
                    self.set(table, index, Pte::INVALID);
                    self.mem.free_table(child);
                }
            } else if pte.is_leaf(level) {
                debug_assert!(entry_end - off == size, "clear cuts a block at {off:#x}");
                self.set(table, index, Pte::INVALID);
                pages += size / PAGE_SIZE;
            }
            off = entry_end;
        }
        pages
    }

    /// Counts `table` and every table below it.
    pub(super) fn count(&mut self, table: PhysAddr, level: Level) -> usize {
        let Some(next) = level.next() else {
            return 1; // a last-level table points only at pages
        };
        let mut tables = 1;
        for index in 0..ENTRIES_PER_TABLE {
            if let Some(child) = self.get(table, index).table_addr(level) {
                tables += self.count(child, next);
            }
        }
        tables
    }

    /// Frees `table` and every table below it.
    pub(super) fn free(&mut self, table: PhysAddr, level: Level) {
        for index in 0..ENTRIES_PER_TABLE {
            let pte = self.get(table, index);
            if let (Some(child), Some(next)) = (pte.table_addr(level), level.next()) {
                self.free(child, next);
            }
        }
        self.mem.free_table(table);
    }
}
