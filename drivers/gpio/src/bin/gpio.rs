//! The GPIO driver: claims the GPIO block and its bank interrupts, and serves the file protocol (open, ioctl, read, poll, release) on handle 1.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod server {
    use gpio::{Gpio, GpioServer, RegisterBlock};
    use proto::file::{Reply, Request};
    use proto::{Errno, OpenTable};
    extern crate alloc;

    use alloc::vec::Vec;
    use ulib::{eprintln, println, Handle};

    ulib::entry!(main);

    /// Handle 1: the endpoint clients call.
    const SERVICE: u32 = 1;
    /// Handle 2 (optional): the device registry.
    const REGISTRY: u32 = 2;
    /// Most opens at once.
    const MAX_OPEN: usize = 64;

    fn main() -> i32 {
        let (_claim, regs) = match ulib::device::claim("gpio") {
            Ok(claimed) => claimed,
            Err(e) => {
                eprintln!("cannot claim the GPIO block: {e}");
                return 1;
            }
        };
        // The one MMIO constructor of this driver.
        // SAFETY: the mapping is the GPIO page, claimed exclusively above and kept for
        // good (leaked); `RegisterBlock` is laid out as the BCM2835 GPIO registers.
        let block: &'static RegisterBlock = unsafe { regs.leak_registers() };
        let gpio = Gpio::new(block);
        let server = GpioServer::new();
        let opens: OpenTable<()> = OpenTable::new(MAX_OPEN);
        println!("serving GPIO (54 pins; 14-15 held for the UART, 48-53 for the SD card)");
        // Handle 2, when given: the device registry, where this driver is gpiochip0.
        match ulib::registry::register(REGISTRY, SERVICE, "gpiochip0", 254, 0) {
            Ok((major, minor)) => println!("registered gpiochip0 ({major}, {minor})"),
            Err(Errno::BadFd) => {} // started without a registry
            Err(e) => eprintln!("cannot register gpiochip0: {e}"),
        }
        // Pin events arrive on the bank interrupts (gpio_int[0] and [1]: lines 49 and 50).
        let irqs = bind_event_interrupts();
        let state = core::cell::RefCell::new((gpio, server, opens));
        ulib::server::serve(
            SERVICE,
            |_| {
                // Queue the events for `read`/`poll`, then let the lines through again.
                let (gpio, server, _) = &mut *state.borrow_mut();
                server.service_interrupt(gpio);
                for &irq in &irqs {
                    let _ = ulib::device::irq_ack(irq);
                }
            },
            |req, badge, buf| {
                let (gpio, server, opens) = &mut *state.borrow_mut();
                let mut events = [0u8; 256];
                let reply = answer(req, badge, gpio, server, opens, &mut events);
                Some(ulib::server::encode(&reply, buf))
            },
        )
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
