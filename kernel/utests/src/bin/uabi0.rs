//! uabi0: a test fixture, a module whose `.modinfo` says it was built for ABI 0, which insmod must refuse.
#![no_std]
#![no_main]
#![deny(unsafe_code)]

ulib::entry!(main);

/// Written by hand, not with `ulib::module!` (which always writes this kernel's ABI).
// The lint counts `link_section` as unsafe: a static placed in a section the
// linker script keeps as read-only data, holding plain bytes, is sound.
#[allow(unsafe_code)]
#[used]
#[link_section = ".modinfo"]
static MODINFO: [u8; 85] =
    *b"name=hello-abi0\0version=0.0.1\0vermagic=mica-abi-0\0license=MIT\0description=ABI 0 test\0";

fn main() -> i32 {
    ulib::println!("uabi0 ran: insmod should have refused it");
    1
}
