//! Host tests of saved replies: `reply_save` and `reply_to`, the blocking-read pattern of device servers.

use super::*;
use crate::test_kernel::*;
use abi::{Error, MsgInfo, Rights};

/// The server saves the reply it owes `pair.cli` and returns the handle.
fn save(k: &mut Kernel, srv: TaskId) -> u64 {
    assert_eq!(sys(k, srv, |k| k.sys_reply_save()), Ok(()));
    tk(k, srv).ctx.x[1]
}

fn reply_through(
    k: &mut Kernel,
    srv: TaskId,
    h: u64,
    label: u16,
    words: &[u64],
) -> Result<(), Error> {
    load(k, srv, words_msg(label, words), words);
    sys(k, srv, |k| k.sys_reply_to(h))
}

#[test]
fn a_saved_reply_lets_the_server_serve_others_first() {
    let mut k = kernel();
    let p = pair(&mut k);
    let cli2 = task(&mut k, "cli2", 5);
    let h2 = grant(&mut k, cli2, KObj::Endpoint(p.ep), Rights::SEND, 9);
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    assert_eq!(call(&mut k, p.cli, p.h_cli, 1, &[10]), Ok(()));
    let saved = save(&mut k, p.srv);
    assert_eq!(
        tk(&mut k, p.srv).reply_to,
        None,
        "the reply moved into the handle"
    );
    assert_eq!(state(&k, p.cli), State::AwaitingReply { server: p.srv });
    // The server goes on: a second client's call is received and answered first.
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    assert_eq!(call(&mut k, cli2, h2, 2, &[20]), Ok(()));
    assert_eq!(reply(&mut k, p.srv, 3, &[30]), Ok(()));
    assert_eq!(
        received(&mut k, cli2),
        (MsgInfo::new(3, 1), [30, 0, 0, 0], 0)
    );
    assert_eq!(
        state(&k, p.cli),
        State::AwaitingReply { server: p.srv },
        "still waiting"
    );
    // Then the saved reply reaches the first client.
    assert_eq!(reply_through(&mut k, p.srv, saved, 4, &[40]), Ok(()));
    assert_eq!(state(&k, p.cli), State::Ready);
    assert_eq!(
        received(&mut k, p.cli),
        (MsgInfo::new(4, 1), [40, 0, 0, 0], 0)
    );
    let again = reply_through(&mut k, p.srv, saved, 4, &[40]);
    assert_eq!(
        again,
        Err(Error::InvalidHandle),
        "a reply handle is used up"
    );
}

#[test]
fn saving_with_nobody_to_answer_is_refused() {
    let mut k = kernel();
    let p = pair(&mut k);
    assert_eq!(
        sys(&mut k, p.srv, |k| k.sys_reply_save()),
        Err(Error::NoReplyTarget)
    );
}

#[test]
fn closing_a_saved_reply_fails_the_caller_with_peer_gone() {
    let mut k = kernel();
    let p = pair(&mut k);
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    assert_eq!(call(&mut k, p.cli, p.h_cli, 1, &[]), Ok(()));
    let saved = save(&mut k, p.srv);
    assert_eq!(
        sys(&mut k, p.srv, |k| {
            k.close_handle(crate::cap::table::Handle::from_raw(saved as u32))
        }),
        Ok(())
    );
    assert_eq!(result(&mut k, p.cli), Err(Error::PeerGone));
}

#[test]
fn a_reply_to_a_caller_that_gave_up_is_refused() {
    let mut k = kernel();
    let p = pair(&mut k);
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    load(&mut k, p.cli, words_msg(1, &[]), &[]);
    assert_eq!(
        sys(&mut k, p.cli, |k| k.sys_send(p.h_cli, true, 20_000_000)),
        Ok(())
    );
    let saved = save(&mut k, p.srv);
    advance(&mut k, 30_000_000);
    assert_eq!(result(&mut k, p.cli), Err(Error::TimedOut));
    assert_eq!(
        reply_through(&mut k, p.srv, saved, 2, &[]),
        Err(Error::PeerGone)
    );
}

#[test]
fn a_server_that_dies_holding_a_saved_reply_fails_its_caller() {
    let mut k = kernel();
    let p = pair(&mut k);
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    assert_eq!(call(&mut k, p.cli, p.h_cli, 1, &[]), Ok(()));
    let _saved = save(&mut k, p.srv);
    k.kill(p.srv);
    assert_eq!(result(&mut k, p.cli), Err(Error::PeerGone));
}

#[test]
fn reply_to_needs_a_reply_handle() {
    let mut k = kernel();
    let p = pair(&mut k);
    assert_eq!(
        reply_through(&mut k, p.srv, p.h_srv, 1, &[]),
        Err(Error::WrongType)
    );
    assert_eq!(
        reply_through(&mut k, p.srv, 0xFFF, 1, &[]),
        Err(Error::InvalidHandle)
    );
}
