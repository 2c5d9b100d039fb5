//! Pin claims: which pins belong to another driver, so that the GPIO server refuses to touch them; and routing the console UART's pins.

use core::fmt;

use proto::ioctl::{GpioFunction, GpioPin};
use proto::Errno;

use crate::driver::GpioOps;
use crate::regs::PIN_COUNT;

/// The claims the GPIO server starts with: `(first pin, last pin, owner)`.
///
/// 14/15 carry the console (PL011 TXD0/RXD0 in ALT0); 48-53 the SD card
/// (sdhost in ALT0; on QEMU moving them off ALT0 detaches the card from it).
pub const DEFAULT_CLAIMS: [(u8, u8, &str); 2] = [(14, 15, "uart"), (48, 53, "sdhost")];

/// A pin is claimed by another owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Busy {
    /// The pin asked for.
    pub pin: GpioPin,
    /// Who holds it.
    pub owner: &'static str,
}

impl fmt::Display for Busy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GPIO {} is used by {}", self.pin.number(), self.owner)
    }
}

impl From<Busy> for Errno {
    fn from(_: Busy) -> Errno {
        Errno::Busy
    }
}

/// One owner name per pin, or none: the `request_mem_region` of single pins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PinClaims {
    /// `owners[n]` holds pin n; indexes are pin numbers, so the length is [`PIN_COUNT`].
    owners: [Option<&'static str>; PIN_COUNT],
}

impl Default for PinClaims {
    /// The [`DEFAULT_CLAIMS`].
    fn default() -> Self {
        PinClaims::with_defaults()
    }
}

impl PinClaims {
    /// No pin claimed.
    pub const fn empty() -> PinClaims {
        PinClaims {
            owners: [None; PIN_COUNT],
        }
    }

    /// The [`DEFAULT_CLAIMS`]: the console UART and the SD card.
    pub const fn with_defaults() -> PinClaims {
        let mut claims = PinClaims::empty();
        let mut i = 0;
        while i < DEFAULT_CLAIMS.len() {
            let (first, last, owner) = DEFAULT_CLAIMS[i];
            let mut n = first as usize;
            while n <= last as usize {
                claims.owners[n] = Some(owner);
                n += 1;
            }
            i += 1;
        }
        claims
    }

    /// Claims `pin` for `owner`; claiming again for the same owner is fine, another owner's is [`Busy`].
    pub fn reserve(&mut self, pin: GpioPin, owner: &'static str) -> Result<(), Busy> {
        let slot = &mut self.owners[usize::from(pin.number())];
        match *slot {
            Some(held) if held != owner => Err(Busy { pin, owner: held }),
            _ => {
                *slot = Some(owner);
                Ok(())
            }
        }
    }

    /// Gives `pin` back if `owner` holds it; a pin held by another is [`Busy`], a free one is fine.
    pub fn release(&mut self, pin: GpioPin, owner: &'static str) -> Result<(), Busy> {
        let slot = &mut self.owners[usize::from(pin.number())];
        match *slot {
            Some(held) if held != owner => Err(Busy { pin, owner: held }),
            _ => {
                *slot = None;
                Ok(())
            }
        }
    }

    /// `Ok` if `pin` is free for the GPIO server's clients, [`Busy`] with the owner if not.
    pub fn check(&self, pin: GpioPin) -> Result<(), Busy> {
        match self.owner(pin) {
            Some(owner) => Err(Busy { pin, owner }),
            None => Ok(()),
        }
    }

    /// Who holds `pin`, if anyone.
    pub fn owner(&self, pin: GpioPin) -> Option<&'static str> {
        self.owners[usize::from(pin.number())]
    }

    /// Every claimed pin and its owner, in pin order (for a listing).
    pub fn claimed(&self) -> impl Iterator<Item = (GpioPin, &'static str)> + '_ {
        self.owners.iter().enumerate().filter_map(|(n, owner)| {
            let pin = GpioPin::new(u8::try_from(n).ok()?).ok()?;
            owner.map(|owner| (pin, owner))
        })
    }
}

/// The pins the console UART uses (TXD, RXD in either UART's alternate function).
pub const UART_PINS: [u8; 2] = [14, 15];

/// Which UART gets GPIO 14/15: the GPIO module's `uart=` parameter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UartRoute {
    /// The PL011, TXD0/RXD0 in ALT0 (what the kernel sets for its boot log).
    #[default]
    Pl011,
    /// The mini UART, TXD1/RXD1 in ALT5.
    Mini,
    /// Leave the pins as they are.
    Untouched,
}

/// A `uart=` value that names no route; `Display` says which are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadUartRoute<'a> {
    /// The value given.
    pub value: &'a str,
}

impl fmt::Display for BadUartRoute<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "parameter uart={}: pl011, mini or none", self.value)
    }
}

impl UartRoute {
    /// The route a `uart=` value names: `pl011`, `mini` or `none`; no value is `pl011`.
    pub fn from_param(value: Option<&str>) -> Result<UartRoute, BadUartRoute<'_>> {
        match value {
            None | Some("pl011") => Ok(UartRoute::Pl011),
            Some("mini") => Ok(UartRoute::Mini),
            Some("none") => Ok(UartRoute::Untouched),
            Some(value) => Err(BadUartRoute { value }),
        }
    }

    /// The function [`UART_PINS`] get, or `None` to leave them.
    pub const fn function(self) -> Option<GpioFunction> {
        match self {
            UartRoute::Pl011 => Some(GpioFunction::Alt0),
            UartRoute::Mini => Some(GpioFunction::Alt5),
            UartRoute::Untouched => None,
        }
    }
}

/// Gives [`UART_PINS`] to the UART `route` names (at init, before any client:
/// the pins are claimed, so no ioctl could do it).
pub fn route_uart_pins(gpio: &mut impl GpioOps, route: UartRoute) {
    let Some(function) = route.function() else {
        return;
    };
    for n in UART_PINS {
        if let Ok(pin) = GpioPin::new(n) {
            gpio.set_function(pin, function);
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use std::string::ToString;
    use std::vec::Vec;

    use super::*;

    fn pin(n: u8) -> GpioPin {
        GpioPin::new(n).unwrap()
    }

    #[test]
    fn defaults_hold_the_console_and_the_sd_card() {
        let claims = PinClaims::with_defaults();
        let held: Vec<(u8, &str)> = claims.claimed().map(|(p, o)| (p.number(), o)).collect();
        assert_eq!(
            held,
            [
                (14, "uart"),
                (15, "uart"),
                (48, "sdhost"),
                (49, "sdhost"),
                (50, "sdhost"),
                (51, "sdhost"),
                (52, "sdhost"),
                (53, "sdhost"),
            ]
        );
        assert_eq!(claims.check(pin(13)), Ok(()));
        assert_eq!(claims.check(pin(47)), Ok(()));
        assert_eq!(PinClaims::default(), claims);
    }

    #[test]
    fn busy_names_the_pin_and_its_owner() {
        let claims = PinClaims::with_defaults();
        let busy = claims.check(pin(14)).unwrap_err();
        assert_eq!(busy.to_string(), "GPIO 14 is used by uart");
        let busy = claims.check(pin(53)).unwrap_err();
        assert_eq!(busy.to_string(), "GPIO 53 is used by sdhost");
        assert_eq!(Errno::from(busy), Errno::Busy);
    }

    #[test]
    fn uart_routes_parse_from_the_parameter() {
        assert_eq!(UartRoute::from_param(None), Ok(UartRoute::Pl011));
        assert_eq!(UartRoute::from_param(Some("pl011")), Ok(UartRoute::Pl011));
        assert_eq!(UartRoute::from_param(Some("mini")), Ok(UartRoute::Mini));
        assert_eq!(
            UartRoute::from_param(Some("none")),
            Ok(UartRoute::Untouched)
        );
        let bad = UartRoute::from_param(Some("MINI")).unwrap_err();
        assert_eq!(bad.to_string(), "parameter uart=MINI: pl011, mini or none");
        assert!(UartRoute::from_param(Some("")).is_err());
    }

    #[test]
    fn uart_routes_set_only_the_uart_pins() {
        use crate::server::fake::FakeGpio;
        let cases = [
            (UartRoute::Pl011, GpioFunction::Alt0),
            (UartRoute::Mini, GpioFunction::Alt5),
            (UartRoute::Untouched, GpioFunction::Input),
        ];
        for (route, want) in cases {
            let mut g = FakeGpio::new();
            route_uart_pins(&mut g, route);
            assert_eq!(g.function(pin(14)), want, "{route:?}");
            assert_eq!(g.function(pin(15)), want, "{route:?}");
            assert_eq!(g.function(pin(13)), GpioFunction::Input);
            assert_eq!(g.function(pin(16)), GpioFunction::Input);
        }
    }

    #[test]
    fn reserve_and_release_respect_the_owner() {
        let mut claims = PinClaims::empty();
        assert_eq!(claims.check(pin(4)), Ok(()));
        assert_eq!(claims.reserve(pin(4), "i2c"), Ok(()));
        assert_eq!(claims.reserve(pin(4), "i2c"), Ok(()), "same owner again");
        assert_eq!(
            claims.reserve(pin(4), "spi"),
            Err(Busy {
                pin: pin(4),
                owner: "i2c"
            })
        );
        assert_eq!(claims.owner(pin(4)), Some("i2c"));
        assert!(claims.release(pin(4), "spi").is_err(), "not spi's to give");
        assert_eq!(claims.release(pin(4), "i2c"), Ok(()));
        assert_eq!(claims.owner(pin(4)), None);
        assert_eq!(claims.reserve(pin(4), "spi"), Ok(()));
        assert_eq!(claims.claimed().count(), 1);
    }
}
