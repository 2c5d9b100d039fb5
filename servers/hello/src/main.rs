//! hello: the lecture notes' `hello_module` as a mica module: greets on load, says goodbye on unload.
//!
//! `insmod hello howmany=3 whom=mica` prints "hello, mica" three times and a
//! line with its parameters (to the kernel log: `dmesg`); `rmmod hello`
//! prints "goodbye, mica". In between it has no service: it only waits for
//! the manager's STOP ([`ulib::module::wait_for_stop`]).
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
    name: "hello",
    version: env!("CARGO_PKG_VERSION"),
    license: "MIT OR Apache-2.0",
    author: "mica developers",
    description: "The lecture notes' hello_module: greets on load, says goodbye on unload",
    params: [
        ("howmany", "int", "1", "how many greetings on load (0 to 100)"),
        ("whom", "string", "world", "who is greeted"),
    ],
}

/// Most greetings one load may print: the log is everyone's.
const MAX_GREETINGS: i64 = 100;

/// The parameters, kept from init for the exit function.
struct Hello {
    whom: &'static str,
}

fn main() -> i32 {
    module::run(hello_init, |_| module::wait_for_stop(), hello_exit)
}

/// `module_init`: greet `whom`, `howmany` times.
fn hello_init() -> Result<Hello, String> {
    let howmany = module::param_int_or("howmany", 1).map_err(|e| format!("{e}"))?;
    if !(0..=MAX_GREETINGS).contains(&howmany) {
        return Err(format!(
            "parameter howmany={howmany}: must be 0 to {MAX_GREETINGS}"
        ));
    }
    let whom = module::param_str("whom").unwrap_or("world");
    for _ in 0..howmany {
        println!("hello, {whom}");
    }
    println!("loaded with howmany={howmany} whom={whom}");
    Ok(Hello { whom })
}

/// `module_exit`: say goodbye.
fn hello_exit(hello: Hello) {
    println!("goodbye, {}", hello.whom);
}
