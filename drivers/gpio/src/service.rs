//! The GPIO driver's whole file-protocol service, transport apart: opens, requests, interrupts, usage and exit.
//!
//! [`GpioService`] owns the block ([`GpioOps`]), the [`GpioServer`] state
//! and the [`OpenTable`] of opens. A transport hands it one [`Call`] at a
//! time and sends back the [`Answer`]: the user-space module's IPC loop, or
//! the kernel calling it directly during the client's `call` (monolithic
//! build). Nothing here makes a syscall or allocates beyond the open table.
//!
//! # Rules
//!
//! - Every request but `Open` names an fd the calling badge opened (`EBADF`
//!   otherwise). `Write` and the directory operations are `ENOSYS`, `Seek`
//!   `ESPIPE`; `Stat` gives a character device [`DEVICE_MAJOR`]:[`DEVICE_MINOR`].
//! - A `Read` with no event queued is `EAGAIN` (what clients have always
//!   seen). With [`set_blocking_reads`](GpioService::set_blocking_reads) on,
//!   a read on an fd opened without `NONBLOCK` answers [`Answer::Wait`]
//!   instead, changing nothing; the transport presents it again after
//!   [`on_interrupt`](GpioService::on_interrupt) returns `true`.
//! - A request that does not decode gets [`DecodeError::errno`](proto::DecodeError::errno)
//!   (`ENOSYS` for an unknown label). No input panics.

use abi::MAX_MSG_BYTES;
use proto::file::{FileKind, OpenFlags, Reply, Request, Stat};
use proto::serve::{Answer, Call};
use proto::{Encoded, Errno, OpenTable};

use crate::driver::GpioOps;
use crate::events::{EVENT_QUEUE_LEN, EVENT_RECORD_BYTES};
use crate::pins::Busy;
use crate::server::GpioServer;

/// The name the driver registers in the device registry.
pub const DEVICE_NAME: &str = "gpiochip0";
/// The device's major number (Linux's first dynamic character major).
pub const DEVICE_MAJOR: u32 = 254;
/// The device's minor number.
pub const DEVICE_MINOR: u32 = 0;
/// Most fds open at once.
pub const MAX_OPEN: usize = 64;
/// Most bytes one `Read` returns: the whole event queue.
const READ_MAX_BYTES: usize = EVENT_QUEUE_LEN * EVENT_RECORD_BYTES;

/// The GPIO service: the block, the server state and the opens.
pub struct GpioService<G: GpioOps> {
    /// The GPIO block (or a model of it).
    gpio: G,
    /// Claims, armed events, the event queue.
    server: GpioServer,
    /// Open fds, by client badge, with the flags each was opened with.
    opens: OpenTable<OpenFlags>,
    /// Whether an empty `Read` on a blocking fd waits ([`Answer::Wait`]) rather than `EAGAIN`.
    blocking_reads: bool,
    /// Why the last call was answered `EBUSY`, if it was.
    refusal: Option<Busy>,
}

impl<G: GpioOps> GpioService<G> {
    /// A service over `gpio` with the default pin claims, no opens and `EAGAIN` for empty reads.
    pub fn new(gpio: G) -> GpioService<G> {
        GpioService::with_server(gpio, GpioServer::new())
    }

    /// A service over `gpio` with `server`'s claims and state, no opens.
    pub fn with_server(gpio: G, server: GpioServer) -> GpioService<G> {
        GpioService {
            gpio,
            server,
            opens: OpenTable::new(MAX_OPEN),
            blocking_reads: false,
            refusal: None,
        }
    }

    /// Whether an empty `Read` on an fd opened without `NONBLOCK` waits (`true`) or is `EAGAIN` (`false`, the default).
    pub fn set_blocking_reads(&mut self, on: bool) {
        self.blocking_reads = on;
    }

    /// The GPIO block.
    pub fn gpio(&self) -> &G {
        &self.gpio
    }

    /// The GPIO block, mutable (init work such as [`route_uart_pins`](crate::pins::route_uart_pins)).
    pub fn gpio_mut(&mut self) -> &mut G {
        &mut self.gpio
    }

    /// The server state: claims, armed events, overruns.
    pub fn server(&self) -> &GpioServer {
        &self.server
    }

    /// The server state, mutable (to reserve pins for another driver).
    pub fn server_mut(&mut self) -> &mut GpioServer {
        &mut self.server
    }

    /// The open fds.
    pub fn opens(&self) -> &OpenTable<OpenFlags> {
        &self.opens
    }

    /// Why the last call was answered `EBUSY` ("GPIO 14 is used by uart"), for the log.
    pub fn refusal(&self) -> Option<Busy> {
        self.refusal
    }

    /// The use count for the module manager: (open fds, distinct clients).
    pub fn usage(&self) -> (u64, u64) {
        self.opens.usage()
    }

    /// Answers one request: the reply encoded into `out` (error replies
    /// included), or [`Answer::Wait`] with nothing changed. Moves no handle.
    pub fn call<H>(&mut self, call: &Call, out: &mut [u8; MAX_MSG_BYTES]) -> Answer<H> {
        self.refusal = None;
        let reply = match Request::decode(call.label, call.words, call.bytes) {
            Err(e) => Reply::Error(e.errno()),
            // Only a read needs the records' buffer: zeroing it costs every other request 100 instructions.
            Ok(Request::Read { fd, len_bytes, .. }) => {
                let mut events = [0u8; READ_MAX_BYTES];
                return match self.read(fd, call.badge, len_bytes, &mut events) {
                    Ok(None) => Answer::Wait,
                    Ok(Some(reply)) => Answer::reply(encode(&reply, out)),
                    Err(e) => Answer::reply(encode(&Reply::Error(e), out)),
                };
            }
            Ok(request) => self.answer(&request, call.badge),
        };
        if let Reply::Error(Errno::Busy) = reply {
            self.refusal = self.server.refusal();
        }
        Answer::reply(encode(&reply, out))
    }

    /// Performs one decoded request for the client `badge` (a `Read` is `call`'s).
    fn answer(&mut self, request: &Request, badge: u64) -> Reply<'static> {
        let result = match *request {
            Request::Open { flags, .. } => {
                self.opens.open(badge, flags).map(|fd| Reply::Opened { fd })
            }
            Request::Release { fd } => self.opens.release(fd, badge).map(|_| Reply::Released),
            Request::Read { .. } => Err(Errno::Io), // answered in `call`
            Request::Ioctl { fd, cmd, arg, .. } => self
                .opens
                .get(fd, badge)
                .and_then(|_| self.server.handle_ioctl(&mut self.gpio, cmd, arg))
                .map(|value| Reply::Ioctl { value, data: &[] }),
            Request::Poll { fd, events } => self.opens.get(fd, badge).map(|_| Reply::Polled {
                revents: self.server.poll(events),
            }),
            // A device has no position to seek to.
            Request::Seek { fd, .. } => self.opens.get(fd, badge).and(Err(Errno::IllegalSeek)),
            Request::Stat { fd } => self.opens.get(fd, badge).map(|_| Reply::Stat(stat())),
            Request::Write { .. } => Err(Errno::NotImplemented),
            // A device server has no directories.
            Request::Mkdir { .. }
            | Request::Unlink { .. }
            | Request::Rmdir { .. }
            | Request::Rename { .. }
            | Request::Readdir { .. } => Err(Errno::NotImplemented),
        };
        result.unwrap_or_else(Reply::Error)
    }

    /// A `Read` of up to `len_bytes` of event records: the reply, `None` to
    /// wait (checked before anything is taken), or the errno.
    fn read<'e>(
        &mut self,
        fd: u32,
        badge: u64,
        len_bytes: u32,
        events: &'e mut [u8; READ_MAX_BYTES],
    ) -> Result<Option<Reply<'e>>, Errno> {
        let flags = *self.opens.get(fd, badge)?;
        let len_bytes = (len_bytes as usize).min(READ_MAX_BYTES);
        let waits = self.blocking_reads && !flags.contains(OpenFlags::NONBLOCK);
        if waits && len_bytes >= EVENT_RECORD_BYTES && !self.server.readable() {
            return Ok(None);
        }
        let n = self.server.read(&mut events[..len_bytes])?;
        Ok(Some(Reply::Read { data: &events[..n] }))
    }

    /// The bank interrupts fired: reads and clears the detected status and
    /// queues the events. `true` when records were queued, so waiting reads
    /// should be presented again.
    pub fn on_interrupt(&mut self) -> bool {
        self.server.service_interrupt(&mut self.gpio).queued > 0
    }

    /// Unloading: disarms every pin event this service armed and drops the
    /// detected status; returns how many pins were armed.
    pub fn disarm_all(&mut self) -> usize {
        self.server.disarm_all(&mut self.gpio)
    }
}

/// What `Stat` says: a character device with the driver's numbers.
fn stat() -> Stat {
    Stat {
        kind: FileKind::CharDev,
        mode: 0o660,
        major: DEVICE_MAJOR,
        minor: DEVICE_MINOR,
        size_bytes: 0,
        atime_ns: 0,
        mtime_ns: 0,
        ctime_ns: 0,
    }
}

/// Encodes `reply` into `out`, or the error it fails with (an error reply always encodes).
fn encode(reply: &Reply, out: &mut [u8; MAX_MSG_BYTES]) -> Encoded {
    match reply.encode(out) {
        Ok(encoded) => encoded,
        Err(errno) => Reply::Error(errno).encode(out).unwrap_or(Encoded {
            label: Errno::Io.code(),
            ..Encoded::default()
        }),
    }
}

#[cfg(test)]
mod tests;
