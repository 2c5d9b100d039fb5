//! Host tests for unmapping, rollback on out-of-memory, W^X, destroy, the upper half and a random model.

use super::*;

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
