//! Host tests for the page-table walker, with tables kept in a map and a countable allocator.

use super::*;
use std::collections::{BTreeMap, HashMap};

const KIB: usize = 1 << 10;
const MIB: usize = 1 << 20;
const GIB: usize = 1 << 30;

/// Tables in a map; `budget` tables may still be allocated (unlimited when `None`).
struct TestMem {
    tables: HashMap<usize, Box<[u64; ENTRIES_PER_TABLE]>>,
    next_pa: usize,
    budget: Option<usize>,
}

impl TestMem {
    fn new() -> TestMem {
        TestMem {
            tables: HashMap::new(),
            next_pa: 0x10_0000_0000,
            budget: None,
        }
    }

    fn live(&self) -> usize {
        self.tables.len()
    }

    /// Every live table and its contents: equal snapshots mean an unchanged tree.
    fn snapshot(&self) -> BTreeMap<usize, Vec<u64>> {
        self.tables
            .iter()
            .map(|(&pa, t)| (pa, t.to_vec()))
            .collect()
    }
}

impl TableMemory for TestMem {
    fn alloc_table(&mut self) -> Result<PhysAddr, OutOfMemory> {
        match &mut self.budget {
            Some(0) => return Err(OutOfMemory),
            Some(n) => *n -= 1,
            None => {}
        }
        let pa = self.next_pa;
        self.next_pa += PAGE_SIZE; // never reused, so a freed and reallocated table shows in snapshots
        self.tables.insert(pa, Box::new([0; ENTRIES_PER_TABLE]));
        Ok(PhysAddr(pa))
    }

    fn free_table(&mut self, table: PhysAddr) {
        assert!(
            self.tables.remove(&table.0).is_some(),
            "double free of {table:?}"
        );
    }

    fn table(&mut self, table: PhysAddr) -> &mut [u64; ENTRIES_PER_TABLE] {
        self.tables
            .get_mut(&table.0)
            .expect("walked to a table that is not live")
    }
}

fn setup(half: Half) -> (TestMem, PageTable) {
    let mut mem = TestMem::new();
    let pt = PageTable::new(&mut mem, half).unwrap();
    (mem, pt)
}

fn leaves(pt: &PageTable, mem: &mut TestMem) -> Vec<Leaf> {
    let mut out = Vec::new();
    pt.for_each_leaf(mem, |leaf| out.push(leaf));
    out
}

fn sizes(pt: &PageTable, mem: &mut TestMem) -> Vec<usize> {
    leaves(pt, mem).iter().map(|l| l.size_bytes).collect()
}

fn va(x: usize) -> VirtAddr {
    VirtAddr(x)
}

fn pa(x: usize) -> PhysAddr {
    PhysAddr(x)
}

#[test]
fn new_tree_is_one_empty_root() {
    let (mut mem, pt) = setup(Half::Lower);
    assert_eq!(mem.live(), 1);
    assert_eq!(pt.root(), PhysAddr(0x10_0000_0000));
    assert_eq!(pt.half(), Half::Lower);
    assert_eq!(pt.translate(&mut mem, va(0)), None);
    assert!(leaves(&pt, &mut mem).is_empty());
}

#[test]
fn pages_map_and_translate() {
    let (mut mem, mut pt) = setup(Half::Lower);
    pt.map(
        &mut mem,
        va(0x40_0000),
        pa(0x8000),
        3 * PAGE_SIZE,
        Attrs::USER_DATA,
        true,
    )
    .unwrap();
    assert_eq!(
        pt.translate(&mut mem, va(0x40_0000)),
        Some((pa(0x8000), Attrs::USER_DATA))
    );
    assert_eq!(
        pt.translate(&mut mem, va(0x40_2123)),
        Some((pa(0xA123), Attrs::USER_DATA))
    );
    assert_eq!(pt.translate(&mut mem, va(0x40_3000)), None);
    assert_eq!(pt.translate(&mut mem, va(0x3F_F000)), None);
    assert_eq!(sizes(&pt, &mut mem), [PAGE_SIZE; 3]);
    assert_eq!(mem.live(), 3, "root, L2 and L3 tables");
}

#[test]
fn blocks_map_and_translate() {
    let (mut mem, mut pt) = setup(Half::Lower);
    pt.map(
        &mut mem,
        va(4 * MIB),
        pa(6 * MIB),
        2 * MIB,
        Attrs::USER_RODATA,
        true,
    )
    .unwrap();
    assert_eq!(mem.live(), 2, "a 2 MiB block needs no level 3 table");
    pt.map(
        &mut mem,
        va(2 * GIB),
        pa(GIB),
        GIB,
        Attrs::USER_RODATA,
        true,
    )
    .unwrap();
    assert_eq!(mem.live(), 2, "a 1 GiB block sits in the root");
    let got = leaves(&pt, &mut mem);
    assert_eq!(
        got[0],
        Leaf {
            va: va(4 * MIB),
            pa: pa(6 * MIB),
            size_bytes: 2 * MIB,
            attrs: Attrs::USER_RODATA
        }
    );
    assert_eq!(
        got[1],
        Leaf {
            va: va(2 * GIB),
            pa: pa(GIB),
            size_bytes: GIB,
            attrs: Attrs::USER_RODATA
        }
    );
    assert_eq!(
        pt.translate(&mut mem, va(5 * MIB + 0x10)),
        Some((pa(7 * MIB + 0x10), Attrs::USER_RODATA))
    );
    assert_eq!(
        pt.translate(&mut mem, va(3 * GIB - 1)).map(|t| t.0),
        Some(pa(2 * GIB - 1))
    );
}

#[test]
fn mixed_alignment_picks_the_largest_fitting_leaves() {
    let (mut mem, mut pt) = setup(Half::Lower);
    let start = GIB - 2 * MIB - 8 * KIB;
    let len = 8 * KIB + 2 * MIB + GIB + 2 * MIB + 4 * KIB;
    pt.map(&mut mem, va(start), pa(start), len, Attrs::USER_DATA, true)
        .unwrap();
    let want = [4 * KIB, 4 * KIB, 2 * MIB, GIB, 2 * MIB, 4 * KIB];
    assert_eq!(sizes(&pt, &mut mem), want);
    let mut expect_va = start;
    for leaf in leaves(&pt, &mut mem) {
        assert_eq!((leaf.va, leaf.pa), (va(expect_va), pa(expect_va)));
        expect_va += leaf.size_bytes;
    }
    assert_eq!(expect_va, start + len);
}

#[test]
fn differently_aligned_pa_or_no_blocks_means_pages() {
    let (mut mem, mut pt) = setup(Half::Lower);
    pt.map(
        &mut mem,
        va(2 * MIB),
        pa(2 * MIB + PAGE_SIZE),
        2 * MIB,
        Attrs::USER_DATA,
        true,
    )
    .unwrap();
    assert_eq!(sizes(&pt, &mut mem), [PAGE_SIZE; 512]);
    pt.map(&mut mem, va(GIB), pa(GIB), GIB, Attrs::USER_DATA, false)
        .unwrap();
    assert_eq!(leaves(&pt, &mut mem).len(), 512 + 512 * 512);
    assert_eq!(
        pt.translate(&mut mem, va(2 * GIB - 1)).map(|t| t.0),
        Some(pa(2 * GIB - 1))
    );
}

#[test]
fn bad_arguments_are_refused() {
    let (mut mem, mut pt) = setup(Half::Lower);
    let a = Attrs::USER_DATA;
    assert_eq!(
        pt.map(&mut mem, va(0x1001), pa(0), PAGE_SIZE, a, true),
        Err(MapError::Misaligned)
    );
    assert_eq!(
        pt.map(&mut mem, va(0), pa(0x10), PAGE_SIZE, a, true),
        Err(MapError::Misaligned)
    );
    assert_eq!(
        pt.map(&mut mem, va(0), pa(0), 100, a, true),
        Err(MapError::Misaligned)
    );
    let top = VA_SPAN_BYTES;
    assert_eq!(
        pt.map(&mut mem, va(top), pa(0), PAGE_SIZE, a, true),
        Err(MapError::VaOutOfRange { va: va(top) })
    );
    let last = va(top - PAGE_SIZE);
    assert_eq!(
        pt.map(&mut mem, last, pa(0), 2 * PAGE_SIZE, a, true),
        Err(MapError::VaOutOfRange { va: last })
    );
    let kernel = va(KERNEL_BASE);
    assert_eq!(
        pt.map(&mut mem, kernel, pa(0), PAGE_SIZE, a, true),
        Err(MapError::VaOutOfRange { va: kernel })
    );
    let high = pa(PA_LIMIT - PAGE_SIZE);
    assert_eq!(
        pt.map(&mut mem, va(0), high, 2 * PAGE_SIZE, a, true),
        Err(MapError::PaOutOfRange { pa: high })
    );
    assert_eq!(
        pt.unmap(&mut mem, va(0x800), PAGE_SIZE),
        Err(UnmapError::Misaligned)
    );
    assert_eq!(
        pt.unmap(&mut mem, va(top), PAGE_SIZE),
        Err(UnmapError::VaOutOfRange { va: va(top) })
    );
    assert_eq!(pt.translate(&mut mem, va(usize::MAX)), None);
    assert_eq!(mem.live(), 1, "nothing was allocated by refused calls");
}

#[test]
fn last_page_of_the_lower_half_maps() {
    let (mut mem, mut pt) = setup(Half::Lower);
    let last = VA_SPAN_BYTES - PAGE_SIZE;
    pt.map(&mut mem, va(last), pa(0), PAGE_SIZE, Attrs::USER_DATA, true)
        .unwrap();
    assert_eq!(
        pt.unmap(&mut mem, va(last), PAGE_SIZE),
        Ok(Unmapped {
            pages: 1,
            blocks_split: 0
        })
    );
    assert_eq!(mem.live(), 1);
}

#[test]
fn overlapping_map_is_refused_and_changes_nothing() {
    let (mut mem, mut pt) = setup(Half::Lower);
    pt.map(
        &mut mem,
        va(0x20_3000),
        pa(0x5000),
        PAGE_SIZE,
        Attrs::USER_DATA,
        true,
    )
    .unwrap();
    pt.map(&mut mem, va(GIB), pa(0), 2 * MIB, Attrs::USER_DATA, true)
        .unwrap();
    let before = mem.snapshot();
    let err = pt.map(
        &mut mem,
        va(0x20_0000),
        pa(0),
        2 * MIB,
        Attrs::USER_DATA,
        true,
    );
    assert_eq!(
        err,
        Err(MapError::AlreadyMapped { va: va(0x20_3000) }),
        "a block over a page"
    );
    let err = pt.map(
        &mut mem,
        va(GIB + MIB),
        pa(0),
        PAGE_SIZE,
        Attrs::USER_DATA,
        true,
    );
    assert_eq!(
        err,
        Err(MapError::AlreadyMapped { va: va(GIB + MIB) }),
        "a page inside a block"
    );
    let err = pt.map(
        &mut mem,
        va(GIB - 8 * KIB),
        pa(0),
        16 * KIB,
        Attrs::USER_DATA,
        true,
    );
    assert_eq!(
        err,
        Err(MapError::AlreadyMapped { va: va(GIB) }),
        "a range running into a block"
    );
    assert_eq!(mem.snapshot(), before);
}

#[path = "pagetable_unmap_tests.rs"]
mod unmap;

#[test]
fn table_count_follows_the_tables_that_maps_and_unmaps_make() {
    let (mut mem, mut pt) = setup(Half::Lower);
    assert_eq!(pt.table_count(&mut mem), 1, "just the root");
    pt.map(
        &mut mem,
        va(0x40_0000),
        pa(0x8000_0000),
        4 * KIB,
        Attrs::USER_DATA,
        false,
    )
    .expect("maps");
    assert_eq!(
        (pt.table_count(&mut mem), mem.live()),
        (3, 3),
        "root, L2, L3"
    );
    pt.map(
        &mut mem,
        va(5 * GIB),
        pa(0x8000_0000),
        2 * MIB,
        Attrs::USER_DATA,
        true,
    )
    .expect("maps");
    assert_eq!(
        pt.table_count(&mut mem),
        4,
        "a block needs an L2 table, no L3"
    );
    pt.map(
        &mut mem,
        va(0x60_0000),
        pa(0x8000_0000),
        8 * KIB,
        Attrs::USER_DATA,
        false,
    )
    .expect("maps");
    assert_eq!((pt.table_count(&mut mem), mem.live()), (5, 5));
    pt.unmap(&mut mem, va(0x40_0000), 4 * KIB).expect("unmaps");
    assert_eq!(
        (pt.table_count(&mut mem), mem.live()),
        (4, 4),
        "the empty L3 went"
    );
}
