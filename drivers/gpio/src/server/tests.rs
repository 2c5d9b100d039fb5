//! Request-handler tests against the in-memory model: ioctls, claims, interrupts, reads and polls.

extern crate std;

use std::string::ToString;
use std::vec::Vec;

use proto::ioctl::*;

use super::fake::FakeGpio;
use super::*;
use crate::events::EVENT_QUEUE_LEN;

fn pin(n: u8) -> GpioPin {
    GpioPin::new(n).unwrap()
}

fn rig() -> (GpioServer, FakeGpio) {
    (GpioServer::new(), FakeGpio::new())
}

/// Runs the typed ioctl `op` through the wire form, as a client's request arrives.
fn ioctl(server: &mut GpioServer, gpio: &mut FakeGpio, op: GpioIoctl) -> Result<u64, Errno> {
    let (cmd, arg) = op.encode();
    server.handle_ioctl(gpio, cmd, arg)
}

/// Every record the server has, read in one go.
fn read_all(server: &mut GpioServer) -> Vec<EventRecord> {
    let mut buf = [0u8; 8 * EVENT_QUEUE_LEN];
    let Ok(len_bytes) = server.read(&mut buf) else {
        return Vec::new();
    };
    buf[..len_bytes]
        .chunks_exact(8)
        .map(|c| EventRecord::from_bytes(c.try_into().unwrap()).unwrap())
        .collect()
}

#[test]
fn set_and_clear_read_back_through_the_level() {
    let (mut s, mut g) = rig();
    let p = pin(17);
    assert_eq!(
        ioctl(
            &mut s,
            &mut g,
            GpioIoctl::SetFunction(p, GpioFunction::Output)
        ),
        Ok(0)
    );
    assert_eq!(ioctl(&mut s, &mut g, GpioIoctl::GetLevel(p)), Ok(0));
    assert_eq!(ioctl(&mut s, &mut g, GpioIoctl::Set(p)), Ok(0));
    assert_eq!(ioctl(&mut s, &mut g, GpioIoctl::GetLevel(p)), Ok(1));
    assert_eq!(
        ioctl(&mut s, &mut g, GpioIoctl::GetLevel(pin(18))),
        Ok(0),
        "a neighbour stays low"
    );
    assert_eq!(ioctl(&mut s, &mut g, GpioIoctl::Clear(p)), Ok(0));
    assert_eq!(ioctl(&mut s, &mut g, GpioIoctl::GetLevel(p)), Ok(0));
}

#[test]
fn functions_round_trip_as_their_codes() {
    let (mut s, mut g) = rig();
    let all = [
        GpioFunction::Input,
        GpioFunction::Output,
        GpioFunction::Alt0,
        GpioFunction::Alt1,
        GpioFunction::Alt2,
        GpioFunction::Alt3,
        GpioFunction::Alt4,
        GpioFunction::Alt5,
    ];
    for f in all {
        assert_eq!(
            ioctl(&mut s, &mut g, GpioIoctl::SetFunction(pin(4), f)),
            Ok(0)
        );
        assert_eq!(
            ioctl(&mut s, &mut g, GpioIoctl::GetFunction(pin(4))),
            Ok(f as u64)
        );
        assert_eq!(GpioOps::function(&g, pin(4)), f);
    }
    assert_eq!(
        ioctl(&mut s, &mut g, GpioIoctl::GetFunction(pin(5))),
        Ok(0),
        "input"
    );
}

#[test]
fn pulls_reach_the_pin() {
    let (mut s, mut g) = rig();
    let p = pin(22);
    assert_eq!(
        ioctl(&mut s, &mut g, GpioIoctl::SetPull(p, GpioPull::Up)),
        Ok(0)
    );
    assert_eq!(g.pull(p), GpioPull::Up);
    assert_eq!(
        ioctl(&mut s, &mut g, GpioIoctl::GetLevel(p)),
        Ok(1),
        "pulled up"
    );
    assert_eq!(
        ioctl(&mut s, &mut g, GpioIoctl::SetPull(p, GpioPull::Down)),
        Ok(0)
    );
    assert_eq!(ioctl(&mut s, &mut g, GpioIoctl::GetLevel(p)), Ok(0));
    assert_eq!(g.pull(p), GpioPull::Down);
}

#[test]
fn edges_are_queued_on_interrupt_and_read_back() {
    let (mut s, mut g) = rig();
    let p = pin(23);
    assert_eq!(s.poll(PollEvents::ALL), PollEvents::NONE);
    assert_eq!(
        ioctl(&mut s, &mut g, GpioIoctl::SetEvent(p, GpioEvent::Rising)),
        Ok(0)
    );
    assert_eq!(g.event(p), GpioEvent::Rising);
    assert_eq!(s.armed(p), GpioEvent::Rising);

    g.drive(p, true);
    let serviced = s.service_interrupt(&mut g);
    assert_eq!(
        serviced,
        Serviced {
            queued: 1,
            disarmed: 0
        }
    );
    assert_eq!(g.events_pending(), 0, "acknowledged");
    assert_eq!(s.poll(PollEvents::READABLE), PollEvents::READABLE);
    assert_eq!(s.poll(PollEvents::PRIORITY), PollEvents::PRIORITY);
    assert_eq!(s.poll(PollEvents::WRITABLE), PollEvents::NONE);

    let mut buf = [0u8; 8];
    assert_eq!(s.read(&mut buf), Ok(8));
    assert_eq!(buf, [23, GpioEvent::Rising as u8, 0, 0, 0, 0, 0, 0]);
    assert_eq!(s.poll(PollEvents::ALL), PollEvents::NONE);
    assert_eq!(s.read(&mut buf), Err(Errno::WouldBlock));

    // A falling edge is not what the pin is armed for.
    g.drive(p, false);
    assert_eq!(s.service_interrupt(&mut g).queued, 0);
    assert!(!s.readable());
}

#[test]
fn both_edges_and_several_pins_queue_in_order() {
    let (mut s, mut g) = rig();
    ioctl(&mut s, &mut g, GpioIoctl::SetEvent(pin(5), GpioEvent::Both)).unwrap();
    ioctl(
        &mut s,
        &mut g,
        GpioIoctl::SetEvent(pin(40), GpioEvent::Falling),
    )
    .unwrap();
    g.drive(pin(40), true);
    g.drive(pin(5), true);
    assert_eq!(
        s.service_interrupt(&mut g).queued,
        1,
        "pin 40 rose: not armed for it"
    );
    g.drive(pin(5), false);
    g.drive(pin(40), false);
    assert_eq!(s.service_interrupt(&mut g).queued, 2);
    let got: Vec<(u8, GpioEvent, u32)> = read_all(&mut s)
        .iter()
        .map(|r| (r.pin.number(), r.event, r.seq))
        .collect();
    assert_eq!(
        got,
        [
            (5, GpioEvent::Both, 0),
            (5, GpioEvent::Both, 1),
            (40, GpioEvent::Falling, 2)
        ]
    );
}

#[test]
fn a_level_event_reports_once_and_disarms() {
    let (mut s, mut g) = rig();
    let p = pin(33);
    ioctl(&mut s, &mut g, GpioIoctl::SetEvent(p, GpioEvent::High)).unwrap();
    assert_eq!(g.events_pending(), 0, "low: nothing yet");
    g.drive(p, true);
    let serviced = s.service_interrupt(&mut g);
    assert_eq!(
        serviced,
        Serviced {
            queued: 1,
            disarmed: 1 << 33
        }
    );
    assert_eq!(
        g.events_pending(),
        0,
        "held high but disarmed: no interrupt storm"
    );
    assert_eq!(g.event(p), GpioEvent::None);
    assert_eq!(s.armed(p), GpioEvent::None);
    assert_eq!(read_all(&mut s).len(), 1);
    // Re-arming while the level holds reports it again.
    ioctl(&mut s, &mut g, GpioIoctl::SetEvent(p, GpioEvent::High)).unwrap();
    assert_eq!(s.service_interrupt(&mut g).queued, 1);
}

#[test]
fn unarmed_pins_are_ignored_by_the_interrupt() {
    let (mut s, _) = rig();
    ioctl(
        &mut s,
        &mut FakeGpio::new(),
        GpioIoctl::SetEvent(pin(6), GpioEvent::Rising),
    )
    .unwrap();
    let serviced = s.on_interrupt(1 << 5 | 1 << 6 | 1 << 63);
    assert_eq!(
        serviced,
        Serviced {
            queued: 1,
            disarmed: 0
        }
    );
    assert_eq!(read_all(&mut s)[0].pin, pin(6));
}

#[test]
fn a_full_queue_drops_the_oldest_and_counts_overruns() {
    let (mut s, mut g) = rig();
    ioctl(&mut s, &mut g, GpioIoctl::SetEvent(pin(2), GpioEvent::Both)).unwrap();
    let extra = 7;
    for _ in 0..EVENT_QUEUE_LEN + extra {
        s.on_interrupt(1 << 2);
    }
    assert_eq!(s.overruns(), extra as u32);
    let records = read_all(&mut s);
    assert_eq!(records.len(), EVENT_QUEUE_LEN);
    assert_eq!(records[0].seq, extra as u32, "the oldest were dropped");
}

#[test]
fn reads_take_whole_records_only() {
    let (mut s, mut g) = rig();
    ioctl(
        &mut s,
        &mut g,
        GpioIoctl::SetEvent(pin(7), GpioEvent::Rising),
    )
    .unwrap();
    for _ in 0..3 {
        s.on_interrupt(1 << 7);
    }
    assert_eq!(s.read(&mut [0u8; 7]), Err(Errno::Invalid));
    let mut buf = [0xEEu8; 20];
    assert_eq!(s.read(&mut buf), Ok(16));
    assert_eq!(
        buf[16..],
        [0xEE; 4],
        "the tail that holds no whole record is untouched"
    );
    assert_eq!(s.read(&mut buf), Ok(8));
    assert_eq!(buf[4..8], 2u32.to_le_bytes(), "the third record");
}

#[test]
fn claimed_pins_are_refused_with_the_owners_name() {
    let (mut s, mut g) = rig();
    assert_eq!(
        ioctl(&mut s, &mut g, GpioIoctl::Set(pin(14))),
        Err(Errno::Busy)
    );
    assert_eq!(s.refusal().unwrap().to_string(), "GPIO 14 is used by uart");
    assert!(!GpioOps::level(&g, pin(14)));
    let refused = [
        GpioIoctl::SetFunction(pin(15), GpioFunction::Output),
        GpioIoctl::Clear(pin(15)),
        GpioIoctl::SetPull(pin(15), GpioPull::Up),
        GpioIoctl::SetEvent(pin(15), GpioEvent::Rising),
    ];
    for op in refused {
        assert_eq!(ioctl(&mut s, &mut g, op), Err(Errno::Busy), "{op:?}");
    }
    assert_eq!(g.pull(pin(15)), GpioPull::Off);
    assert_eq!(s.armed(pin(15)), GpioEvent::None);
    let op = GpioIoctl::SetFunction(pin(50), GpioFunction::Input);
    assert_eq!(ioctl(&mut s, &mut g, op), Err(Errno::Busy));
    assert_eq!(
        s.refusal().unwrap().to_string(),
        "GPIO 50 is used by sdhost"
    );
    // Reading a claimed pin is harmless, and clears the last refusal.
    assert_eq!(
        ioctl(&mut s, &mut g, GpioIoctl::GetFunction(pin(14))),
        Ok(0)
    );
    assert_eq!(s.refusal(), None);
    // A pin released by its owner is the clients' again.
    s.claims_mut().release(pin(14), "uart").unwrap();
    assert_eq!(ioctl(&mut s, &mut g, GpioIoctl::Set(pin(14))), Ok(0));
}

#[test]
fn bad_pins_and_values_are_invalid() {
    let (mut s, mut g) = rig();
    let bad = Err(Errno::Invalid);
    assert_eq!(s.handle_ioctl(&mut g, GPIO_SET, 54), bad);
    assert_eq!(s.handle_ioctl(&mut g, GPIO_GET_LEVEL, 255), bad);
    assert_eq!(
        s.handle_ioctl(&mut g, GPIO_SET, 1 << 8 | 3),
        bad,
        "a value where none belongs"
    );
    assert_eq!(s.handle_ioctl(&mut g, GPIO_SET, 1 << 16 | 3), bad);
    assert_eq!(s.handle_ioctl(&mut g, GPIO_SET_FUNCTION, 8 << 8 | 3), bad);
    assert_eq!(s.handle_ioctl(&mut g, GPIO_SET_PULL, 3 << 8 | 3), bad);
    assert_eq!(s.handle_ioctl(&mut g, GPIO_SET_EVENT, 6 << 8 | 3), bad);
    // Claims are checked only for a valid request: pin 14 with a bad value is EINVAL.
    assert_eq!(s.handle_ioctl(&mut g, GPIO_SET_PULL, 3 << 8 | 14), bad);
    assert!(!GpioOps::level(&g, pin(3)), "nothing happened");
}

#[test]
fn unknown_commands_are_not_tty() {
    let (mut s, mut g) = rig();
    let not_tty = Err(Errno::NotTty);
    assert_eq!(s.handle_ioctl(&mut g, TTY_GET_MODE, 0), not_tty);
    assert_eq!(s.handle_ioctl(&mut g, 0, 0), not_tty);
    assert_eq!(s.handle_ioctl(&mut g, GPIO_CLASS << 8, 3), not_tty);
    assert_eq!(s.handle_ioctl(&mut g, GPIO_SET_EVENT + 1, 3), not_tty);
}
