//! The few devices the kernel itself drives: its console UART, the mailbox, the interrupt routing, the reset watchdog.
//!
//! The console's registers are defined once, in the user-space drivers' crates
//! (`uart`, `gpio`), and used here through the kernel's own device mapping.
//!
//! Each device's registers are a `tock-registers` type, reached through exactly
//! one unsafe constructor that takes the address of a mapping the kernel made.

#[cfg(feature = "monolithic")]
pub mod builtin_devices;
pub mod console;
pub mod intc;
pub mod local_intc;
pub mod mailbox;
#[cfg(target_os = "none")]
pub mod power;

use core::ops::Deref;

/// A device's register block of type `T`, seen through the kernel's device mapping.
pub struct Mmio<T: 'static>(&'static T);

impl<T> Mmio<T> {
    /// The register block at physical address `pa`, through the linear map.
    ///
    /// # Safety
    /// `pa` must be the base of registers laid out as `T`, inside a peripheral
    /// window the kernel maps as device memory for its whole life (see
    /// `mem::setup`), and no other `Mmio` may drive the same registers in a
    /// conflicting way.
    pub unsafe fn kernel(pa: usize) -> Self {
        debug_assert_eq!(pa % core::mem::align_of::<T>(), 0);
        let va = crate::mem::PhysAddr(pa).to_virt().as_usize();
        // SAFETY: the caller guarantees a live, correctly typed device mapping.
        Self(unsafe { &*(va as *const T) })
    }
}

impl<T> Mmio<T> {
    /// The registers for the kernel's whole life (device mappings never go away).
    pub fn registers(&self) -> &'static T {
        self.0
    }
}

impl<T> Deref for Mmio<T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.0
    }
}

// SAFETY: register types hold no Rust-visible memory: every access is a single
// volatile MMIO load or store, which the interconnect serialises; drivers
// serialise multi-register sequences themselves (console lock, firmware lock).
unsafe impl<T> Sync for Mmio<T> {}
// SAFETY: as for Sync: the value is an address of device registers, not data.
unsafe impl<T> Send for Mmio<T> {}
