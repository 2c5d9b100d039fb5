//! How init's wait for a module ended: ready, exited, faulted or timed out, in words for a refusal.

use alloc::format;
use alloc::string::String;

/// How a wait ended.
pub enum Waited {
    /// The module said READY.
    Ready,
    /// The task exited: code and message.
    Exited(i64, String),
    /// The task faulted: what happened.
    Faulted(String),
    /// Nothing in time.
    TimedOut,
}

impl Waited {
    /// In words, for a refusal.
    pub fn describe(&self, timeout_ns: u64) -> String {
        match self {
            Waited::Ready => String::from("ready"),
            Waited::Exited(code, text) if text.is_empty() => format!("exited with code {code}"),
            Waited::Exited(code, text) => format!("{text} (exit code {code})"),
            Waited::Faulted(text) => format!("faulted: {text}"),
            Waited::TimedOut => format!("no answer within {} ms", timeout_ns / 1_000_000),
        }
    }
}
