//! The UART driver: claims a UART (`port=pl011|mini`, `baud=`), takes its receive
//! interrupt and serves the file protocol on handle 1 as a console: line or raw
//! mode with echo, blocking and non-blocking reads, writes that wait for room, poll.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod server {
    extern crate alloc;

    use alloc::vec::Vec;
    use proto::file::{OpenFlags, PollEvents, Reply, Request};
    use proto::ioctl::TtyIoctl;
    use proto::{Errno, OpenTable};
    use uart::{LineDiscipline, MiniUart, Pl011, Port, Uart};
    use ulib::{eprintln, ipc, println, Handle, InfoKind, Msg};

    ulib::entry!(main);

    /// Handle 1: the endpoint clients call.
    const SERVICE: Handle = 1;
    /// Handle 2 (optional): the device registry.
    const REGISTRY: Handle = 2;
    /// The mini UART's clock: the VideoCore core clock (250 MHz unless config.txt changes it).
    const CORE_CLOCK_HZ: u32 = 250_000_000;

    /// A read waiting for a line (or bytes, in raw mode).
    struct Parked {
        reply: Handle,
        len_bytes: usize,
    }

    struct Console {
        uart: &'static dyn Uart,
        line: LineDiscipline,
        opens: OpenTable<OpenFlags>,
        parked: Vec<Parked>,
        irq: Handle,
        /// The minor number (64 + the port): ttyS0 or ttyS1.
        minor: u32,
    }

    fn main() -> i32 {
        let params = match uart::parse_params(ulib::args()) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("bad parameters: {e}");
                return 2;
            }
        };
        let (device, clock_hz) = match params.port {
            Port::Pl011 => (
                "pl011",
                ulib::sys_info(InfoKind::UartClockHz).unwrap_or(48_000_000) as u32,
            ),
            Port::Mini => ("aux", CORE_CLOCK_HZ),
        };
        let (_claim, regs) = match ulib::device::claim(device) {
            Ok(claimed) => claimed,
            Err(e) => {
                eprintln!("cannot claim {device}: {e}");
                return 1;
            }
        };
        let uart: &'static dyn Uart = match params.port {
            // The one MMIO constructor of this driver (either port).
            // SAFETY: the mapping is the claimed UART's page, kept for good (leaked), laid
            // out as the PL011 registers.
            Port::Pl011 => leak(Pl011::new(unsafe { regs.leak_registers() })),
            // SAFETY: as above, for the AUX block (mini UART).
            Port::Mini => leak(MiniUart::new(unsafe { regs.leak_registers() })),
        };
        if let Err(e) = uart.init(clock_hz, params.baud) {
            eprintln!("{} baud from a {clock_hz} Hz clock: {e}", params.baud);
            return 1;
        }
        let Ok(ntfn) = ulib::sys_notification_create() else {
            return 1;
        };
        let irq = match ulib::device::irq_claim(params.port.irq(), ntfn, 1) {
            Ok(irq) => irq,
            Err(e) => {
                eprintln!("cannot claim IRQ {}: {e}", params.port.irq());
                return 1;
            }
        };
        if ulib::sys_notification_bind(ntfn).is_err() {
            return 1;
        }
        uart.enable_rx_interrupts();
        let minor = match params.port {
            Port::Pl011 => 64,
            Port::Mini => 65,
        };
        let c = Console {
            minor,
            uart,
            line: LineDiscipline::new(),
            opens: OpenTable::new(16),
            parked: Vec::new(),
            irq,
        };
        write_all(uart, b"");
        println!(
            "serving {} at {} baud (IRQ {})",
            params.port.name(),
            params.baud,
            params.port.irq()
        );
        // Handle 2, when given: the device registry. Linux's numbers: ttyS is major 4, from minor 64.
        let (name, minor) = match params.port {
            Port::Pl011 => ("ttyS0", 64),
            Port::Mini => ("ttyS1", 65),
        };
        match ulib::registry::register(REGISTRY, SERVICE, name, 4, minor) {
            Ok(_) | Err(Errno::BadFd) => {} // registered, or started without a registry
            Err(e) => eprintln!("cannot register {name}: {e}"),
        }
        serve(c)
    }

    fn leak<T: Uart + 'static>(u: T) -> &'static dyn Uart {
        alloc::boxed::Box::leak(alloc::boxed::Box::new(u))
    }

    /// The server loop (`ulib::server`): interrupts feed the line discipline,
    /// requests are answered or parked.
    fn serve(c: Console) -> i32 {
        let c = core::cell::RefCell::new(c);
        ulib::server::serve(
            SERVICE,
            |_| on_interrupt(&mut c.borrow_mut()),
            |req, badge, buf| answer(&mut c.borrow_mut(), req, badge, buf),
        )
    }

    /// Received bytes go through the line discipline (echo included); parked reads are answered.
    fn on_interrupt(c: &mut Console) {
        let uart = c.uart;
        // Clear first, then drain: a byte that lands after the drain raises
        // the interrupt again. (The other order lost it: QEMU's PL011 raises
        // RX only when its FIFO goes from empty to one byte.)
        uart.ack_interrupts();
        while let Some(byte) = uart.try_read() {
            c.line.input(byte, &mut |echo: &[u8]| write_all(uart, echo));
        }
        let _ = ulib::device::irq_ack(c.irq);
        while c.line.readable() && !c.parked.is_empty() {
            let parked = c.parked.remove(0);
            let mut data = [0u8; 4096];
            let n = c.line.read(&mut data[..parked.len_bytes.min(4096)]);
            let msg = ipc::with_buffer(|buf| {
                ulib::server::encode(&Reply::Read { data: &data[..n] }, buf)
            });
            if ulib::sys_reply_to(parked.reply, &msg).is_err() {
                eprintln!("a reader gave up before its line came");
            }
        }
    }

    /// One request, answered as an encoded message in `buf`; `None` when the
    /// reply is parked (a blocking read with nothing to read yet).
    fn answer(c: &mut Console, req: &Request, badge: u64, buf: &mut [u8; 4096]) -> Option<Msg> {
        let result = match *req {
            Request::Open { flags, .. } => {
                c.opens.open(badge, flags).map(|fd| Reply::Opened { fd })
            }
            Request::Release { fd } => c.opens.release(fd, badge).map(|_| Reply::Released),
            Request::Write { fd, data, .. } => c.opens.get(fd, badge).map(|_| {
                write_all(c.uart, data);
                Reply::Written {
                    len_bytes: data.len() as u32,
                }
            }),
            Request::Read { fd, len_bytes, .. } => {
                let flags = match c.opens.get(fd, badge) {
                    Ok(f) => *f,
                    Err(e) => return Some(ulib::server::encode(&Reply::Error(e), buf)),
                };
                if c.line.readable() {
                    let mut data = [0u8; 4096];
                    let n = c.line.read(&mut data[..(len_bytes as usize).min(4096)]);
                    return Some(ulib::server::encode(&Reply::Read { data: &data[..n] }, buf));
                }
                if flags.contains(OpenFlags::NONBLOCK) {
                    Err(Errno::WouldBlock)
                } else {
                    match ulib::sys_reply_save() {
                        Ok(reply) => {
                            c.parked.push(Parked {
                                reply,
                                len_bytes: len_bytes as usize,
                            });
                            return None;
                        }
                        Err(e) => Err(Errno::from(e)),
                    }
                }
            }
            Request::Poll { fd, events } => c.opens.get(fd, badge).map(|_| {
                let ready = if c.line.readable() {
                    PollEvents::WRITABLE | PollEvents::READABLE
                } else {
                    PollEvents::WRITABLE
                };
                let revents =
                    PollEvents::from_bits(ready.bits() & events.bits()).unwrap_or(PollEvents::NONE);
                Reply::Polled { revents }
            }),
            Request::Ioctl { fd, cmd, arg, .. } => match c.opens.get(fd, badge) {
                Ok(_) => ioctl(c, cmd, arg),
                Err(e) => Err(e),
            },
            // A terminal has no position to seek to.
            Request::Seek { fd, .. } => c.opens.get(fd, badge).and(Err(Errno::IllegalSeek)),
            Request::Stat { fd } => c.opens.get(fd, badge).map(|_| {
                Reply::Stat(proto::file::Stat {
                    kind: proto::file::FileKind::CharDev,
                    mode: 0o620,
                    major: 4,
                    minor: c.minor,
                    size_bytes: 0,
                    atime_ns: 0,
                    mtime_ns: 0,
                    ctime_ns: 0,
                })
            }),
            // A terminal server has no directories.
            Request::Mkdir { .. }
            | Request::Unlink { .. }
            | Request::Rmdir { .. }
            | Request::Rename { .. }
            | Request::Readdir { .. } => Err(Errno::NotImplemented),
        };
        Some(ulib::server::encode(
            &result.unwrap_or_else(Reply::Error),
            buf,
        ))
    }

    fn ioctl(c: &mut Console, cmd: u32, arg: u64) -> Result<Reply<'static>, Errno> {
        let value = match TtyIoctl::decode(cmd, arg)? {
            TtyIoctl::GetMode => c.line.mode().bits(),
            TtyIoctl::SetMode(mode) => {
                c.line.set_mode(mode);
                0
            }
            TtyIoctl::SetBaud(_) => return Err(Errno::NotImplemented),
        };
        Ok(Reply::Ioctl { value, data: &[] })
    }

    /// Sends every byte, `\n` as `\r\n`, waiting for room in the FIFO.
    fn write_all(uart: &dyn Uart, bytes: &[u8]) {
        for &b in bytes {
            if b == b'\n' {
                put(uart, b'\r');
            }
            put(uart, b);
        }
    }

    fn put(uart: &dyn Uart, byte: u8) {
        while !uart.try_write(byte) {
            core::hint::spin_loop();
        }
    }
}

/// On the host the driver binary is empty: `cargo test -p uart` tests the library.
#[cfg(not(target_os = "none"))]
fn main() {}
