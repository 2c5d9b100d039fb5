//! Servers built into the kernel (the monolithic build): `builtin_start`, and the `call` that runs a server's logic inside the caller's syscall instead of by IPC.
//!
//! The microkernel build runs the file server and the drivers as tasks; a
//! client's `call` crosses into the server's address space and back. The
//! monolithic build (`make MODE=monolithic`, cargo feature `monolithic`)
//! links the same libraries into the kernel, and this module is the whole
//! difference: a handle of kind [`KObj::Builtin`] names a server instance
//! here, and `call` on it hands the caller's message (registers and IPC
//! buffer) to the server's [`Service::call`] and writes the answer back
//! into the caller's registers and IPC buffer. No task switch, no second
//! address space, no copy through a server's buffer.
//!
//! The module manager (init) asks with `builtin_start` before it spawns a
//! module's ELF: a name found here starts in the kernel, and init talks to
//! it through the same handle and the same STOP, USAGE and CRASH messages
//! as to a task (`proto::modctl`). CRASH faults in the kernel, as a bug in
//! a built-in driver would: the kernel dies with a panic report.
//!
//! A call the server cannot answer yet ([`Answer::Wait`]) blocks the caller
//! in [`State::InKernel`] with its `pc` on the `svc`; when the server
//! reports progress (an interrupt brought data) the caller runs the same
//! syscall again.

mod call;
#[cfg(target_os = "none")]
mod start;
mod table;
#[cfg(test)]
mod tests;
#[cfg(test)]
#[path = "window_tests.rs"]
mod window_tests;

#[cfg(feature = "monolithic")]
mod devreg;
#[cfg(all(feature = "monolithic", target_os = "none"))]
mod fs;
#[cfg(all(feature = "monolithic", target_os = "none"))]
mod gpio;
#[cfg(all(feature = "monolithic", target_os = "none"))]
mod uart;

use crate::kstate::Kernel;
use crate::object::KObj;
use crate::task::State;
use abi::{Rights, MAX_MSG_BYTES};
use alloc::boxed::Box;
use alloc::string::String;
use proto::serve::{Answer, Call};

pub use table::{count, Devices};

/// A capability a built-in server hands the caller (a `Redirect` reply's handle).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grant {
    /// What it names.
    pub object: KObj,
    /// Its badge.
    pub badge: u64,
    /// Its rights.
    pub rights: Rights,
}

/// A server's logic as the kernel runs it.
pub trait Service: Send {
    /// Answers one call; the reply's bytes go into `out` (the caller's IPC buffer).
    /// `handle` is a capability the caller moved with the message (always
    /// `None` unless [`Service::takes_handles`]).
    fn call(
        &mut self,
        k: &mut Kernel,
        call: &Call,
        handle: Option<Grant>,
        out: &mut [u8; MAX_MSG_BYTES],
    ) -> Answer<Grant>;
    /// [`Service::call`] for a caller that named a receive window: a reply
    /// whose bytes lie in the server's own state may leave them there and
    /// return them instead of writing them into `out`; the transport then
    /// writes them straight into the window (or into `out`, if it cannot).
    fn call_direct<'s>(
        &'s mut self,
        k: &mut Kernel,
        call: &Call<'s>,
        handle: Option<Grant>,
        out: &mut [u8; MAX_MSG_BYTES],
    ) -> (Answer<Grant>, Option<&'s [u8]>) {
        (self.call(k, call, handle, out), None)
    }
    /// Whether a request may move a capability in (the registry's Register);
    /// for other servers the transport drops one sent anyway.
    fn takes_handles(&self) -> bool {
        false
    }
    /// Interrupt `line` (one this server claimed) fired; true if waiting calls may go on.
    fn on_irq(&mut self, _k: &mut Kernel, _line: u32) -> bool {
        false
    }
    /// Open files and clients, for the module manager's use count.
    fn usage(&self) -> (u64, u64);
    /// `module_exit`: lets the hardware and the registry go; its farewell for the log.
    fn stop(&mut self, k: &mut Kernel) -> String;
}

/// A running built-in server.
pub struct Instance {
    /// Its module name.
    pub name: &'static str,
    /// Its state; `None` only while one of its calls runs.
    pub service: Option<Box<dyn Service>>,
    /// The interrupt lines it claimed (their interrupts come here).
    pub irqs: alloc::vec::Vec<u32>,
}

/// The `key=value` words of a module's argument string.
#[cfg(feature = "monolithic")]
fn pairs(args: &str) -> impl Iterator<Item = (&str, &str)> {
    args.split_ascii_whitespace()
        .filter_map(|w| w.split_once('='))
}

impl Kernel {
    /// The devices built-in server `id` claimed are free again.
    pub fn release_builtin_devices(&mut self, id: crate::arena::Id) {
        for owner in self.builtin_device_owner.iter_mut() {
            if *owner == Some(id) {
                *owner = None;
            }
        }
    }

    /// Built-in server `id` made progress: its waiting callers run their calls again.
    pub fn builtin_progress(&mut self, id: crate::arena::Id) {
        let waiting: alloc::vec::Vec<_> = self
            .tasks
            .iter()
            .filter(|(_, t)| t.state == State::InKernel { server: id })
            .map(|(t, _)| t)
            .collect();
        for t in waiting {
            self.wake(t);
        }
    }

    /// Interrupt `line` fired and belongs to a built-in server: true if one took it.
    pub fn builtin_irq(&mut self, line: u32) -> bool {
        let Some(id) = self
            .builtins
            .iter()
            .find(|(_, i)| i.irqs.contains(&line))
            .map(|(id, _)| id)
        else {
            return false;
        };
        let Some(mut service) = self.builtins.get_mut(id).and_then(|i| i.service.take()) else {
            return true;
        };
        let progress = service.on_irq(self, line);
        if let Some(i) = self.builtins.get_mut(id) {
            i.service = Some(service);
        }
        if progress {
            self.builtin_progress(id);
        }
        true
    }
}
