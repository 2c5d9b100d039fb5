//! mica's user-space UART driver, the host-testable core: registers, receive ring, line discipline.
//!
//! The UART server owns one serial port and serves it as a TTY through the
//! file protocol (`proto::file`): `read` returns what was typed, `write`
//! sends, `poll` says whether a read would return at once, and the TTY
//! ioctls (`proto::ioctl::TTY_GET_MODE`, `TTY_SET_MODE`, `TTY_SET_BAUD`)
//! switch between line and raw mode, echo, and the line speed.
//!
//! This crate is everything in that server that can be tested on the host:
//!
//! - [`pl011`]: the ARM PL011 (UART0), the port QEMU's `-serial` connects;
//! - [`mini`]: the BCM2835 mini UART (UART1, in the AUX block);
//! - [`Uart`]: the driver surface both share, interrupt-driven: enable
//!   receive interrupts, acknowledge, drain with `try_read`, fill with
//!   `try_write`;
//! - [`ring`]: the fixed-size byte ring that holds received bytes;
//! - [`line`](mod@line): the line discipline (Linux's `ICANON` and `ECHO`): line
//!   editing with backspace, Ctrl-U and Ctrl-C, and the echo;
//! - [`console`]: the server's request handling, transport apart: one file
//!   protocol call in, one answer out (or "wait" for a read with nothing to read).
//!
//! The drivers take their register block as a `&'static` reference: the
//! server makes it from the device memory it claimed, in the one module that
//! will hold the crate's `unsafe` (the MMIO constructor). Every other module
//! forbids unsafe code.
//!
//! # Parameters
//!
//! Given as `key=value` arguments when the module is loaded ([`parse_params`]):
//!
//! | key    | values           | default  |
//! |--------|------------------|----------|
//! | `port` | `pl011`, `mini`  | `pl011`  |
//! | `baud` | 300..=4000000    | 115200   |
//!
//! For example `port=mini baud=115200` drives the mini UART, which a Pi 3
//! wires to the GPIO header when Bluetooth keeps the PL011.
#![no_std]
// The MMIO constructor's module will allow unsafe; everything else forbids it.
#![deny(unsafe_code)]

#[forbid(unsafe_code)]
pub mod console;
#[forbid(unsafe_code)]
pub mod line;
#[forbid(unsafe_code)]
pub mod mini;
#[forbid(unsafe_code)]
pub mod pl011;
#[forbid(unsafe_code)]
pub mod ring;
#[cfg(test)]
mod tests;

use core::fmt;

pub use console::Console;
pub use line::{Action, LineDiscipline};
pub use mini::{mini_baud_reg, MiniUart};
pub use pl011::{pl011_divisors, Pl011};
pub use proto::ioctl::TtyMode;
pub use ring::Ring;

/// Why a UART cannot be set to a line speed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaudError {
    /// The rate or the clock is zero.
    Zero,
    /// The divisor does not fit the UART's register: the clock is too slow or too fast for it.
    OutOfRange,
    /// The nearest divisor makes a rate more than 2% away from the one asked for.
    Inexact,
}

impl fmt::Display for BaudError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BaudError::Zero => "baud rate and clock must be nonzero",
            BaudError::OutOfRange => "the UART clock cannot divide down to that baud rate",
            BaudError::Inexact => "that baud rate would be more than 2% off at this clock",
        })
    }
}

impl From<BaudError> for proto::Errno {
    /// `TTY_SET_BAUD` with a rate the clock cannot make is `EINVAL`.
    fn from(_: BaudError) -> Self {
        proto::Errno::Invalid
    }
}

/// Refuses a made rate of `made_num / made_den` baud more than 2% away from `baud`.
fn check_baud_error(baud: u32, made_num: u64, made_den: u64) -> Result<(), BaudError> {
    let wanted = u128::from(baud) * u128::from(made_den);
    let made = u128::from(made_num);
    // |made/den - baud| / baud <= 2/100, multiplied out to stay in integers.
    if made.abs_diff(wanted) * 50 > wanted {
        return Err(BaudError::Inexact);
    }
    Ok(())
}

/// What a UART driver does, the same for the PL011 and the mini UART.
///
/// Nothing here blocks for long: the server waits for the interrupt
/// notification, then drains and fills the FIFOs. All methods take `&self`
/// because each is a few volatile register accesses.
pub trait Uart {
    /// Programs 8 data bits, no parity, 1 stop bit at `baud` from the UART's
    /// clock of `clock_hz`, FIFOs on, transmitter and receiver on, interrupts
    /// off. On error no register was touched.
    fn init(&self, clock_hz: u32, baud: u32) -> Result<(), BaudError>;

    /// Raises the UART's interrupt when received bytes wait.
    fn enable_rx_interrupts(&self);

    /// Masks every interrupt of the UART (before the server lets the port go).
    fn disable_interrupts(&self);

    /// Acknowledges the interrupts now pending at the UART.
    fn ack_interrupts(&self);

    /// The next received byte, if one waits.
    fn try_read(&self) -> Option<u8>;

    /// Queues `byte` for sending; false when the transmit FIFO is full.
    fn try_write(&self, byte: u8) -> bool;

    /// Whether everything written has left the wire.
    fn tx_idle(&self) -> bool;

    /// Queues bytes from the front of `bytes` until the FIFO is full; returns how many.
    fn write_some(&self, bytes: &[u8]) -> usize {
        bytes.iter().take_while(|&&b| self.try_write(b)).count()
    }

    /// Moves every received byte into `ring`; returns how many were read from
    /// the UART. Bytes that do not fit are dropped (and counted by the ring):
    /// the FIFO must be emptied for its interrupt to drop.
    fn drain_rx<const N: usize>(&self, ring: &mut Ring<N>) -> usize
    where
        Self: Sized,
    {
        let mut count = 0;
        while let Some(b) = self.try_read() {
            ring.push(b);
            count += 1;
        }
        count
    }
}

/// Which UART the server drives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Port {
    /// The PL011 (UART0), at [`pl011::PHYS_BASE`].
    #[default]
    Pl011,
    /// The mini UART (UART1), in the AUX block at [`mini::PHYS_BASE`].
    Mini,
}

impl Port {
    /// The parameter value that names the port.
    pub const fn name(self) -> &'static str {
        match self {
            Port::Pl011 => "pl011",
            Port::Mini => "mini",
        }
    }

    /// ARM physical address of the port's register block.
    pub const fn phys_base(self) -> usize {
        match self {
            Port::Pl011 => pl011::PHYS_BASE,
            Port::Mini => mini::PHYS_BASE,
        }
    }

    /// The port's interrupt number at the BCM2835 interrupt controller.
    pub const fn irq(self) -> u32 {
        match self {
            Port::Pl011 => pl011::IRQ,
            Port::Mini => mini::IRQ,
        }
    }

    /// The port's device name and minor number, Linux's (`ttyS`, major
    /// [`console::TTY_MAJOR`], from minor 64).
    pub const fn tty(self) -> (&'static str, u32) {
        match self {
            Port::Pl011 => ("ttyS0", 64),
            Port::Mini => ("ttyS1", 65),
        }
    }
}

/// The parameter keys the driver takes.
pub const PARAM_KEYS: [&str; 2] = ["port", "baud"];
/// The line speed when `baud` is not given.
pub const DEFAULT_BAUD: u32 = 115_200;
/// The slowest `baud` parameter taken.
pub const PARAM_BAUD_MIN: u32 = 300;
/// The fastest `baud` parameter taken.
pub const PARAM_BAUD_MAX: u32 = proto::ioctl::BAUD_MAX;

/// The driver's parameters, after [`parse_params`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// The UART to drive.
    pub port: Port,
    /// The line speed in bits per second, within `PARAM_BAUD_MIN..=PARAM_BAUD_MAX`.
    pub baud: u32,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            port: Port::Pl011,
            baud: DEFAULT_BAUD,
        }
    }
}

/// A parameter the driver cannot take; `Display` says what would be right.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamError<'a> {
    /// A key not in [`PARAM_KEYS`].
    UnknownKey(&'a str),
    /// A `port` other than `pl011` or `mini`.
    BadPort(&'a str),
    /// A `baud` that is not a decimal number in `PARAM_BAUD_MIN..=PARAM_BAUD_MAX`.
    BadBaud(&'a str),
}

impl fmt::Display for ParamError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamError::UnknownKey(key) => {
                write!(f, "unknown parameter `{key}`: valid keys are")?;
                for (i, valid) in PARAM_KEYS.iter().enumerate() {
                    let sep = if i == 0 { " " } else { ", " };
                    write!(f, "{sep}`{valid}`")?;
                }
                Ok(())
            }
            ParamError::BadPort(value) => {
                write!(f, "port `{value}`: must be `pl011` or `mini`")
            }
            ParamError::BadBaud(value) => write!(
                f,
                "baud `{value}`: must be a whole number from {PARAM_BAUD_MIN} to {PARAM_BAUD_MAX}"
            ),
        }
    }
}

/// The parameters from `key=value` pairs; a key given twice takes its last value, as Linux's do.
pub fn parse_params<'a>(
    args: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Params, ParamError<'a>> {
    let mut params = Params::default();
    for (key, value) in args {
        match key {
            "port" => {
                params.port = match value {
                    "pl011" => Port::Pl011,
                    "mini" => Port::Mini,
                    _ => return Err(ParamError::BadPort(value)),
                }
            }
            "baud" => params.baud = parse_baud(value).ok_or(ParamError::BadBaud(value))?,
            _ => return Err(ParamError::UnknownKey(key)),
        }
    }
    Ok(params)
}

/// A decimal rate within range: digits only, so no sign, space or underscore.
fn parse_baud(value: &str) -> Option<u32> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let baud: u32 = value.parse().ok()?;
    (PARAM_BAUD_MIN..=PARAM_BAUD_MAX)
        .contains(&baud)
        .then_some(baud)
}
