//! The GPIO driver built into the kernel (monolithic build): `gpio::service::GpioService` on the kernel's mapping of the GPIO block, its bank interrupts handled in the kernel.

use super::{devreg, Grant, Service};
use crate::arena::Id;
use crate::dev::builtin_devices::{self, OnDevice};
use crate::kstate::Kernel;
use abi::MAX_MSG_BYTES;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use gpio::service::{GpioService, DEVICE_MAJOR, DEVICE_MINOR, DEVICE_NAME};
use gpio::{route_uart_pins, Gpio, UartRoute};
use proto::serve::{Answer, Call};

/// The bank interrupts (gpio_int[0] and [1]) that carry pin events.
const EVENT_LINES: [u32; 2] = [49, 50];

/// The driver's state from start to stop.
struct BuiltinGpio {
    service: OnDevice<GpioService<Gpio>>,
    registered: bool,
}

/// `module_init`: UART pin routing (`uart=`), the event interrupts, `gpiochip0`.
pub fn start(k: &mut Kernel, args: &str, me: Id) -> Result<(Box<dyn Service>, Vec<u32>), String> {
    let value = super::pairs(args)
        .find(|(key, _)| *key == "uart")
        .map(|(_, v)| v);
    let route = UartRoute::from_param(value).map_err(|e| e.to_string())?;
    k.claim_for_builtin("gpio", me)?;
    let mut service = builtin_devices::gpio_service();
    route_uart_pins(service.gpio_mut(), route);
    crate::pr_info!("gpio: serving GPIO inside the kernel (54 pins; 14-15 held for the UART)");
    let registered = k.builtins.iter().any(|(_, i)| i.name == "devreg");
    if registered {
        devreg::register_builtin(k, DEVICE_NAME, DEVICE_MAJOR, DEVICE_MINOR, me)
            .map_err(|e| format!("cannot register {DEVICE_NAME}: {e}"))?;
    }
    let driver = BuiltinGpio {
        service,
        registered,
    };
    Ok((Box::new(driver), vec![EVENT_LINES[0], EVENT_LINES[1]]))
}

impl Service for BuiltinGpio {
    fn call(
        &mut self,
        _k: &mut Kernel,
        call: &Call,
        _handle: Option<Grant>,
        out: &mut [u8; MAX_MSG_BYTES],
    ) -> Answer<Grant> {
        self.service.call(call, out)
    }

    fn on_irq(&mut self, _k: &mut Kernel, _line: u32) -> bool {
        self.service.on_interrupt()
    }

    fn usage(&self) -> (u64, u64) {
        self.service.usage()
    }

    fn stop(&mut self, k: &mut Kernel) -> String {
        let disarmed = self.service.disarm_all();
        if self.registered {
            devreg::unregister_builtin(k, DEVICE_NAME);
        }
        format!(
            "goodbye: {disarmed} pin events disarmed, {} fds were open",
            self.service.opens().count()
        )
    }
}
