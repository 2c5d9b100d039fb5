//! upartner: the other side of a benchmark or test, as `kind=` says: `yield`
//! loops on `sys_yield`; `ntfn` waits on notification handle 1 and signals
//! handle 2, for ever; `claim` claims device `device=` and sleeps holding it;
//! `stamp` and `ntfn_stamp` are ubench's one-way partners (see below);
//! `caller` calls endpoint handle 1 once and exits 0 if the reply is right
//! (see [`caller`]); `echo` answers every message on endpoint handle 1 with
//! itself, in registers (see [`echo`]).
//!
//! The stamp kinds write instruction-counter readings into the shared region
//! given as their last handle, with volatile 32-bit stores: `stamp` serves
//! endpoint handle 1, echoing every message; it writes the reading taken as
//! soon as a message arrives at offset [`RECV_AT`] and the reading taken just
//! before the previous reply at [`SENT_AT`] (one round late, so no store sits
//! between that reading and the reply). `ntfn_stamp` waits on handle 1,
//! writes the reading taken as soon as it wakes at [`RECV_AT`], then signals
//! handle 2.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

use ulib::abi::FOREVER;
use ulib::mapping::Mapping;
use ulib::probe::instructions;
use ulib::raw_ipc::RawIpc;
use ulib::{arg, eprintln, ipc, sys_call_into, sys_signal, sys_wait, sys_yield, Landed, Msg};

ulib::entry!(main);

/// Where the stamp kinds write the reading taken on arrival (byte offset in the region).
const RECV_AT: usize = 0;
/// Where `stamp` writes the reading taken before its previous reply.
const SENT_AT: usize = 4;

fn main() -> i32 {
    match arg("kind").unwrap_or("") {
        "yield" => loop {
            sys_yield();
        },
        "ntfn" => loop {
            if sys_wait(1, FOREVER).is_err() || sys_signal(2, 1).is_err() {
                return 1;
            }
        },
        "claim" => match ulib::device::claim(arg("device").unwrap_or("")) {
            Ok(_held) => loop {
                let _ = ulib::sys_sleep(1_000_000_000);
            },
            Err(e) => {
                eprintln!("upartner: claim failed: {e}");
                1
            }
        },
        "caller" => caller(),
        "echo" => echo(),
        "stamp" => stamp(),
        "ntfn_stamp" => ntfn_stamp(),
        other => {
            eprintln!("upartner: unknown kind {other:?}");
            2
        }
    }
}

/// The shared region at `handle`, mapped writable.
fn stamps(handle: u32) -> Option<Mapping> {
    match Mapping::region(handle, true) {
        Ok(m) => Some(m),
        Err(e) => {
            eprintln!("upartner: cannot map the stamp region: {e}");
            None
        }
    }
}

/// Echo server on handle 1 that stamps arrival and departure (region: handle
/// 2), in register IPC like [`echo`].
fn stamp() -> i32 {
    let Some(mut region) = stamps(2) else {
        return 1;
    };
    let code = {
        let mut ipc = RawIpc::take();
        let mut got = ipc.recv(1);
        let mut sent_before: u32 = 0;
        loop {
            // Read first: what follows the syscall's return is not IPC.
            let arrived = instructions();
            if got[0] != 0 {
                break got[0];
            }
            region.write32(RECV_AT, arrived);
            region.write32(SENT_AT, sent_before);
            sent_before = instructions();
            got = ipc.reply_recv(1, got[1], [got[2], got[3], got[4], got[5]]);
        }
    };
    let e = ulib::Error::check(code).err();
    eprintln!("upartner: stamp: receive failed: {e:?}");
    1
}

/// Echo server on endpoint handle 1, the shortest loop ulib allows: each
/// message goes back as its registers came (buffer bytes included, still in
/// the buffer), so a round trip through it is the kernel's two syscalls and
/// a few moves (ubench's round trips, like sel4bench's server). After a
/// failed reply (a caller gone) it receives afresh; a failed receive ends it.
fn echo() -> i32 {
    const EP: u32 = 1;
    let code = {
        let mut ipc = RawIpc::take();
        let mut got = ipc.recv(EP);
        loop {
            if got[0] == 0 {
                got = ipc.reply_recv(EP, got[1], [got[2], got[3], got[4], got[5]]);
                continue;
            }
            got = ipc.recv(EP);
            if got[0] != 0 {
                break got[0];
            }
        }
    };
    let e = ulib::Error::check(code).err();
    eprintln!("upartner: echo: receive failed: {e:?}");
    1
}

/// Waits on handle 1, stamps the wake-up, signals handle 2 (region: handle 3).
fn ntfn_stamp() -> i32 {
    let Some(mut region) = stamps(3) else {
        return 1;
    };
    loop {
        let woken = sys_wait(1, FOREVER);
        let at = instructions();
        if woken.is_err() {
            return 1;
        }
        region.write32(RECV_AT, at);
        if sys_signal(2, 1).is_err() {
            return 1;
        }
    }
}

/// Calls endpoint handle 1 with label 9 and word 7, naming a 16-byte
/// receive window; exits 0 if the reply is label 9, word 8 and the bytes
/// 1 to 16 (in the window or the IPC buffer, as the kernel chose), else 3.
fn caller() -> i32 {
    let mut window = [0u8; 16];
    let reply = match sys_call_into(1, &Msg::new(9, [7]), &mut window, FOREVER) {
        Ok(reply) => reply,
        Err(e) => {
            eprintln!("upartner: call failed: {e}");
            return 3;
        }
    };
    let (msg, landed) = reply;
    let mut bytes = [0u8; 16];
    match landed {
        Landed::Window => bytes = window,
        Landed::Buffer => {
            ipc::read_buffer(msg.info.len_bytes, &mut bytes);
        }
    }
    let expected: [u8; 16] = core::array::from_fn(|i| i as u8 + 1);
    let right = msg.label() == 9
        && msg.words[0] == 8
        && usize::from(msg.info.len_bytes) == 16
        && bytes == expected;
    if !right {
        eprintln!("upartner: reply {msg:?} ({landed:?}) with bytes {bytes:?}");
        return 3;
    }
    0
}
