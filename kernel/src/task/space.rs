//! A task's address space: its TTBR0 tables, its ASID and what backs each mapping.

use crate::arena::Id;
use crate::mem::kernel_space::{FrameTables, FRAMES};
use crate::mem::pagetable::{Half, MapError, PageTable};
use crate::mem::pte::Attrs;
use crate::mem::{OutOfMemory, PhysAddr, VirtAddr, PAGE_SIZE};
use alloc::collections::BTreeMap;
use alloc::vec::Vec;

/// What backs a mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Backing {
    /// Frames this space owns; freed on unmap.
    Anon,
    /// Frames of a shared memory region (the region owns them).
    Region(Id),
    /// A frame the kernel owns for the task (its IPC buffer).
    Kernel,
}

/// One mapped range.
#[derive(Clone, Debug)]
struct Mapping {
    pages: usize,
    backing: Backing,
}

/// Why a mapping request failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpaceError {
    /// Outside the user range or misaligned.
    InvalidRange,
    /// Overlaps an existing mapping.
    AlreadyMapped,
    /// Part of the range is not mapped.
    NotMapped,
    /// No memory for frames or tables.
    OutOfMemory,
}

impl From<OutOfMemory> for SpaceError {
    fn from(_: OutOfMemory) -> Self {
        SpaceError::OutOfMemory
    }
}

/// The lower half of one task.
///
/// Invariant: every mapped page lies in exactly one `mappings` record, and
/// `Anon` records' frames are owned by this space alone.
pub struct AddressSpace {
    table: PageTable,
    mappings: BTreeMap<usize, Mapping>,
    /// Next address `MapAnon` tries when the task lets the kernel choose.
    mmap_next: usize,
}

fn range_ok(va: usize, pages: usize) -> bool {
    let end = pages
        .checked_mul(PAGE_SIZE)
        .and_then(|len| va.checked_add(len));
    va.is_multiple_of(PAGE_SIZE)
        && pages > 0
        && va >= abi::USER_MIN
        && end.is_some_and(|e| e <= abi::USER_END)
}

impl AddressSpace {
    /// An empty address space.
    pub fn new() -> Result<Self, OutOfMemory> {
        let table = PageTable::new(&mut FrameTables(&mut FRAMES.lock()), Half::Lower)?;
        Ok(Self {
            table,
            mappings: BTreeMap::new(),
            mmap_next: abi::MMAP_BASE,
        })
    }

    /// The physical address of the L1 table (for TTBR0).
    pub fn root(&self) -> PhysAddr {
        self.table.root()
    }

    fn overlaps(&self, va: usize, pages: usize) -> bool {
        let end = va + pages * PAGE_SIZE;
        if let Some((&start, m)) = self.mappings.range(..end).next_back() {
            return start + m.pages * PAGE_SIZE > va;
        }
        false
    }

    /// Maps fresh zeroed frames at `va`, or where the kernel chooses if `va` is None.
    pub fn map_anon(
        &mut self,
        va: Option<usize>,
        pages: usize,
        attrs: Attrs,
    ) -> Result<usize, SpaceError> {
        let va = self.place(va, pages)?;
        self.mappings.insert(
            va,
            Mapping {
                pages,
                backing: Backing::Anon,
            },
        );
        for i in 0..pages {
            if let Err(e) = self.map_fresh_page(va + i * PAGE_SIZE, attrs) {
                self.unmap_mapping(va, i); // undo the pages mapped so far
                self.mappings.remove(&va);
                return Err(e);
            }
        }
        Ok(va)
    }

    fn map_fresh_page(&mut self, va: usize, attrs: Attrs) -> Result<(), SpaceError> {
        let mut frames = FRAMES.lock();
        let pa = frames.alloc_one()?;
        crate::mem::zero_frame(pa);
        match self.table.map(
            &mut FrameTables(&mut frames),
            VirtAddr(va),
            pa,
            PAGE_SIZE,
            attrs,
            false,
        ) {
            Ok(()) => Ok(()),
            Err(e) => {
                frames.free(pa, 1);
                Err(match e {
                    MapError::AlreadyMapped { .. } => SpaceError::AlreadyMapped,
                    MapError::OutOfMemory => SpaceError::OutOfMemory,
                    _ => SpaceError::InvalidRange,
                })
            }
        }
    }

    /// Maps frames owned elsewhere (a shared region's, or the kernel's) at `va`, or where the kernel chooses.
    pub fn map_frames(
        &mut self,
        va: Option<usize>,
        frames_pa: &[PhysAddr],
        attrs: Attrs,
        backing: Backing,
    ) -> Result<usize, SpaceError> {
        let pages = frames_pa.len();
        let va = self.place(va, pages)?;
        let mut frames = FRAMES.lock();
        let mut mem = FrameTables(&mut frames);
        for (i, &pa) in frames_pa.iter().enumerate() {
            let page_va = VirtAddr(va + i * PAGE_SIZE);
            if self
                .table
                .map(&mut mem, page_va, pa, PAGE_SIZE, attrs, false)
                .is_err()
            {
                if i > 0 {
                    let _ = self.table.unmap(&mut mem, VirtAddr(va), i * PAGE_SIZE);
                }
                return Err(SpaceError::OutOfMemory);
            }
        }
        self.mappings.insert(va, Mapping { pages, backing });
        Ok(va)
    }

    /// Where `pages` pages go: at `va` if given, else where the kernel chooses;
    /// refused outside the user range or over an existing mapping.
    fn place(&mut self, va: Option<usize>, pages: usize) -> Result<usize, SpaceError> {
        let va = match va {
            Some(va) => va,
            None => self.choose(pages)?,
        };
        if !range_ok(va, pages) {
            return Err(SpaceError::InvalidRange);
        }
        if self.overlaps(va, pages) {
            return Err(SpaceError::AlreadyMapped);
        }
        Ok(va)
    }

    /// Picks a free range above `MMAP_BASE` (a bump pointer: address space is plentiful).
    fn choose(&mut self, pages: usize) -> Result<usize, SpaceError> {
        let va = self.mmap_next;
        let next = pages
            .checked_add(1) // leave a guard page between kernel-chosen mappings
            .and_then(|p| p.checked_mul(PAGE_SIZE))
            .and_then(|len| va.checked_add(len))
            .filter(|&end| end <= abi::IPC_BUFFER_VA - 0x1000_0000)
            .ok_or(SpaceError::OutOfMemory)?;
        self.mmap_next = next;
        Ok(va)
    }

    /// Unmaps exactly the mapping that starts at `va` with `pages` pages and
    /// returns its backing (the caller releases a region's reference).
    pub fn unmap(&mut self, va: usize, pages: usize) -> Result<Backing, SpaceError> {
        match self.mappings.get(&va) {
            Some(m) if m.pages == pages => {}
            Some(_) => return Err(SpaceError::InvalidRange),
            None => return Err(SpaceError::NotMapped),
        }
        let m = self.mappings.remove(&va).ok_or(SpaceError::NotMapped)?;
        match m.backing {
            Backing::Anon => self.unmap_mapping(va, m.pages),
            Backing::Region(_) | Backing::Kernel => {
                let mut frames = FRAMES.lock();
                let _ = self.table.unmap(
                    &mut FrameTables(&mut frames),
                    VirtAddr(va),
                    m.pages * PAGE_SIZE,
                );
            }
        }
        Ok(m.backing)
    }

    /// Unmaps the first `pages` pages of an anonymous mapping at `va` and frees their frames.
    fn unmap_mapping(&mut self, va: usize, pages: usize) {
        let mut frames = FRAMES.lock();
        for i in 0..pages {
            let page = VirtAddr(va + i * PAGE_SIZE);
            let mut mem = FrameTables(&mut frames);
            if let Some((pa, _)) = self.table.translate(&mut mem, page) {
                let _ = self.table.unmap(&mut mem, page, PAGE_SIZE);
                frames.free(pa, 1);
            }
        }
    }

    /// Where a user address leads and with which attributes.
    pub fn translate(&self, va: usize) -> Option<(PhysAddr, Attrs)> {
        self.table
            .translate(&mut FrameTables(&mut FRAMES.lock()), VirtAddr(va))
    }

    /// Its memory in pages, for `ps`: every page mapped in it, whatever backs
    /// it (own frames, shared regions, device registers, the IPC buffer), plus
    /// its translation tables.
    pub fn memory_pages(&self) -> usize {
        let mapped: usize = self.mappings.values().map(|m| m.pages).sum();
        mapped + self.table.table_count(&mut FrameTables(&mut FRAMES.lock()))
    }

    /// Frees every frame and table; returns the regions whose mappings went away.
    pub fn destroy(mut self) -> Vec<Id> {
        let mut regions = Vec::new();
        let mappings = core::mem::take(&mut self.mappings);
        for (va, m) in mappings {
            match m.backing {
                Backing::Anon => self.unmap_mapping(va, m.pages),
                Backing::Region(id) => regions.push(id),
                Backing::Kernel => {}
            }
        }
        self.table.destroy(&mut FrameTables(&mut FRAMES.lock()));
        regions
    }
}
