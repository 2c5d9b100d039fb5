//! Host tests of the timeout queue: earliest first, ties in insertion order, removal, and a random model check.

use super::*;
use crate::test_rng::Rng;
use alloc::vec::Vec;

#[test]
fn pops_earliest_first_and_only_when_due() {
    let mut q = TimeQueue::<u32>::new();
    q.insert(300, 3).unwrap();
    q.insert(100, 1).unwrap();
    q.insert(200, 2).unwrap();
    assert_eq!(q.next_deadline(), Some(100));
    assert_eq!(q.pop_expired(99), None);
    assert_eq!(q.pop_expired(250), Some(1));
    assert_eq!(q.pop_expired(250), Some(2));
    assert_eq!(q.pop_expired(250), None);
    assert_eq!(q.next_deadline(), Some(300));
    assert_eq!(q.len(), 1);
    assert_eq!(q.pop_expired(u64::MAX), Some(3));
    assert!(q.is_empty());
    assert_eq!(q.next_deadline(), None);
}

#[test]
fn ties_come_out_in_insertion_order() {
    let mut q = TimeQueue::<u32>::new();
    for item in [5, 1, 9, 2] {
        q.insert(1_000, item).unwrap();
    }
    q.insert(500, 7).unwrap();
    q.insert(1_000, 4).unwrap();
    let order: Vec<u32> = core::iter::from_fn(|| q.pop_expired(1_000)).collect();
    assert_eq!(order, [7, 5, 1, 9, 2, 4]);
}

#[test]
fn remove_takes_out_only_that_item() {
    let mut q = TimeQueue::<u32>::new();
    q.insert(10, 1).unwrap();
    q.insert(20, 2).unwrap();
    q.insert(30, 3).unwrap();
    assert!(q.remove(1));
    assert!(!q.remove(1));
    assert!(!q.contains(1));
    assert_eq!(q.next_deadline(), Some(20));
    assert_eq!(q.pop_expired(100), Some(2));
    assert_eq!(q.pop_expired(100), Some(3));
}

#[test]
fn deadline_zero_is_due_at_once() {
    let mut q = TimeQueue::<u32>::new();
    q.insert(0, 1).unwrap();
    assert_eq!(q.pop_expired(0), Some(1));
}

#[test]
fn error_displays_in_words() {
    assert_eq!(
        alloc::format!("{}", TimeQueueError::OutOfMemory),
        "out of memory for the time queue"
    );
}

#[test]
fn random_operations_match_a_model() {
    let mut rng = Rng(0x7134_e0e0);
    let mut q = TimeQueue::<u32>::new();
    // Model: (deadline, insertion sequence, item), unsorted; the minimum pair is next.
    let mut model: Vec<(u64, u64, u32)> = Vec::new();
    let mut now_ns = 0u64;
    let mut seq = 0u64;
    let mut next_item = 0u32;
    for _ in 0..50_000 {
        match rng.below(6) {
            0 | 1 => {
                // Few distinct deadlines, so ties are common.
                let deadline_ns = now_ns + rng.below_u64(8) * 10;
                next_item += 1;
                seq += 1;
                q.insert(deadline_ns, next_item).unwrap();
                model.push((deadline_ns, seq, next_item));
            }
            2 => {
                let item = rng.below(next_item as usize + 2) as u32;
                let pos = model.iter().position(|e| e.2 == item);
                assert_eq!(q.remove(item), pos.is_some());
                if let Some(pos) = pos {
                    model.remove(pos);
                }
            }
            3 => now_ns += rng.below_u64(25),
            _ => {
                let due = model
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.0 <= now_ns)
                    .min_by_key(|(_, e)| (e.0, e.1))
                    .map(|(i, _)| i);
                let got = q.pop_expired(now_ns);
                assert_eq!(got, due.map(|i| model.remove(i).2));
            }
        }
        assert_eq!(q.len(), model.len());
        assert_eq!(q.next_deadline(), model.iter().map(|e| e.0).min());
    }
}

#[test]
fn queue_is_send_and_fits_a_static() {
    fn send<T: Send>(_: &T) {}
    static SLEEPERS: spin::Mutex<TimeQueue<u32>> = spin::Mutex::new(TimeQueue::new());
    let mut q = SLEEPERS.lock();
    send(&*q);
    q.insert(5, 1).unwrap();
    assert_eq!(q.pop_expired(5), Some(1));
}
