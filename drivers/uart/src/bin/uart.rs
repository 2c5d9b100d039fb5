//! The UART driver module: claims a UART (`port=pl011|mini`, `baud=`), takes its receive
//! interrupt and serves the file protocol on handle 1 as a console: line or raw
//! mode with echo, blocking and non-blocking reads, writes that wait for room, poll.
//!
//! Handles as every module gets them (`proto::modctl::handles`): 1, its
//! endpoint; 2 (optional), the device registry, where it is `ttyS0` (PL011)
//! or `ttyS1` (mini UART). Unloading leaves the registry, masks the UART's
//! interrupts and lets the line go; the kernel takes its console back when
//! the claim ends, which is when the task ends (see `uart_exit`).
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod server {
    extern crate alloc;

    use alloc::format;
    use alloc::string::String;
    use proto::Errno;
    use uart::{Console, MiniUart, Pl011, Port, Uart};
    use ulib::module::{self, handles, Stop};
    use ulib::server::Waiting;
    use ulib::{eprintln, println, Handle, InfoKind};

    ulib::entry!(main);

    ulib::module! {
        name: "uart",
        version: env!("CARGO_PKG_VERSION"),
        license: "MIT OR Apache-2.0",
        author: "mica developers",
        description: "Serial console driver (PL011 as ttyS0 or mini UART as ttyS1): line discipline, echo, raw mode",
        depends: "devreg",
        params: [
            ("port", "string", "pl011", "the UART to drive: pl011 or mini"),
            ("baud", "int", "115200", "line speed in bits per second (300 to 4000000)"),
        ],
    }

    /// The endpoint clients call.
    const SERVICE: Handle = handles::SERVICE;
    /// The device registry (optional: tests start the driver without one).
    const REGISTRY: Handle = handles::REGISTRY;
    /// The mini UART's clock: the VideoCore core clock (250 MHz unless config.txt changes it).
    const CORE_CLOCK_HZ: u32 = 250_000_000;
    /// The line speed of the kernel's own console on the PL011 (`kernel::console::BAUD`).
    const KERNEL_CONSOLE_BAUD: u32 = 115_200;
    /// How many polls of the transmitter [`uart_exit`] waits for it to drain.
    const TX_DRAIN_POLLS: u32 = 1_000_000;

    /// The module's state: the console logic (`uart::console`) and what only IPC needs.
    struct Driver {
        console: Console<'static>,
        /// Reads waiting for a line (or bytes, in raw mode), oldest first.
        waiting: Waiting,
        irq: Handle,
        /// The port, its line speed and its clock, as init set them.
        port: Port,
        baud: u32,
        clock_hz: u32,
        /// The registry name this driver holds (`None` without a registry).
        registered: Option<&'static str>,
    }

    fn main() -> i32 {
        module::run(uart_init, serve, uart_exit)
    }

    /// `module_init`: parameters, the claim, the line speed, the interrupt, the registry.
    fn uart_init() -> Result<Driver, String> {
        let params =
            uart::parse_params(ulib::args()).map_err(|e| format!("bad parameters: {e}"))?;
        let (device, clock_hz) = match params.port {
            Port::Pl011 => (
                "pl011",
                ulib::sys_info(InfoKind::UartClockHz).unwrap_or(48_000_000) as u32,
            ),
            Port::Mini => ("aux", CORE_CLOCK_HZ),
        };
        let (_claim, regs) =
            ulib::device::claim(device).map_err(|e| format!("cannot claim {device}: {e}"))?;
        let uart: &'static dyn Uart = match params.port {
            // The one MMIO constructor of this driver (either port).
            // SAFETY: the mapping is the claimed UART's page, kept for good (leaked), laid
            // out as the PL011 registers.
            Port::Pl011 => leak(Pl011::new(unsafe { regs.leak_registers() })),
            // SAFETY: as above, for the AUX block (mini UART).
            Port::Mini => leak(MiniUart::new(unsafe { regs.leak_registers() })),
        };
        uart.init(clock_hz, params.baud)
            .map_err(|e| format!("{} baud from a {clock_hz} Hz clock: {e}", params.baud))?;
        let ntfn = ulib::sys_notification_create()
            .map_err(|e| format!("cannot make a notification: {e}"))?;
        let irq = ulib::device::irq_claim(params.port.irq(), ntfn, 1)
            .map_err(|e| format!("cannot claim IRQ {}: {e}", params.port.irq()))?;
        ulib::sys_notification_bind(ntfn)
            .map_err(|e| format!("cannot wait for IRQ {}: {e}", params.port.irq()))?;
        let (name, minor) = params.port.tty();
        let console = Console::new(uart, minor);
        console.enable_rx_interrupts();
        println!(
            "serving {} at {} baud (IRQ {})",
            params.port.name(),
            params.baud,
            params.port.irq()
        );
        // Last, so clients find the device only once it is ready.
        let registered = match ulib::registry::register(
            REGISTRY,
            SERVICE,
            name,
            uart::console::TTY_MAJOR,
            minor,
        ) {
            Ok(_) => Some(name),
            Err(Errno::BadFd) => None, // started without a registry
            Err(e) => return Err(format!("cannot register {name}: {e}")),
        };
        Ok(Driver {
            console,
            waiting: Waiting::new(),
            irq,
            port: params.port,
            baud: params.baud,
            clock_hz,
            registered,
        })
    }

    fn leak<T: Uart + 'static>(u: T) -> &'static dyn Uart {
        alloc::boxed::Box::leak(alloc::boxed::Box::new(u))
    }

    /// The server loop (`ulib::server::serve_calls`) until the manager says
    /// STOP: interrupts feed the line discipline, then the waiting reads are
    /// tried again, oldest first; requests are answered or wait.
    fn serve(d: &mut Driver) -> Stop {
        let Driver {
            console,
            waiting,
            irq,
            ..
        } = d;
        let console = core::cell::RefCell::new(console);
        ulib::server::serve_calls(
            SERVICE,
            waiting,
            |_| {
                let progress = console.borrow_mut().on_interrupt();
                let _ = ulib::device::irq_ack(*irq);
                progress
            },
            |call, buf| {
                let c = &mut **console.borrow_mut();
                let answer = c.call(call, buf);
                let (fds, clients) = c.usage();
                module::set_usage(fds, clients);
                answer
            },
        )
    }

    /// `module_exit`: leave the registry, mask the interrupts, end the waiting
    /// reads, drain the transmitter and leave the PL011 at the kernel console's speed.
    ///
    /// The kernel takes the console back when the claim on the PL011 ends: with
    /// the last handle and mapping of its registers. The driver keeps that
    /// mapping for its whole life (its registers are a `&'static`), so the
    /// console returns as the task ends, right after this function; there is
    /// no call to give it back earlier.
    fn uart_exit(mut d: Driver) {
        if let Some(name) = d.registered {
            match module::unregister(REGISTRY, name) {
                Ok(()) => println!("unregistered {name}"),
                Err(e) => eprintln!("cannot unregister {name}: {e}"),
            }
        }
        // Masks the UART's interrupts and lets the transmitter drain.
        let _ = d.console.quiesce(TX_DRAIN_POLLS);
        // Closing the handle unbinds the line.
        let _ = ulib::sys_handle_close(d.irq);
        // An unanswered saved reply closed: the reader learns the device is gone.
        let waiting = d.waiting.close_all();
        if d.port == Port::Pl011 && d.baud != KERNEL_CONSOLE_BAUD {
            // The kernel prints at its own speed without setting it again.
            if let Err(e) = d.console.uart().init(d.clock_hz, KERNEL_CONSOLE_BAUD) {
                eprintln!("cannot set {KERNEL_CONSOLE_BAUD} baud back: {e}");
            }
        }
        println!(
            "goodbye: {} released ({} fds were open, {waiting} waiting reads ended)",
            d.port.name(),
            d.console.opens().count()
        );
    }
}

/// On the host the driver binary is empty: `cargo test -p uart` tests the library.
#[cfg(not(target_os = "none"))]
fn main() {}
