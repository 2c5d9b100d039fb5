//! Ioctl tests: command numbers, argument packing and range checks.

extern crate alloc;

use super::*;
use crate::test_rng::Rng;

fn pin(n: u8) -> GpioPin {
    GpioPin::new(n).unwrap()
}

#[test]
fn commands_are_class_and_number_and_distinct() {
    assert_eq!(TTY_GET_MODE, 0x5401);
    assert_eq!(GPIO_SET_FUNCTION, 0x4701);
    let all = [
        TTY_GET_MODE,
        TTY_SET_MODE,
        TTY_SET_BAUD,
        GPIO_SET_FUNCTION,
        GPIO_GET_FUNCTION,
        GPIO_SET,
        GPIO_CLEAR,
        GPIO_GET_LEVEL,
        GPIO_SET_PULL,
        GPIO_SET_EVENT,
    ];
    for (i, a) in all.iter().enumerate() {
        assert!(all[i + 1..].iter().all(|b| a != b));
    }
}

#[test]
fn pins_stop_at_53() {
    assert_eq!(GpioPin::new(53).map(GpioPin::number), Ok(53));
    assert_eq!(GpioPin::new(54), Err(Errno::Invalid));
    assert_eq!(split_pin_arg(54), Err(Errno::Invalid));
    assert_eq!(split_pin_arg(1 << 16 | 3), Err(Errno::Invalid));
    assert_eq!(split_pin_arg(0x0512), Ok((pin(0x12), 5)));
    assert_eq!(pin_arg(pin(47), 2), 0x022F);
}

#[test]
fn every_gpio_ioctl_round_trips() {
    let p = pin(47);
    let mut cases = [
        GpioIoctl::GetFunction(p),
        GpioIoctl::Set(p),
        GpioIoctl::Clear(pin(0)),
        GpioIoctl::GetLevel(pin(53)),
    ]
    .to_vec();
    for raw in 0..8 {
        cases.push(GpioIoctl::SetFunction(
            p,
            GpioFunction::from_raw(raw).unwrap(),
        ));
    }
    for raw in 0..3 {
        cases.push(GpioIoctl::SetPull(p, GpioPull::from_raw(raw).unwrap()));
    }
    for raw in 0..6 {
        cases.push(GpioIoctl::SetEvent(p, GpioEvent::from_raw(raw).unwrap()));
    }
    for op in cases {
        let (cmd, arg) = op.encode();
        assert_eq!(GpioIoctl::decode(cmd, arg), Ok(op));
        assert_eq!(TtyIoctl::decode(cmd, arg), Err(Errno::NotTty));
    }
    let (cmd, arg) = GpioIoctl::SetFunction(pin(14), GpioFunction::Alt5).encode();
    assert_eq!((cmd, arg), (GPIO_SET_FUNCTION, 0b010 << 8 | 14));
}

#[test]
fn bad_gpio_values_are_einval() {
    assert_eq!(GpioFunction::from_raw(8), None);
    assert_eq!(
        GpioIoctl::decode(GPIO_SET_FUNCTION, 8 << 8 | 1),
        Err(Errno::Invalid)
    );
    assert_eq!(
        GpioIoctl::decode(GPIO_SET_PULL, 3 << 8 | 1),
        Err(Errno::Invalid)
    );
    assert_eq!(
        GpioIoctl::decode(GPIO_SET_EVENT, 6 << 8 | 1),
        Err(Errno::Invalid)
    );
    assert_eq!(GpioIoctl::decode(GPIO_SET, 1 << 8 | 1), Err(Errno::Invalid));
    assert_eq!(GpioIoctl::decode(GPIO_GET_LEVEL, 60), Err(Errno::Invalid));
    assert_eq!(GpioIoctl::decode(GPIO_SET_EVENT + 1, 1), Err(Errno::NotTty));
    assert_eq!(GpioIoctl::decode(TTY_SET_BAUD, 1), Err(Errno::NotTty));
}

#[test]
fn tty_ioctls_round_trip_and_check_ranges() {
    let modes = [(false, false), (false, true), (true, false), (true, true)];
    for (raw, echo) in modes {
        let op = TtyIoctl::SetMode(TtyMode { raw, echo });
        let (cmd, arg) = op.encode().unwrap();
        assert_eq!(TtyIoctl::decode(cmd, arg), Ok(op));
    }
    assert_eq!(TtyMode::default().bits(), 0b10);
    assert_eq!(TtyMode::from_bits(0b100), Err(Errno::Invalid));
    assert_eq!(TtyIoctl::GetMode.encode(), Ok((TTY_GET_MODE, 0)));
    assert_eq!(TtyIoctl::decode(TTY_GET_MODE, 0), Ok(TtyIoctl::GetMode));
    assert_eq!(TtyIoctl::decode(TTY_GET_MODE, 1), Err(Errno::Invalid));
    for baud in [BAUD_MIN, 115_200, BAUD_MAX] {
        let (cmd, arg) = TtyIoctl::SetBaud(baud).encode().unwrap();
        assert_eq!(TtyIoctl::decode(cmd, arg), Ok(TtyIoctl::SetBaud(baud)));
    }
    assert_eq!(
        TtyIoctl::SetBaud(BAUD_MAX + 1).encode(),
        Err(Errno::Invalid)
    );
    assert_eq!(TtyIoctl::decode(TTY_SET_BAUD, 0), Err(Errno::Invalid));
    assert_eq!(
        TtyIoctl::decode(TTY_SET_BAUD, 1 << 32 | 9600),
        Err(Errno::Invalid)
    );
    assert_eq!(TtyIoctl::decode(GPIO_SET, 0), Err(Errno::NotTty));
}

#[test]
fn decoding_any_command_never_panics_and_round_trips() {
    let mut rng = Rng::new(0x10C7);
    for _ in 0..20_000 {
        let cmd = if rng.below(2) == 0 {
            (if rng.below(2) == 0 {
                GPIO_CLASS
            } else {
                TTY_CLASS
            }) << 8
                | rng.below(9) as u32
        } else {
            rng.next() as u32
        };
        let arg = match rng.below(3) {
            0 => rng.below(0x800),
            1 => rng.below(1 << 23),
            _ => rng.word(),
        };
        if let Ok(op) = GpioIoctl::decode(cmd, arg) {
            assert_eq!(op.encode(), (cmd, arg));
        }
        if let Ok(op) = TtyIoctl::decode(cmd, arg) {
            assert_eq!(op.encode(), Ok((cmd, arg)));
        }
    }
}
