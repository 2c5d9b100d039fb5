//! The device objects of the built-in drivers (monolithic build): the UART console and the GPIO service on the kernel's own mappings.
//!
//! A driver object holds `&'static` register blocks, which are not `Send`
//! (their cells are MMIO registers); the kernel state must be. [`OnDevice`]
//! carries such an object into it, on the argument `Mmio` already makes:
//! the registers are device memory for the kernel's life, and every access
//! is one volatile load or store, made under the kernel lock.

use core::ops::{Deref, DerefMut};
use gpio::service::GpioService;
use gpio::Gpio;
use uart::{Console, MiniUart, Pl011, Port, Uart};

/// A driver object whose only non-`Send` parts are kernel device mappings.
pub struct OnDevice<T>(T);

// SAFETY: built only in this file, from driver objects whose non-`Send` fields
// are `&'static` register blocks of kernel device mappings (see `Mmio`'s
// `Send`): moving such a reference between contexts is moving an address.
unsafe impl<T> Send for OnDevice<T> {}

impl<T> Deref for OnDevice<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for OnDevice<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

/// A UART object that lives as long as the kernel (one per port, made once).
struct Port0(Pl011);
struct Port1(MiniUart);
// SAFETY: as for `OnDevice`: the objects hold only register-block references.
unsafe impl Sync for Port0 {}
// SAFETY: as above.
unsafe impl Send for Port0 {}
// SAFETY: as above.
unsafe impl Sync for Port1 {}
// SAFETY: as above.
unsafe impl Send for Port1 {}

/// The UART behind `port`, for the kernel's life.
pub fn uart(port: Port) -> &'static dyn Uart {
    static PL011: spin::Once<Port0> = spin::Once::new();
    static MINI: spin::Once<Port1> = spin::Once::new();
    match port {
        Port::Pl011 => &PL011.call_once(|| Port0(super::console::pl011())).0,
        Port::Mini => &MINI.call_once(|| Port1(super::console::mini_uart())).0,
    }
}

/// A console (line discipline, opens) on `port`'s UART.
pub fn console(port: Port, minor: u32) -> OnDevice<Console<'static>> {
    OnDevice(Console::new(uart(port), minor))
}

/// The GPIO service on the GPIO block.
pub fn gpio_service() -> OnDevice<GpioService<Gpio>> {
    OnDevice(GpioService::new(super::console::gpio()))
}
