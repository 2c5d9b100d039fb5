//! Host tests of ending tasks and objects: PeerGone wake-ups, kills, exit and fault messages, reaping.

use super::*;
use crate::cap::table::Handle;
use crate::object::Region;
use crate::platform::host;
use crate::test_kernel::*;
use abi::{Error, Rights};

/// Takes handle `h` out of `t`'s table and drops its reference, as `handle_close` does.
fn close(k: &mut Kernel, t: TaskId, h: u64) {
    let cap = tk(k, t).handles.remove(Handle::from_raw(h as u32));
    let cap = cap.expect("a live handle");
    k.release(cap.object, cap.rights);
}

/// A child of `sup` whose exit and fault messages go to `ep` with `badge`
/// (holding a reference on the endpoint, as `spawn` takes one).
/// A child reporting to `ep` with `badge`, as spawn makes it (a fault endpoint
/// is not a reference: it does not keep the endpoint alive).
fn child_of(k: &mut Kernel, ep: crate::arena::Id, badge: u64) -> TaskId {
    let c = task(k, "child", 3);
    tk(k, c).fault_ep = Some((ep, badge));
    c
}

#[test]
fn the_last_handle_to_an_endpoint_destroys_it() {
    let mut k = kernel();
    let p = pair(&mut k);
    let srv2 = task(&mut k, "srv2", 5);
    let h2 = grant(&mut k, srv2, KObj::Endpoint(p.ep), Rights::RECV, 0);
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    assert_eq!(recv(&mut k, srv2, h2), Ok(()));
    close(&mut k, p.cli, p.h_cli);
    assert_eq!(k.endpoints.get(p.ep).map(|e| e.refs), Some(2));
    // A blocked receiver holds its handle until it ends: killing one leaves the other waiting.
    k.kill(p.srv);
    assert_eq!(state(&k, srv2), State::Receiving { ep: p.ep });
    assert!(k.endpoints.get(p.ep).is_some_and(|e| e.receivers == [srv2]));
    k.kill(srv2);
    assert!(k.endpoints.get(p.ep).is_none(), "destroyed");
}

#[test]
fn the_last_reference_to_a_notification_wakes_waiters_and_unbinds() {
    let mut k = kernel();
    let a = task(&mut k, "a", 1);
    let b = task(&mut k, "b", 1);
    let n = notification(&mut k);
    let ha = grant(&mut k, a, KObj::Notification(n), Rights::RECV, 0);
    let hb = grant(&mut k, b, KObj::Notification(n), Rights::RECV, 0);
    assert_eq!(sys(&mut k, b, |k| k.sys_notification_bind(hb)), Ok(()));
    close(&mut k, b, hb); // the binding outlives the handle
    assert_eq!(sys(&mut k, a, |k| k.sys_wait(ha, FOREVER)), Ok(()));
    close(&mut k, a, ha);
    assert!(k.notifications.get(n).is_none());
    assert_eq!(result(&mut k, a), Err(Error::PeerGone));
    assert_eq!(state(&k, a), State::Ready);
    assert_eq!(tk(&mut k, b).bound_ntfn, None);
}

#[test]
fn killing_a_server_wakes_every_caller_it_owes_a_reply() {
    let mut k = kernel();
    let p = pair(&mut k);
    let cli2 = task(&mut k, "cli2", 5);
    let h2 = grant(&mut k, cli2, KObj::Endpoint(p.ep), Rights::SEND, 0);
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    assert_eq!(call(&mut k, p.cli, p.h_cli, 1, &[]), Ok(()));
    assert_eq!(call(&mut k, cli2, h2, 1, &[]), Ok(()));
    // Receiving again without replying: cli2 is now in reply_to, cli still waits.
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    assert_eq!(tk(&mut k, p.srv).reply_to, Some(cli2));
    assert_eq!(state(&k, p.cli), State::AwaitingReply { server: p.srv });
    let frame = tk(&mut k, p.srv).ipc_frame;
    k.kill(p.srv);
    assert!(k.tasks.get(p.srv).is_none());
    assert!(!host::frame_is_live(frame), "its IPC frame went back");
    for c in [p.cli, cli2] {
        assert_eq!(state(&k, c), State::Ready);
        assert_eq!(result(&mut k, c), Err(Error::PeerGone));
    }
    assert_eq!(k.current, None, "the running task was killed");
    assert_eq!(
        k.endpoints.get(p.ep).map(|e| e.refs),
        Some(2),
        "its handle went"
    );
}

#[test]
fn killing_a_queued_sender_takes_it_off_the_endpoint() {
    let mut k = kernel();
    let p = pair(&mut k);
    assert_eq!(call(&mut k, p.cli, p.h_cli, 1, &[]), Ok(()));
    k.kill(p.cli);
    assert!(k.endpoints.get(p.ep).is_some_and(|e| e.senders.is_empty()));
    assert_eq!(k.endpoints.get(p.ep).map(|e| e.refs), Some(1));
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    assert_eq!(
        state(&k, p.srv),
        State::Receiving { ep: p.ep },
        "no message"
    );
    assert_eq!(k.task_count(), 1);
}

#[test]
fn a_dying_task_gives_back_its_handles_regions_and_asid() {
    let mut k = kernel();
    let a = task(&mut k, "a", 1);
    let n = notification(&mut k);
    let _ = grant(&mut k, a, KObj::Notification(n), Rights::ALL, 0);
    let frames = [host::alloc_frame(), host::alloc_frame()];
    let r = k
        .regions
        .insert(Region {
            refs: 0,
            frames: frames.to_vec(),
            owned: true,
            device: None,
        })
        .ok()
        .expect("heap");
    let _ = grant(&mut k, a, KObj::Region(r), Rights::ALL, 0);
    tk(&mut k, a).space.as_mut().expect("space").regions.push(r);
    k.regions.get_mut(r).expect("region").refs += 1; // the mapping's hold
    let (asid, _) = k.asids.assign(None);
    tk(&mut k, a).asid = Some(asid);
    let ipc = tk(&mut k, a).ipc_frame;
    k.kill(a);
    assert!(k.notifications.get(n).is_none());
    assert!(k.regions.get(r).is_none(), "handle and mapping both let go");
    assert!(frames.iter().all(|&f| !host::frame_is_live(f)));
    assert!(!host::frame_is_live(ipc));
    assert_eq!(host::live_frames(), 0);
    assert_eq!(k.asids.live(), 0);
}

#[test]
fn an_exit_message_reaches_a_waiting_supervisor_and_the_task_is_reaped() {
    let mut k = kernel();
    let sup = task(&mut k, "sup", 6);
    let ep = endpoint(&mut k);
    let h = grant(&mut k, sup, KObj::Endpoint(ep), Rights::RECV, 0);
    let child = child_of(&mut k, ep, 0x55);
    let pid = tk(&mut k, child).pid;
    let child_frame = tk(&mut k, child).ipc_frame;
    host::write_frame(child_frame, 0, b"last words");
    assert_eq!(recv(&mut k, sup, h), Ok(()));
    run(&mut k, child);
    k.exit_current(3, 10);
    assert!(k.tasks.get(child).is_none(), "reaped at once");
    assert!(!host::frame_is_live(child_frame));
    assert_eq!(k.current, None);
    assert_eq!(state(&k, sup), State::Ready);
    let (info, words, badge) = received(&mut k, sup);
    assert_eq!(
        (info.label, info.words, info.len_bytes),
        (label::EXIT, 2, 10)
    );
    assert_eq!((words, badge), ([pid, 3, 0, 0], 0x55));
    let mut got = [0u8; 10];
    host::read_frame(tk(&mut k, sup).ipc_frame, 0, &mut got);
    assert_eq!(&got, b"last words");
    assert_eq!(
        k.endpoints.get(ep).map(|e| e.refs),
        Some(1),
        "the supervisor's handle is the only reference"
    );
    assert_eq!(k.pick_next(), Some(sup));
}

#[test]
fn a_faulted_task_waits_as_a_zombie_until_its_supervisor_receives() {
    let mut k = kernel();
    let sup = task(&mut k, "sup", 6);
    let ep = endpoint(&mut k);
    let h = grant(&mut k, sup, KObj::Endpoint(ep), Rights::RECV, 0);
    let child = child_of(&mut k, ep, 0x66);
    let pid = tk(&mut k, child).pid;
    let esr = 0x9200_0007; // data abort from EL0, translation fault level 3
    run(&mut k, child);
    k.fault_current(esr, 0x1000, 0x40_0000);
    assert_eq!(state(&k, child), State::Zombie);
    assert_eq!(k.current, None);
    assert!(k.endpoints.get(ep).is_some_and(|e| e.senders == [child]));
    assert!(tk(&mut k, child).handles.is_empty());
    assert_eq!(recv(&mut k, sup, h), Ok(()));
    let (info, words, badge) = received(&mut k, sup);
    assert_eq!((info.label, info.words), (label::FAULT, 4));
    assert_eq!(words, [pid, esr, 0x1000, 0x40_0000]);
    assert_eq!(badge, 0x66);
    assert!(
        k.tasks.get(child).is_none(),
        "reaped once its message was taken"
    );
    assert_eq!(tk(&mut k, sup).reply_to, None, "nobody to answer");
    assert_eq!(k.endpoints.get(ep).map(|e| e.refs), Some(1));
    assert_eq!(host::live_frames(), 1, "only the supervisor's IPC frame");
}

#[test]
fn a_task_without_a_supervisor_is_reaped_when_it_exits() {
    let mut k = kernel();
    let a = task(&mut k, "a", 1);
    let b = task(&mut k, "b", 1);
    assert_eq!(k.pick_next(), Some(a));
    k.exit_current(0, 0);
    assert!(k.tasks.get(a).is_none());
    assert_eq!(k.current, None);
    assert_eq!(k.pick_next(), Some(b));
    assert_eq!(host::live_frames(), 1);
}

#[test]
fn a_zombie_whose_supervisor_is_gone_is_reaped_not_leaked() {
    let mut k = kernel();
    let sup = task(&mut k, "sup", 6);
    let ep = endpoint(&mut k);
    let h = grant(&mut k, sup, KObj::Endpoint(ep), Rights::RECV, 0);
    let child = child_of(&mut k, ep, 0x77);
    run(&mut k, child);
    k.fault_current(0x9200_0007, 0x1000, 0x40_0000);
    assert_eq!(state(&k, child), State::Zombie, "queued for the supervisor");
    close(&mut k, sup, h);
    assert!(
        k.endpoints.get(ep).is_none(),
        "the last handle took the endpoint"
    );
    assert!(k.tasks.get(child).is_none(), "the zombie went with it");
    assert_eq!(host::live_frames(), 1, "only the supervisor's IPC frame");
}

#[test]
fn a_task_whose_supervisor_endpoint_is_gone_is_reaped_when_it_ends() {
    let mut k = kernel();
    let sup = task(&mut k, "sup", 6);
    let ep = endpoint(&mut k);
    let h = grant(&mut k, sup, KObj::Endpoint(ep), Rights::RECV, 0);
    let child = child_of(&mut k, ep, 0x78);
    close(&mut k, sup, h);
    run(&mut k, child);
    k.exit_current(0, 0);
    assert!(
        k.tasks.get(child).is_none(),
        "no zombie waits for a receiver that cannot come"
    );
}
