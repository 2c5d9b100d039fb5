//! upartner: the other side of a benchmark or test, as `kind=` says: `yield`
//! loops on `sys_yield`; `ntfn` waits on notification handle 1 and signals
//! handle 2, for ever; `claim` claims device `device=` and sleeps holding it.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

use ulib::abi::FOREVER;
use ulib::{arg, eprintln, sys_signal, sys_wait, sys_yield};

ulib::entry!(main);

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
        other => {
            eprintln!("upartner: unknown kind {other:?}");
            2
        }
    }
}
