//! The GPIO driver: claims the GPIO block and serves the file protocol (open, ioctl, read, poll, release) on handle 1.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod server {
    use gpio::{Gpio, GpioServer, RegisterBlock};
    use proto::file::{Reply, Request};
    use proto::{Encoded, Errno, OpenTable};
    use ulib::abi::FOREVER;
    use ulib::{eprintln, ipc, println, sys_recv, sys_reply_recv, Msg};

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
        let mut gpio = Gpio::new(block);
        let mut server = GpioServer::new();
        let mut opens: OpenTable<()> = OpenTable::new(MAX_OPEN);
        println!("serving GPIO (54 pins; 14-15 held for the UART, 48-53 for the SD card)");
        // Handle 2, when given: the device registry, where this driver is gpiochip0.
        match ulib::registry::register(REGISTRY, SERVICE, "gpiochip0", 254, 0) {
            Ok((major, minor)) => println!("registered gpiochip0 ({major}, {minor})"),
            Err(Errno::BadFd) => {} // started without a registry
            Err(e) => eprintln!("cannot register gpiochip0: {e}"),
        }
        let Ok((mut msg, mut badge)) = sys_recv(SERVICE, FOREVER) else {
            return 1;
        };
        loop {
            let reply = ipc::with_buffer(|buf| {
                let n = usize::from(msg.info.len_bytes).min(buf.len());
                let (head, _) = buf.split_at_mut(n);
                let request = Request::decode(msg.info.label, msg.words, head);
                let reply = match request {
                    Ok(req) => answer(&req, badge, &mut gpio, &mut server, &mut opens),
                    Err(e) => Reply::Error(e.errno()),
                };
                encode(&reply, buf)
            });
            match sys_reply_recv(SERVICE, &reply, FOREVER) {
                Ok((m, b)) => (msg, badge) = (m, b),
                Err(e) => {
                    eprintln!("reply_recv failed: {e}");
                    return 1;
                }
            }
        }
    }

    /// Performs one request for the client with `badge`.
    fn answer(
        req: &Request,
        badge: u64,
        gpio: &mut Gpio,
        server: &mut GpioServer,
        opens: &mut OpenTable<()>,
    ) -> Reply<'static> {
        let result = match *req {
            Request::Open { .. } => opens.open(badge, ()).map(|fd| Reply::Opened { fd }),
            Request::Release { fd } => opens.release(fd, badge).map(|()| Reply::Released),
            Request::Ioctl { fd, cmd, arg, .. } => opens
                .get(fd, badge)
                .and_then(|_| server.handle_ioctl(gpio, cmd, arg))
                .map(|value| Reply::Ioctl { value, data: &[] }),
            Request::Poll { fd, events } => opens.get(fd, badge).map(|_| Reply::Polled {
                revents: server.poll(events),
            }),
            _ => Err(Errno::NotImplemented),
        };
        if let (Err(Errno::Busy), Some(busy)) = (&result, server.refusal()) {
            eprintln!("refused: {busy}");
        }
        result.unwrap_or_else(Reply::Error)
    }

    /// Encodes `reply` into the IPC buffer and the message registers.
    fn encode(reply: &Reply, buf: &mut [u8; 4096]) -> Msg {
        let encoded: Result<Encoded, Errno> = reply.encode(buf);
        match encoded.or_else(|errno| Reply::Error(errno).encode(buf)) {
            Ok(e) => Msg {
                info: e.info(),
                words: e.words,
            },
            // An error reply always encodes; answer EIO by hand if it ever did not.
            Err(_) => Msg::new(Errno::Io.code(), []),
        }
    }
}

/// On the host the driver binary is empty: `cargo test -p gpio` tests the library.
#[cfg(not(target_os = "none"))]
fn main() {}
