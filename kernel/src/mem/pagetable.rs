//! A stage-1 translation table tree (39-bit VA, levels 1 to 3), edited through [`TableMemory`].
//!
//! Invariant of every tree: a table other than the root is never empty (empty ones are freed),
//! so "the range is unmapped" and "no table below it holds anything" mean the same thing.
//! The walker never touches the TLB; callers flush after `unmap` and order writes with barriers.

mod walk;

use super::addr::{OutOfMemory, PhysAddr, VirtAddr, KERNEL_BASE, PAGE_SIZE};
use super::pte::{Attrs, Level, Pte, ENTRIES_PER_TABLE, PA_LIMIT};
use walk::{SplitLog, Tree};

/// Bytes of VA one tree covers: 39 bits (T0SZ = T1SZ = 25).
pub const VA_SPAN_BYTES: usize = 1 << 39;

const _: () = assert!(KERNEL_BASE == 0usize.wrapping_sub(VA_SPAN_BYTES));

/// Where translation tables live: the kernel backs this with frames, host tests with a map.
pub trait TableMemory {
    /// A zeroed, 4 KiB-aligned table below [`PA_LIMIT`].
    fn alloc_table(&mut self) -> Result<PhysAddr, OutOfMemory>;
    /// Returns a table from [`Self::alloc_table`] that nothing points at any more.
    fn free_table(&mut self, table: PhysAddr);
    /// The 512 descriptors of a live table.
    fn table(&mut self, table: PhysAddr) -> &mut [u64; ENTRIES_PER_TABLE];
}

/// Which half of the address space a tree translates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Half {
    /// TTBR0: user space, VAs `0 .. 1 << 39`.
    Lower,
    /// TTBR1: the kernel, VAs [`KERNEL_BASE`]` ..= usize::MAX`.
    Upper,
}

impl Half {
    /// The lowest VA of this half; the tree is indexed by `va - base`.
    pub const fn base(self) -> usize {
        match self {
            Half::Lower => 0,
            Half::Upper => KERNEL_BASE,
        }
    }
}

/// Why `map` refused; on every error the tree is as it was before the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapError {
    /// `va`, `pa` or `len_bytes` is not a multiple of [`PAGE_SIZE`].
    Misaligned,
    /// Part of the range lies outside this tree's half.
    VaOutOfRange {
        /// The start of the rejected range.
        va: VirtAddr,
    },
    /// Part of the physical range lies at or above [`PA_LIMIT`].
    PaOutOfRange {
        /// The start of the rejected physical range.
        pa: PhysAddr,
    },
    /// `va` (the lowest such address in the range) is already mapped.
    AlreadyMapped {
        /// The first mapped address found.
        va: VirtAddr,
    },
    /// A table could not be allocated.
    OutOfMemory,
}

/// Why `unmap` refused; on every error the tree is as it was before the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnmapError {
    /// `va` or `len_bytes` is not a multiple of [`PAGE_SIZE`].
    Misaligned,
    /// Part of the range lies outside this tree's half.
    VaOutOfRange {
        /// The start of the rejected range.
        va: VirtAddr,
    },
    /// `va` (the lowest such address in the range) is not mapped.
    NotMapped {
        /// The first unmapped address found.
        va: VirtAddr,
    },
    /// Splitting a block at an end of the range needed a table that could not be allocated.
    OutOfMemory,
}

/// What a successful `unmap` changed, for the caller's TLB maintenance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unmapped {
    /// 4 KiB pages no longer mapped (always `len_bytes / PAGE_SIZE`).
    pub pages: usize,
    /// Blocks replaced by tables of smaller leaves at the ends of the range.
    pub blocks_split: usize,
}

/// One leaf mapping, as `for_each_leaf` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leaf {
    /// First VA of the leaf (a full address in this tree's half).
    pub va: VirtAddr,
    /// First PA of the leaf.
    pub pa: PhysAddr,
    /// 4 KiB, 2 MiB or 1 GiB.
    pub size_bytes: usize,
    /// What the leaf maps.
    pub attrs: Attrs,
}

/// A mapping that is writable and executable at once (see [`Attrs::is_writable_and_executable`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WxViolation {
    /// First VA of the offending leaf.
    pub va: VirtAddr,
}

/// The root of one tree and the half it translates. Call `destroy` to free it; dropping leaks.
#[derive(Debug, PartialEq, Eq)]
pub struct PageTable {
    root: PhysAddr,
    half: Half,
}

impl PageTable {
    /// An empty tree for `half`, with a freshly allocated root table.
    pub fn new(mem: &mut dyn TableMemory, half: Half) -> Result<PageTable, OutOfMemory> {
        Ok(PageTable {
            root: mem.alloc_table()?,
            half,
        })
    }

    /// The root table: the value for TTBR0_EL1 or TTBR1_EL1 (before adding an ASID).
    pub fn root(&self) -> PhysAddr {
        self.root
    }

    /// The half this tree translates.
    pub fn half(&self) -> Half {
        self.half
    }

    /// Maps `[va, va + len_bytes)` to `[pa, pa + len_bytes)`, using 1 GiB and 2 MiB blocks where
    /// `use_blocks` and alignment allow. All or nothing: nothing in the range may be mapped yet.
    pub fn map(
        &mut self,
        mem: &mut dyn TableMemory,
        va: VirtAddr,
        pa: PhysAddr,
        len_bytes: usize,
        attrs: Attrs,
        use_blocks: bool,
    ) -> Result<(), MapError> {
        if !va.is_page_aligned() || !pa.is_page_aligned() || !len_bytes.is_multiple_of(PAGE_SIZE) {
            return Err(MapError::Misaligned);
        }
        let (start, end) = self
            .offsets(va, len_bytes)
            .ok_or(MapError::VaOutOfRange { va })?;
        if pa.0 > PA_LIMIT || len_bytes > PA_LIMIT - pa.0 {
            return Err(MapError::PaOutOfRange { pa });
        }
        let mut tree = self.tree(mem);
        if let Some(va) = tree.find(start, end, true) {
            return Err(MapError::AlreadyMapped { va });
        }
        let mut off = start;
        while off < end {
            let pa_here = PhysAddr(pa.0 + (off - start));
            let level = leaf_level(off, pa_here, end - off, use_blocks);
            // `map` checked `pa` already; `ok_or` keeps a bad address out of any descriptor.
            let leaf = Pte::leaf(level, pa_here, attrs).ok_or(MapError::Misaligned);
            if let Err(err) = leaf.and_then(|leaf| tree.map_one(off, level, leaf)) {
                // Removes the leaves mapped so far and any tables the failed step left empty.
                tree.clear(self.root, Level::L1, start, off + level.size_bytes());
                return Err(err);
            }
            off += level.size_bytes();
        }
        Ok(())
    }

    /// Unmaps `[va, va + len_bytes)`, splitting blocks that straddle its ends and freeing tables
    /// left empty. All or nothing: every page must be mapped. The caller flushes the TLB.
    pub fn unmap(
        &mut self,
        mem: &mut dyn TableMemory,
        va: VirtAddr,
        len_bytes: usize,
    ) -> Result<Unmapped, UnmapError> {
        if !va.is_page_aligned() || !len_bytes.is_multiple_of(PAGE_SIZE) {
            return Err(UnmapError::Misaligned);
        }
        let (start, end) = self
            .offsets(va, len_bytes)
            .ok_or(UnmapError::VaOutOfRange { va })?;
        let mut tree = self.tree(mem);
        if let Some(va) = tree.find(start, end, false) {
            return Err(UnmapError::NotMapped { va });
        }
        let mut log = SplitLog::default();
        // Blocks cut by the ends of the range become tables first, so the range is whole leaves.
        for off in [start, end]
            .into_iter()
            .filter(|&off| start < end && off < VA_SPAN_BYTES)
        {
            if tree.split_at(off, &mut log).is_err() {
                log.undo(tree.mem);
                return Err(UnmapError::OutOfMemory);
            }
        }
        let pages = tree.clear(self.root, Level::L1, start, end);
        debug_assert_eq!(pages, len_bytes / PAGE_SIZE);
        let blocks_split = log.0.iter().flatten().count();
        Ok(Unmapped {
            pages,
            blocks_split,
        })
    }

    /// The PA `va` translates to and the attributes of its leaf, or `None` if it is not mapped.
    pub fn translate(&self, mem: &mut dyn TableMemory, va: VirtAddr) -> Option<(PhysAddr, Attrs)> {
        let (off, _) = self.offsets(va, 0)?;
        let slot = self.tree(mem).walk(off);
        let base = slot.pte.leaf_addr(slot.level)?;
        let attrs = slot.pte.attrs(slot.level)?;
        Some((PhysAddr(base.0 + off % slot.level.size_bytes()), attrs))
    }

    /// Calls `f` for every leaf, in ascending VA order.
    pub fn for_each_leaf<F: FnMut(Leaf)>(&self, mem: &mut dyn TableMemory, mut f: F) {
        self.tree(mem).visit(self.root, Level::L1, 0, &mut f);
    }

    /// Checks every leaf for W^X; returns the number of 4 KiB pages checked or the lowest offender.
    pub fn check_wx(&self, mem: &mut dyn TableMemory) -> Result<usize, WxViolation> {
        let (mut pages, mut first) = (0, None);
        self.for_each_leaf(mem, |leaf| {
            pages += leaf.size_bytes / PAGE_SIZE;
            if first.is_none() && leaf.attrs.is_writable_and_executable() {
                first = Some(WxViolation { va: leaf.va });
            }
        });
        first.map_or(Ok(pages), Err)
    }

    /// Tables in the tree, the root included: the pages its translation tables take.
    pub fn table_count(&self, mem: &mut dyn TableMemory) -> usize {
        self.tree(mem).count(self.root, Level::L1)
    }

    /// Frees every table of the tree, the root included. The mapped frames are the caller's.
    pub fn destroy(self, mem: &mut dyn TableMemory) {
        self.tree(mem).free(self.root, Level::L1);
    }

    /// `[va, va + len_bytes)` as offsets into this half, or `None` if it does not fit inside it.
    fn offsets(&self, va: VirtAddr, len_bytes: usize) -> Option<(usize, usize)> {
        let off = va.0.checked_sub(self.half.base())?;
        (off < VA_SPAN_BYTES && len_bytes <= VA_SPAN_BYTES - off).then_some((off, off + len_bytes))
    }

    fn tree<'a>(&'a self, mem: &'a mut dyn TableMemory) -> Tree<'a> {
        Tree { mem, pt: self }
    }
}

/// The largest leaf that fits at `off`/`pa` with `remaining_bytes` left to map.
fn leaf_level(off: usize, pa: PhysAddr, remaining_bytes: usize, use_blocks: bool) -> Level {
    let fits = |level: Level| {
        let size = level.size_bytes();
        off.is_multiple_of(size) && pa.0.is_multiple_of(size) && remaining_bytes >= size
    };
    let mut blocks = [Level::L1, Level::L2].into_iter().filter(|_| use_blocks);
    blocks.find(|&level| fits(level)).unwrap_or(Level::L3)
}

#[cfg(test)]
#[path = "pagetable_tests.rs"]
mod tests;
