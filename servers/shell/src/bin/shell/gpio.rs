//! The `gpio` command: pin modes, levels and pulls through the GPIO server's ioctls on /dev/gpiochip0.

extern crate alloc;

use crate::commands::usage;
use crate::ctx::Ctx;
use crate::outln;
use alloc::format;
use alloc::string::String;
use proto::file::OpenFlags;
use proto::ioctl::{GpioFunction, GpioIoctl, GpioPin, GpioPull, GPIO_MAX_PIN};
use proto::Errno;
use ulib::file::File;

/// The GPIO server's device.
const CHIP: &str = "/dev/gpiochip0";

/// Mode names as `gpio mode` takes and `gpio get` prints them, with their functions.
const MODES: [(&str, GpioFunction); 8] = [
    ("in", GpioFunction::Input),
    ("out", GpioFunction::Output),
    ("alt0", GpioFunction::Alt0),
    ("alt1", GpioFunction::Alt1),
    ("alt2", GpioFunction::Alt2),
    ("alt3", GpioFunction::Alt3),
    ("alt4", GpioFunction::Alt4),
    ("alt5", GpioFunction::Alt5),
];

const PULLS: [(&str, GpioPull); 3] = [
    ("off", GpioPull::Off),
    ("down", GpioPull::Down),
    ("up", GpioPull::Up),
];

fn pin(s: &str) -> Result<GpioPin, String> {
    s.parse::<u8>()
        .ok()
        .and_then(|n| GpioPin::new(n).ok())
        .ok_or_else(|| format!("bad pin '{s}' (0..={GPIO_MAX_PIN})"))
}

fn names<T>(table: &[(&str, T)]) -> String {
    let list: alloc::vec::Vec<&str> = table.iter().map(|(n, _)| *n).collect();
    list.join(", ")
}

/// Sends one ioctl to the chip; the error names the pin and, for EBUSY, why.
fn ioctl(chip: &mut File, op: GpioIoctl, pin: GpioPin) -> Result<u64, String> {
    let (cmd, arg) = op.encode();
    chip.ioctl(cmd, arg, &[], &mut []).map_err(|e| match e {
        Errno::Busy => format!(
            "pin {}: {e}: reserved for another device (the console UART uses 14 and 15)",
            pin.number()
        ),
        e => format!("pin {}: {e}", pin.number()),
    })
}

/// `gpio mode|set|clear|get|pull PIN [VALUE]`.
pub fn gpio(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    let (op, p, value) = match args {
        [op, p] => (*op, pin(p)?, None),
        [op, p, v] => (*op, pin(p)?, Some(*v)),
        _ => return Err(usage("gpio")),
    };
    let mut chip = File::open(CHIP, OpenFlags::READ.union(OpenFlags::WRITE), 0)
        .map_err(|e| format!("{CHIP}: {e}"))?;
    match (op, value) {
        ("mode", Some(v)) => {
            let f = MODES
                .iter()
                .find(|(n, _)| *n == v)
                .ok_or_else(|| format!("unknown mode '{v}' (modes: {})", names(&MODES)))?
                .1;
            ioctl(&mut chip, GpioIoctl::SetFunction(p, f), p)?;
        }
        ("pull", Some(v)) => {
            let pull = PULLS
                .iter()
                .find(|(n, _)| *n == v)
                .ok_or_else(|| format!("unknown pull '{v}' (pulls: {})", names(&PULLS)))?
                .1;
            ioctl(&mut chip, GpioIoctl::SetPull(p, pull), p)?;
        }
        ("set", None) => {
            ioctl(&mut chip, GpioIoctl::Set(p), p)?;
        }
        ("clear", None) => {
            ioctl(&mut chip, GpioIoctl::Clear(p), p)?;
        }
        ("get", None) => {
            let level = ioctl(&mut chip, GpioIoctl::GetLevel(p), p)?;
            let f = ioctl(&mut chip, GpioIoctl::GetFunction(p), p)?;
            let mode = MODES
                .iter()
                .find(|(_, func)| *func as u64 == f)
                .map_or("?", |(n, _)| n);
            outln!(ctx, "pin {}: level {level}, mode {mode}", p.number());
        }
        _ => return Err(usage("gpio")),
    }
    Ok(())
}
