//! hello: the smallest mica program; prints its arguments, uses the heap and exits 0.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::vec::Vec;
use ulib::println;

ulib::entry!(main);

fn main() -> i32 {
    println!("hello from mica user space");
    for (key, value) in ulib::args() {
        println!("  arg {key} = {value:?}");
    }
    let squares: Vec<u64> = (1..=10).map(|n| n * n).collect();
    println!("squares: {squares:?} (sum {})", squares.iter().sum::<u64>());
    0
}
