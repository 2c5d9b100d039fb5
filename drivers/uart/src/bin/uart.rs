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
    use alloc::vec::Vec;
    use proto::file::{OpenFlags, PollEvents, Reply, Request};
    use proto::ioctl::TtyIoctl;
    use proto::{Errno, OpenTable};
    use uart::{LineDiscipline, MiniUart, Pl011, Port, Uart};
    use ulib::module::{self, handles, Stop};
    use ulib::{eprintln, ipc, println, Handle, InfoKind, Msg};

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
    fn uart_init() -> Result<Console, String> {
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
        uart.enable_rx_interrupts();
        write_all(uart, b"");
        println!(
            "serving {} at {} baud (IRQ {})",
            params.port.name(),
            params.baud,
            params.port.irq()
        );
        // Linux's numbers: ttyS is major 4, from minor 64.
        let (name, minor) = match params.port {
            Port::Pl011 => ("ttyS0", 64),
            Port::Mini => ("ttyS1", 65),
        };
        // Last, so clients find the device only once it is ready.
        let registered = match ulib::registry::register(REGISTRY, SERVICE, name, 4, minor) {
            Ok(_) => Some(name),
            Err(Errno::BadFd) => None, // started without a registry
            Err(e) => return Err(format!("cannot register {name}: {e}")),
        };
        Ok(Console {
            minor,
            uart,
            line: LineDiscipline::new(),
            opens: OpenTable::new(16),
            parked: Vec::new(),
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

    /// The server loop (`ulib::server`) until the manager says STOP: interrupts
    /// feed the line discipline, requests are answered or parked.
    fn serve(c: &mut Console) -> Stop {
        let c = core::cell::RefCell::new(c);
        ulib::server::serve(
            SERVICE,
            |_| on_interrupt(&mut c.borrow_mut()),
            |req, badge, buf| {
                let c = &mut **c.borrow_mut();
                let reply = answer(c, req, badge, buf);
                module::publish_usage(&c.opens);
                reply
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
    fn uart_exit(c: Console) {
        if let Some(name) = c.registered {
            match module::unregister(REGISTRY, name) {
                Ok(()) => println!("unregistered {name}"),
                Err(e) => eprintln!("cannot unregister {name}: {e}"),
            }
        }
        c.uart.disable_interrupts();
        // Closing the handle unbinds the line.
        let _ = ulib::sys_handle_close(c.irq);
        let waiting = c.parked.len();
        for parked in c.parked {
            // An unanswered saved reply closed: the reader learns the device is gone.
            let _ = ulib::sys_handle_close(parked.reply);
        }
        let mut polls = 0;
        while !c.uart.tx_idle() && polls < TX_DRAIN_POLLS {
            core::hint::spin_loop();
            polls += 1;
        }
        if c.port == Port::Pl011 && c.baud != KERNEL_CONSOLE_BAUD {
            // The kernel prints at its own speed without setting it again.
            if let Err(e) = c.uart.init(c.clock_hz, KERNEL_CONSOLE_BAUD) {
                eprintln!("cannot set {KERNEL_CONSOLE_BAUD} baud back: {e}");
            }
        }
        println!(
            "goodbye: {} released ({} fds were open, {waiting} waiting reads ended)",
            c.port.name(),
            c.opens.count()
        );
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
