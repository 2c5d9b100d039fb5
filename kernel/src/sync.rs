//! Locks for kernel state: a spinlock that also masks IRQs on this core while held.
//!
//! Anything an interrupt handler may touch (the log, the console, the frame
//! allocator) is behind an `IrqMutex`, so a handler can never spin on a lock
//! that the code it interrupted holds.

use core::ops::{Deref, DerefMut};

/// A spin mutex whose guard keeps IRQs masked on this core.
pub struct IrqMutex<T> {
    inner: spin::Mutex<T>,
}

/// Access to the data of an `IrqMutex`; IRQs come back (if they were on) when it drops.
pub struct IrqMutexGuard<'a, T> {
    // Field order matters: the lock is released before IRQs are restored.
    guard: spin::MutexGuard<'a, T>,
    _irqs: IrqRestore,
}

impl<T> IrqMutex<T> {
    /// A new unlocked mutex.
    pub const fn new(value: T) -> Self {
        Self {
            inner: spin::Mutex::new(value),
        }
    }

    /// Masks IRQs, then spins until the lock is free.
    pub fn lock(&self) -> IrqMutexGuard<'_, T> {
        let irqs = IrqRestore::mask();
        IrqMutexGuard {
            guard: self.inner.lock(),
            _irqs: irqs,
        }
    }

    /// Spins for the lock when IRQs are already masked (the exception path):
    /// the same lock without saving and restoring the mask.
    pub fn lock_masked(&self) -> spin::MutexGuard<'_, T> {
        #[cfg(target_os = "none")]
        debug_assert!(
            crate::arch::aarch64::cpu::irqs_masked(),
            "lock_masked with IRQs on"
        );
        self.inner.lock()
    }

    /// Takes the lock if it is free, without spinning (for the panic path).
    pub fn try_lock(&self) -> Option<IrqMutexGuard<'_, T>> {
        let irqs = IrqRestore::mask();
        self.inner
            .try_lock()
            .map(|guard| IrqMutexGuard { guard, _irqs: irqs })
    }
}

impl<T> Deref for IrqMutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T> DerefMut for IrqMutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}

/// Restores this core's IRQ mask on drop (the saved DAIF; unused on the host).
struct IrqRestore(#[cfg_attr(not(target_os = "none"), allow(dead_code))] u64);

impl IrqRestore {
    #[cfg(target_os = "none")]
    fn mask() -> Self {
        Self(crate::arch::aarch64::cpu::disable_irqs())
    }
    #[cfg(not(target_os = "none"))]
    fn mask() -> Self {
        Self(0)
    }
}

impl Drop for IrqRestore {
    fn drop(&mut self) {
        #[cfg(target_os = "none")]
        crate::arch::aarch64::cpu::restore_irqs(self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_gives_exclusive_access_and_releases() {
        let m = IrqMutex::new(1);
        {
            let mut g = m.lock();
            *g += 1;
            assert!(m.try_lock().is_none(), "held lock must not be taken twice");
        }
        assert_eq!(*m.try_lock().expect("released"), 2);
    }
}
