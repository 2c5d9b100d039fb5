//! The GPIO server's request logic: ioctls onto [`GpioOps`], and event reads and polls.
//!
//! Pure: it touches the hardware only through [`GpioOps`], so the IPC loop
//! wraps it on the target and the host tests drive it with an in-memory model.
//!
//! # Rules
//!
//! - A bad pin or value is `EINVAL`, a command not of the GPIO `ENOTTY`
//!   (as [`GpioIoctl::decode`] says).
//! - A pin claimed in [`PinClaims`] may be read (`GPIO_GET_FUNCTION`,
//!   `GPIO_GET_LEVEL`) but every other command on it is `EBUSY`;
//!   [`GpioServer::refusal`] then names the owner for the log.
//! - A pin armed with `GPIO_SET_EVENT` queues one [`EventRecord`] per
//!   interrupt that finds its GPEDS bit set. `High`/`Low` pins are disarmed
//!   after reporting, since a held level would re-raise the interrupt as soon
//!   as it is acknowledged: `GPIO_SET_EVENT` again to re-arm.
//! - The queue is server-wide: `Read` takes whole 8-byte records (a buffer
//!   under 8 bytes is `EINVAL`, an empty queue `EAGAIN`); `Poll` reports
//!   `READABLE | PRIORITY` while a record waits.

use proto::file::PollEvents;
use proto::ioctl::{GpioEvent, GpioIoctl, GpioPin};
use proto::Errno;

use crate::driver::GpioOps;
use crate::events::{EventQueue, EventRecord, EVENT_RECORD_BYTES};
use crate::pins::{Busy, PinClaims};
use crate::regs::{pin_mask, ALL_PINS_MASK, PIN_COUNT};

/// What one interrupt did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Serviced {
    /// Records queued.
    pub queued: usize,
    /// Level-event pins disarmed in the server's table (bit n is pin n);
    /// the hardware must be disarmed too ([`GpioServer::service_interrupt`] does).
    pub disarmed: u64,
}

/// The GPIO server's state: pin claims, armed events and the event queue.
#[derive(Clone, Debug)]
pub struct GpioServer {
    /// Pins other drivers hold.
    claims: PinClaims,
    /// `armed[n]` is what pin n was armed with by `GPIO_SET_EVENT`; claimed pins stay `None`
    /// unless claimed after arming.
    armed: [GpioEvent; PIN_COUNT],
    /// Events waiting for a `Read`.
    queue: EventQueue,
    /// Why the last ioctl was `EBUSY`, if it was.
    refusal: Option<Busy>,
}

impl Default for GpioServer {
    fn default() -> Self {
        GpioServer::new()
    }
}

impl GpioServer {
    /// A server with the default claims (console UART, SD card) and nothing armed.
    pub const fn new() -> GpioServer {
        GpioServer::with_claims(PinClaims::with_defaults())
    }

    /// A server with `claims` and nothing armed.
    pub const fn with_claims(claims: PinClaims) -> GpioServer {
        GpioServer {
            claims,
            armed: [GpioEvent::None; PIN_COUNT],
            queue: EventQueue::new(),
            refusal: None,
        }
    }

    /// The pin claims.
    pub fn claims(&self) -> &PinClaims {
        &self.claims
    }

    /// The pin claims, to reserve or release pins for another driver.
    pub fn claims_mut(&mut self) -> &mut PinClaims {
        &mut self.claims
    }

    /// Why the last [`handle_ioctl`](Self::handle_ioctl) returned `EBUSY` ("GPIO 14 is used by uart").
    pub fn refusal(&self) -> Option<Busy> {
        self.refusal
    }

    /// What `pin` is armed with.
    pub fn armed(&self, pin: GpioPin) -> GpioEvent {
        self.armed[usize::from(pin.number())]
    }

    /// Records dropped because the event queue was full.
    pub fn overruns(&self) -> u32 {
        self.queue.overruns()
    }

    /// Answers the ioctl `(cmd, arg)` on `gpio`: the reply's value, or the errno.
    pub fn handle_ioctl(
        &mut self,
        gpio: &mut impl GpioOps,
        cmd: u32,
        arg: u64,
    ) -> Result<u64, Errno> {
        self.refusal = None;
        let value = match GpioIoctl::decode(cmd, arg)? {
            GpioIoctl::GetFunction(pin) => gpio.function(pin) as u64,
            GpioIoctl::GetLevel(pin) => u64::from(gpio.level(pin)),
            GpioIoctl::SetFunction(pin, function) => {
                self.refuse_claimed(pin)?;
                gpio.set_function(pin, function);
                0
            }
            GpioIoctl::Set(pin) => {
                self.refuse_claimed(pin)?;
                gpio.set(pin);
                0
            }
            GpioIoctl::Clear(pin) => {
                self.refuse_claimed(pin)?;
                gpio.clear(pin);
                0
            }
            GpioIoctl::SetPull(pin, pull) => {
                self.refuse_claimed(pin)?;
                gpio.set_pull(pin, pull);
                0
            }
            GpioIoctl::SetEvent(pin, event) => {
                self.refuse_claimed(pin)?;
                gpio.set_event(pin, event);
                self.armed[usize::from(pin.number())] = event;
                0
            }
        };
        Ok(value)
    }

    /// `EBUSY` for a claimed pin, remembering the owner for [`refusal`](Self::refusal).
    fn refuse_claimed(&mut self, pin: GpioPin) -> Result<(), Errno> {
        self.claims.check(pin).map_err(|busy| {
            self.refusal = Some(busy);
            Errno::from(busy)
        })
    }

    /// Queues a record for every armed pin in `pending_mask` (GPEDS0 | GPEDS1 << 32).
    ///
    /// Pins not armed are ignored. Level-event pins are disarmed here and
    /// returned in [`Serviced::disarmed`] for the caller to disarm in hardware.
    pub fn on_interrupt(&mut self, pending_mask: u64) -> Serviced {
        let mut serviced = Serviced::default();
        let mut rest = pending_mask & ALL_PINS_MASK;
        while rest != 0 {
            let n = rest.trailing_zeros() as u8;
            rest &= rest - 1;
            let Ok(pin) = GpioPin::new(n) else { continue };
            let slot = &mut self.armed[usize::from(n)];
            match *slot {
                GpioEvent::None => continue,
                GpioEvent::High | GpioEvent::Low => {
                    serviced.disarmed |= pin_mask(pin);
                    self.queue.push(pin, *slot);
                    *slot = GpioEvent::None;
                }
                event => self.queue.push(pin, event),
            }
            serviced.queued += 1;
        }
        serviced
    }

    /// The whole interrupt path: read GPEDS, queue records, disarm level pins, acknowledge.
    pub fn service_interrupt(&mut self, gpio: &mut impl GpioOps) -> Serviced {
        let pending = gpio.events_pending();
        let serviced = self.on_interrupt(pending);
        let mut rest = serviced.disarmed;
        while rest != 0 {
            let n = rest.trailing_zeros() as u8;
            rest &= rest - 1;
            if let Ok(pin) = GpioPin::new(n) {
                gpio.set_event(pin, GpioEvent::None);
            }
        }
        // Acknowledged after disarming, so a held level cannot set its bit again.
        gpio.ack_events(pending);
        serviced
    }

    /// Disarms every armed pin, in the table and in hardware, and drops the
    /// detected status (unloading); returns how many pins were armed.
    pub fn disarm_all(&mut self, gpio: &mut impl GpioOps) -> usize {
        let mut disarmed = 0;
        for (n, slot) in self.armed.iter_mut().enumerate() {
            if *slot == GpioEvent::None {
                continue;
            }
            if let Ok(pin) = GpioPin::new(n as u8) {
                gpio.set_event(pin, GpioEvent::None);
                disarmed += 1;
            }
            *slot = GpioEvent::None;
        }
        gpio.ack_events(gpio.events_pending());
        disarmed
    }

    /// Whether a `Read` would return a record now.
    pub fn readable(&self) -> bool {
        !self.queue.is_empty()
    }

    /// The events of `requested` that hold now: `READABLE` and `PRIORITY` while a record waits.
    pub fn poll(&self, requested: PollEvents) -> PollEvents {
        let ready = if self.readable() {
            PollEvents::READABLE | PollEvents::PRIORITY
        } else {
            PollEvents::NONE
        };
        ready & requested
    }

    /// Moves as many whole records as fit into `buf`, oldest first; returns the bytes written.
    ///
    /// `EINVAL` if `buf` cannot hold one record, `EAGAIN` if none is queued.
    pub fn read(&mut self, buf: &mut [u8]) -> Result<usize, Errno> {
        if buf.len() < EVENT_RECORD_BYTES {
            return Err(Errno::Invalid);
        }
        if self.queue.is_empty() {
            return Err(Errno::WouldBlock);
        }
        let mut written_bytes = 0;
        for chunk in buf.chunks_exact_mut(EVENT_RECORD_BYTES) {
            let Some(record) = self.queue.pop() else {
                break;
            };
            chunk.copy_from_slice(&EventRecord::to_bytes(record));
            written_bytes += EVENT_RECORD_BYTES;
        }
        Ok(written_bytes)
    }
}

#[cfg(test)]
pub(crate) mod fake;
#[cfg(test)]
mod tests;
