//! mica's IPC protocols: the file protocol (its `file_operations`), ioctls and the device registry.
//!
//! This crate is the protocol reference. Device servers (UART, GPIO), the
//! file server and their clients all speak these messages; the crate only
//! turns typed requests and replies into (label, words, bytes) and back. It
//! makes no syscalls, so every rule here is tested on the host; the user
//! runtime wraps it around `call`/`reply_recv`.
//!
//! # A message
//!
//! One IPC message is a [`abi::MsgInfo`] (label, word count, byte count, an
//! optional handle), four register words `w0..w3` and up to 4096 bytes in
//! the IPC buffer. `encode` writes the bytes to a buffer (the IPC buffer)
//! and returns an [`Encoded`] with the rest; the runtime sends
//! `Msg { info: enc.info(), words: enc.words }`, adding a handle where an
//! operation carries one. `decode` takes the label, the four words and the
//! received bytes (`len_bytes` of them), borrows from the bytes, checks
//! every field and never panics.
//!
//! # Labels
//!
//! | label            | meaning |
//! |------------------|---------|
//! | `0`              | a successful reply ([`OK_LABEL`]) |
//! | `1..=0xFF`       | an error reply: the [`Errno`] number, Linux's |
//! | `0x100..=0x1FF`  | [file protocol](mod@file) requests (and `0x1F0`, its `Redirect` reply to `Open`) |
//! | `0x200..=0x2FF`  | [device-registry](devreg) requests |
//! | `0x300..=0x3DF`  | [init (supervisor, module manager)](initctl) requests |
//! | `0x3E0..=0x3FF`  | the [module lifecycle](modctl): ready, stop, crash, usage |
//! | `0xFFF0..`       | the kernel's own messages ([`abi::label`]) |
//!
//! A request is one `call`; its reply answers it. A server answers a request
//! it cannot decode with [`DecodeError::errno`] (an unknown label is
//! `ENOSYS`).
//!
//! # Modules
//!
//! - [`error`](Errno): the errno numbers, names and texts.
//! - [`file`](mod@file): open, read, write, ioctl, seek, poll, release, stat.
//! - [`ioctl`]: the TTY and GPIO commands and their argument encodings.
//! - [`open_table`]: a server's fds, per client, with use counts.
//! - [`devreg`]: register, unregister, lookup and list devices, and the
//!   registry's rules.
//! - [`initctl`]: what a shell asks of init (load, unload, list modules; stop a task).
//! - [`modctl`]: init and a module: ready, stop, crash, usage; the module handle layout.
//! - [`serve`]: a server's logic apart from its transport (IPC, or a direct call in the kernel).
#![no_std]
#![forbid(unsafe_code)]

mod error;
#[cfg(test)]
mod test_rng;
mod wire;

pub mod devreg;
pub mod file;
pub mod initctl;
pub mod ioctl;
pub mod modctl;
pub mod open_table;
pub mod serve;

pub use error::Errno;
pub use open_table::OpenTable;
pub use wire::{DecodeError, Encoded, CURRENT_OFFSET, OK_LABEL};
