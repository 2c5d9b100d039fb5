//! Host tests of the built-in server transport: a call answered in the caller's syscall, a call that waits and runs again, the manager's STOP and USAGE.

use super::{Grant, Instance, Service};
use crate::arena::Id;
use crate::kstate::Kernel;
use crate::object::KObj;
use crate::platform::{host, read_frame};
use crate::task::{State, TaskId};
use crate::test_kernel::*;
use abi::{Error, Rights, MAX_MSG_BYTES};
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use proto::modctl::{MANAGER_BADGE, STOP, USAGE};
use proto::serve::{Answer, Call};
use proto::Encoded;

/// Echoes a call: label 1 answers the words reversed and the badge, with the
/// request bytes upper-cased in the buffer; label 2 waits until `ready`.
struct Echo {
    ready: bool,
}

impl Service for Echo {
    fn call(
        &mut self,
        _k: &mut Kernel,
        call: &Call,
        _handle: Option<Grant>,
        out: &mut [u8; MAX_MSG_BYTES],
    ) -> Answer<Grant> {
        if call.label == 2 && !self.ready {
            return Answer::Wait;
        }
        for (o, b) in out.iter_mut().zip(call.bytes) {
            *o = b.to_ascii_uppercase();
        }
        let [a, b, c, _] = call.words;
        Answer::reply(Encoded {
            label: 0,
            words: [c, b, a, call.badge],
            word_count: 4,
            len_bytes: call.bytes.len() as u16,
        })
    }

    fn on_irq(&mut self, _k: &mut Kernel, _line: u32) -> bool {
        self.ready = true;
        true
    }

    fn usage(&self) -> (u64, u64) {
        (3, 2)
    }

    fn stop(&mut self, _k: &mut Kernel) -> String {
        String::from("goodbye")
    }
}

/// A kernel with one client task holding a send handle (badge 7) to a running `Echo`.
fn setup() -> (Kernel, TaskId, Id, u64) {
    let mut k = kernel();
    let client = task(&mut k, "client", 10);
    let instance = Instance {
        name: "echo",
        service: Some(Box::new(Echo { ready: false })),
        irqs: Vec::from([33]),
    };
    let id = k.builtins.insert(instance).ok().expect("heap");
    let h = grant(&mut k, client, KObj::Builtin(id), Rights::SEND, 7);
    (k, client, id, h)
}

#[test]
fn a_call_is_answered_in_the_callers_syscall() {
    let (mut k, client, _, h) = setup();
    let frame = tk(&mut k, client).ipc_frame;
    host::write_frame(frame, 0, b"abc");
    load(
        &mut k,
        client,
        words_msg(1, &[10, 20, 30]).with_bytes(3),
        &[10, 20, 30],
    );
    assert_eq!(
        sys(&mut k, client, |k| k.sys_send(h, true, FOREVER)),
        Ok(())
    );
    assert_eq!(state(&k, client), State::Ready, "no switch, no wait");
    let (info, words, _) = received(&mut k, client);
    assert_eq!((info.label, info.len_bytes), (0, 3));
    assert_eq!(words, [30, 20, 10, 7], "reversed, with the caller's badge");
    let mut bytes = [0u8; 3];
    read_frame(frame, 0, &mut bytes);
    assert_eq!(
        &bytes, b"ABC",
        "the reply's bytes land in the caller's IPC buffer"
    );
}

#[test]
fn a_call_that_waits_runs_again_after_progress() {
    let (mut k, client, id, h) = setup();
    tk(&mut k, client).ctx.pc = 0x1004;
    assert_eq!(call(&mut k, client, h, 2, &[1, 2, 3]), Ok(()));
    assert_eq!(state(&k, client), State::InKernel { server: id });
    assert_eq!(tk(&mut k, client).ctx.pc, 0x1000, "back on the svc");
    assert_eq!(tk(&mut k, client).ctx.x[0], h, "its arguments intact");
    // The server's interrupt brings progress: the waiter runs its call again.
    assert!(k.builtin_irq(33));
    assert_eq!(
        state(&k, client),
        State::Ready,
        "woken to run the call again"
    );
    assert_eq!(call(&mut k, client, h, 2, &[1, 2, 3]), Ok(()));
    assert_eq!(received(&mut k, client).1, [3, 2, 1, 7]);
    assert!(!k.builtin_irq(34), "a line no server holds is not theirs");
}

#[test]
fn a_wait_without_waiting_is_would_block() {
    let (mut k, client, _, h) = setup();
    load(&mut k, client, words_msg(2, &[]), &[]);
    let r = sys(&mut k, client, |k| k.sys_send(h, true, NO_WAIT));
    assert_eq!(r, Err(Error::WouldBlock));
    assert_eq!(state(&k, client), State::Ready);
}

#[test]
fn the_manager_asks_usage_and_stops_it_and_later_calls_find_it_gone() {
    let (mut k, client, id, h) = setup();
    let manager = grant(
        &mut k,
        client,
        KObj::Builtin(id),
        Rights::SEND,
        MANAGER_BADGE,
    );
    assert_eq!(call(&mut k, client, manager, USAGE, &[]), Ok(()));
    assert_eq!(received(&mut k, client).1[..2], [3, 2]);
    // Clients cannot pose as the manager: STOP through a client badge is a plain request.
    assert_eq!(call(&mut k, client, h, STOP, &[]), Ok(()));
    assert!(k.builtins.get(id).is_some());
    assert_eq!(call(&mut k, client, manager, STOP, &[]), Ok(()));
    assert!(k.builtins.get(id).is_none(), "stopped and gone");
    assert_eq!(call(&mut k, client, h, 1, &[]), Err(Error::PeerGone));
    assert_eq!(send(&mut k, client, h, 1, &[]), Err(Error::PeerGone));
}

#[test]
fn a_send_without_the_send_right_is_refused() {
    let (mut k, client, id, _) = setup();
    let h = grant(&mut k, client, KObj::Builtin(id), Rights::DUP, 0);
    assert_eq!(call(&mut k, client, h, 1, &[]), Err(Error::NoRights));
}

#[test]
fn the_vectors_shortcut_takes_only_calls_on_built_in_handles() {
    let (mut k, client, _, h) = setup();
    load(&mut k, client, words_msg(1, &[4, 5, 6]), &[4, 5, 6]);
    tk(&mut k, client).ctx.x[8] = abi::Sysnum::Call as u64;
    tk(&mut k, client).ctx.x[0] = h;
    tk(&mut k, client).ctx.x[6] = FOREVER;
    run(&mut k, client);
    assert!(k.try_builtin_call());
    assert_eq!(result(&mut k, client), Ok(()));
    assert_eq!(received(&mut k, client).1, [6, 5, 4, 7]);
    // A send, or a call on something else, is not its to take: nothing changes.
    tk(&mut k, client).ctx.x[8] = abi::Sysnum::Send as u64;
    tk(&mut k, client).ctx.x[0] = h;
    assert!(!k.try_builtin_call());
    assert_eq!(tk(&mut k, client).ctx.x[0], h);
    let ep = endpoint(&mut k);
    let eh = grant(&mut k, client, KObj::Endpoint(ep), Rights::SEND, 0);
    tk(&mut k, client).ctx.x[8] = abi::Sysnum::Call as u64;
    tk(&mut k, client).ctx.x[0] = eh;
    assert!(!k.try_builtin_call());
    assert_eq!(tk(&mut k, client).ctx.x[0], eh);
}
