//! What arrives on init's endpoint, classified: the kernel's exit and fault messages, modules' READY, control requests.

use alloc::format;
use alloc::string::String;
use proto::modctl;
use ulib::abi::label;
use ulib::{ipc, sys_recv, sys_reply, Msg};

/// The badge of init's control clients (the shell); the kernel's messages carry 0.
pub const CONTROL_BADGE: u64 = 1 << 40;
/// Set in the badge of a module's manager handle, above the module's id.
pub const MODULE_FLAG: u64 = 1 << 41;

/// One thing that happened.
pub enum Event {
    /// Task `pid` exited with `code`; `text` is the message it left (a panic, an init error).
    Exited { pid: u64, code: i64, text: String },
    /// Task `pid` faulted; `text` describes the fault.
    Faulted { pid: u64, text: String },
    /// Module `id` says its init function succeeded (already answered).
    Ready { id: u64 },
    /// A control client's request: the message, its bytes copied out.
    Control {
        msg: Msg,
        bytes: alloc::vec::Vec<u8>,
    },
    /// Nothing within the timeout.
    TimedOut,
    /// Something init does not know (logged and dropped).
    Other,
}

/// Receives one event, waiting at most `timeout_ns`.
pub fn next(supervisor: u32, timeout_ns: u64) -> Result<Event, ulib::Error> {
    let (msg, badge) = match sys_recv(supervisor, timeout_ns) {
        Ok(m) => m,
        Err(ulib::Error::TimedOut) => return Ok(Event::TimedOut),
        Err(e) => return Err(e),
    };
    let bytes = ipc::with_buffer(|buf| {
        let n = usize::from(msg.info.len_bytes).min(buf.len());
        buf[..n].to_vec()
    });
    Ok(match badge {
        0 => kernel_message(&msg, &bytes),
        CONTROL_BADGE => Event::Control { msg, bytes },
        b if b & MODULE_FLAG != 0 && msg.label() == modctl::READY => {
            let _ = sys_reply(&Msg::new(proto::OK_LABEL, []));
            Event::Ready {
                id: b & !MODULE_FLAG,
            }
        }
        _ => {
            ulib::eprintln!(
                "unexpected message {:#x} with badge {badge:#x}",
                msg.label()
            );
            Event::Other
        }
    })
}

fn kernel_message(msg: &Msg, bytes: &[u8]) -> Event {
    match msg.label() {
        label::EXIT => Event::Exited {
            pid: msg.words[0],
            code: msg.words[1] as i64,
            text: String::from(String::from_utf8_lossy(bytes).trim_end()),
        },
        label::FAULT => {
            let [pid, esr, far, elr] = msg.words;
            Event::Faulted {
                pid,
                text: format!(
                    "{} (ESR {esr:#x}, FAR {far:#x}, ELR {elr:#x})",
                    fault_kind(esr)
                ),
            }
        }
        other => {
            ulib::eprintln!("unexpected kernel message {other:#x}");
            Event::Other
        }
    }
}

/// The exception class of an ESR in words (the common ones a user task takes).
fn fault_kind(esr: u64) -> &'static str {
    match (esr >> 26) & 0x3f {
        0x24 => "data abort",
        0x20 => "instruction abort",
        0x00 => "undefined instruction",
        0x22 => "misaligned PC",
        0x26 => "misaligned SP",
        0x07 => "FP/SIMD access",
        0x3c => "breakpoint (BRK)",
        _ => "fault",
    }
}
