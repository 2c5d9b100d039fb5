//! Host tests of the run queues and the time slice: FIFO order, priority order, and a random model check.

use super::*;
use crate::test_rng::Rng;
use alloc::vec::Vec;

#[test]
fn fifo_within_a_priority() {
    let mut q = RunQueues::<u32>::new();
    for t in 1..=4 {
        q.push_back(7, t).unwrap();
    }
    let order: Vec<(u8, u32)> = core::iter::from_fn(|| q.pop_highest()).collect();
    assert_eq!(order, [(7, 1), (7, 2), (7, 3), (7, 4)]);
    assert!(q.is_empty());
}

#[test]
fn higher_priority_first_and_push_front_jumps_the_line() {
    let mut q = RunQueues::<u32>::new();
    q.push_back(0, 100).unwrap();
    q.push_back(5, 1).unwrap();
    q.push_back(31, 2).unwrap();
    q.push_back(5, 3).unwrap();
    q.push_front(5, 4).unwrap();
    assert_eq!(q.highest_ready_priority(), Some(31));
    assert_eq!(q.len(), 5);
    assert_eq!(q.len_at(5), 3);
    let order: Vec<(u8, u32)> = core::iter::from_fn(|| q.pop_highest()).collect();
    assert_eq!(order, [(31, 2), (5, 4), (5, 1), (5, 3), (0, 100)]);
    assert_eq!(q.highest_ready_priority(), None);
    assert_eq!(q.pop_highest(), None);
}

#[test]
fn made_room_is_there_for_every_thread_asked_for() {
    let mut q = RunQueues::<u32>::new();
    assert_eq!(q.room_at(9), 0, "nothing allocated before it is asked for");
    q.push_back(9, 1).unwrap();
    q.make_room(9, 6).unwrap();
    let room = q.room_at(9);
    assert!(room >= 6, "room for 6 threads, 1 of them queued: {room}");
    for t in 2..=6 {
        q.push_back(9, t).unwrap();
    }
    assert_eq!(q.room_at(9), room, "the pushes allocated nothing");
    assert_eq!(q.room_at(8), 0, "other priorities untouched");
}

#[test]
fn invalid_priority_is_an_error() {
    let mut q = RunQueues::<u32>::new();
    assert_eq!(q.push_back(32, 1), Err(RunQueueError::InvalidPriority(32)));
    assert_eq!(
        q.push_front(255, 1),
        Err(RunQueueError::InvalidPriority(255))
    );
    assert_eq!(q.make_room(40, 1), Err(RunQueueError::InvalidPriority(40)));
    assert!(q.is_empty());
    assert_eq!(q.len_at(200), 0);
    assert_eq!(
        alloc::format!("{}", RunQueueError::InvalidPriority(32)),
        "priority 32 out of range (0..32)"
    );
}

#[test]
fn remove_updates_the_bitmap() {
    let mut q = RunQueues::<u32>::new();
    q.push_back(3, 1).unwrap();
    q.push_back(9, 2).unwrap();
    q.push_back(9, 3).unwrap();
    assert!(q.remove(2));
    assert_eq!(q.highest_ready_priority(), Some(9));
    assert!(q.remove(3));
    assert_eq!(q.highest_ready_priority(), Some(3));
    assert!(!q.remove(3));
    assert!(q.contains(1));
    assert!(q.remove(1));
    assert_eq!(q.highest_ready_priority(), None);
    assert!(q.is_empty());
}

#[test]
fn quantum_expires_after_the_timeslice() {
    let mut quantum = Quantum::new();
    for _ in 1..TIMESLICE_TICKS {
        assert!(!quantum.on_tick());
    }
    assert!(quantum.on_tick());
    assert!(quantum.is_expired());
    assert!(quantum.on_tick(), "stays expired");
    quantum.reset();
    assert_eq!(quantum.ticks_left(), TIMESLICE_TICKS);
    assert!(!quantum.on_tick());
}

#[test]
fn random_operations_match_a_model() {
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let mut q = RunQueues::<u32>::new();
    // Model: a list of (priority, sequence key, thread); the lowest key runs first in a level.
    let mut model: Vec<(u8, i64, u32)> = Vec::new();
    let (mut back_key, mut front_key) = (0i64, 0i64);
    let mut next_thread = 0u32;
    for _ in 0..50_000 {
        match rng.below(5) {
            0 | 1 => {
                let prio = rng.below(NUM_PRIORITIES) as u8;
                next_thread += 1;
                if rng.below(2) == 0 {
                    back_key += 1;
                    q.push_back(prio, next_thread).unwrap();
                    model.push((prio, back_key, next_thread));
                } else {
                    front_key -= 1;
                    q.push_front(prio, next_thread).unwrap();
                    model.push((prio, front_key, next_thread));
                }
            }
            2 => {
                let expected = model
                    .iter()
                    .enumerate()
                    .max_by_key(|(_, (p, key, _))| (*p, -key))
                    .map(|(i, _)| i);
                let got = q.pop_highest();
                match expected {
                    Some(i) => {
                        let (p, _, t) = model.remove(i);
                        assert_eq!(got, Some((p, t)));
                    }
                    None => assert_eq!(got, None),
                }
            }
            _ => {
                // Remove a queued thread, or one that is not queued.
                let t = rng.below(next_thread as usize + 2) as u32;
                let pos = model.iter().position(|e| e.2 == t);
                assert_eq!(q.remove(t), pos.is_some());
                if let Some(pos) = pos {
                    model.remove(pos);
                }
            }
        }
        assert_eq!(q.len(), model.len());
        assert_eq!(q.is_empty(), model.is_empty());
        assert_eq!(q.highest_ready_priority(), model.iter().map(|e| e.0).max());
        let mut bitmap = 0u32;
        for (p, _, _) in &model {
            bitmap |= 1 << p;
        }
        assert_eq!(q.nonempty, bitmap);
    }
}

#[test]
fn queues_are_send_and_fit_a_static() {
    fn send<T: Send>(_: &T) {}
    static QUEUES: spin::Mutex<RunQueues<u32>> = spin::Mutex::new(RunQueues::new());
    let mut q = QUEUES.lock();
    send(&*q);
    q.push_back(1, 1).unwrap();
    assert_eq!(q.pop_highest(), Some((1, 1)));
}
