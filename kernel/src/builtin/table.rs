//! Which servers this kernel has built in (none in the microkernel build), and the registry of devices the built-in servers share.

use super::{Grant, Service};
use crate::arena::Id;
use crate::kstate::Kernel;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

/// Starts a built-in server as instance `me` with its `key=value` arguments:
/// its state and the interrupt lines it took (its init ran), or why it refused.
pub type Start = fn(&mut Kernel, &str, Id) -> Result<(Box<dyn Service>, Vec<u32>), String>;

/// The built-in servers of the monolithic build.
#[cfg(feature = "monolithic")]
const BUILT_IN: &[(&str, Start)] = &[
    ("devreg", super::devreg::start),
    #[cfg(target_os = "none")]
    ("fs", super::fs::start),
    #[cfg(target_os = "none")]
    ("gpio", super::gpio::start),
    #[cfg(target_os = "none")]
    ("uart", super::uart::start),
];
/// The microkernel build has none: every module runs as a task.
#[cfg(not(feature = "monolithic"))]
const BUILT_IN: &[(&str, Start)] = &[];

/// How many servers this kernel has built in.
pub fn count() -> usize {
    BUILT_IN.len()
}

#[cfg_attr(not(target_os = "none"), allow(dead_code))]
/// The name as the table spells it, for the life of the kernel.
pub fn static_name(name: &str) -> Option<&'static str> {
    BUILT_IN.iter().find(|(n, _)| *n == name).map(|&(n, _)| n)
}

#[cfg_attr(not(target_os = "none"), allow(dead_code))]
/// How to start the built-in server `name`, if this kernel has one.
pub fn find(name: &str) -> Option<Start> {
    BUILT_IN.iter().find(|(n, _)| *n == name).map(|&(_, s)| s)
}

/// The device registry as the built-in `devreg` keeps it: names, numbers and
/// the capability each driver registered (a built-in server, or a task's endpoint).
#[derive(Default)]
pub struct Devices {
    /// Registered devices and their servers.
    pub registry: proto::devreg::Registry<Grant>,
    /// Lookups handed out so far (each gets its own badge, as the task devreg does).
    pub lookups: u64,
}

impl Devices {
    /// No devices registered, no lookups made.
    pub const fn new() -> Self {
        Self {
            registry: proto::devreg::Registry::new(),
            lookups: 0,
        }
    }
}
