//! The GPIO driver module: claims the GPIO block and its bank interrupts, and serves the file protocol (open, ioctl, read, poll, release) on handle 1.
//!
//! Handles as every module gets them (`proto::modctl::handles`): 1, its
//! endpoint; 2 (optional), the device registry, where it is `gpiochip0`.
//! Unloading disarms the pin events it armed, lets the interrupts go and
//! takes `gpiochip0` out of the registry.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod server {
    use core::cell::RefCell;
    use gpio::{Gpio, GpioServer, RegisterBlock};
    use proto::file::{Reply, Request};
    use proto::ioctl::{GpioEvent, GpioFunction, GpioPin};
    use proto::{Errno, OpenTable};
    extern crate alloc;

    use alloc::format;
    use alloc::string::String;
    use alloc::vec::Vec;
    use ulib::module::{self, handles, Stop};
    use ulib::{eprintln, println, Handle};

    ulib::entry!(main);

    ulib::module! {
        name: "gpio",
        version: env!("CARGO_PKG_VERSION"),
        license: "MIT OR Apache-2.0",
        author: "mica developers",
        description: "BCM2837 GPIO driver: pin functions, levels, pulls and edge/level events as gpiochip0",
        depends: "devreg",
        params: [(
            "uart",
            "string",
            "pl011",
            "which UART gets GPIO 14/15: pl011 (ALT0), mini (ALT5) or none"
        )],
    }

    /// The endpoint clients call.
    const SERVICE: Handle = handles::SERVICE;
    /// The device registry (optional: tests start the driver without one).
    const REGISTRY: Handle = handles::REGISTRY;
    /// The name this driver registers.
    const DEVICE_NAME: &str = "gpiochip0";
    /// Most opens at once.
    const MAX_OPEN: usize = 64;

    /// Everything the driver holds between init and exit.
    struct Driver {
        gpio: Gpio,
        server: GpioServer,
        opens: OpenTable<()>,
        /// The bank interrupts bound to the notification (none if taken).
        irqs: Vec<Handle>,
        /// Whether `gpiochip0` is in the registry (false without a registry).
        registered: bool,
    }

    fn main() -> i32 {
        module::run(gpio_init, serve, gpio_exit)
    }

    /// `module_init`: claim the block, bind the event interrupts, register `gpiochip0`.
    fn gpio_init() -> Result<Driver, String> {
        let (_claim, regs) =
            ulib::device::claim("gpio").map_err(|e| format!("cannot claim the GPIO block: {e}"))?;
        // The one MMIO constructor of this driver.
        // SAFETY: the mapping is the GPIO page, claimed exclusively above and kept for
        // good (leaked); `RegisterBlock` is laid out as the BCM2835 GPIO registers.
        let block: &'static RegisterBlock = unsafe { regs.leak_registers() };
        // Pin events arrive on the bank interrupts (gpio_int[0] and [1]: lines 49 and 50).
        let gpio = Gpio::new(block);
        route_uart_pins(&gpio)?;
        let irqs = bind_event_interrupts();
        println!("serving GPIO (54 pins; 14-15 held for the UART, 48-53 for the SD card)");
        // Last, so clients find the device only once it is ready.
        let registered = match ulib::registry::register(REGISTRY, SERVICE, DEVICE_NAME, 254, 0) {
            Ok((major, minor)) => {
                println!("registered {DEVICE_NAME} ({major}, {minor})");
                true
            }
            Err(Errno::BadFd) => false, // started without a registry
            Err(e) => return Err(format!("cannot register {DEVICE_NAME}: {e}")),
        };
        Ok(Driver {
            gpio,
            server: GpioServer::new(),
            opens: OpenTable::new(MAX_OPEN),
            irqs,
            registered,
        })
    }

    /// Gives GPIO 14/15 to the UART the `uart=` parameter names: the console's
    /// pins (the kernel sets ALT0 for its own boot log; the mini UART needs ALT5).
    fn route_uart_pins(gpio: &Gpio) -> Result<(), String> {
        let function = match module::param_str("uart").unwrap_or("pl011") {
            "pl011" => GpioFunction::Alt0,
            "mini" => GpioFunction::Alt5,
            "none" => return Ok(()),
            other => return Err(format!("parameter uart={other}: pl011, mini or none")),
        };
        for pin in [14, 15] {
            let pin = GpioPin::new(pin).map_err(|e| format!("pin {pin}: {e}"))?;
            gpio.set_function(pin, function);
        }
        Ok(())
    }

    /// The service loop (`ulib::server`) until the manager says STOP.
    fn serve(driver: &mut Driver) -> Stop {
        let driver = RefCell::new(driver);
        ulib::server::serve(
            SERVICE,
            |_| {
                // Queue the events for `read`/`poll`, then let the lines through again.
                let d = &mut **driver.borrow_mut();
                d.server.service_interrupt(&mut d.gpio);
                for &irq in &d.irqs {
                    let _ = ulib::device::irq_ack(irq);
                }
            },
            |req, badge, buf| {
                let d = &mut **driver.borrow_mut();
                let mut events = [0u8; 256];
                let reply = answer(
                    req,
                    badge,
                    &mut d.gpio,
                    &mut d.server,
                    &mut d.opens,
                    &mut events,
                );
                module::publish_usage(&d.opens);
                Some(ulib::server::encode(&reply, buf))
            },
        )
    }

    /// `module_exit`: disarm the pin events, let the interrupts go, leave the registry.
    fn gpio_exit(mut driver: Driver) {
        let mut disarmed = 0;
        for n in 0..gpio::regs::PIN_COUNT as u8 {
            let Ok(pin) = GpioPin::new(n) else { continue };
            if driver.server.armed(pin) != GpioEvent::None {
                driver.gpio.set_event(pin, GpioEvent::None);
                disarmed += 1;
            }
        }
        driver.gpio.ack_events(driver.gpio.events_pending());
        for irq in driver.irqs.drain(..) {
            // Closing the handle unbinds the line.
            let _ = ulib::sys_handle_close(irq);
        }
        if driver.registered {
            match module::unregister(REGISTRY, DEVICE_NAME) {
                Ok(()) => println!("unregistered {DEVICE_NAME}"),
                Err(e) => eprintln!("cannot unregister {DEVICE_NAME}: {e}"),
            }
        }
        println!(
            "goodbye: GPIO released ({disarmed} pin events disarmed, {} fds were open)",
            driver.opens.count()
        );
    }

    /// Binds the GPIO bank interrupts to a notification `recv` wakes on; the
    /// handles (none if the lines are taken: events then just never arrive).
    fn bind_event_interrupts() -> Vec<Handle> {
        let mut irqs = Vec::new();
        let Ok(ntfn) = ulib::sys_notification_create() else {
            return irqs;
        };
        for line in [49, 50] {
            match ulib::device::irq_claim(line, ntfn, 1) {
                Ok(h) => irqs.push(h),
                Err(e) => eprintln!("no events from IRQ {line}: {e}"),
            }
        }
        if ulib::sys_notification_bind(ntfn).is_err() {
            eprintln!("cannot wait for GPIO events");
        }
        irqs
    }

    /// Performs one request for the client with `badge`; event records for a
    /// `Read` go through `events`.
    fn answer<'e>(
        req: &Request,
        badge: u64,
        gpio: &mut Gpio,
        server: &mut GpioServer,
        opens: &mut OpenTable<()>,
        events: &'e mut [u8; 256],
    ) -> Reply<'e> {
        let result = match *req {
            Request::Read { fd, len_bytes, .. } => opens.get(fd, badge).and_then(|_| {
                let n = server.read(&mut events[..(len_bytes as usize).min(256)])?;
                Ok(Reply::Read { data: &events[..n] })
            }),
            Request::Open { .. } => opens.open(badge, ()).map(|fd| Reply::Opened { fd }),
            Request::Release { fd } => opens.release(fd, badge).map(|()| Reply::Released),
            Request::Ioctl { fd, cmd, arg, .. } => opens
                .get(fd, badge)
                .and_then(|_| server.handle_ioctl(gpio, cmd, arg))
                .map(|value| Reply::Ioctl { value, data: &[] }),
            Request::Poll { fd, events } => opens.get(fd, badge).map(|_| Reply::Polled {
                revents: server.poll(events),
            }),
            // A device has no position to seek to.
            Request::Seek { fd, .. } => opens.get(fd, badge).and(Err(Errno::IllegalSeek)),
            Request::Stat { fd } => opens
                .get(fd, badge)
                .map(|_| Reply::Stat(chardev_stat(254, 0))),
            Request::Write { .. } => Err(Errno::NotImplemented),
            // A device server has no directories.
            Request::Mkdir { .. }
            | Request::Unlink { .. }
            | Request::Rmdir { .. }
            | Request::Rename { .. }
            | Request::Readdir { .. } => Err(Errno::NotImplemented),
        };
        if let (Err(Errno::Busy), Some(busy)) = (&result, server.refusal()) {
            eprintln!("refused: {busy}");
        }
        result.unwrap_or_else(Reply::Error)
    }

    /// What `stat` says about a character device with these numbers.
    fn chardev_stat(major: u32, minor: u32) -> proto::file::Stat {
        proto::file::Stat {
            kind: proto::file::FileKind::CharDev,
            mode: 0o660,
            major,
            minor,
            size_bytes: 0,
            atime_ns: 0,
            mtime_ns: 0,
            ctime_ns: 0,
        }
    }
}

/// On the host the driver binary is empty: `cargo test -p gpio` tests the library.
#[cfg(not(target_os = "none"))]
fn main() {}
