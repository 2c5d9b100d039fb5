//! The GPIO block's operations on its registers: functions, levels, pulls and event detection.
//!
//! [`Gpio`] drives the hardware through the `&'static RegisterBlock` its
//! caller mapped; [`GpioOps`] is the same set of operations as a trait, so the
//! request handler runs against an in-memory model on the host.
//!
//! # What QEMU's `raspi3b` models (hw/gpio/bcm2835_gpio.c)
//!
//! - GPFSEL0-5: stored per pin and read back (pins 54-59 of GPFSEL5 read 0).
//!   Putting all of pins 48-53 in ALT0 moves the SD card to the sdhost
//!   controller, all in input moves it back to the SDHCI (Arasan) one.
//! - GPSET/GPCLR: set and clear a level latch whatever the pin's function, and
//!   GPLEV reads that latch back; so on QEMU an input pin "reads" what was
//!   last set, and nothing outside drives a pin unless a board model wires it.
//! - GPEDS, GPREN/GPFEN/GPHEN/GPLEN, GPAREN/GPAFEN, GPPUD, GPPUDCLK: not
//!   implemented: reads give 0, writes are dropped. No events are ever
//!   detected and the block raises no interrupt, so event tests run only on
//!   the host model or on a real Pi.

use proto::ioctl::{GpioEvent, GpioFunction, GpioPin, GpioPull};
use tock_registers::interfaces::{Readable, Writeable};

use crate::regs::{self, RegisterBlock, ALL_PINS_MASK, GPPUD};

/// Cycles the datasheet asks to wait after writing GPPUD and after clocking it in.
pub const PULL_SETTLE_CYCLES: u32 = 150;

/// The GPIO operations the request handler needs, from the hardware or a model.
pub trait GpioOps {
    /// Selects `pin`'s function (GPFSEL).
    fn set_function(&mut self, pin: GpioPin, function: GpioFunction);
    /// `pin`'s function now.
    fn function(&self, pin: GpioPin) -> GpioFunction;
    /// Drives `pin` high if it is an output (GPSET).
    fn set(&mut self, pin: GpioPin);
    /// Drives `pin` low if it is an output (GPCLR).
    fn clear(&mut self, pin: GpioPin);
    /// `pin`'s level: `true` is high (GPLEV).
    fn level(&self, pin: GpioPin) -> bool;
    /// Sets `pin`'s pull resistor (GPPUD/GPPUDCLK sequence).
    fn set_pull(&mut self, pin: GpioPin, pull: GpioPull);
    /// Enables exactly the detection `event` asks for on `pin` and drops its stale status.
    fn set_event(&mut self, pin: GpioPin, event: GpioEvent);
    /// Pins with a detected event (GPEDS0 | GPEDS1 << 32).
    fn events_pending(&self) -> u64;
    /// Clears the detected status of the pins in `mask` (bits above 53 ignored).
    fn ack_events(&mut self, mask: u64);
}

/// Which detect-enable registers have a pin's bit set, for one [`GpioEvent`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DetectEnables {
    /// GPREN: synchronous rising edge.
    pub rising: bool,
    /// GPFEN: synchronous falling edge.
    pub falling: bool,
    /// GPHEN: high level.
    pub high: bool,
    /// GPLEN: low level.
    pub low: bool,
    /// GPAREN: asynchronous rising edge (never used: the synchronous detector filters glitches).
    pub async_rising: bool,
    /// GPAFEN: asynchronous falling edge (never used, as `async_rising`).
    pub async_falling: bool,
}

impl DetectEnables {
    /// The enables for `event`; every other detector is off.
    pub const fn for_event(event: GpioEvent) -> DetectEnables {
        let off = DetectEnables {
            rising: false,
            falling: false,
            high: false,
            low: false,
            async_rising: false,
            async_falling: false,
        };
        match event {
            GpioEvent::None => off,
            GpioEvent::Rising => DetectEnables {
                rising: true,
                ..off
            },
            GpioEvent::Falling => DetectEnables {
                falling: true,
                ..off
            },
            GpioEvent::Both => DetectEnables {
                rising: true,
                falling: true,
                ..off
            },
            GpioEvent::High => DetectEnables { high: true, ..off },
            GpioEvent::Low => DetectEnables { low: true, ..off },
        }
    }
}

/// The GPIO block on a mapping its caller owns.
pub struct Gpio {
    regs: &'static RegisterBlock,
}

impl Gpio {
    /// The driver over `regs` (the caller mapped the block as device memory).
    pub const fn new(regs: &'static RegisterBlock) -> Gpio {
        Gpio { regs }
    }

    /// Selects `pin`'s function with a read-modify-write of its GPFSEL register.
    pub fn set_function(&self, pin: GpioPin, function: GpioFunction) {
        let (index, _) = regs::fsel_location(pin);
        let reg = &self.regs.gpfsel[index];
        reg.set(regs::fsel_update(reg.get(), pin, function));
    }

    /// `pin`'s function, from GPFSEL.
    pub fn function(&self, pin: GpioPin) -> GpioFunction {
        let (index, _) = regs::fsel_location(pin);
        regs::fsel_decode(self.regs.gpfsel[index].get(), pin)
    }

    /// Drives `pin` high: one GPSET write, no read-modify-write, so other pins are safe.
    pub fn set(&self, pin: GpioPin) {
        let (bank, mask) = regs::bank_bit(pin);
        self.regs.gpset[bank].set(mask);
    }

    /// Drives `pin` low: one GPCLR write.
    pub fn clear(&self, pin: GpioPin) {
        let (bank, mask) = regs::bank_bit(pin);
        self.regs.gpclr[bank].set(mask);
    }

    /// `pin`'s level from GPLEV: `true` is high.
    pub fn level(&self, pin: GpioPin) -> bool {
        let (bank, mask) = regs::bank_bit(pin);
        self.regs.gplev[bank].get() & mask != 0
    }

    /// Sets `pin`'s pull, spinning [`PULL_SETTLE_CYCLES`] at each of the sequence's two waits.
    pub fn set_pull(&self, pin: GpioPin, pull: GpioPull) {
        self.set_pull_with(pin, pull, || spin_cycles(PULL_SETTLE_CYCLES));
    }

    /// Sets `pin`'s pull; `wait` must last at least [`PULL_SETTLE_CYCLES`] cycles.
    ///
    /// Section 6.1's sequence: control into GPPUD, wait, clock it into the pin
    /// with GPPUDCLK, wait, then remove the control and the clock.
    pub fn set_pull_with(&self, pin: GpioPin, pull: GpioPull, mut wait: impl FnMut()) {
        let (bank, mask) = regs::bank_bit(pin);
        self.regs.gppud.set(regs::pud_value(pull));
        wait();
        self.regs.gppudclk[bank].set(mask);
        wait();
        self.regs.gppud.write(GPPUD::PUD::Off);
        self.regs.gppudclk[bank].set(0);
    }

    /// Enables exactly the detectors `event` needs on `pin`, then clears its stale status.
    ///
    /// The status is cleared last so that an edge seen under the old setting
    /// is not reported under the new one.
    pub fn set_event(&self, pin: GpioPin, event: GpioEvent) {
        let (bank, mask) = regs::bank_bit(pin);
        let on = DetectEnables::for_event(event);
        let r = self.regs;
        let detectors = [
            (&r.gpren, on.rising),
            (&r.gpfen, on.falling),
            (&r.gphen, on.high),
            (&r.gplen, on.low),
            (&r.gparen, on.async_rising),
            (&r.gpafen, on.async_falling),
        ];
        for (reg, enabled) in detectors {
            let reg = &reg[bank];
            reg.set(regs::bit_update(reg.get(), mask, enabled));
        }
        self.regs.gpeds[bank].set(mask);
    }

    /// Pins with a detected event: GPEDS0 in bits 0-31, GPEDS1 in bits 32-53.
    pub fn events_pending(&self) -> u64 {
        let low = u64::from(self.regs.gpeds[0].get());
        let high = u64::from(self.regs.gpeds[1].get());
        (low | high << 32) & ALL_PINS_MASK
    }

    /// Clears the detected status of the pins in `mask` (GPEDS is write-1-to-clear).
    pub fn ack_events(&self, mask: u64) {
        let mask = mask & ALL_PINS_MASK;
        for (bank, bits) in [(0, mask as u32), (1, (mask >> 32) as u32)] {
            // A bank with nothing to clear is not written at all.
            if bits != 0 {
                self.regs.gpeds[bank].set(bits);
            }
        }
    }
}

impl GpioOps for Gpio {
    fn set_function(&mut self, pin: GpioPin, function: GpioFunction) {
        Gpio::set_function(self, pin, function);
    }
    fn function(&self, pin: GpioPin) -> GpioFunction {
        Gpio::function(self, pin)
    }
    fn set(&mut self, pin: GpioPin) {
        Gpio::set(self, pin);
    }
    fn clear(&mut self, pin: GpioPin) {
        Gpio::clear(self, pin);
    }
    fn level(&self, pin: GpioPin) -> bool {
        Gpio::level(self, pin)
    }
    fn set_pull(&mut self, pin: GpioPin, pull: GpioPull) {
        Gpio::set_pull(self, pin, pull);
    }
    fn set_event(&mut self, pin: GpioPin, event: GpioEvent) {
        Gpio::set_event(self, pin, event);
    }
    fn events_pending(&self) -> u64 {
        Gpio::events_pending(self)
    }
    fn ack_events(&mut self, mask: u64) {
        Gpio::ack_events(self, mask);
    }
}

/// Waits at least `n` CPU cycles (one loop iteration takes at least one cycle).
pub fn spin_cycles(n: u32) {
    for _ in 0..n {
        core::hint::spin_loop();
    }
}

#[cfg(test)]
mod tests;
