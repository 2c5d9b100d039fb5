//! Host tests of endpoint death: the last RECV handle gone fails senders and callers with `PeerGone`.

use crate::arena::Id;
use crate::cap::table::Handle;
use crate::kstate::Kernel;
use crate::object::KObj;
use crate::task::{State, TaskId};
use crate::test_kernel::*;
use abi::{Error, Rights, Sysnum};

/// Recounts every endpoint's handles from the tasks' tables and checks both counts.
fn assert_counts(k: &Kernel) {
    for (id, e) in k.endpoints.iter() {
        let caps = k
            .tasks
            .iter()
            .flat_map(|(_, t)| t.handles.iter().map(|(_, c)| c.clone()))
            .filter(|c| c.object == KObj::Endpoint(id));
        let (mut refs, mut recv_refs) = (0, 0);
        for c in caps {
            refs += 1;
            recv_refs += u32::from(c.rights.contains(Rights::RECV));
        }
        assert_eq!((e.refs, e.recv_refs), (refs, recv_refs), "counts of {id:?}");
    }
}

fn dead(k: &Kernel, ep: Id) -> bool {
    k.endpoints.get(ep).expect("the endpoint exists").is_dead()
}

/// `handle_dup` by `t`: a copy of `h` with `rights`; returns its number.
fn dup(k: &mut Kernel, t: TaskId, h: u64, rights: Rights) -> u64 {
    let mut new = Handle::NONE;
    let r = sys(k, t, |k| {
        new = k.dup_handle(Handle::from_raw(h as u32), rights, None)?;
        Ok(())
    });
    assert_eq!(r, Ok(()));
    u64::from(new.raw())
}

/// `handle_close` by `t`.
fn close(k: &mut Kernel, t: TaskId, h: u64) -> Result<(), Error> {
    sys(k, t, |k| k.close_handle(Handle::from_raw(h as u32)))
}

#[test]
fn callers_blocked_on_a_server_that_dies_get_peer_gone() {
    let mut k = kernel();
    let p = pair(&mut k);
    let cli2 = task(&mut k, "cli2", 5);
    let h2 = grant(&mut k, cli2, KObj::Endpoint(p.ep), Rights::SEND, 0);
    assert_eq!(call(&mut k, p.cli, p.h_cli, 1, &[]), Ok(()));
    assert_eq!(send(&mut k, cli2, h2, 2, &[]), Ok(()));
    assert_eq!(
        state(&k, p.cli),
        State::Sending {
            ep: p.ep,
            call: true,
            badge: BADGE
        }
    );
    k.kill(p.srv);
    for t in [p.cli, cli2] {
        assert_eq!(state(&k, t), State::Ready, "woken");
        assert_eq!(result(&mut k, t), Err(Error::PeerGone));
        assert!(k.run.contains(t) || k.current == Some(t), "can run");
    }
    let e = k.endpoints.get(p.ep).expect("kept while handles name it");
    assert!(e.is_dead() && e.senders.is_empty());
    assert_eq!((e.refs, e.recv_refs), (2, 0));
    assert_counts(&k);
}

#[test]
fn a_call_or_send_on_a_dead_endpoint_fails_at_once_and_the_handle_still_closes() {
    let mut k = kernel();
    let p = pair(&mut k);
    k.kill(p.srv);
    assert_eq!(call(&mut k, p.cli, p.h_cli, 1, &[]), Err(Error::PeerGone));
    assert_eq!(state(&k, p.cli), State::Ready, "not blocked");
    assert_eq!(send(&mut k, p.cli, p.h_cli, 1, &[]), Err(Error::PeerGone));
    load(&mut k, p.cli, words_msg(1, &[]), &[]);
    let r = sys(&mut k, p.cli, |k| k.sys_send(p.h_cli, false, NO_WAIT));
    assert_eq!(r, Err(Error::PeerGone), "not WouldBlock: it never will");
    assert!(k.endpoints.get(p.ep).is_some_and(|e| e.senders.is_empty()));
    assert!(k.timeouts.is_empty());
    // The fast path declines (no receiver), leaving the call to the general path.
    load(&mut k, p.cli, words_msg(1, &[]), &[]);
    let x = &mut tk(&mut k, p.cli).ctx.x;
    (x[0], x[6], x[8]) = (p.h_cli, FOREVER, Sysnum::Call as u64);
    assert_eq!(
        crate::fastpath::try_fast(&mut k, crate::fastpath::Takes::Any).map(|n| n.id),
        None
    );
    assert_eq!(state(&k, p.cli), State::Ready);
    assert_eq!(close(&mut k, p.cli, p.h_cli), Ok(()));
    assert!(k.endpoints.get(p.ep).is_none(), "the last handle took it");
}

#[test]
fn a_copy_without_recv_does_not_keep_the_endpoint_alive() {
    let mut k = kernel();
    let p = pair(&mut k);
    let h_all = grant(&mut k, p.srv, KObj::Endpoint(p.ep), Rights::ALL, 0);
    close(&mut k, p.srv, p.h_srv).expect("close");
    let send_only = dup(&mut k, p.srv, h_all, Rights::SEND.union(Rights::DUP));
    assert_eq!(
        k.endpoints.get(p.ep).map(|e| (e.refs, e.recv_refs)),
        Some((3, 1))
    );
    assert_eq!(call(&mut k, p.cli, p.h_cli, 1, &[]), Ok(()));
    assert_eq!(close(&mut k, p.srv, h_all), Ok(()));
    assert!(dead(&k, p.ep), "the server's SEND copy counts no receiver");
    assert_eq!(result(&mut k, p.cli), Err(Error::PeerGone));
    let r = call(&mut k, p.srv, send_only, 1, &[]);
    assert_eq!(r, Err(Error::PeerGone), "not even its holder can reach it");
    assert_counts(&k);
}

#[test]
fn closing_one_recv_handle_while_another_exists_keeps_the_endpoint_alive() {
    let mut k = kernel();
    let p = pair(&mut k);
    let h_all = grant(&mut k, p.srv, KObj::Endpoint(p.ep), Rights::ALL, 0);
    close(&mut k, p.srv, p.h_srv).expect("close");
    let copy = dup(&mut k, p.srv, h_all, Rights::RECV);
    assert_eq!(close(&mut k, p.srv, h_all), Ok(()));
    assert!(!dead(&k, p.ep));
    assert_counts(&k);
    assert_eq!(call(&mut k, p.cli, p.h_cli, 1, &[5]), Ok(()));
    assert_eq!(recv(&mut k, p.srv, copy), Ok(()));
    assert_eq!(received(&mut k, p.srv).1[0], 5, "the copy still receives");
    // The endpoint dies under a received caller: its reply still arrives.
    assert_eq!(close(&mut k, p.srv, copy), Ok(()));
    assert!(dead(&k, p.ep));
    assert_eq!(state(&k, p.cli), State::AwaitingReply { server: p.srv });
    assert_eq!(reply(&mut k, p.srv, 2, &[6]), Ok(()));
    assert_eq!(result(&mut k, p.cli), Ok(()));
    assert_eq!(received(&mut k, p.cli).1[0], 6);
    assert_counts(&k);
}

#[test]
fn a_recv_handle_moved_in_a_message_keeps_the_endpoint_alive() {
    let mut k = kernel();
    let p = pair(&mut k);
    // The old server hands its only RECV handle to a successor over a second endpoint.
    let heir = task(&mut k, "heir", 5);
    let mgmt = endpoint(&mut k);
    let h_in = grant(&mut k, heir, KObj::Endpoint(mgmt), Rights::RECV, 0);
    let h_out = grant(
        &mut k,
        p.srv,
        KObj::Endpoint(mgmt),
        Rights::SEND.union(Rights::GRANT),
        0,
    );
    assert_eq!(recv(&mut k, heir, h_in), Ok(()));
    let mut info = words_msg(9, &[]);
    info.handle = p.h_srv as u32;
    load(&mut k, p.srv, info, &[]);
    assert_eq!(
        sys(&mut k, p.srv, |k| k.sys_send(h_out, false, FOREVER)),
        Ok(())
    );
    let moved = u64::from(received(&mut k, heir).0.handle);
    assert_ne!(moved, 0, "the handle arrived");
    assert_counts(&k);
    k.kill(p.srv);
    assert!(!dead(&k, p.ep), "the heir holds the RECV handle");
    assert_eq!(k.endpoints.get(p.ep).map(|e| e.recv_refs), Some(1));
    assert_eq!(call(&mut k, p.cli, p.h_cli, 1, &[8]), Ok(()));
    assert_eq!(
        state(&k, p.cli),
        State::Sending {
            ep: p.ep,
            call: true,
            badge: BADGE
        }
    );
    assert_eq!(recv(&mut k, heir, moved), Ok(()));
    assert_eq!(received(&mut k, heir).1[0], 8);
    assert_counts(&k);
}

#[test]
fn a_received_caller_and_a_queued_caller_both_learn_the_server_died() {
    let mut k = kernel();
    let p = pair(&mut k);
    let cli2 = task(&mut k, "cli2", 5);
    let h2 = grant(&mut k, cli2, KObj::Endpoint(p.ep), Rights::SEND, 0);
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    assert_eq!(call(&mut k, p.cli, p.h_cli, 1, &[]), Ok(()));
    assert_eq!(call(&mut k, cli2, h2, 1, &[]), Ok(()));
    assert_eq!(state(&k, p.cli), State::AwaitingReply { server: p.srv });
    assert!(matches!(state(&k, cli2), State::Sending { .. }));
    k.kill(p.srv);
    for t in [p.cli, cli2] {
        assert_eq!(state(&k, t), State::Ready);
        assert_eq!(result(&mut k, t), Err(Error::PeerGone));
    }
    assert_counts(&k);
}

#[test]
fn a_task_that_exits_holding_the_only_recv_handle_kills_the_endpoint() {
    let mut k = kernel();
    let p = pair(&mut k);
    assert_eq!(call(&mut k, p.cli, p.h_cli, 1, &[]), Ok(()));
    run(&mut k, p.srv);
    k.exit_current(0, 0);
    assert!(k.tasks.get(p.srv).is_none(), "no supervisor: reaped");
    assert_eq!(result(&mut k, p.cli), Err(Error::PeerGone));
    assert!(dead(&k, p.ep));
    assert_counts(&k);
}

#[test]
fn zombies_waiting_on_a_supervisor_without_recv_handles_are_reaped() {
    let mut k = kernel();
    let sup = task(&mut k, "sup", 6);
    let ep = endpoint(&mut k);
    let h = grant(&mut k, sup, KObj::Endpoint(ep), Rights::RECV, 0);
    let _keeps_it = grant(&mut k, sup, KObj::Endpoint(ep), Rights::SEND, 0);
    let (a, b) = (task(&mut k, "a", 3), task(&mut k, "b", 3));
    for t in [a, b] {
        tk(&mut k, t).fault_ep = Some((ep, 1));
    }
    run(&mut k, a);
    k.exit_current(1, 0);
    assert_eq!(state(&k, a), State::Zombie, "queued for the supervisor");
    assert_eq!(close(&mut k, sup, h), Ok(()));
    assert!(k.tasks.get(a).is_none(), "reaped though the endpoint stays");
    run(&mut k, b);
    k.exit_current(2, 0);
    assert!(
        k.tasks.get(b).is_none(),
        "no zombie queues on a dead endpoint"
    );
    assert!(k.endpoints.get(ep).is_some_and(|e| e.senders.is_empty()));
    assert_counts(&k);
}
