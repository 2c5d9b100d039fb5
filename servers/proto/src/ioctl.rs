//! Ioctl command numbers and argument encodings shared by the devices: the TTY (UART) and GPIO.
//!
//! An ioctl is a file-protocol `Ioctl` request: `cmd` names the command and
//! the 64-bit `arg` carries its argument; the reply's `value` carries the
//! result. Commands are `class << 8 | n`, with the class in the high byte as
//! Linux does (`TCGETS` is `0x5401`, class `'T'`). A device answers a
//! command it does not know with `ENOTTY` and a bad argument with `EINVAL`.
//!
//! [`TtyIoctl`] and [`GpioIoctl`] are the typed forms: `encode` gives
//! `(cmd, arg)`, `decode` checks them. Bits of `arg` a command does not use
//! must be zero.
//!
//! # GPIO argument layout
//!
//! | bits   | field |
//! |--------|-------|
//! | 0..8   | pin (0..=[`GPIO_MAX_PIN`]) |
//! | 8..16  | the value: [`GpioFunction`], [`GpioPull`] or [`GpioEvent`] |
//! | 16..64 | zero |

use crate::Errno;

/// The command class of TTY ioctls (`'T'`, as Linux's `TCGETS`).
pub const TTY_CLASS: u32 = b'T' as u32;
/// The command class of GPIO ioctls (`'G'`).
pub const GPIO_CLASS: u32 = b'G' as u32;

/// TTY: the line discipline now. `arg` 0; `value` is a [`TtyMode`] ([`TtyMode::bits`]).
pub const TTY_GET_MODE: u32 = TTY_CLASS << 8 | 1;
/// TTY: set the line discipline. `arg` is a [`TtyMode`]'s bits; `value` 0.
pub const TTY_SET_MODE: u32 = TTY_CLASS << 8 | 2;
/// TTY: set the line speed. `arg` is bits per second ([`BAUD_MIN`]..=[`BAUD_MAX`]);
/// a rate the UART's clock cannot make is `EINVAL` from the driver.
pub const TTY_SET_BAUD: u32 = TTY_CLASS << 8 | 3;

/// GPIO: choose a pin's function (GPFSEL). `arg` pin and [`GpioFunction`]; `value` 0.
pub const GPIO_SET_FUNCTION: u32 = GPIO_CLASS << 8 | 1;
/// GPIO: a pin's function. `arg` pin; `value` the [`GpioFunction`] number.
pub const GPIO_GET_FUNCTION: u32 = GPIO_CLASS << 8 | 2;
/// GPIO: drive an output pin high (GPSET). `arg` pin; `value` 0.
pub const GPIO_SET: u32 = GPIO_CLASS << 8 | 3;
/// GPIO: drive an output pin low (GPCLR). `arg` pin; `value` 0.
pub const GPIO_CLEAR: u32 = GPIO_CLASS << 8 | 4;
/// GPIO: a pin's level (GPLEV). `arg` pin; `value` 0 (low) or 1 (high).
pub const GPIO_GET_LEVEL: u32 = GPIO_CLASS << 8 | 5;
/// GPIO: a pin's pull resistor (GPPUD). `arg` pin and [`GpioPull`]; `value` 0.
pub const GPIO_SET_PULL: u32 = GPIO_CLASS << 8 | 6;
/// GPIO: which edges or levels raise events (GPREN/GPFEN/GPHEN/GPLEN). `arg` pin and
/// [`GpioEvent`]; `value` 0. Events show as [`PollEvents::PRIORITY`](crate::file::PollEvents::PRIORITY).
pub const GPIO_SET_EVENT: u32 = GPIO_CLASS << 8 | 7;

/// Lowest line speed `TTY_SET_BAUD` takes.
pub const BAUD_MIN: u32 = 50;
/// Highest line speed `TTY_SET_BAUD` takes (the PL011 at a 64 MHz clock).
pub const BAUD_MAX: u32 = 4_000_000;
/// Highest GPIO pin of the BCM2837 (pins 0..=53).
pub const GPIO_MAX_PIN: u8 = 53;

/// A TTY's line discipline: Linux's `ICANON` and `ECHO`, as two bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TtyMode {
    /// Bit 0. Raw: `Read` returns bytes as they come. Line (false): `Read`
    /// returns whole lines, edited with backspace, as a shell wants.
    pub raw: bool,
    /// Bit 1. Echo each received byte back to the line.
    pub echo: bool,
}

impl Default for TtyMode {
    /// Line mode with echo, as a fresh terminal.
    fn default() -> Self {
        TtyMode {
            raw: false,
            echo: true,
        }
    }
}

impl TtyMode {
    /// The mode as `arg`/`value` bits.
    pub const fn bits(self) -> u64 {
        self.raw as u64 | (self.echo as u64) << 1
    }

    /// The mode from bits; `EINVAL` if a bit above 1 is set.
    pub const fn from_bits(bits: u64) -> Result<TtyMode, Errno> {
        if bits & !0b11 != 0 {
            return Err(Errno::Invalid);
        }
        Ok(TtyMode {
            raw: bits & 1 != 0,
            echo: bits & 2 != 0,
        })
    }
}

/// A typed TTY ioctl.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TtyIoctl {
    /// [`TTY_GET_MODE`].
    GetMode,
    /// [`TTY_SET_MODE`].
    SetMode(TtyMode),
    /// [`TTY_SET_BAUD`], in bits per second.
    SetBaud(u32),
}

impl TtyIoctl {
    /// `(cmd, arg)` for the request; `EINVAL` for a rate outside [`BAUD_MIN`]..=[`BAUD_MAX`].
    pub fn encode(self) -> Result<(u32, u64), Errno> {
        Ok(match self {
            TtyIoctl::GetMode => (TTY_GET_MODE, 0),
            TtyIoctl::SetMode(mode) => (TTY_SET_MODE, mode.bits()),
            TtyIoctl::SetBaud(baud) => (TTY_SET_BAUD, check_baud(baud.into())?.into()),
        })
    }

    /// The command in `(cmd, arg)`: `ENOTTY` for a command not of the TTY, `EINVAL` for a bad arg.
    pub fn decode(cmd: u32, arg: u64) -> Result<TtyIoctl, Errno> {
        match cmd {
            TTY_GET_MODE if arg == 0 => Ok(TtyIoctl::GetMode),
            TTY_SET_MODE => TtyMode::from_bits(arg).map(TtyIoctl::SetMode),
            TTY_SET_BAUD => check_baud(arg).map(TtyIoctl::SetBaud),
            TTY_GET_MODE => Err(Errno::Invalid),
            _ => Err(Errno::NotTty),
        }
    }
}

/// A line speed within range.
fn check_baud(arg: u64) -> Result<u32, Errno> {
    match u32::try_from(arg) {
        Ok(baud) if (BAUD_MIN..=BAUD_MAX).contains(&baud) => Ok(baud),
        _ => Err(Errno::Invalid),
    }
}

/// A BCM2837 GPIO pin number, checked: 0..=[`GPIO_MAX_PIN`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GpioPin(u8);

impl GpioPin {
    /// The pin numbered `pin`; `EINVAL` above [`GPIO_MAX_PIN`].
    pub const fn new(pin: u8) -> Result<GpioPin, Errno> {
        if pin > GPIO_MAX_PIN {
            Err(Errno::Invalid)
        } else {
            Ok(GpioPin(pin))
        }
    }

    /// The number.
    pub const fn number(self) -> u8 {
        self.0
    }
}

/// A pin's function: the 3-bit GPFSEL codes of the BCM2835 datasheet (section 6.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum GpioFunction {
    /// `000`: input.
    Input = 0b000,
    /// `001`: output.
    Output = 0b001,
    /// `100`: alternate function 0.
    Alt0 = 0b100,
    /// `101`: alternate function 1.
    Alt1 = 0b101,
    /// `110`: alternate function 2.
    Alt2 = 0b110,
    /// `111`: alternate function 3.
    Alt3 = 0b111,
    /// `011`: alternate function 4.
    Alt4 = 0b011,
    /// `010`: alternate function 5 (the mini UART on pins 14/15).
    Alt5 = 0b010,
}

/// A pin's pull resistor: the GPPUD codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum GpioPull {
    /// No pull.
    Off = 0,
    /// Pull down to ground.
    Down = 1,
    /// Pull up to 3.3 V.
    Up = 2,
}

/// What raises an event on a pin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum GpioEvent {
    /// No events.
    None = 0,
    /// Low-to-high edges.
    Rising = 1,
    /// High-to-low edges.
    Falling = 2,
    /// Both edges.
    Both = 3,
    /// While the level is high.
    High = 4,
    /// While the level is low.
    Low = 5,
}

impl GpioFunction {
    /// The function with GPFSEL code `raw`.
    pub const fn from_raw(raw: u8) -> Option<GpioFunction> {
        Some(match raw {
            0b000 => GpioFunction::Input,
            0b001 => GpioFunction::Output,
            0b100 => GpioFunction::Alt0,
            0b101 => GpioFunction::Alt1,
            0b110 => GpioFunction::Alt2,
            0b111 => GpioFunction::Alt3,
            0b011 => GpioFunction::Alt4,
            0b010 => GpioFunction::Alt5,
            _ => return None,
        })
    }
}

impl GpioPull {
    /// The pull with code `raw`.
    pub const fn from_raw(raw: u8) -> Option<GpioPull> {
        Some(match raw {
            0 => GpioPull::Off,
            1 => GpioPull::Down,
            2 => GpioPull::Up,
            _ => return None,
        })
    }
}

impl GpioEvent {
    /// The event kind with code `raw`.
    pub const fn from_raw(raw: u8) -> Option<GpioEvent> {
        Some(match raw {
            0 => GpioEvent::None,
            1 => GpioEvent::Rising,
            2 => GpioEvent::Falling,
            3 => GpioEvent::Both,
            4 => GpioEvent::High,
            5 => GpioEvent::Low,
            _ => return None,
        })
    }
}

/// Packs a pin and an 8-bit value into an `arg` (see the layout above).
pub const fn pin_arg(pin: GpioPin, value: u8) -> u64 {
    pin.0 as u64 | (value as u64) << 8
}

/// Unpacks `arg` into a pin and value; `EINVAL` for a pin above 53 or bits above 16 set.
pub const fn split_pin_arg(arg: u64) -> Result<(GpioPin, u8), Errno> {
    if arg >> 16 != 0 {
        return Err(Errno::Invalid);
    }
    match GpioPin::new(arg as u8) {
        Ok(pin) => Ok((pin, (arg >> 8) as u8)),
        Err(e) => Err(e),
    }
}

/// A typed GPIO ioctl.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GpioIoctl {
    /// [`GPIO_SET_FUNCTION`].
    SetFunction(GpioPin, GpioFunction),
    /// [`GPIO_GET_FUNCTION`].
    GetFunction(GpioPin),
    /// [`GPIO_SET`].
    Set(GpioPin),
    /// [`GPIO_CLEAR`].
    Clear(GpioPin),
    /// [`GPIO_GET_LEVEL`].
    GetLevel(GpioPin),
    /// [`GPIO_SET_PULL`].
    SetPull(GpioPin, GpioPull),
    /// [`GPIO_SET_EVENT`].
    SetEvent(GpioPin, GpioEvent),
}

impl GpioIoctl {
    /// `(cmd, arg)` for the request.
    pub const fn encode(self) -> (u32, u64) {
        match self {
            GpioIoctl::SetFunction(pin, f) => (GPIO_SET_FUNCTION, pin_arg(pin, f as u8)),
            GpioIoctl::GetFunction(pin) => (GPIO_GET_FUNCTION, pin_arg(pin, 0)),
            GpioIoctl::Set(pin) => (GPIO_SET, pin_arg(pin, 0)),
            GpioIoctl::Clear(pin) => (GPIO_CLEAR, pin_arg(pin, 0)),
            GpioIoctl::GetLevel(pin) => (GPIO_GET_LEVEL, pin_arg(pin, 0)),
            GpioIoctl::SetPull(pin, pull) => (GPIO_SET_PULL, pin_arg(pin, pull as u8)),
            GpioIoctl::SetEvent(pin, event) => (GPIO_SET_EVENT, pin_arg(pin, event as u8)),
        }
    }

    /// The command in `(cmd, arg)`: `ENOTTY` for a command not of the GPIO, `EINVAL` for a bad arg.
    pub fn decode(cmd: u32, arg: u64) -> Result<GpioIoctl, Errno> {
        let known = (GPIO_SET_FUNCTION..=GPIO_SET_EVENT).contains(&cmd);
        if !known {
            return Err(Errno::NotTty);
        }
        let (pin, value) = split_pin_arg(arg)?;
        let bad = Errno::Invalid;
        let no_value = |op: GpioIoctl| if value == 0 { Ok(op) } else { Err(bad) };
        match cmd {
            GPIO_SET_FUNCTION => GpioFunction::from_raw(value)
                .map(|f| GpioIoctl::SetFunction(pin, f))
                .ok_or(bad),
            GPIO_GET_FUNCTION => no_value(GpioIoctl::GetFunction(pin)),
            GPIO_SET => no_value(GpioIoctl::Set(pin)),
            GPIO_CLEAR => no_value(GpioIoctl::Clear(pin)),
            GPIO_GET_LEVEL => no_value(GpioIoctl::GetLevel(pin)),
            GPIO_SET_PULL => GpioPull::from_raw(value)
                .map(|p| GpioIoctl::SetPull(pin, p))
                .ok_or(bad),
            _ => GpioEvent::from_raw(value)
                .map(|e| GpioIoctl::SetEvent(pin, e))
                .ok_or(bad),
        }
    }
}

#[cfg(test)]
mod tests;
