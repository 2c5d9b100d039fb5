//! AArch64 (Cortex-A53): boot, exception levels, vectors, MMU, timer, caches.

pub mod esr;
