//! Host tests of the handle table: handle encoding, rights that only shrink, stale handles, full tables, drain.

use super::*;
use crate::test_rng::Rng;
use alloc::vec::Vec;

/// A table of small tables so "full" is cheap to reach.
type Small = HandleTable<u32, 4>;

fn cap(object: u32, rights: Rights) -> Cap<u32> {
    Cap::new(object, rights)
}

#[test]
fn rights_come_from_the_abi() {
    let rw = Rights::MAP.union(Rights::WRITE);
    assert!(rw.contains(Rights::MAP));
    assert!(!rw.contains(Rights::MAP.union(Rights::DUP)));
    assert_eq!(alloc::format!("{rw}"), "map|write");
}

#[test]
fn errors_display_in_words() {
    assert_eq!(
        alloc::format!("{}", CapError::InvalidHandle),
        "invalid handle"
    );
    assert_eq!(
        alloc::format!("{}", CapError::TableFull),
        "handle table full"
    );
}

#[test]
fn handle_zero_and_garbage_are_invalid() {
    let mut t = Small::new();
    let h = t.insert(cap(7, Rights::ALL)).unwrap();
    assert_ne!(h.raw(), 0);
    assert_eq!(t.get(Handle::NONE), Err(CapError::InvalidHandle));
    assert_eq!(t.get(Handle::from_raw(0)), Err(CapError::InvalidHandle));
    // Index field 0 with a generation is still "no index".
    assert_eq!(
        t.get(Handle::from_raw(1 << INDEX_BITS)),
        Err(CapError::InvalidHandle)
    );
    // Right index, wrong generation; and an index past the table.
    assert_eq!(
        t.get(Handle::from_raw(h.raw() + (1 << INDEX_BITS))),
        Err(CapError::InvalidHandle)
    );
    assert_eq!(t.get(Handle::from_raw(4095)), Err(CapError::InvalidHandle));
    assert_eq!(
        t.get(Handle::from_raw(u32::MAX)),
        Err(CapError::InvalidHandle)
    );
    assert_eq!(t.remove(Handle::NONE), Err(CapError::InvalidHandle));
    assert_eq!(t.get(h).unwrap().object, 7);
}

#[test]
fn get_with_checks_rights() {
    let mut t = Small::new();
    let h = t.insert(cap(1, Rights::SEND.union(Rights::GRANT))).unwrap();
    assert!(t.get_with(h, Rights::SEND).is_ok());
    assert!(t.get_with(h, Rights::SEND.union(Rights::GRANT)).is_ok());
    assert_eq!(t.get_with(h, Rights::RECV), Err(CapError::NoRights));
    assert_eq!(
        t.get_with(h, Rights::SEND.union(Rights::MAP)),
        Err(CapError::NoRights)
    );
}

#[test]
fn get_as_gives_what_pick_makes_of_a_live_capability_only() {
    let mut t = Small::new();
    let h = t
        .insert(Cap {
            badge: 9,
            ..Cap::new(7, Rights::SEND)
        })
        .unwrap();
    let endpoint =
        |c: &Cap<u32>| (c.object == 7 && c.rights.contains(Rights::SEND)).then_some(c.badge);
    assert_eq!(t.get_as(h, endpoint), Some(9));
    assert_eq!(
        t.get_as(h, |c| (c.object == 8).then_some(())),
        None,
        "refused by pick"
    );
    assert_eq!(t.get_as(Handle::NONE, endpoint), None);
    let forged = Handle::from_raw(h.raw() + (1 << INDEX_BITS));
    assert_eq!(t.get_as(forged, endpoint), None, "another generation");
    t.remove(h).unwrap();
    assert_eq!(t.get_as(h, endpoint), None, "removed");
}

#[test]
fn stale_handle_rejected_after_remove_and_reuse() {
    let mut t = Small::new();
    let old = t.insert(cap(1, Rights::ALL)).unwrap();
    assert_eq!(t.remove(old).unwrap().object, 1);
    assert_eq!(t.get(old), Err(CapError::InvalidHandle));
    assert_eq!(t.remove(old), Err(CapError::InvalidHandle));
    let new = t.insert(cap(2, Rights::ALL)).unwrap();
    // Same slot, new generation: the old number must not name the new object.
    assert_eq!(new.raw() & 0xfff, old.raw() & 0xfff);
    assert_ne!(new, old);
    assert_eq!(t.get(old), Err(CapError::InvalidHandle));
    assert_eq!(t.get(new).unwrap().object, 2);
    assert_eq!(t.len(), 1);
}

#[test]
fn full_table_refuses_then_accepts_after_remove() {
    let mut t = Small::new();
    let handles: Vec<Handle> = (0..4)
        .map(|i| t.insert(cap(i, Rights::ALL)).unwrap())
        .collect();
    assert_eq!(t.len(), 4);
    assert_eq!(t.insert(cap(9, Rights::ALL)), Err(CapError::TableFull));
    assert_eq!(
        t.duplicate(handles[0], Rights::ALL, None),
        Err(CapError::TableFull)
    );
    t.remove(handles[2]).unwrap();
    let h = t.insert(cap(9, Rights::ALL)).unwrap();
    assert_eq!(t.get(h).unwrap().object, 9);
    for (i, h) in handles.iter().enumerate().filter(|(i, _)| *i != 2) {
        assert_eq!(t.get(*h).unwrap().object, i as u32);
    }
}

#[test]
fn duplicate_only_shrinks_rights() {
    let mut t = Small::new();
    let h = t.insert(cap(5, Rights::SEND.union(Rights::DUP))).unwrap();
    let d = t.duplicate(h, Rights::ALL, None).unwrap();
    assert_eq!(t.get(d).unwrap().rights, Rights::SEND.union(Rights::DUP));
    let s = t
        .duplicate(d, Rights::SEND.union(Rights::RECV).union(Rights::MAP), None)
        .unwrap();
    assert_eq!(t.get(s).unwrap().rights, Rights::SEND);
    assert_eq!(t.get(s).unwrap().object, 5);
    // Without DUP the copy cannot be copied again.
    assert_eq!(t.duplicate(s, Rights::ALL, None), Err(CapError::NoRights));
}

#[test]
fn duplicate_badges_only_unbadged_caps() {
    let mut t = Small::new();
    let h = t.insert(cap(5, Rights::SEND.union(Rights::DUP))).unwrap();
    let badged = t.duplicate(h, Rights::ALL, Some(42)).unwrap();
    assert_eq!(t.get(badged).unwrap().badge, 42);
    assert_eq!(t.get(h).unwrap().badge, 0);
    assert_eq!(
        t.duplicate(badged, Rights::ALL, Some(43)),
        Err(CapError::AlreadyBadged)
    );
    let kept = t.duplicate(badged, Rights::SEND, None).unwrap();
    assert_eq!(t.get(kept).unwrap().badge, 42);
}

#[test]
fn drain_empties_and_leaves_handles_stale() {
    let mut t = Small::new();
    let a = t.insert(cap(1, Rights::ALL)).unwrap();
    let b = t.insert(cap(2, Rights::ALL)).unwrap();
    let c = t.insert(cap(3, Rights::ALL)).unwrap();
    t.remove(b).unwrap();
    let mut objects: Vec<u32> = t.drain().map(|c| c.object).collect();
    objects.sort();
    assert_eq!(objects, [1, 3]);
    assert!(t.is_empty());
    assert_eq!(t.iter().count(), 0);
    for h in [a, b, c] {
        assert_eq!(t.get(h), Err(CapError::InvalidHandle));
    }
    // All four slots are usable again, and none of the old numbers comes back.
    let fresh: Vec<Handle> = (10..14)
        .map(|i| t.insert(cap(i, Rights::ALL)).unwrap())
        .collect();
    assert!(fresh.iter().all(|h| ![a, b, c].contains(h)));
    assert_eq!(t.len(), 4);
}

#[test]
fn dropping_drain_early_still_empties() {
    let mut t = Small::new();
    for i in 0..3 {
        t.insert(cap(i, Rights::ALL)).unwrap();
    }
    assert!(t.drain().next().is_some());
    assert!(t.is_empty());
    assert_eq!(t.iter().count(), 0);
}

#[test]
fn iter_lists_live_handles() {
    let mut t = Small::new();
    let a = t.insert(cap(1, Rights::SEND)).unwrap();
    let b = t.insert(cap(2, Rights::RECV)).unwrap();
    t.remove(a).unwrap();
    let live: Vec<(Handle, u32)> = t.iter().map(|(h, c)| (h, c.object)).collect();
    assert_eq!(live, [(b, 2)]);
}

#[test]
fn generation_wraps_within_its_field() {
    let mut t = HandleTable::<u32, 1>::new();
    let first = t.insert(cap(0, Rights::ALL)).unwrap();
    let mut h = first;
    for _ in 0..(1u32 << GENERATION_BITS) {
        t.remove(h).unwrap();
        h = t.insert(cap(0, Rights::ALL)).unwrap();
        assert_ne!(h.raw() & 0xfff, 0);
    }
    // After exactly 2^20 reuses the number repeats: the documented limit.
    assert_eq!(h, first);
}

#[test]
fn random_operations_match_a_model() {
    let mut rng = Rng(0x5eed_cafe);
    let mut t = HandleTable::<u32, 16>::new();
    // Model: live (handle, object, rights, badge); dead handles that must stay invalid.
    let mut live: Vec<(Handle, Cap<u32>)> = Vec::new();
    let mut dead: Vec<Handle> = Vec::new();
    for step in 0..20_000u32 {
        match rng.below(4) {
            0 | 1 => {
                let c = Cap::new(step, Rights::from_raw(rng.next()));
                match t.insert(c.clone()) {
                    Ok(h) => live.push((h, c)),
                    Err(e) => {
                        assert_eq!(e, CapError::TableFull);
                        assert_eq!(live.len(), 16);
                    }
                }
            }
            2 if !live.is_empty() => {
                let (h, c) = live.swap_remove(rng.below(live.len()));
                assert_eq!(t.remove(h), Ok(c));
                dead.push(h);
            }
            _ if !live.is_empty() => {
                let (h, c) = live[rng.below(live.len())].clone();
                let mask = Rights::from_raw(rng.next());
                match t.duplicate(h, mask, None) {
                    Ok(d) => {
                        let copy = t.get(d).unwrap();
                        assert!(c.rights.contains(copy.rights));
                        assert_eq!(copy.rights, c.rights.intersect(mask));
                        live.push((d, copy.clone()));
                    }
                    Err(CapError::NoRights) => assert!(!c.rights.contains(Rights::DUP)),
                    Err(e) => assert_eq!((e, live.len()), (CapError::TableFull, 16)),
                }
            }
            _ => {}
        }
        assert_eq!(t.len(), live.len());
        for (h, c) in &live {
            assert_eq!(t.get(*h), Ok(c));
            assert_eq!(t.get_as(*h, |found| Some(found.clone())).as_ref(), Some(c));
        }
        for h in dead.iter().rev().take(8) {
            assert_eq!(t.get(*h), Err(CapError::InvalidHandle));
            assert_eq!(t.get_as(*h, |_| Some(())), None, "a dead handle is picked");
        }
    }
}

#[test]
fn table_is_send() {
    fn send<T: Send>(_: &T) {}
    send(&HandleTable::<u32>::new());
}
