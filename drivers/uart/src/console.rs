//! The console's request handling apart from its transport: the file protocol on a UART, with its line discipline, echo and open fds.
//!
//! [`Console`] answers one [`Call`] at a time ([`Console::call`]) and feeds
//! received bytes through the line discipline ([`Console::on_interrupt`]).
//! The user-space driver carries calls to it by IPC; the kernel may call it
//! directly. Neither side is visible here: no syscalls, no handles move.
//!
//! A blocking read with nothing to read is answered [`Answer::Wait`] and
//! changes nothing; the transport presents it again after `on_interrupt`
//! returns true, oldest first, so readers get lines in the order they asked.

use crate::line::{LineDiscipline, READ_QUEUE_BYTES};
use crate::Uart;
use abi::MAX_MSG_BYTES;
use proto::file::{FileKind, OpenFlags, PollEvents, Reply, Request, Stat};
use proto::ioctl::TtyIoctl;
use proto::serve::{Answer, Call};
use proto::{Encoded, Errno, OpenTable};

/// Most fds open at once, over all clients.
pub const MAX_OPEN: usize = 16;
/// The device's major number: Linux's `ttyS` (minors from 64).
pub const TTY_MAJOR: u32 = 4;
/// The permission bits `stat` reports (`crw--w----`, as a Linux tty).
const TTY_MODE: u32 = 0o620;

/// One UART served as a TTY: the port, its line discipline and mode, and who has it open.
pub struct Console<'u> {
    uart: &'u dyn Uart,
    /// Holds the mode (raw, echo), the line being edited and the readable bytes.
    line: LineDiscipline,
    /// Each fd keeps the flags it was opened with (`NONBLOCK` matters to reads).
    opens: OpenTable<OpenFlags>,
    /// The minor number `stat` reports (64 + the port: ttyS0 or ttyS1).
    minor: u32,
}

impl<'u> Console<'u> {
    /// A console on `uart` (already set to its line speed: see [`Uart::init`]),
    /// fresh: line mode with echo, nothing typed, no fd open. Touches no register.
    pub fn new(uart: &'u dyn Uart, minor: u32) -> Self {
        Console {
            uart,
            line: LineDiscipline::new(),
            opens: OpenTable::new(MAX_OPEN),
            minor,
        }
    }

    /// The UART this console drives.
    pub fn uart(&self) -> &'u dyn Uart {
        self.uart
    }

    /// The line discipline (its mode, what is typed).
    pub fn line(&self) -> &LineDiscipline {
        &self.line
    }

    /// The open fds, each with the badge that opened it.
    pub fn opens(&self) -> &OpenTable<OpenFlags> {
        &self.opens
    }

    /// The use count for the module manager: (open fds, distinct clients holding them).
    pub fn usage(&self) -> (u64, u64) {
        self.opens.usage()
    }

    /// Whether a read would be answered at once (reads waiting may be retried).
    pub fn readable(&self) -> bool {
        self.line.readable()
    }

    /// Starts the receive interrupt: call once the transport waits for it.
    pub fn enable_rx_interrupts(&self) {
        self.uart.enable_rx_interrupts();
    }

    /// The UART's interrupt fired: acknowledges it and feeds every received
    /// byte through the line discipline, echoing. True when reads that
    /// waited may now be answered (something is readable).
    ///
    /// The transport acknowledges the interrupt line afterwards (`irq_ack`).
    pub fn on_interrupt(&mut self) -> bool {
        let uart = self.uart;
        // Clear first, then drain: a byte that lands after the drain raises
        // the interrupt again. (The other order lost it: QEMU's PL011 raises
        // RX only when its FIFO goes from empty to one byte.)
        uart.ack_interrupts();
        while let Some(byte) = uart.try_read() {
            self.line
                .input(byte, &mut |echo: &[u8]| write_all(uart, echo));
        }
        self.line.readable()
    }

    /// Answers one file-protocol call, its reply encoded into `out`; or
    /// [`Answer::Wait`] for a blocking read with nothing to read, having
    /// changed nothing. No handle ever moves. Never panics.
    pub fn call<H>(&mut self, call: &Call, out: &mut [u8; MAX_MSG_BYTES]) -> Answer<H> {
        let request = match Request::decode(call.label, call.words, call.bytes) {
            Ok(request) => request,
            Err(e) => return Answer::reply(encode(&Reply::Error(e.errno()), out)),
        };
        let badge = call.badge;
        let result = match request {
            Request::Open { flags, .. } => {
                self.opens.open(badge, flags).map(|fd| Reply::Opened { fd })
            }
            Request::Release { fd } => self.opens.release(fd, badge).map(|_| Reply::Released),
            Request::Write { fd, data, .. } => self.opens.get(fd, badge).map(|_| {
                write_all(self.uart, data);
                Reply::Written {
                    // The decoder bounds a request's bytes to one message.
                    len_bytes: data.len() as u32,
                }
            }),
            Request::Read { fd, len_bytes, .. } => {
                return self.read(fd, badge, len_bytes as usize, out);
            }
            Request::Poll { fd, events } => self.opens.get(fd, badge).map(|_| {
                let ready = if self.line.readable() {
                    PollEvents::WRITABLE | PollEvents::READABLE
                } else {
                    PollEvents::WRITABLE
                };
                Reply::Polled {
                    revents: ready & events,
                }
            }),
            Request::Ioctl { fd, cmd, arg, .. } => match self.opens.get(fd, badge) {
                Ok(_) => self.ioctl(cmd, arg),
                Err(e) => Err(e),
            },
            // A terminal has no position to seek to.
            Request::Seek { fd, .. } => self.opens.get(fd, badge).and(Err(Errno::IllegalSeek)),
            Request::Stat { fd } => self.opens.get(fd, badge).map(|_| Reply::Stat(self.stat())),
            // A terminal server has no directories.
            Request::Mkdir { .. }
            | Request::Unlink { .. }
            | Request::Rmdir { .. }
            | Request::Rename { .. }
            | Request::Readdir { .. } => Err(Errno::NotImplemented),
        };
        Answer::reply(encode(&result.unwrap_or_else(Reply::Error), out))
    }

    /// Masks the UART's interrupts and waits up to `polls` polls for the
    /// transmitter to drain (before the port is let go); true if it drained.
    pub fn quiesce(&self, polls: u32) -> bool {
        self.uart.disable_interrupts();
        for _ in 0..polls {
            if self.uart.tx_idle() {
                return true;
            }
            core::hint::spin_loop();
        }
        self.uart.tx_idle()
    }

    /// A read of up to `len_bytes`: what is readable now, `EAGAIN` for a
    /// non-blocking fd with nothing, else Wait.
    fn read<H>(
        &mut self,
        fd: u32,
        badge: u64,
        len_bytes: usize,
        out: &mut [u8; MAX_MSG_BYTES],
    ) -> Answer<H> {
        let flags = match self.opens.get(fd, badge) {
            Ok(flags) => *flags,
            Err(e) => return Answer::reply(encode(&Reply::Error(e), out)),
        };
        if self.line.readable() {
            // The queue never holds more than this, so no read is cut shorter.
            let mut data = [0u8; READ_QUEUE_BYTES];
            let n = self.line.read(&mut data[..len_bytes.min(READ_QUEUE_BYTES)]);
            return Answer::reply(encode(&Reply::Read { data: &data[..n] }, out));
        }
        if flags.contains(OpenFlags::NONBLOCK) {
            return Answer::reply(encode(&Reply::Error(Errno::WouldBlock), out));
        }
        Answer::Wait
    }

    fn ioctl(&mut self, cmd: u32, arg: u64) -> Result<Reply<'static>, Errno> {
        let value = match TtyIoctl::decode(cmd, arg)? {
            TtyIoctl::GetMode => self.line.mode().bits(),
            TtyIoctl::SetMode(mode) => {
                self.line.set_mode(mode);
                0
            }
            TtyIoctl::SetBaud(_) => return Err(Errno::NotImplemented),
        };
        Ok(Reply::Ioctl { value, data: &[] })
    }

    fn stat(&self) -> Stat {
        Stat {
            kind: FileKind::CharDev,
            mode: TTY_MODE,
            major: TTY_MAJOR,
            minor: self.minor,
            size_bytes: 0,
            atime_ns: 0,
            mtime_ns: 0,
            ctime_ns: 0,
        }
    }
}

/// Encodes `reply` into `out`; an error reply when `reply` itself cannot be encoded.
fn encode(reply: &Reply, out: &mut [u8; MAX_MSG_BYTES]) -> Encoded {
    match reply.encode(out).or_else(|e| Reply::Error(e).encode(out)) {
        Ok(encoded) => encoded,
        // An error reply always encodes; answer EIO by hand if it ever did not.
        Err(_) => Encoded {
            label: Errno::Io.code(),
            words: [0; abi::MSG_REGS],
            word_count: 0,
            len_bytes: 0,
        },
    }
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

#[cfg(test)]
mod fake;
#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod tests;
