//! Host tests of the crate root: parameters, the baud tolerance and the shared `Uart` helpers.

extern crate std;

use super::*;
use core::cell::RefCell;
use std::string::ToString;
use std::vec::Vec;

#[test]
fn no_parameters_give_the_defaults() {
    let params = parse_params([]).unwrap();
    assert_eq!(params, Params::default());
    assert_eq!(params.port, Port::Pl011);
    assert_eq!(params.baud, 115_200);
}

#[test]
fn both_keys_are_taken() {
    let params = parse_params([("port", "mini"), ("baud", "9600")]).unwrap();
    assert_eq!(
        params,
        Params {
            port: Port::Mini,
            baud: 9_600
        }
    );
    assert_eq!(parse_params([("port", "pl011")]).unwrap().port, Port::Pl011);
}

#[test]
fn the_last_value_of_a_key_wins() {
    let params = parse_params([("baud", "9600"), ("baud", "57600")]).unwrap();
    assert_eq!(params.baud, 57_600);
}

#[test]
fn an_unknown_key_names_the_valid_ones() {
    let err = parse_params([("port", "mini"), ("speed", "9600")]).unwrap_err();
    assert_eq!(err, ParamError::UnknownKey("speed"));
    assert_eq!(
        err.to_string(),
        "unknown parameter `speed`: valid keys are `port`, `baud`"
    );
}

#[test]
fn ports_other_than_the_two_are_refused() {
    for bad in ["", "PL011", "uart0", "mini ", "pl011x"] {
        assert_eq!(
            parse_params([("port", bad)]),
            Err(ParamError::BadPort(bad)),
            "{bad:?}"
        );
    }
    assert!(ParamError::BadPort("x")
        .to_string()
        .contains("`pl011` or `mini`"));
}

#[test]
fn baud_must_be_a_plain_number_in_range() {
    for bad in [
        "",
        "0",
        "299",
        "4000001",
        "+9600",
        "-9600",
        " 9600",
        "9_600",
        "96k",
        "0x2580",
        "99999999999",
    ] {
        assert_eq!(
            parse_params([("baud", bad)]),
            Err(ParamError::BadBaud(bad)),
            "{bad:?}"
        );
    }
    for (good, want) in [("300", 300), ("4000000", 4_000_000), ("0115200", 115_200)] {
        assert_eq!(parse_params([("baud", good)]).unwrap().baud, want);
    }
    assert!(ParamError::BadBaud("1")
        .to_string()
        .contains("from 300 to 4000000"));
}

#[test]
fn ports_know_their_registers_and_interrupts() {
    assert_eq!(Port::Pl011.phys_base(), 0x3F20_1000);
    assert_eq!(Port::Mini.phys_base(), 0x3F21_5000);
    assert_eq!((Port::Pl011.irq(), Port::Mini.irq()), (57, 29));
    for port in [Port::Pl011, Port::Mini] {
        let parsed = parse_params([("port", port.name())]).unwrap().port;
        assert_eq!(parsed, port);
    }
}

#[test]
fn the_tolerance_is_two_percent_either_way() {
    // Made rates as num / den against 1000 baud.
    assert_eq!(check_baud_error(1_000, 1_020, 1), Ok(()));
    assert_eq!(check_baud_error(1_000, 980, 1), Ok(()));
    assert_eq!(check_baud_error(1_000, 1_021, 1), Err(BaudError::Inexact));
    assert_eq!(check_baud_error(1_000, 979, 1), Err(BaudError::Inexact));
    // 102000 / 100 = 1020: on the edge, with a denominator.
    assert_eq!(check_baud_error(1_000, 102_000, 100), Ok(()));
    assert_eq!(
        check_baud_error(1_000, 102_001, 100),
        Err(BaudError::Inexact)
    );
    // Extremes do not overflow.
    assert_eq!(
        check_baud_error(u32::MAX, u64::MAX, 1),
        Err(BaudError::Inexact)
    );
}

#[test]
fn baud_errors_are_einval() {
    for err in [BaudError::Zero, BaudError::OutOfRange, BaudError::Inexact] {
        assert_eq!(proto::Errno::from(err), proto::Errno::Invalid);
        assert!(!err.to_string().is_empty());
    }
}

/// A UART in memory: a receive FIFO to fill and a transmit FIFO of `tx_room` bytes.
struct FakeUart {
    rx: RefCell<Vec<u8>>,
    tx: RefCell<Vec<u8>>,
    tx_room: usize,
}

impl FakeUart {
    fn new(rx: &[u8], tx_room: usize) -> Self {
        FakeUart {
            rx: RefCell::new(rx.to_vec()),
            tx: RefCell::new(Vec::new()),
            tx_room,
        }
    }
}

impl Uart for FakeUart {
    fn init(&self, _clock_hz: u32, _baud: u32) -> Result<(), BaudError> {
        Ok(())
    }
    fn enable_rx_interrupts(&self) {}
    fn disable_interrupts(&self) {}
    fn ack_interrupts(&self) {}
    fn try_read(&self) -> Option<u8> {
        let mut rx = self.rx.borrow_mut();
        (!rx.is_empty()).then(|| rx.remove(0))
    }
    fn try_write(&self, byte: u8) -> bool {
        let mut tx = self.tx.borrow_mut();
        if tx.len() == self.tx_room {
            return false;
        }
        tx.push(byte);
        true
    }
    fn tx_idle(&self) -> bool {
        self.tx.borrow().is_empty()
    }
}

#[test]
fn write_some_stops_when_the_fifo_is_full() {
    let uart = FakeUart::new(b"", 3);
    assert_eq!(uart.write_some(b"hello"), 3);
    assert_eq!(&uart.tx.borrow()[..], b"hel");
    assert_eq!(uart.write_some(b"lo"), 0);
    assert_eq!(uart.write_some(b""), 0);
}

#[test]
fn drain_rx_empties_the_fifo_even_into_a_full_ring() {
    let uart = FakeUart::new(b"abcdef", 0);
    let mut ring = Ring::<4>::new();
    assert_eq!(uart.drain_rx(&mut ring), 6);
    assert!(uart.rx.borrow().is_empty(), "the interrupt must drop");
    assert_eq!(ring.overruns(), 2);
    let mut out = [0u8; 4];
    assert_eq!(ring.pop_into(&mut out), 4);
    assert_eq!(&out, b"abcd");
    assert_eq!(uart.drain_rx(&mut ring), 0);
}
