//! The UART driver built into the kernel (monolithic build): `uart::Console` on the kernel's mapping of the PL011 or the mini UART, fed by its interrupt in the kernel.

use super::{devreg, Grant, Service};
use crate::arena::Id;
use crate::dev::builtin_devices::{self, OnDevice};
use crate::kstate::Kernel;
use abi::MAX_MSG_BYTES;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use proto::serve::{Answer, Call};
use uart::console::TTY_MAJOR;
use uart::{Console, Port};

/// The mini UART's clock: the VideoCore core clock (250 MHz unless config.txt changes it).
const CORE_CLOCK_HZ: u32 = 250_000_000;
/// The line speed the kernel's own console expects on the PL011.
const KERNEL_CONSOLE_BAUD: u32 = 115_200;
/// How many polls of the transmitter `stop` waits for it to drain.
const TX_DRAIN_POLLS: u32 = 1_000_000;

/// The driver's state from start to stop.
struct BuiltinUart {
    console: OnDevice<Console<'static>>,
    port: Port,
    baud: u32,
    clock_hz: u32,
    /// The registry name it holds (`None` without the built-in registry).
    registered: Option<&'static str>,
}

/// `module_init`: parameters, line speed, receive interrupt, the console, the registry.
pub fn start(k: &mut Kernel, args: &str, me: Id) -> Result<(Box<dyn Service>, Vec<u32>), String> {
    let params =
        uart::parse_params(super::pairs(args)).map_err(|e| format!("bad parameters: {e}"))?;
    let clock_hz = match params.port {
        Port::Pl011 => crate::console::uart_clock_hz(),
        Port::Mini => CORE_CLOCK_HZ,
    };
    let claimed = match params.port {
        Port::Pl011 => "pl011",
        Port::Mini => "aux",
    };
    k.claim_for_builtin(claimed, me)?;
    let device = builtin_devices::uart(params.port);
    device
        .init(clock_hz, params.baud)
        .map_err(|e| format!("{} baud from a {clock_hz} Hz clock: {e}", params.baud))?;
    let (name, minor) = params.port.tty();
    let console = builtin_devices::console(params.port, minor);
    console.enable_rx_interrupts();
    if params.port == Port::Pl011 {
        crate::console::hand_over(true);
    }
    crate::pr_info!(
        "uart: serving {} at {} baud (IRQ {}) inside the kernel",
        params.port.name(),
        params.baud,
        params.port.irq()
    );
    let has_registry = k.builtins.iter().any(|(_, i)| i.name == "devreg");
    let registered = match has_registry {
        true => {
            devreg::register_builtin(k, name, TTY_MAJOR, minor, me)
                .map_err(|e| format!("cannot register {name}: {e}"))?;
            Some(name)
        }
        false => None,
    };
    let driver = BuiltinUart {
        console,
        port: params.port,
        baud: params.baud,
        clock_hz,
        registered,
    };
    Ok((Box::new(driver), vec![params.port.irq()]))
}

impl Service for BuiltinUart {
    fn call(
        &mut self,
        _k: &mut Kernel,
        call: &Call,
        _handle: Option<Grant>,
        out: &mut [u8; MAX_MSG_BYTES],
    ) -> Answer<Grant> {
        self.console.call(call, out)
    }

    fn on_irq(&mut self, _k: &mut Kernel, _line: u32) -> bool {
        self.console.on_interrupt()
    }

    fn usage(&self) -> (u64, u64) {
        self.console.usage()
    }

    fn stop(&mut self, k: &mut Kernel) -> String {
        if let Some(name) = self.registered {
            devreg::unregister_builtin(k, name);
        }
        let _ = self.console.quiesce(TX_DRAIN_POLLS);
        if self.port == Port::Pl011 {
            if self.baud != KERNEL_CONSOLE_BAUD {
                let _ = self.console.uart().init(self.clock_hz, KERNEL_CONSOLE_BAUD);
            }
            crate::console::hand_over(false);
        }
        format!(
            "goodbye: {} released ({} fds were open)",
            self.port.name(),
            self.console.opens().count()
        )
    }
}
