//! OpenTable tests: fds, generations, ownership, limits and use counts.

extern crate alloc;

use super::*;
use alloc::vec;

const ALICE: u64 = 0xA11CE;
const BOB: u64 = 0xB0B;

#[test]
fn first_fds_are_small_and_never_zero() {
    let mut t = OpenTable::new(8);
    assert_eq!(t.open(ALICE, "a"), Ok(1));
    assert_eq!(t.open(BOB, "b"), Ok(2));
    assert_eq!(t.open(ALICE, "c"), Ok(3));
    assert_eq!(t.get(2, BOB), Ok(&"b"));
    assert_eq!(t.get(0, ALICE), Err(Errno::BadFd));
    assert_eq!(t.get(99, ALICE), Err(Errno::BadFd));
}

#[test]
fn a_stale_fd_is_ebadf_even_when_its_slot_is_reused() {
    let mut t = OpenTable::new(4);
    let old = t.open(ALICE, 10).unwrap();
    assert_eq!(t.release(old, ALICE), Ok(10));
    assert_eq!(t.get(old, ALICE), Err(Errno::BadFd));
    assert_eq!(t.release(old, ALICE), Err(Errno::BadFd));
    let new = t.open(ALICE, 20).unwrap();
    assert_ne!(new, old);
    assert_eq!(new & SLOT_MASK, old & SLOT_MASK, "the slot is reused");
    assert_eq!(t.get(old, ALICE), Err(Errno::BadFd));
    assert_eq!(t.get(new, ALICE), Ok(&20));
}

#[test]
fn generations_wrap_without_making_fd_zero() {
    let mut t = OpenTable::new(1);
    let mut last = 0;
    for _ in 0..GENERATIONS + 2 {
        let fd = t.open(ALICE, ()).unwrap();
        assert_ne!(fd, 0);
        assert_ne!(fd, last);
        last = fd;
        t.release(fd, ALICE).unwrap();
    }
    assert_eq!(last, 1 << SLOT_BITS | 1, "wrapped round to generation 1");
}

#[test]
fn a_client_may_only_use_its_own_fds() {
    let mut t = OpenTable::new(4);
    let fd = t.open(ALICE, 1).unwrap();
    assert_eq!(t.get(fd, BOB), Err(Errno::BadFd));
    assert_eq!(t.get_mut(fd, BOB), Err(Errno::BadFd));
    assert_eq!(t.release(fd, BOB), Err(Errno::BadFd));
    *t.get_mut(fd, ALICE).unwrap() += 1;
    assert_eq!(t.get(fd, ALICE), Ok(&2));
    assert_eq!(t.count(), 1);
}

#[test]
fn the_limit_is_emfile_and_release_makes_room() {
    let mut t = OpenTable::new(2);
    let a = t.open(ALICE, 'a').unwrap();
    t.open(ALICE, 'b').unwrap();
    assert_eq!(t.open(BOB, 'c'), Err(Errno::TooManyOpen));
    t.release(a, ALICE).unwrap();
    assert!(t.open(BOB, 'c').is_ok());
    assert_eq!(OpenTable::<()>::new(usize::MAX).max_open(), MAX_OPEN);
    assert_eq!(
        OpenTable::<()>::new(0).open(ALICE, ()),
        Err(Errno::TooManyOpen)
    );
}

#[test]
fn use_counts_and_release_all() {
    let mut t = OpenTable::new(16);
    let a1 = t.open(ALICE, "a1").unwrap();
    let b1 = t.open(BOB, "b1").unwrap();
    let a2 = t.open(ALICE, "a2").unwrap();
    assert_eq!((t.count(), t.count_by(ALICE), t.count_by(BOB)), (3, 2, 1));
    assert_eq!(t.release_all(ALICE), vec![(a1, "a1"), (a2, "a2")]);
    assert_eq!((t.count(), t.count_by(ALICE), t.count_by(BOB)), (1, 0, 1));
    assert_eq!(t.get(a1, ALICE), Err(Errno::BadFd));
    assert_eq!(t.release_all(ALICE), vec![]);
    t.release(b1, BOB).unwrap();
    assert!(t.is_empty());
}

#[test]
fn iteration_sees_every_open_fd() {
    let mut t = OpenTable::new(8);
    let a = t.open(ALICE, 1).unwrap();
    let b = t.open(BOB, 2).unwrap();
    let c = t.open(ALICE, 3).unwrap();
    t.release(b, BOB).unwrap();
    let seen: alloc::vec::Vec<_> = t.iter().map(|(fd, badge, &s)| (fd, badge, s)).collect();
    assert_eq!(seen, vec![(a, ALICE, 1), (c, ALICE, 3)]);
    for (_, _, state) in t.iter_mut() {
        *state *= 10;
    }
    assert_eq!(t.get(c, ALICE), Ok(&30));
}

#[test]
fn usage_counts_fds_and_distinct_clients() {
    let mut t: OpenTable<()> = OpenTable::new(8);
    assert_eq!(t.usage(), (0, 0));
    let a = t.open(7, ()).unwrap();
    t.open(9, ()).unwrap();
    t.open(7, ()).unwrap();
    t.open(1 << 63, ()).unwrap();
    assert_eq!(t.usage(), (4, 3));
    t.release(a, 7).unwrap();
    assert_eq!(t.usage(), (3, 3));
}
