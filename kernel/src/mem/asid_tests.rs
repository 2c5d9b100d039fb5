//! Host tests of ASID allocation: uniqueness within a generation, rollover, reuse after release.

use super::*;
use crate::test_rng::Rng;
use alloc::vec::Vec;

#[test]
fn width_is_checked() {
    assert_eq!(
        AsidAllocator::with_bits(0).err(),
        Some(AsidError::InvalidWidth(0))
    );
    assert_eq!(
        AsidAllocator::with_bits(17).err(),
        Some(AsidError::InvalidWidth(17))
    );
    assert_eq!(AsidAllocator::new().values_per_generation(), 65535);
    assert_eq!(
        AsidAllocator::with_bits(8).unwrap().values_per_generation(),
        255
    );
    assert_eq!(
        alloc::format!("{}", AsidError::InvalidWidth(17)),
        "ASID width of 17 bits not in 1..=16"
    );
}

#[test]
fn current_generation_asid_is_kept() {
    let mut a = AsidAllocator::new();
    let (asid, flush) = a.assign(None);
    assert!(!flush);
    assert_ne!(asid.value(), 0);
    assert_eq!(a.assign(Some(asid)), (asid, false));
    assert_eq!(a.live(), 1);
}

#[test]
fn current_value_is_the_value_of_a_current_asid_only() {
    let mut a = AsidAllocator::with_bits(2).unwrap();
    let (asid, _) = a.assign(None);
    let generation = a.generation();
    assert!(generation >= 1);
    assert_eq!(
        Asid::current_value(Some(asid), generation),
        Some(asid.value())
    );
    assert_eq!(Asid::current_value(None, generation), None, "no ASID");
    for _ in 0..4 {
        let _ = a.assign(None); // 2 bits: three values, then a rollover
    }
    assert_ne!(a.generation(), generation);
    assert_eq!(
        Asid::current_value(Some(asid), a.generation()),
        None,
        "stale"
    );
}

#[test]
fn full_width_hands_out_every_nonzero_value_once() {
    let mut a = AsidAllocator::new();
    let mut seen = alloc::vec![false; 1 << 16];
    for _ in 0..65535 {
        let (asid, flush) = a.assign(None);
        assert!(!flush);
        assert_ne!(asid.value(), 0);
        assert!(
            !seen[usize::from(asid.value())],
            "value {} twice",
            asid.value()
        );
        seen[usize::from(asid.value())] = true;
    }
    // The next generation again has every value, each once, with only the first flush.
    seen.fill(false);
    for i in 0..65535 {
        let (asid, flush) = a.assign(None);
        assert_eq!(flush, i == 0);
        assert_eq!(asid.generation(), 2);
        assert_ne!(asid.value(), 0);
        assert!(
            !seen[usize::from(asid.value())],
            "value {} twice",
            asid.value()
        );
        seen[usize::from(asid.value())] = true;
    }
}

#[test]
fn rollover_flushes_once_and_old_tasks_get_fresh_values() {
    let mut a = AsidAllocator::with_bits(2).unwrap();
    let tasks: Vec<Asid> = (0..3)
        .map(|_| a.assign(None))
        .map(|(asid, f)| {
            assert!(!f);
            asid
        })
        .collect();
    let mut values: Vec<u16> = tasks.iter().map(|t| t.value()).collect();
    values.sort();
    assert_eq!(values, [1, 2, 3]);
    // A fourth task exhausts generation 1.
    let (fourth, flush) = a.assign(None);
    assert!(flush);
    assert_eq!(fourth.generation(), 2);
    // The old tasks are reassigned on their next switch, without another flush, uniquely.
    let mut now: Vec<u16> = alloc::vec![fourth.value()];
    for t in &tasks[..2] {
        let (asid, flush) = a.assign(Some(*t));
        assert!(!flush);
        assert_eq!(asid.generation(), 2);
        now.push(asid.value());
    }
    now.sort();
    now.dedup();
    assert_eq!(now.len(), 3);
    assert!(!now.contains(&0));
    // The fifth reassignment needs a new generation again.
    assert!(a.assign(Some(tasks[2])).1);
}

#[test]
fn release_returns_the_value_to_the_pool() {
    let mut a = AsidAllocator::with_bits(2).unwrap();
    let t: Vec<Asid> = (0..3).map(|_| a.assign(None).0).collect();
    assert_eq!(a.release(t[1]), Ok(()));
    assert_eq!(a.release(t[1]), Err(AsidError::NotAllocated));
    let (reused, flush) = a.assign(None);
    assert!(!flush, "a released value avoids the rollover");
    assert_eq!(reused.value(), t[1].value());
    assert_eq!(a.live(), 3);
}

#[test]
fn release_of_an_old_generation_is_a_no_op() {
    let mut a = AsidAllocator::with_bits(1).unwrap();
    let (old, _) = a.assign(None);
    let (new, flush) = a.assign(None);
    assert!(flush);
    assert_eq!(a.release(old), Ok(()));
    assert_eq!(a.live(), 1);
    assert_eq!(a.assign(Some(new)), (new, false));
}

#[test]
fn release_rejects_forged_asids() {
    let mut a = AsidAllocator::with_bits(4).unwrap();
    let (asid, _) = a.assign(None);
    let forged = |generation: u64, value: u16| {
        Asid(core::num::NonZeroU64::new(generation << 16 | u64::from(value)).unwrap())
    };
    let zero = forged(1, 0);
    let future = forged(9, asid.value());
    let unused = forged(1, 9);
    for bad in [zero, future, unused] {
        assert_eq!(a.release(bad), Err(AsidError::NotAllocated));
    }
    assert_eq!(a.live(), 1);
}

#[test]
fn random_switches_keep_live_values_unique() {
    let mut rng = Rng(0xa51d_0001);
    let mut a = AsidAllocator::with_bits(3).unwrap();
    // Each task's stored ASID (None: not run yet); tasks come and go.
    let mut tasks: Vec<Option<Asid>> = alloc::vec![None; 4];
    let mut flushes = 0;
    for _ in 0..20_000 {
        match rng.below(10) {
            0 if tasks.len() < 12 => tasks.push(None),
            1 if tasks.len() > 1 => {
                let t = tasks.swap_remove(rng.below(tasks.len()));
                if let Some(asid) = t {
                    assert_eq!(a.release(asid), Ok(()));
                }
            }
            _ => {
                let i = rng.below(tasks.len());
                let before = a.generation();
                let (asid, flush) = a.assign(tasks[i]);
                assert_eq!(flush, a.generation() == before + 1);
                assert!(a.generation() <= before + 1);
                flushes += usize::from(flush);
                assert_ne!(asid.value(), 0);
                assert!(asid.value() < 8);
                assert_eq!(asid.generation(), a.generation());
                tasks[i] = Some(asid);
            }
        }
        // Every task holding a current ASID holds a value no other such task holds.
        let mut current: Vec<u16> = tasks
            .iter()
            .flatten()
            .filter(|asid| asid.generation() == a.generation())
            .map(|asid| asid.value())
            .collect();
        assert_eq!(current.len() as u32, a.live());
        current.sort();
        current.dedup();
        assert_eq!(current.len() as u32, a.live());
    }
    assert!(
        flushes > 10,
        "the test should exercise rollover ({flushes})"
    );
}

#[test]
fn allocator_fits_a_static() {
    static ASIDS: spin::Mutex<AsidAllocator> = spin::Mutex::new(AsidAllocator::new());
    let (asid, flush) = ASIDS.lock().assign(None);
    assert_eq!((asid.value(), flush), (1, false));
}
