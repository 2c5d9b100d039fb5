//! hello-ext: a mica module built outside the tree, the counterpart of the lecture notes' `obj-m := hello_module.o`.
//!
//! `insmod hello-ext upto=5` counts from 1 to 5 in the kernel log;
//! `rmmod hello-ext` says goodbye. See docs/modules.md in mica's tree.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use ulib::module;
use ulib::println;

ulib::entry!(main);

ulib::module! {
    name: "hello-ext",
    version: env!("CARGO_PKG_VERSION"),
    license: "MIT OR Apache-2.0",
    author: "mica developers",
    description: "An out-of-tree module: counts to `upto` on load, says goodbye on unload",
    depends: "gpio",
    params: [("upto", "int", "3", "how far to count on load (1 to 50)")],
}

/// The largest `upto` taken: the log is everyone's.
const MAX_UPTO: i64 = 50;

/// `module_init`, the service (none: wait for `rmmod`), `module_exit`.
fn main() -> i32 {
    module::run(ext_init, |_| module::wait_for_stop(), ext_exit)
}

/// Counts to `upto`; fails the load, with a reason insmod shows, on a bad value.
fn ext_init() -> Result<i64, String> {
    let upto = module::param_int_or("upto", 3).map_err(|e| format!("{e}"))?;
    if !(1..=MAX_UPTO).contains(&upto) {
        return Err(format!("parameter upto={upto}: must be 1 to {MAX_UPTO}"));
    }
    for n in 1..=upto {
        println!("hello-ext counts {n}");
    }
    Ok(upto)
}

/// Says goodbye with what it was loaded with.
fn ext_exit(upto: i64) {
    println!("hello-ext: goodbye (counted to {upto})");
}
