//! mica's UART chainloader, the host-testable part: the wire protocol and the loader's receiving logic.
//!
//! The loader binary (`src/main.rs`, built by `make chainboot` into
//! `build/chainload.img`) goes on the SD card once; `micaload` on the host
//! then sends it each new kernel. Both speak [`proto`]; the loader's side of a
//! transfer is [`session::receive_image`]. docs/chainload.md describes the
//! protocol and how to use it.
#![no_std]
#![forbid(unsafe_code)]

#[cfg(test)]
extern crate std;

pub mod proto;
pub mod session;
