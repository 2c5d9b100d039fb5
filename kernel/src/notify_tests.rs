//! Host tests of notifications: bits that accumulate, waiters, and receivers bound to a notification.

use super::*;
use crate::task::TaskId;
use crate::test_kernel::*;
use abi::{Error, MsgInfo, Rights};

/// A notification that `a` may signal and `b` may wait on; returns (ntfn, a's handle, b's handle).
fn ntfn_pair(k: &mut Kernel, a: TaskId, b: TaskId) -> (Id, u64, u64) {
    let n = notification(k);
    let ha = grant(k, a, KObj::Notification(n), Rights::SEND, 0);
    let hb = grant(k, b, KObj::Notification(n), Rights::RECV, 0);
    (n, ha, hb)
}

fn signal(k: &mut Kernel, t: TaskId, h: u64, bits: u64) -> Result<(), Error> {
    sys(k, t, |k| k.sys_signal(h, bits))
}

#[test]
fn signals_accumulate_until_a_wait_takes_them() {
    let mut k = kernel();
    let a = task(&mut k, "a", 1);
    let b = task(&mut k, "b", 1);
    let (n, ha, hb) = ntfn_pair(&mut k, a, b);
    assert_eq!(signal(&mut k, a, ha, 0b001), Ok(()));
    assert_eq!(signal(&mut k, a, ha, 0b100), Ok(()));
    assert_eq!(k.notifications.get(n).map(|x| x.bits), Some(0b101));
    assert_eq!(sys(&mut k, b, |k| k.sys_wait(hb, FOREVER)), Ok(()));
    assert_eq!(state(&k, b), State::Ready, "bits were there: no wait");
    assert_eq!(tk(&mut k, b).ctx.x[1], 0b101);
    assert_eq!(k.notifications.get(n).map(|x| x.bits), Some(0), "taken");
    assert_eq!(
        sys(&mut k, b, |k| k.sys_wait(hb, NO_WAIT)),
        Err(Error::WouldBlock)
    );
}

#[test]
fn a_signal_wakes_a_waiter_with_the_bits() {
    let mut k = kernel();
    let a = task(&mut k, "a", 1);
    let b = task(&mut k, "b", 1);
    let (n, ha, hb) = ntfn_pair(&mut k, a, b);
    assert_eq!(sys(&mut k, b, |k| k.sys_wait(hb, FOREVER)), Ok(()));
    assert_eq!(state(&k, b), State::Waiting { ntfn: n });
    assert_eq!(signal(&mut k, a, ha, 0x40), Ok(()));
    assert_eq!(state(&k, b), State::Ready);
    assert!(k.run.contains(b));
    assert_eq!(result(&mut k, b), Ok(()));
    assert_eq!(tk(&mut k, b).ctx.x[1], 0x40);
    let x = k.notifications.get(n).expect("alive");
    assert_eq!(
        (x.bits, x.waiters.len()),
        (0, 0),
        "the waiter took the bits"
    );
}

#[test]
fn a_signal_wakes_a_bound_receiver_with_a_notification_message() {
    let mut k = kernel();
    let p = pair(&mut k);
    let irq = task(&mut k, "irq", 1);
    let (n, h_sig, h_bind) = ntfn_pair(&mut k, irq, p.srv);
    assert_eq!(
        sys(&mut k, p.srv, |k| k.sys_notification_bind(h_bind)),
        Ok(())
    );
    tk(&mut k, p.srv).ctx.x[6] = 0xdead;
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    assert_eq!(state(&k, p.srv), State::Receiving { ep: p.ep });
    assert_eq!(signal(&mut k, irq, h_sig, 0b10), Ok(()));
    assert_eq!(state(&k, p.srv), State::Ready);
    assert!(k.run.contains(p.srv));
    assert_eq!(
        received(&mut k, p.srv),
        (MsgInfo::new(label::NOTIFICATION, 1), [0b10, 0, 0, 0], 0)
    );
    assert_eq!(result(&mut k, p.srv), Ok(()));
    assert!(k
        .endpoints
        .get(p.ep)
        .is_some_and(|e| e.receivers.is_empty()));
    assert_eq!(k.notifications.get(n).map(|x| x.bits), Some(0));
    // The endpoint still works: a message, not the notification, comes next.
    assert_eq!(send(&mut k, p.cli, p.h_cli, 3, &[1]), Ok(()));
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    assert_eq!(received(&mut k, p.srv).0.label, 3);
}

#[test]
fn recv_returns_pending_bound_bits_at_once_until_unbound() {
    let mut k = kernel();
    let p = pair(&mut k);
    let irq = task(&mut k, "irq", 1);
    let (n, h_sig, h_bind) = ntfn_pair(&mut k, irq, p.srv);
    assert_eq!(
        sys(&mut k, p.srv, |k| k.sys_notification_bind(h_bind)),
        Ok(())
    );
    assert_eq!(
        k.notifications.get(n).map(|x| x.bound.clone()),
        Some(vec![p.srv])
    );
    assert_eq!(signal(&mut k, irq, h_sig, 0x8), Ok(()));
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    assert_eq!(state(&k, p.srv), State::Ready, "pending bits: no wait");
    assert_eq!(received(&mut k, p.srv).0.label, label::NOTIFICATION);
    assert_eq!(received(&mut k, p.srv).1[0], 0x8);

    assert_eq!(sys(&mut k, p.srv, |k| k.sys_notification_bind(0)), Ok(()));
    assert_eq!(tk(&mut k, p.srv).bound_ntfn, None);
    assert!(k.notifications.get(n).is_some_and(|x| x.bound.is_empty()));
    assert_eq!(signal(&mut k, irq, h_sig, 0x1), Ok(()));
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    assert_eq!(state(&k, p.srv), State::Receiving { ep: p.ep }, "unbound");
    assert_eq!(k.notifications.get(n).map(|x| x.bits), Some(0x1));
}

#[test]
fn notification_operations_check_the_handle_kind_and_rights() {
    let mut k = kernel();
    let p = pair(&mut k);
    let (_, h_sig, h_wait) = ntfn_pair(&mut k, p.cli, p.srv);
    assert_eq!(signal(&mut k, p.srv, h_wait, 1), Err(Error::NoRights));
    assert_eq!(
        sys(&mut k, p.cli, |k| k.sys_wait(h_sig, FOREVER)),
        Err(Error::NoRights)
    );
    assert_eq!(
        sys(&mut k, p.cli, |k| k.sys_notification_bind(h_sig)),
        Err(Error::NoRights)
    );
    let h_ep = grant(&mut k, p.cli, KObj::Endpoint(p.ep), Rights::ALL, 0);
    assert_eq!(signal(&mut k, p.cli, h_ep, 1), Err(Error::WrongType));
    assert_eq!(signal(&mut k, p.cli, 0x777, 1), Err(Error::InvalidHandle));
    assert_eq!(tk(&mut k, p.cli).bound_ntfn, None);
}
