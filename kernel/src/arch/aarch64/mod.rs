//! AArch64 (Cortex-A53): boot, exception levels, vectors, MMU, timer, caches.

pub mod context;
pub mod esr;

#[cfg(target_os = "none")]
pub mod backtrace;
#[cfg(target_os = "none")]
pub mod boot;
#[cfg(target_os = "none")]
pub mod cpu;
#[cfg(target_os = "none")]
pub mod exceptions;
#[cfg(target_os = "none")]
pub mod mmu;
#[cfg(target_os = "none")]
pub mod sections;
#[cfg(target_os = "none")]
pub mod timer;
