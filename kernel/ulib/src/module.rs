//! The module runtime: `module_init`/`module_exit` around a service loop, the lifecycle with init (READY, STOP, USAGE, CRASH), typed parameters.
//!
//! A module is a program init loads with `insmod`. Its `main` is one call:
//!
//! ```text
//! fn main() -> i32 {
//!     ulib::module::run(init, |state| ulib::server::serve_calls(..), exit)
//! }
//! ```
//!
//! [`run`] calls `init` (Linux's `module_init`). If it fails, the module
//! logs why and exits with [`INIT_FAILED_EXIT_CODE`] and the reason as its
//! exit message, which `insmod` shows. If it succeeds, [`ready`] tells the
//! manager (handle 4), the service loop runs until the manager sends STOP,
//! then `exit` (Linux's `module_exit`) gets the state and the module ends
//! with 0. A loop that ends because receiving failed ends with
//! [`LOOP_FAILED_EXIT_CODE`], after `exit` too.
//!
//! Loops recognise the manager's messages with [`handle_manager`] (the
//! file-protocol loop [`crate::server::serve_calls`] does it already): STOP is
//! answered and ends the loop, USAGE is answered with what [`set_usage`]
//! last published, CRASH faults on purpose. A module without a service
//! (hello) waits in [`wait_for_stop`].
//!
//! Parameters arrive as `key=value` arguments, the `.modinfo` defaults
//! already filled in by init: [`param_int`], [`param_bool`], [`param_str`],
//! [`param_list`], and [`param_int_or`] / [`param_bool_or`], which say what
//! is wrong with a malformed value so `init` can fail with it.
//!
//! Programs started without a manager (by the kernel tests, with fewer than
//! four handles) run the same way: [`ready`] does nothing for them.

use core::fmt;
use core::sync::atomic::{AtomicU64, Ordering};
use modinfo::ParamKind;
pub use proto::modctl::handles;
use proto::modctl::{CRASH, MANAGER_BADGE, STOP, USAGE};
use proto::OpenTable;

/// The exit code of a module whose init function failed (the reason is the exit message).
pub const INIT_FAILED_EXIT_CODE: i32 = 1;
/// The exit code of a module whose service loop ended without a STOP (receiving failed).
pub const LOOP_FAILED_EXIT_CODE: i32 = 2;
/// How long [`ready`] waits for the manager to take READY (init gives up on a module after 5 s).
pub const READY_TIMEOUT_NS: u64 = 2_000_000_000;
/// Where CRASH reads: page 0, which the kernel never maps ([`abi::USER_MIN`]).
pub const CRASH_ADDRESS: usize = 0;

const _: () = assert!(CRASH_ADDRESS < abi::USER_MIN);

/// Why a module's service loop ended: what [`crate::server::serve_calls`] and [`wait_for_stop`] return.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The manager sent STOP and was answered: run the exit function and end.
    Requested,
    /// Receiving on the service endpoint failed (no handle 1, or it broke).
    ReceiveFailed(abi::Error),
}

impl Stop {
    /// The exit code after the exit function ran: 0 for a requested stop.
    pub const fn exit_code(self) -> i32 {
        match self {
            Stop::Requested => 0,
            Stop::ReceiveFailed(_) => LOOP_FAILED_EXIT_CODE,
        }
    }
}

/// One of the manager's requests to a module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ManagerRequest {
    /// Run the exit function and end (answered first).
    Stop,
    /// How many fds are open, by how many clients.
    Usage,
    /// Take a data abort now.
    Crash,
}

impl ManagerRequest {
    /// The request a message with `label` and `badge` is, if it is the manager's.
    ///
    /// Only [`MANAGER_BADGE`] with a lifecycle label counts; any other message
    /// (even with that badge) is an ordinary request for the module to serve.
    pub const fn of(label: u16, badge: u64) -> Option<ManagerRequest> {
        if badge != MANAGER_BADGE {
            return None;
        }
        match label {
            STOP => Some(ManagerRequest::Stop),
            USAGE => Some(ManagerRequest::Usage),
            CRASH => Some(ManagerRequest::Crash),
            _ => None,
        }
    }
}

/// Open fds, as last published by [`set_usage`].
static OPEN_FDS: AtomicU64 = AtomicU64::new(0);
/// Distinct clients holding them, as last published by [`set_usage`].
static CLIENTS: AtomicU64 = AtomicU64::new(0);

/// Publishes the module's use count for USAGE answers: `open_fds` held by `clients` distinct clients.
pub fn set_usage(open_fds: u64, clients: u64) {
    debug_assert!(clients <= open_fds, "every client counted holds an fd");
    OPEN_FDS.store(open_fds, Ordering::Relaxed);
    CLIENTS.store(clients, Ordering::Relaxed);
}

/// The use count last published: (open fds, distinct clients); (0, 0) until [`set_usage`].
pub fn usage() -> (u64, u64) {
    (
        OPEN_FDS.load(Ordering::Relaxed),
        CLIENTS.load(Ordering::Relaxed),
    )
}

/// Publishes the use count of a server's open table (call it after each request).
pub fn publish_usage<T>(opens: &OpenTable<T>) {
    let (fds, clients) = opens.usage();
    set_usage(fds, clients);
}

/// A parameter whose value is not of its type; `Display` says which and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadParam<'a> {
    /// The parameter's name.
    pub name: &'a str,
    /// The value given.
    pub value: &'a str,
    /// What it should have been ([`ParamKind::describe`]).
    pub expected: &'static str,
}

impl fmt::Display for BadParam<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "parameter {}={}: expected {}",
            self.name, self.value, self.expected
        )
    }
}

/// An int as init checks it against `.modinfo`: decimal or `0x` hex, an optional minus.
pub use modinfo::parse_int;

/// A bool as init checks it (`1 y yes true on`, `0 n no false off`, any
/// case), or a bare flag word (value `""`), which is true as in Linux.
pub fn parse_bool(text: &str) -> Option<bool> {
    if text.is_empty() {
        return Some(true);
    }
    modinfo::parse_bool(text)
}

/// The items of a list value (`myarray=1,4,3`), split at commas; none for an empty value.
pub fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split(',').filter(move |_| !text.is_empty())
}

/// Parameter `name` as an int; `None` when absent or not an int.
pub fn param_int(name: &str) -> Option<i64> {
    crate::arg(name).and_then(parse_int)
}

/// Parameter `name` as a bool; `None` when absent or not a bool.
pub fn param_bool(name: &str) -> Option<bool> {
    crate::arg(name).and_then(parse_bool)
}

/// Parameter `name` as given (`""` for a bare flag word); `None` when absent.
pub fn param_str(name: &str) -> Option<&'static str> {
    crate::arg(name)
}

/// Parameter `name` as a comma-separated list; empty when absent.
pub fn param_list(name: &str) -> impl Iterator<Item = &'static str> {
    split_list(crate::arg(name).unwrap_or(""))
}

/// Parameter `name` as an int, `default` when absent; an error naming it when malformed.
pub fn param_int_or(name: &str, default: i64) -> Result<i64, BadParam<'_>> {
    typed(
        name,
        crate::arg(name),
        default,
        parse_int,
        ParamKind::Int.describe(),
    )
}

/// Parameter `name` as a bool, `default` when absent; an error naming it when malformed.
pub fn param_bool_or(name: &str, default: bool) -> Result<bool, BadParam<'_>> {
    let expected = ParamKind::Bool.describe();
    typed(name, crate::arg(name), default, parse_bool, expected)
}

/// `value` parsed, `default` when absent, [`BadParam`] when `parse` refuses it.
fn typed<'a, T>(
    name: &'a str,
    value: Option<&'a str>,
    default: T,
    parse: fn(&str) -> Option<T>,
    expected: &'static str,
) -> Result<T, BadParam<'a>> {
    match value {
        None => Ok(default),
        Some(value) => parse(value).ok_or(BadParam {
            name,
            value,
            expected,
        }),
    }
}

#[cfg(target_os = "none")]
pub use target::*;

#[cfg(target_os = "none")]
mod target {
    use super::{
        handles, usage, ManagerRequest, Stop, CRASH_ADDRESS, INIT_FAILED_EXIT_CODE,
        READY_TIMEOUT_NS,
    };
    use crate::{eprintln, ipc, sys_call, sys_handle_close, sys_reply};
    use crate::{Error, Handle, Msg};
    use abi::label;
    use alloc::string::String;
    use proto::devreg::{DevName, Op, Reply, Request};
    use proto::modctl::READY;
    use proto::{Errno, OK_LABEL};

    /// How long [`unregister`] waits for the registry.
    const REGISTRY_TIMEOUT_NS: u64 = 1_000_000_000;

    /// Runs a module: `init` (`module_init`), [`ready`], `serve` until it
    /// returns, `exit` (`module_exit`) with the state; returns the exit code
    /// ([`Stop::exit_code`]). If `init` fails the module ends right there with
    /// [`INIT_FAILED_EXIT_CODE`] and the reason as its exit message.
    pub fn run<S>(
        init: impl FnOnce() -> Result<S, String>,
        serve: impl FnOnce(&mut S) -> Stop,
        exit: impl FnOnce(S),
    ) -> i32 {
        let mut state = match init() {
            Ok(state) => state,
            Err(why) => {
                eprintln!("init failed: {why}");
                crate::sys_exit_with_message(INIT_FAILED_EXIT_CODE, &why)
            }
        };
        ready();
        let stop = serve(&mut state);
        exit(state);
        stop.exit_code()
    }

    /// Tells the manager (handle 4) that init succeeded. Does nothing when
    /// there is no manager: a program started by a test has no handle 4.
    pub fn ready() {
        match sys_call(handles::MANAGER, &Msg::new(READY, []), READY_TIMEOUT_NS) {
            Ok(reply) if reply.label() == OK_LABEL => {}
            Ok(reply) => match Errno::from_raw(u64::from(reply.label())) {
                Some(e) => eprintln!("the module manager refused READY: {e}"),
                None => eprintln!(
                    "the module manager answered READY with {:#x}",
                    reply.label()
                ),
            },
            // No handle 4, or not an endpoint: started without a manager.
            Err(Error::InvalidHandle | Error::WrongType) => {}
            Err(e) => eprintln!("cannot tell the module manager READY: {e}"),
        }
    }

    /// What a service loop does with a message after [`handle_manager`].
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Handled {
        /// Not the manager's: serve it as a request.
        NotManager,
        /// USAGE: reply with this message, then receive the next.
        Reply(Msg),
        /// STOP, already answered: end the loop with [`Stop::Requested`].
        Stop,
    }

    /// Handles `msg` (received with `badge`) if it is one of the manager's:
    /// STOP is answered here, USAGE gets its answer (from [`super::set_usage`])
    /// for the loop to send, CRASH faults. The one place every loop shares.
    pub fn handle_manager(msg: &Msg, badge: u64) -> Handled {
        let Some(request) = ManagerRequest::of(msg.label(), badge) else {
            return Handled::NotManager;
        };
        if msg.info.handle != 0 {
            // No manager request carries a handle: do not keep one sent anyway.
            let _ = sys_handle_close(msg.info.handle);
        }
        match request {
            ManagerRequest::Stop => {
                // Answered now, as no reply_recv follows; a manager that gave up waiting
                // still gets the stop it asked for.
                let _ = sys_reply(&Msg::new(OK_LABEL, []));
                Handled::Stop
            }
            ManagerRequest::Usage => {
                let (open_fds, clients) = usage();
                Handled::Reply(Msg::new(OK_LABEL, [open_fds, clients]))
            }
            ManagerRequest::Crash => crash(),
        }
    }

    /// The loop of a module with no service (hello): answers USAGE with its
    /// published count (zeros), CRASH by faulting, any request with
    /// `ENOSYS`, until STOP.
    pub fn wait_for_stop() -> Stop {
        let mut owed: Option<Msg> = None;
        loop {
            let msg = match crate::server::next_request(handles::SERVICE, &mut owed, None) {
                Ok((msg, _)) => msg,
                Err(stop) => return stop,
            };
            if msg.label() == label::NOTIFICATION {
                continue;
            }
            if msg.info.handle != 0 {
                let _ = sys_handle_close(msg.info.handle);
            }
            owed = Some(Msg::new(Errno::NotImplemented.code(), []));
        }
    }

    /// Takes a data abort on purpose (CRASH: the isolation demonstration).
    pub fn crash() -> ! {
        eprintln!("crashing on request: reading {CRASH_ADDRESS:#x}");
        let _ = crate::probe::read_u64(CRASH_ADDRESS);
        // Page 0 is never mapped, so the read faulted; should it not have, fault anyway.
        crate::probe::undefined_instruction()
    }

    /// Takes device `name` out of the registry `registry` (a module's exit
    /// function): `register`'s counterpart. `EBADF` without a registry.
    pub fn unregister(registry: Handle, name: &str) -> Result<(), Errno> {
        let req = Request::Unregister {
            name: DevName::new(name)?,
        };
        let msg = ipc::with_buffer(|buf| {
            req.encode(buf).map(|e| Msg {
                info: e.info(),
                words: e.words,
            })
        })?;
        let reply = sys_call(registry, &msg, REGISTRY_TIMEOUT_NS).map_err(Errno::from)?;
        ipc::with_buffer(|buf| {
            let bytes = &buf[..usize::from(reply.info.len_bytes).min(buf.len())];
            match Reply::decode(Op::Unregister, reply.info.label, reply.words, bytes)? {
                Reply::Unregistered => Ok(()),
                Reply::Error(e) => Err(e),
                _ => Err(Errno::Io),
            }
        })
    }
}

#[cfg(test)]
#[path = "module_tests.rs"]
mod tests;
