//! An in-memory GPIO block for host tests: functions, an output latch, outside drive, pulls and detectors.
//!
//! It behaves as the datasheet says a real pin does (not as QEMU, which
//! detects nothing): an output reads its latch; an input reads what drives
//! it from outside, else its pull (high only for a pull-up). Edge detectors
//! latch on any level change, level detectors while the level holds.

use proto::ioctl::{GpioEvent, GpioFunction, GpioPin, GpioPull};

use crate::driver::GpioOps;
use crate::regs::{pin_mask, ALL_PINS_MASK, PIN_COUNT};

/// The model's state, one entry or bit per pin.
pub struct FakeGpio {
    /// GPFSEL, per pin.
    functions: [GpioFunction; PIN_COUNT],
    /// The output latch GPSET/GPCLR write.
    latch: u64,
    /// Pins something outside drives.
    driven: u64,
    /// The level outside drives them to, where `driven`.
    outside: u64,
    /// The pull set on each pin.
    pulls: [GpioPull; PIN_COUNT],
    /// The detectors each pin has on.
    events: [GpioEvent; PIN_COUNT],
    /// GPEDS.
    pending: u64,
}

impl FakeGpio {
    /// Every pin an input, undriven, no pull, nothing detected: the reset state.
    pub fn new() -> FakeGpio {
        FakeGpio {
            functions: [GpioFunction::Input; PIN_COUNT],
            latch: 0,
            driven: 0,
            outside: 0,
            pulls: [GpioPull::Off; PIN_COUNT],
            events: [GpioEvent::None; PIN_COUNT],
            pending: 0,
        }
    }

    /// Drives `pin` from outside to `high`, as a button or another chip would.
    pub fn drive(&mut self, pin: GpioPin, high: bool) {
        let mask = pin_mask(pin);
        self.change(pin, |s| {
            s.driven |= mask;
            s.outside = if high {
                s.outside | mask
            } else {
                s.outside & !mask
            };
        });
    }

    /// The pull last set on `pin`.
    pub fn pull(&self, pin: GpioPin) -> GpioPull {
        self.pulls[usize::from(pin.number())]
    }

    /// The detectors on `pin`.
    pub fn event(&self, pin: GpioPin) -> GpioEvent {
        self.events[usize::from(pin.number())]
    }

    /// Runs `f`, then latches whatever the resulting level change on `pin` detects.
    fn change(&mut self, pin: GpioPin, f: impl FnOnce(&mut Self)) {
        let before = GpioOps::level(self, pin);
        f(self);
        let after = GpioOps::level(self, pin);
        let fired = match self.event(pin) {
            GpioEvent::Rising => !before && after,
            GpioEvent::Falling => before && !after,
            GpioEvent::Both => before != after,
            GpioEvent::None | GpioEvent::High | GpioEvent::Low => false,
        };
        if fired {
            self.pending |= pin_mask(pin);
        }
        self.latch_levels();
    }

    /// Level detectors set their status bit for as long as the level holds.
    fn latch_levels(&mut self) {
        for n in 0..=proto::ioctl::GPIO_MAX_PIN {
            let Ok(pin) = GpioPin::new(n) else { continue };
            let level = GpioOps::level(self, pin);
            let holds = match self.event(pin) {
                GpioEvent::High => level,
                GpioEvent::Low => !level,
                _ => false,
            };
            if holds {
                self.pending |= pin_mask(pin);
            }
        }
    }
}

impl GpioOps for FakeGpio {
    fn set_function(&mut self, pin: GpioPin, function: GpioFunction) {
        self.change(pin, |s| s.functions[usize::from(pin.number())] = function);
    }

    fn function(&self, pin: GpioPin) -> GpioFunction {
        self.functions[usize::from(pin.number())]
    }

    fn set(&mut self, pin: GpioPin) {
        self.change(pin, |s| s.latch |= pin_mask(pin));
    }

    fn clear(&mut self, pin: GpioPin) {
        self.change(pin, |s| s.latch &= !pin_mask(pin));
    }

    fn level(&self, pin: GpioPin) -> bool {
        let mask = pin_mask(pin);
        if self.function(pin) == GpioFunction::Output {
            self.latch & mask != 0
        } else if self.driven & mask != 0 {
            self.outside & mask != 0
        } else {
            self.pull(pin) == GpioPull::Up
        }
    }

    fn set_pull(&mut self, pin: GpioPin, pull: GpioPull) {
        self.change(pin, |s| s.pulls[usize::from(pin.number())] = pull);
    }

    fn set_event(&mut self, pin: GpioPin, event: GpioEvent) {
        self.events[usize::from(pin.number())] = event;
        self.pending &= !pin_mask(pin);
        self.latch_levels();
    }

    fn events_pending(&self) -> u64 {
        self.pending
    }

    fn ack_events(&mut self, mask: u64) {
        self.pending &= !(mask & ALL_PINS_MASK);
        self.latch_levels();
    }
}
