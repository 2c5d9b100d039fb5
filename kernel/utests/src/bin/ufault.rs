//! ufault: misbehaves on purpose, as its `kind=` argument says: data, undef, fp, align, panic, exit, spin.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

use ulib::{arg, eprintln};

ulib::entry!(main);

/// An address in the user half that nothing maps.
const UNMAPPED: usize = 0x7_0000_0000;

fn main() -> i32 {
    match arg("kind").unwrap_or("") {
        "data" => {
            // A load from an unmapped address: a data abort at EL0.
            let bytes = ulib::probe::read_u64(UNMAPPED);
            bytes as i32
        }
        "undef" => ulib::probe::undefined_instruction(),
        "fp" => ulib::probe::fp_instruction(),
        "align" => ulib::probe::misaligned_exclusive(),
        "panic" => panic!("ufault was asked to panic"),
        "exit" => arg("code").and_then(|c| c.parse().ok()).unwrap_or(0),
        "spin" => loop {
            core::hint::spin_loop();
        },
        other => {
            eprintln!("ufault: unknown kind {other:?}");
            2
        }
    }
}
