//! Host tests of endpoint IPC state transitions: call, send, recv, reply, reply_recv, rights and handle transfer.

use super::*;
use crate::cap::table::Cap;
use crate::platform::host;
use crate::test_kernel::*;
use abi::{Error, MsgInfo, Rights};
use alloc::vec::Vec;

/// The tasks waiting on `ep`: (senders, receivers).
fn queues(k: &Kernel, ep: Id) -> (Vec<TaskId>, Vec<TaskId>) {
    let e = k.endpoints.get(ep).expect("the endpoint exists");
    (
        e.senders.iter().copied().collect(),
        e.receivers.iter().copied().collect(),
    )
}

#[test]
fn a_call_to_a_waiting_receiver_switches_straight_to_it() {
    let mut k = kernel();
    let p = pair(&mut k);
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    assert_eq!(state(&k, p.srv), State::Receiving { ep: p.ep });
    tk(&mut k, p.srv).ctx.x[2..6].fill(0xdead); // stale words must not leak through
    assert_eq!(call(&mut k, p.cli, p.h_cli, 3, &[10, 20]), Ok(()));
    assert_eq!(k.current, Some(p.srv), "direct switch");
    assert_eq!(state(&k, p.srv), State::Ready);
    assert_eq!(state(&k, p.cli), State::AwaitingReply { server: p.srv });
    assert_eq!(tk(&mut k, p.srv).reply_to, Some(p.cli));
    assert_eq!(
        received(&mut k, p.srv),
        (MsgInfo::new(3, 2), [10, 20, 0, 0], BADGE)
    );
    assert_eq!(result(&mut k, p.srv), Ok(()));
    assert!(k.run.is_empty(), "neither task went through the run queue");
    assert_eq!(queues(&k, p.ep), (vec![], vec![]));
}

#[test]
fn a_call_without_a_receiver_queues_and_a_later_recv_takes_it() {
    let mut k = kernel();
    let p = pair(&mut k);
    assert_eq!(call(&mut k, p.cli, p.h_cli, 4, &[1, 2, 3]), Ok(()));
    assert_eq!(
        state(&k, p.cli),
        State::Sending {
            ep: p.ep,
            call: true,
            badge: BADGE
        }
    );
    assert_eq!(queues(&k, p.ep), (vec![p.cli], vec![]));
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    assert_eq!(state(&k, p.srv), State::Ready, "a queued message: no wait");
    assert_eq!(
        received(&mut k, p.srv),
        (MsgInfo::new(4, 3), [1, 2, 3, 0], BADGE)
    );
    assert_eq!(state(&k, p.cli), State::AwaitingReply { server: p.srv });
    assert_eq!(tk(&mut k, p.srv).reply_to, Some(p.cli));
    assert_eq!(queues(&k, p.ep), (vec![], vec![]));
}

#[test]
fn a_send_does_not_wait_for_a_reply() {
    let mut k = kernel();
    let p = pair(&mut k);
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    assert_eq!(send(&mut k, p.cli, p.h_cli, 5, &[9]), Ok(()));
    assert_eq!(k.current, Some(p.cli), "the sender keeps running");
    assert_eq!(state(&k, p.cli), State::Ready);
    assert_eq!(result(&mut k, p.cli), Ok(()));
    assert_eq!(state(&k, p.srv), State::Ready);
    assert!(k.run.contains(p.srv), "the receiver is queued to run");
    assert_eq!(tk(&mut k, p.srv).reply_to, None, "nothing to reply to");
    assert_eq!(received(&mut k, p.srv).1[0], 9);

    // Queued the other way round: the receiver's arrival frees the sender.
    assert_eq!(send(&mut k, p.cli, p.h_cli, 6, &[8]), Ok(()));
    assert!(matches!(
        state(&k, p.cli),
        State::Sending { call: false, .. }
    ));
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    assert_eq!(state(&k, p.cli), State::Ready);
    assert_eq!(result(&mut k, p.cli), Ok(()));
    assert_eq!(received(&mut k, p.srv).1[0], 8);
    assert_eq!(tk(&mut k, p.srv).reply_to, None);
}

#[test]
fn a_reply_wakes_the_caller_with_the_words() {
    let mut k = kernel();
    let p = pair(&mut k);
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    assert_eq!(call(&mut k, p.cli, p.h_cli, 1, &[]), Ok(()));
    assert_eq!(reply(&mut k, p.srv, 9, &[1, 2, 3, 4]), Ok(()));
    assert_eq!(state(&k, p.cli), State::Ready);
    assert!(k.run.contains(p.cli));
    assert_eq!(
        received(&mut k, p.cli),
        (MsgInfo::new(9, 4), [1, 2, 3, 4], 0),
        "replies carry no badge"
    );
    assert_eq!(result(&mut k, p.cli), Ok(()));
    assert_eq!(tk(&mut k, p.srv).reply_to, None);
    assert_eq!(
        reply(&mut k, p.srv, 9, &[]),
        Err(Error::NoReplyTarget),
        "one reply per call"
    );
}

#[test]
fn a_reply_without_a_caller_is_no_reply_target() {
    let mut k = kernel();
    let p = pair(&mut k);
    assert_eq!(reply(&mut k, p.srv, 0, &[]), Err(Error::NoReplyTarget));
    assert_eq!(result(&mut k, p.srv), Err(Error::NoReplyTarget));
    // A caller that was merely sent to (not called) is owed nothing either.
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    assert_eq!(send(&mut k, p.cli, p.h_cli, 0, &[]), Ok(()));
    assert_eq!(reply(&mut k, p.srv, 0, &[]), Err(Error::NoReplyTarget));
}

#[test]
fn reply_recv_switches_straight_back_to_the_caller() {
    let mut k = kernel();
    let p = pair(&mut k);
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    assert_eq!(call(&mut k, p.cli, p.h_cli, 1, &[5]), Ok(()));
    assert_eq!(reply_recv(&mut k, p.srv, p.h_srv, 4, &[42]), Ok(()));
    assert_eq!(k.current, Some(p.cli), "direct switch back");
    assert_eq!(state(&k, p.cli), State::Ready);
    assert_eq!(state(&k, p.srv), State::Receiving { ep: p.ep });
    assert_eq!(queues(&k, p.ep), (vec![], vec![p.srv]));
    assert!(k.run.is_empty());
    assert_eq!(
        received(&mut k, p.cli),
        (MsgInfo::new(4, 1), [42, 0, 0, 0], 0)
    );
    assert_eq!(tk(&mut k, p.srv).reply_to, None);
}

#[test]
fn reply_recv_with_a_queued_caller_takes_it_and_queues_the_answered_one() {
    let mut k = kernel();
    let p = pair(&mut k);
    let cli2 = task(&mut k, "cli2", 5);
    let h2 = grant(&mut k, cli2, KObj::Endpoint(p.ep), Rights::SEND, 8);
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    assert_eq!(call(&mut k, p.cli, p.h_cli, 1, &[]), Ok(()));
    assert_eq!(call(&mut k, cli2, h2, 2, &[22]), Ok(()));
    assert_eq!(queues(&k, p.ep), (vec![cli2], vec![]));
    assert_eq!(reply_recv(&mut k, p.srv, p.h_srv, 3, &[33]), Ok(()));
    assert_eq!(
        k.current,
        Some(p.srv),
        "the server goes on with the next call"
    );
    assert_eq!(
        received(&mut k, p.srv),
        (MsgInfo::new(2, 1), [22, 0, 0, 0], 8)
    );
    assert_eq!(tk(&mut k, p.srv).reply_to, Some(cli2));
    assert_eq!(state(&k, cli2), State::AwaitingReply { server: p.srv });
    assert_eq!(state(&k, p.cli), State::Ready);
    assert!(k.run.contains(p.cli), "the answered caller waits its turn");
    assert_eq!(received(&mut k, p.cli).1[0], 33);
}

#[test]
fn no_wait_fails_with_would_block_instead_of_queueing() {
    let mut k = kernel();
    let p = pair(&mut k);
    load(&mut k, p.cli, words_msg(1, &[]), &[]);
    assert_eq!(
        sys(&mut k, p.cli, |k| k.sys_send(p.h_cli, true, NO_WAIT)),
        Err(Error::WouldBlock)
    );
    assert_eq!(
        sys(&mut k, p.cli, |k| k.sys_send(p.h_cli, false, NO_WAIT)),
        Err(Error::WouldBlock)
    );
    assert_eq!(
        sys(&mut k, p.srv, |k| k.sys_recv(p.h_srv, NO_WAIT)),
        Err(Error::WouldBlock)
    );
    assert_eq!(state(&k, p.cli), State::Ready);
    assert_eq!(state(&k, p.srv), State::Ready);
    assert_eq!(queues(&k, p.ep), (vec![], vec![]));
    assert!(k.timeouts.is_empty());
}

#[test]
fn endpoint_operations_check_the_handle_kind_and_rights() {
    let mut k = kernel();
    let p = pair(&mut k);
    let n = notification(&mut k);
    let hn = grant(&mut k, p.cli, KObj::Notification(n), Rights::ALL, 0);
    assert_eq!(
        recv(&mut k, p.cli, p.h_cli),
        Err(Error::NoRights),
        "send-only"
    );
    assert_eq!(
        send(&mut k, p.srv, p.h_srv, 0, &[]),
        Err(Error::NoRights),
        "recv-only"
    );
    assert_eq!(call(&mut k, p.cli, hn, 0, &[]), Err(Error::WrongType));
    assert_eq!(call(&mut k, p.cli, 0, 0, &[]), Err(Error::InvalidHandle));
    assert_eq!(
        call(&mut k, p.cli, 0xFFFF_F123, 0, &[]),
        Err(Error::InvalidHandle)
    );
    assert_eq!(
        sys(&mut k, p.cli, |k| k.sys_reply_recv(p.h_cli, FOREVER)),
        Err(Error::NoRights)
    );
    // A closed handle's number is stale, even once its slot is reused.
    let cap = tk(&mut k, p.cli)
        .handles
        .remove(Handle::from_raw(p.h_cli as u32));
    let cap = cap.expect("live");
    k.release(cap.object, cap.rights);
    let _ = grant(&mut k, p.cli, KObj::Endpoint(p.ep), Rights::SEND, 0);
    assert_eq!(
        call(&mut k, p.cli, p.h_cli, 0, &[]),
        Err(Error::InvalidHandle)
    );
    assert_eq!(queues(&k, p.ep), (vec![], vec![]));
}

#[test]
fn a_bad_descriptor_or_an_unheld_handle_in_it_is_refused() {
    let mut k = kernel();
    let p = pair(&mut k);
    tk(&mut k, p.cli).ctx.x[1] = 5 << 16; // five register words: no such message
    assert_eq!(
        sys(&mut k, p.cli, |k| k.sys_send(p.h_cli, true, FOREVER)),
        Err(Error::InvalidArgument)
    );
    load(&mut k, p.cli, MsgInfo::new(1, 0).with_handle(0x1234), &[]);
    assert_eq!(
        sys(&mut k, p.cli, |k| k.sys_send(p.h_cli, true, FOREVER)),
        Err(Error::InvalidHandle)
    );
    assert_eq!(state(&k, p.cli), State::Ready);
    assert_eq!(queues(&k, p.ep), (vec![], vec![]));
}

#[test]
fn buffer_bytes_are_copied_between_ipc_buffers() {
    let mut k = kernel();
    let p = pair(&mut k);
    let (cli_frame, srv_frame) = (tk(&mut k, p.cli).ipc_frame, tk(&mut k, p.srv).ipc_frame);
    host::write_frame(cli_frame, 0, &[0xAB; 100]);
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    load(&mut k, p.cli, MsgInfo::new(1, 0).with_bytes(64), &[]);
    assert_eq!(
        sys(&mut k, p.cli, |k| k.sys_send(p.h_cli, true, FOREVER)),
        Ok(())
    );
    let mut got = [0u8; 100];
    host::read_frame(srv_frame, 0, &mut got);
    assert!(got[..64].iter().all(|&b| b == 0xAB), "the message bytes");
    assert!(got[64..].iter().all(|&b| b == 0), "and not one more");
    assert_eq!(received(&mut k, p.srv).0.len_bytes, 64);
}

/// The objects `t`'s handles name.
fn held(k: &mut Kernel, t: TaskId) -> Vec<KObj> {
    tk(k, t).handles.iter().map(|(_, c)| c.object).collect()
}

#[test]
fn a_transferred_handle_moves_from_sender_to_receiver() {
    let mut k = kernel();
    let p = pair(&mut k);
    let n = notification(&mut k);
    let hn = grant(&mut k, p.cli, KObj::Notification(n), Rights::ALL, 0);
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    load(
        &mut k,
        p.cli,
        MsgInfo::new(1, 0).with_handle(hn as u32),
        &[],
    );
    assert_eq!(
        sys(&mut k, p.cli, |k| k.sys_send(p.h_cli, true, FOREVER)),
        Ok(())
    );
    let got = received(&mut k, p.srv).0.handle;
    assert_ne!(got, 0);
    let cap = tk(&mut k, p.srv)
        .handles
        .get(Handle::from_raw(got))
        .cloned();
    assert_eq!(cap.map(|c| c.object), Ok(KObj::Notification(n)));
    assert!(!held(&mut k, p.cli).contains(&KObj::Notification(n)));
    assert_eq!(
        k.notifications.get(n).map(|x| x.refs),
        Some(1),
        "moved, not copied"
    );
}

#[test]
fn a_handle_stays_with_the_sender_when_the_receiver_table_is_full() {
    let mut k = kernel();
    let p = pair(&mut k);
    let n = notification(&mut k);
    let hn = grant(&mut k, p.cli, KObj::Notification(n), Rights::ALL, 0);
    let filler = Cap::new(KObj::Task(p.cli), Rights::NONE);
    while tk(&mut k, p.srv).handles.insert(filler.clone()).is_ok() {}
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    load(
        &mut k,
        p.cli,
        MsgInfo::new(1, 1).with_handle(hn as u32),
        &[6],
    );
    assert_eq!(
        sys(&mut k, p.cli, |k| k.sys_send(p.h_cli, true, FOREVER)),
        Ok(())
    );
    assert_eq!(received(&mut k, p.srv).0.handle, 0, "no handle arrived");
    assert_eq!(
        received(&mut k, p.srv).1[0],
        6,
        "the rest of the message did"
    );
    assert!(held(&mut k, p.cli).contains(&KObj::Notification(n)));
    assert_eq!(k.notifications.get(n).map(|x| x.refs), Some(1));
}

#[test]
fn only_an_endpoint_handle_with_grant_carries_handles() {
    let mut k = kernel();
    let p = pair(&mut k);
    let n = notification(&mut k);
    let hn = grant(&mut k, p.cli, KObj::Notification(n), Rights::ALL, 0);
    let h_plain = grant(&mut k, p.cli, KObj::Endpoint(p.ep), Rights::SEND, 0);
    load(
        &mut k,
        p.cli,
        MsgInfo::new(1, 0).with_handle(hn as u32),
        &[],
    );
    assert_eq!(
        sys(&mut k, p.cli, |k| k.sys_send(h_plain, false, FOREVER)),
        Err(Error::NoRights)
    );
    assert!(held(&mut k, p.cli).contains(&KObj::Notification(n)));
    assert_eq!(queues(&k, p.ep), (vec![], vec![]));
}
