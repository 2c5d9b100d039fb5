//! A server's logic apart from its transport: one call in, one answer out, whether IPC or a direct call inside the kernel carried it.
//!
//! Each server library (the file server, the UART and GPIO drivers) answers
//! a [`Call`] with an [`Answer`]. In the microkernel build a thin user-space
//! loop receives the call by IPC and sends the answer back; in the
//! monolithic build the kernel hands the caller's message straight to the
//! same function during the `call` syscall. The reply's bytes are written
//! into the `out` buffer the transport passes (the IPC buffer, or the
//! caller's own when the kernel answers).
//!
//! # Waiting
//!
//! A request that cannot be answered yet (a console read with no line
//! typed) is answered [`Answer::Wait`], and the server changes nothing for
//! it. The transport holds the caller and presents the same call again
//! once the server says something changed (an interrupt brought data): a
//! user-space loop saves the reply capability and retries the saved
//! request; the kernel blocks the caller and restarts its syscall. Either
//! way the logic has one rule: answer now, or say "not yet" without side
//! effects.

use crate::Encoded;
use abi::MSG_REGS;

/// One request as a server's logic sees it.
#[derive(Clone, Copy, Debug)]
pub struct Call<'a> {
    /// The request label (the operation).
    pub label: u16,
    /// The register words `w0..w3` (those the operation does not use hold anything).
    pub words: [u64; MSG_REGS],
    /// The request's bytes (a copy: the reply may be written over the buffer they came in).
    pub bytes: &'a [u8],
    /// Who calls: the badge of the caller's handle.
    pub badge: u64,
}

/// What became of a call. `H` is the transport's handle type.
#[derive(Debug)]
pub enum Answer<H> {
    /// Reply now with this message (its bytes already in `out`), moving `H` with it if given.
    Reply(Encoded, Option<H>),
    /// Not yet: nothing changed; present the same call again after the server reports progress.
    Wait,
}

impl<H> Answer<H> {
    /// A reply that moves no handle.
    pub const fn reply(encoded: Encoded) -> Answer<H> {
        Answer::Reply(encoded, None)
    }
}
