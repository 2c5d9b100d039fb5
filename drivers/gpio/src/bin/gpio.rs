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
    use gpio::service::{DEVICE_MAJOR, DEVICE_MINOR, DEVICE_NAME};
    use gpio::{Gpio, GpioService, RegisterBlock, UartRoute};
    use proto::Errno;
    extern crate alloc;

    use alloc::format;
    use alloc::string::String;
    use alloc::vec::Vec;
    use ulib::module::{self, handles, Stop};
    use ulib::server::Waiting;
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

    /// Everything the driver holds between init and exit.
    struct Driver {
        /// The request handling: the block, the server state, the opens.
        service: GpioService<Gpio>,
        /// The bank interrupts bound to the notification (none if taken).
        irqs: Vec<Handle>,
        /// Whether `gpiochip0` is in the registry (false without a registry).
        registered: bool,
        /// Calls the service answered `Wait`, presented again after interrupts bring events.
        waiting: Waiting,
    }

    fn main() -> i32 {
        module::run(gpio_init, serve, gpio_exit)
    }

    /// `module_init`: claim the block, route the UART pins, bind the event interrupts, register `gpiochip0`.
    fn gpio_init() -> Result<Driver, String> {
        let route = UartRoute::from_param(module::param_str("uart")).map_err(|e| format!("{e}"))?;
        let (_claim, regs) =
            ulib::device::claim("gpio").map_err(|e| format!("cannot claim the GPIO block: {e}"))?;
        // The one MMIO constructor of this driver.
        // SAFETY: the mapping is the GPIO page, claimed exclusively above and kept for
        // good (leaked); `RegisterBlock` is laid out as the BCM2835 GPIO registers.
        let block: &'static RegisterBlock = unsafe { regs.leak_registers() };
        let mut service = GpioService::new(Gpio::new(block));
        gpio::route_uart_pins(service.gpio_mut(), route);
        // Pin events arrive on the bank interrupts (gpio_int[0] and [1]: lines 49 and 50).
        let irqs = bind_event_interrupts();
        println!("serving GPIO (54 pins; 14-15 held for the UART, 48-53 for the SD card)");
        // Last, so clients find the device only once it is ready.
        let registered = match ulib::registry::register(
            REGISTRY,
            SERVICE,
            DEVICE_NAME,
            DEVICE_MAJOR,
            DEVICE_MINOR,
        ) {
            Ok((major, minor)) => {
                println!("registered {DEVICE_NAME} ({major}, {minor})");
                true
            }
            Err(Errno::BadFd) => false, // started without a registry
            Err(e) => return Err(format!("cannot register {DEVICE_NAME}: {e}")),
        };
        Ok(Driver {
            service,
            irqs,
            registered,
            waiting: Waiting::new(),
        })
    }

    /// The IPC loop (`ulib::server::serve_calls`) until the manager says STOP:
    /// requests go to the service; the notification (the bank interrupts)
    /// queues events, and saved calls are presented again when some came.
    fn serve(d: &mut Driver) -> Stop {
        let Driver {
            service,
            irqs,
            waiting,
            ..
        } = d;
        let service = RefCell::new(service);
        ulib::server::serve_calls(
            SERVICE,
            waiting,
            |_| {
                let progress = service.borrow_mut().on_interrupt();
                // Let the lines through again only once the status is cleared.
                for &irq in irqs.iter() {
                    let _ = ulib::device::irq_ack(irq);
                }
                progress
            },
            |call, buf| {
                let s = &mut **service.borrow_mut();
                let answer = s.call(call, buf);
                if let Some(busy) = s.refusal() {
                    eprintln!("refused: {busy}");
                }
                let (open_fds, clients) = s.usage();
                module::set_usage(open_fds, clients);
                answer
            },
        )
    }

    /// `module_exit`: disarm the pin events, end the waiting calls, let the interrupts go, leave the registry.
    fn gpio_exit(mut driver: Driver) {
        let disarmed = driver.service.disarm_all();
        // An unanswered saved reply closed: the caller learns the device is gone.
        let waiting = driver.waiting.close_all();
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
            "goodbye: GPIO released ({disarmed} pin events disarmed, {} fds were open, {waiting} waiting reads ended)",
            driver.service.opens().count()
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
}

/// On the host the driver binary is empty: `cargo test -p gpio` tests the library.
#[cfg(not(target_os = "none"))]
fn main() {}
