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

#[test]
fn unmapping_everything_frees_every_table_but_the_root() {
    let (mut mem, mut pt) = setup(Half::Lower);
    let ranges = [
        (0x1000, 0x3000),
        (0x7F_FFE0_0000, 4 * MIB - 0x20_0000),
        (GIB - 4 * KIB, 2 * MIB + 8 * KIB),
        (3 * GIB, GIB),
    ];
    for &(start, len) in &ranges {
        pt.map(&mut mem, va(start), pa(start), len, Attrs::USER_DATA, true)
            .unwrap();
    }
    assert!(mem.live() > 4);
    for &(start, len) in &ranges {
        let done = pt.unmap(&mut mem, va(start), len).unwrap();
        assert_eq!(
            done,
            Unmapped {
                pages: len / PAGE_SIZE,
                blocks_split: 0
            }
        );
    }
    assert_eq!(mem.live(), 1);
    assert!(leaves(&pt, &mut mem).is_empty());
}

#[test]
fn unmap_of_a_hole_is_refused_and_changes_nothing() {
    let (mut mem, mut pt) = setup(Half::Lower);
    pt.map(
        &mut mem,
        va(0x10_0000),
        pa(0),
        4 * PAGE_SIZE,
        Attrs::USER_DATA,
        true,
    )
    .unwrap();
    pt.unmap(&mut mem, va(0x10_2000), PAGE_SIZE).unwrap();
    let before = mem.snapshot();
    let err = pt.unmap(&mut mem, va(0x10_0000), 4 * PAGE_SIZE);
    assert_eq!(err, Err(UnmapError::NotMapped { va: va(0x10_2000) }));
    assert_eq!(mem.snapshot(), before);
    assert_eq!(
        pt.unmap(&mut mem, va(GIB), 0),
        Ok(Unmapped {
            pages: 0,
            blocks_split: 0
        })
    );
}

#[test]
fn partial_unmap_splits_a_2mib_block() {
    let (mut mem, mut pt) = setup(Half::Lower);
    pt.map(
        &mut mem,
        va(4 * MIB),
        pa(8 * MIB),
        2 * MIB,
        Attrs::USER_RODATA,
        true,
    )
    .unwrap();
    let hole = va(5 * MIB);
    assert_eq!(
        pt.unmap(&mut mem, hole, PAGE_SIZE),
        Ok(Unmapped {
            pages: 1,
            blocks_split: 1
        })
    );
    assert_eq!(pt.translate(&mut mem, hole), None);
    for off in [0, 0x1000, MIB - 0x1000, MIB + 0x1000, 2 * MIB - 1] {
        let want = Some((pa(8 * MIB + off), Attrs::USER_RODATA));
        assert_eq!(
            pt.translate(&mut mem, va(4 * MIB + off)),
            want,
            "offset {off:#x}"
        );
    }
    assert_eq!(sizes(&pt, &mut mem), [PAGE_SIZE; 511]);
    assert_eq!(mem.live(), 3);
    pt.unmap(&mut mem, va(4 * MIB), MIB).unwrap();
    pt.unmap(&mut mem, va(5 * MIB + PAGE_SIZE), MIB - PAGE_SIZE)
        .unwrap();
    assert_eq!(mem.live(), 1);
}

#[test]
fn partial_unmap_splits_a_1gib_block_at_both_ends() {
    let (mut mem, mut pt) = setup(Half::Lower);
    pt.map(&mut mem, va(GIB), pa(0), GIB, Attrs::USER_DATA, true)
        .unwrap();
    let done = pt.unmap(&mut mem, va(GIB + MIB), 4 * MIB).unwrap();
    assert_eq!(
        done,
        Unmapped {
            pages: 1024,
            blocks_split: 3
        }
    );
    assert_eq!(
        pt.translate(&mut mem, va(GIB + MIB - 1)).map(|t| t.0),
        Some(pa(MIB - 1))
    );
    assert_eq!(pt.translate(&mut mem, va(GIB + MIB)), None);
    assert_eq!(pt.translate(&mut mem, va(GIB + 5 * MIB - 1)), None);
    assert_eq!(
        pt.translate(&mut mem, va(GIB + 5 * MIB)).map(|t| t.0),
        Some(pa(5 * MIB))
    );
    assert_eq!(
        pt.translate(&mut mem, va(2 * GIB - 1)).map(|t| t.0),
        Some(pa(GIB - 1))
    );
    let mapped: usize = sizes(&pt, &mut mem).iter().sum();
    assert_eq!(mapped, GIB - 4 * MIB);
    assert_eq!(mem.live(), 4, "root, one L2 table, two L3 tables");
}

#[test]
fn map_out_of_memory_rolls_back() {
    // Pages across the 1 GiB boundary: an L3 table below it (the L2 table exists), L2 + L3 above.
    let (start, len) = (GIB - 8 * KIB, 16 * KIB);
    for budget in 0..=3 {
        let (mut mem, mut pt) = setup(Half::Lower);
        pt.map(
            &mut mem,
            va(GIB - 4 * MIB),
            pa(0),
            PAGE_SIZE,
            Attrs::USER_DATA,
            true,
        )
        .unwrap();
        let before = mem.snapshot();
        mem.budget = Some(budget);
        let got = pt.map(&mut mem, va(start), pa(0), len, Attrs::USER_DATA, false);
        if budget < 3 {
            assert_eq!(got, Err(MapError::OutOfMemory), "budget {budget}");
            assert_eq!(mem.snapshot(), before, "budget {budget}");
        } else {
            assert_eq!(got, Ok(()));
            assert_eq!(mem.live(), 3 + 3);
            assert_eq!(
                pt.translate(&mut mem, va(GIB + PAGE_SIZE)).map(|t| t.0),
                Some(pa(3 * PAGE_SIZE))
            );
        }
    }
}

#[test]
fn unmap_out_of_memory_while_splitting_rolls_back() {
    for budget in 0..2 {
        let (mut mem, mut pt) = setup(Half::Lower);
        pt.map(&mut mem, va(0), pa(0), GIB, Attrs::KERNEL_DATA, true)
            .unwrap();
        let before = mem.snapshot();
        mem.budget = Some(budget);
        assert_eq!(
            pt.unmap(&mut mem, va(3 * MIB), PAGE_SIZE),
            Err(UnmapError::OutOfMemory)
        );
        assert_eq!(mem.snapshot(), before, "budget {budget}");
    }
    let (mut mem, mut pt) = setup(Half::Lower);
    pt.map(&mut mem, va(0), pa(0), GIB, Attrs::KERNEL_DATA, true)
        .unwrap();
    mem.budget = Some(2);
    assert_eq!(
        pt.unmap(&mut mem, va(3 * MIB), PAGE_SIZE),
        Ok(Unmapped {
            pages: 1,
            blocks_split: 2
        })
    );
}

#[test]
fn wx_violations_are_found() {
    let (mut mem, mut pt) = setup(Half::Lower);
    pt.map(
        &mut mem,
        va(0x1000),
        pa(0x1000),
        2 * PAGE_SIZE,
        Attrs::USER_CODE,
        true,
    )
    .unwrap();
    pt.map(
        &mut mem,
        va(2 * MIB),
        pa(2 * MIB),
        2 * MIB,
        Attrs::USER_DATA,
        true,
    )
    .unwrap();
    assert_eq!(pt.check_wx(&mut mem), Ok(2 + 512));
    let cases = [
        Attrs {
            kernel_exec: true,
            ..Attrs::KERNEL_DATA
        },
        Attrs {
            user_exec: true,
            ..Attrs::USER_DATA
        },
        Attrs {
            kernel_exec: true,
            ..Attrs::USER_DATA
        },
    ];
    for (i, attrs) in cases.into_iter().enumerate() {
        let bad = va(GIB + i * PAGE_SIZE);
        pt.map(&mut mem, bad, pa(0), PAGE_SIZE, attrs, true)
            .unwrap();
        assert_eq!(
            pt.check_wx(&mut mem),
            Err(WxViolation { va: bad }),
            "{attrs:?}"
        );
        pt.unmap(&mut mem, bad, PAGE_SIZE).unwrap();
    }
    assert_eq!(pt.check_wx(&mut mem), Ok(2 + 512));
}

#[test]
fn destroy_frees_every_table() {
    let (mut mem, mut pt) = setup(Half::Lower);
    pt.map(&mut mem, va(0x1000), pa(0), 3 * MIB, Attrs::USER_DATA, true)
        .unwrap();
    pt.map(&mut mem, va(5 * GIB), pa(0), GIB, Attrs::USER_DATA, true)
        .unwrap();
    pt.map(
        &mut mem,
        va(VA_SPAN_BYTES - PAGE_SIZE),
        pa(0),
        PAGE_SIZE,
        Attrs::USER_DATA,
        true,
    )
    .unwrap();
    assert!(mem.live() > 3);
    pt.destroy(&mut mem);
    assert_eq!(mem.live(), 0);
}

#[test]
fn upper_half_uses_full_addresses() {
    let (mut mem, mut pt) = setup(Half::Upper);
    let image = va(KERNEL_BASE + 0x8_0000);
    pt.map(
        &mut mem,
        image,
        pa(0x8_0000),
        0x4000,
        Attrs::KERNEL_CODE,
        true,
    )
    .unwrap();
    pt.map(
        &mut mem,
        va(KERNEL_BASE + GIB),
        pa(0),
        GIB,
        Attrs::KERNEL_DATA,
        true,
    )
    .unwrap();
    assert_eq!(
        pt.translate(&mut mem, va(KERNEL_BASE + 0x8_1234)),
        Some((pa(0x8_1234), Attrs::KERNEL_CODE))
    );
    assert_eq!(
        pt.translate(&mut mem, va(0x8_0000)),
        None,
        "a lower-half VA is not in this tree"
    );
    let got = leaves(&pt, &mut mem);
    assert_eq!(got[0].va, image);
    assert_eq!(got.last().unwrap().va, va(KERNEL_BASE + GIB));
    let low = va(0x8_0000);
    let err = pt.map(&mut mem, low, pa(0), PAGE_SIZE, Attrs::KERNEL_DATA, true);
    assert_eq!(err, Err(MapError::VaOutOfRange { va: low }));
    assert_eq!(
        pt.unmap(&mut mem, low, PAGE_SIZE),
        Err(UnmapError::VaOutOfRange { va: low })
    );
    let top = va(usize::MAX - PAGE_SIZE + 1);
    let err = pt.map(
        &mut mem,
        top,
        pa(0),
        2 * PAGE_SIZE,
        Attrs::KERNEL_DATA,
        true,
    );
    assert_eq!(
        err,
        Err(MapError::VaOutOfRange { va: top }),
        "no wrap past the top"
    );
    pt.map(
        &mut mem,
        top,
        pa(0x1000),
        PAGE_SIZE,
        Attrs::KERNEL_DATA,
        true,
    )
    .unwrap();
    assert_eq!(
        pt.translate(&mut mem, va(usize::MAX)),
        Some((pa(0x1FFF), Attrs::KERNEL_DATA))
    );
    pt.unmap(&mut mem, top, PAGE_SIZE).unwrap();
    pt.unmap(&mut mem, image, 0x4000).unwrap();
    pt.unmap(&mut mem, va(KERNEL_BASE + GIB + 2 * MIB), PAGE_SIZE)
        .unwrap();
    assert_eq!(
        pt.translate(&mut mem, va(KERNEL_BASE + GIB + 2 * MIB + PAGE_SIZE))
            .map(|t| t.0),
        Some(pa(2 * MIB + PAGE_SIZE))
    );
}

/// Random maps and unmaps over a small window, checked page by page against a plain map.
#[test]
fn random_operations_match_a_model() {
    let window_pages = 3 * 512; // 6 MiB starting at 1 GiB - 2 MiB, so it spans two L1 entries
    let base = GIB - 2 * MIB;
    let (mut mem, mut pt) = setup(Half::Lower);
    let mut model: BTreeMap<usize, usize> = BTreeMap::new();
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut rand = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for step in 0..400 {
        let first = rand(window_pages);
        let max_count = [1, 8, 512, 1024][rand(4)];
        let count = 1 + rand(max_count.min(window_pages - first));
        let (start, len) = (base + first * PAGE_SIZE, count * PAGE_SIZE);
        let pages = first..first + count;
        let all_mapped = pages.clone().all(|p| model.contains_key(&p));
        let none_mapped = pages.clone().all(|p| !model.contains_key(&p));
        if rand(2) == 0 {
            let target = [0, PAGE_SIZE, 2 * MIB][rand(3)] + rand(4) * 2 * MIB;
            let got = pt.map(&mut mem, va(start), pa(target), len, Attrs::USER_DATA, true);
            assert_eq!(got.is_ok(), none_mapped, "step {step}");
            if got.is_ok() {
                model.extend(pages.map(|p| (p, target + (p - first) * PAGE_SIZE)));
            }
        } else {
            let got = pt.unmap(&mut mem, va(start), len);
            assert_eq!(got.is_ok(), all_mapped, "step {step}");
            if got.is_ok() {
                for p in pages {
                    model.remove(&p);
                }
            }
        }
        for p in 0..window_pages {
            let got = pt
                .translate(&mut mem, va(base + p * PAGE_SIZE))
                .map(|t| t.0 .0);
            assert_eq!(got, model.get(&p).copied(), "step {step} page {p}");
        }
    }
    let mapped: Vec<usize> = model.keys().copied().collect();
    for p in mapped {
        pt.unmap(&mut mem, va(base + p * PAGE_SIZE), PAGE_SIZE)
            .unwrap();
    }
    assert_eq!(mem.live(), 1);
}
