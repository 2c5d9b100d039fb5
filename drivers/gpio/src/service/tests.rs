//! Service tests through the wire form against the in-memory model: opens, ioctls, event reads that wait, usage, exit, fuzz.

extern crate std;

use std::string::ToString;
use std::vec;
use std::vec::Vec;

use proto::file::{Op, PollEvents, Whence};
use proto::ioctl::{GpioEvent, GpioFunction, GpioIoctl, GpioPin};

use super::*;
use crate::events::EventRecord;
use crate::server::fake::FakeGpio;

/// A client's badge.
const ALICE: u64 = 7;
/// Another client's badge.
const BOB: u64 = 9;

fn pin(n: u8) -> GpioPin {
    GpioPin::new(n).unwrap()
}

fn rig() -> GpioService<FakeGpio> {
    GpioService::new(FakeGpio::new())
}

/// What a client gets back: the decoded reply as owned values, or "waiting".
#[derive(Debug, PartialEq, Eq)]
enum Got {
    /// Still waiting.
    Wait,
    /// `Ok` with the reply's words and bytes, or the errno.
    Done(Result<([u64; 4], Vec<u8>), Errno>),
}

/// Presents the raw message (label, words, bytes) from `badge`, as a transport does.
fn raw(
    s: &mut GpioService<FakeGpio>,
    label: u16,
    words: [u64; 4],
    bytes: &[u8],
    badge: u64,
) -> Got {
    let mut out = [0u8; MAX_MSG_BYTES];
    let call = Call {
        label,
        words,
        bytes,
        badge,
    };
    match s.call::<()>(&call, &mut out) {
        Answer::Wait => Got::Wait,
        Answer::Reply(e, handle) => {
            assert!(handle.is_none(), "GPIO moves no handle");
            let bytes = out[..usize::from(e.len_bytes)].to_vec();
            if e.label == proto::OK_LABEL {
                Got::Done(Ok((e.words, bytes)))
            } else {
                let op = Op::from_label(label).unwrap_or(Op::Stat);
                match Reply::decode(op, e.label, e.words, &bytes) {
                    Ok(Reply::Error(errno)) => Got::Done(Err(errno)),
                    other => panic!("reply label {} decodes to {other:?}", e.label),
                }
            }
        }
    }
}

/// Sends `request` from `badge` through its wire form.
fn send(s: &mut GpioService<FakeGpio>, request: &Request, badge: u64) -> Got {
    let mut buf = [0u8; MAX_MSG_BYTES];
    let e = request.encode(&mut buf).unwrap();
    let bytes = buf[..usize::from(e.len_bytes)].to_vec();
    raw(s, e.label, e.words, &bytes, badge)
}

/// The reply's w0, or the errno; panics on a wait.
fn word(got: Got) -> Result<u64, Errno> {
    match got {
        Got::Done(r) => r.map(|(words, _)| words[0]),
        Got::Wait => panic!("waited"),
    }
}

fn open(s: &mut GpioService<FakeGpio>, flags: OpenFlags, badge: u64) -> u32 {
    let request = Request::Open {
        path: "",
        flags,
        mode: 0,
    };
    word(send(s, &request, badge)).unwrap() as u32
}

fn ioctl(s: &mut GpioService<FakeGpio>, fd: u32, op: GpioIoctl) -> Result<u64, Errno> {
    let (cmd, arg) = op.encode();
    let request = Request::Ioctl {
        fd,
        cmd,
        arg,
        data: &[],
    };
    word(send(s, &request, ALICE))
}

fn read(s: &mut GpioService<FakeGpio>, fd: u32, len_bytes: u32) -> Got {
    let request = Request::Read {
        fd,
        len_bytes,
        offset: None,
    };
    send(s, &request, ALICE)
}

fn records(bytes: &[u8]) -> Vec<EventRecord> {
    bytes
        .chunks_exact(8)
        .map(|c| EventRecord::from_bytes(c.try_into().unwrap()).unwrap())
        .collect()
}

const RW: OpenFlags = OpenFlags::READ.union(OpenFlags::WRITE);

#[test]
fn a_level_is_set_cleared_and_read_back() {
    let mut s = rig();
    let fd = open(&mut s, RW, ALICE);
    let p = pin(17);
    let output = GpioIoctl::SetFunction(p, GpioFunction::Output);
    assert_eq!(ioctl(&mut s, fd, output), Ok(0));
    assert_eq!(ioctl(&mut s, fd, GpioIoctl::GetLevel(p)), Ok(0));
    assert_eq!(ioctl(&mut s, fd, GpioIoctl::Set(p)), Ok(0));
    assert_eq!(ioctl(&mut s, fd, GpioIoctl::GetLevel(p)), Ok(1));
    assert!(s.gpio().level(p), "the model's pin is high");
    assert_eq!(ioctl(&mut s, fd, GpioIoctl::Clear(p)), Ok(0));
    assert_eq!(ioctl(&mut s, fd, GpioIoctl::GetLevel(p)), Ok(0));
}

#[test]
fn a_function_is_set_and_read_back() {
    let mut s = rig();
    let fd = open(&mut s, RW, ALICE);
    let alt3 = GpioIoctl::SetFunction(pin(4), GpioFunction::Alt3);
    assert_eq!(ioctl(&mut s, fd, alt3), Ok(0));
    let got = ioctl(&mut s, fd, GpioIoctl::GetFunction(pin(4)));
    assert_eq!(got, Ok(GpioFunction::Alt3 as u64));
    assert_eq!(s.gpio().function(pin(4)), GpioFunction::Alt3);
    let neighbour = ioctl(&mut s, fd, GpioIoctl::GetFunction(pin(5)));
    assert_eq!(neighbour, Ok(GpioFunction::Input as u64));
}

#[test]
fn a_claimed_pin_is_busy_and_the_refusal_names_its_owner() {
    let mut s = rig();
    let fd = open(&mut s, RW, ALICE);
    assert_eq!(ioctl(&mut s, fd, GpioIoctl::Set(pin(14))), Err(Errno::Busy));
    assert_eq!(s.refusal().unwrap().to_string(), "GPIO 14 is used by uart");
    assert_eq!(ioctl(&mut s, fd, GpioIoctl::GetLevel(pin(14))), Ok(0));
    assert_eq!(s.refusal(), None, "cleared by the next call");
}

#[test]
fn fds_belong_to_their_client_and_die_with_release() {
    let mut s = rig();
    let fd = open(&mut s, RW, ALICE);
    let theirs = Request::Poll {
        fd,
        events: PollEvents::READABLE,
    };
    assert_eq!(word(send(&mut s, &theirs, BOB)), Err(Errno::BadFd));
    let Got::Done(Ok((words, bytes))) = send(&mut s, &Request::Stat { fd }, ALICE) else {
        panic!("stat failed");
    };
    let Ok(Reply::Stat(st)) = Reply::decode(Op::Stat, proto::OK_LABEL, words, &bytes) else {
        panic!("not a stat reply");
    };
    assert_eq!((st.kind, st.major, st.minor), (FileKind::CharDev, 254, 0));
    let seek = Request::Seek {
        fd,
        offset: 0,
        whence: Whence::Set,
    };
    assert_eq!(word(send(&mut s, &seek, ALICE)), Err(Errno::IllegalSeek));
    let write = Request::Write {
        fd,
        offset: None,
        data: b"1",
    };
    assert_eq!(
        word(send(&mut s, &write, ALICE)),
        Err(Errno::NotImplemented)
    );
    assert_eq!(word(send(&mut s, &Request::Release { fd }, ALICE)), Ok(0));
    let level = GpioIoctl::GetLevel(pin(17));
    assert_eq!(ioctl(&mut s, fd, level), Err(Errno::BadFd));
    assert_eq!(
        word(read(&mut s, fd, 8)),
        Err(Errno::BadFd),
        "even a blocking read"
    );
}

#[test]
fn an_empty_read_is_eagain_by_default_whatever_the_flags() {
    let mut s = rig();
    let fd = open(&mut s, RW, ALICE);
    assert_eq!(word(read(&mut s, fd, 8)), Err(Errno::WouldBlock));
}

#[test]
fn a_blocking_event_read_waits_then_answers_after_the_interrupt() {
    let mut s = rig();
    s.set_blocking_reads(true);
    let fd = open(&mut s, RW, ALICE);
    let arm = GpioIoctl::SetEvent(pin(17), GpioEvent::Rising);
    assert_eq!(ioctl(&mut s, fd, arm), Ok(0));
    assert_eq!(read(&mut s, fd, 64), Got::Wait);
    assert_eq!(read(&mut s, fd, 64), Got::Wait, "waiting changed nothing");
    assert!(!s.on_interrupt(), "nothing detected yet");
    s.gpio_mut().drive(pin(17), true);
    assert!(s.on_interrupt(), "a record was queued");
    assert_eq!(s.gpio().events_pending(), 0, "the status was cleared");
    let Got::Done(Ok(([8, ..], bytes))) = read(&mut s, fd, 64) else {
        panic!("the read was not answered with one record");
    };
    let got = records(&bytes);
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].pin, got[0].event), (pin(17), GpioEvent::Rising));
    assert_eq!(read(&mut s, fd, 64), Got::Wait, "the queue is empty again");
}

#[test]
fn nonblocking_and_short_reads_never_wait() {
    let mut s = rig();
    s.set_blocking_reads(true);
    let nonblocking = open(&mut s, OpenFlags::READ | OpenFlags::NONBLOCK, ALICE);
    assert_eq!(word(read(&mut s, nonblocking, 8)), Err(Errno::WouldBlock));
    let blocking = open(&mut s, OpenFlags::READ, ALICE);
    assert_eq!(word(read(&mut s, blocking, 7)), Err(Errno::Invalid));
    assert_eq!(word(read(&mut s, blocking, 0)), Err(Errno::Invalid));
}

#[test]
fn a_level_event_is_read_once_and_disarmed() {
    let mut s = rig();
    let fd = open(&mut s, RW, ALICE);
    s.gpio_mut().drive(pin(22), true);
    let arm = GpioIoctl::SetEvent(pin(22), GpioEvent::High);
    assert_eq!(ioctl(&mut s, fd, arm), Ok(0));
    assert!(s.on_interrupt());
    assert_eq!(
        s.gpio().event(pin(22)),
        GpioEvent::None,
        "disarmed in hardware"
    );
    let polled = Request::Poll {
        fd,
        events: PollEvents::READABLE,
    };
    assert_eq!(
        word(send(&mut s, &polled, ALICE)),
        Ok(u64::from(PollEvents::READABLE.bits()))
    );
    let Got::Done(Ok(([8, ..], bytes))) = read(&mut s, fd, 256) else {
        panic!("one record expected");
    };
    assert_eq!(records(&bytes)[0].event, GpioEvent::High);
    assert!(!s.on_interrupt(), "the held level raises nothing more");
}

#[test]
fn a_bad_label_is_enosys_and_bad_bytes_do_not_decode() {
    let mut s = rig();
    for label in [0, 0xFF, 0x10D, 0x1FF, 0x200, 0xFFFF] {
        let got = raw(&mut s, label, [1, 2, 3, 4], &[], ALICE);
        assert_eq!(
            got,
            Got::Done(Err(Errno::NotImplemented)),
            "label {label:#x}"
        );
    }
    let not_utf8 = raw(
        &mut s,
        Op::Open.label(),
        [RW.bits().into(), 0, 0, 0],
        &[0xFF],
        ALICE,
    );
    assert!(matches!(not_utf8, Got::Done(Err(_))), "{not_utf8:?}");
    assert_eq!(s.usage(), (0, 0), "nothing was opened");
}

#[test]
fn usage_counts_fds_and_clients_up_to_max_open() {
    let mut s = rig();
    assert_eq!(s.usage(), (0, 0));
    let a1 = open(&mut s, RW, ALICE);
    open(&mut s, RW, ALICE);
    open(&mut s, OpenFlags::READ, BOB);
    assert_eq!(s.usage(), (3, 2));
    assert_eq!(
        word(send(&mut s, &Request::Release { fd: a1 }, ALICE)),
        Ok(0)
    );
    assert_eq!(s.usage(), (2, 2));
    while s.opens().count() < MAX_OPEN {
        open(&mut s, RW, BOB);
    }
    let full = Request::Open {
        path: "",
        flags: RW,
        mode: 0,
    };
    assert_eq!(word(send(&mut s, &full, ALICE)), Err(Errno::TooManyOpen));
}

#[test]
fn disarm_all_turns_every_armed_pin_off() {
    let mut s = rig();
    let fd = open(&mut s, RW, ALICE);
    for (n, event) in [(5, GpioEvent::Both), (26, GpioEvent::Falling)] {
        assert_eq!(ioctl(&mut s, fd, GpioIoctl::SetEvent(pin(n), event)), Ok(0));
    }
    s.gpio_mut().drive(pin(5), true);
    assert_eq!(s.disarm_all(), 2);
    for n in [5, 26] {
        assert_eq!(s.gpio().event(pin(n)), GpioEvent::None);
        assert_eq!(s.server().armed(pin(n)), GpioEvent::None);
    }
    assert_eq!(s.gpio().events_pending(), 0);
    assert_eq!(s.disarm_all(), 0, "nothing left armed");
}

/// xorshift64*: the same inputs every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Small values, real fds and anything, mixed.
    fn word(&mut self, fds: &[u32]) -> u64 {
        match self.next() % 4 {
            0 => self.next() % 64,
            1 if !fds.is_empty() => u64::from(fds[(self.next() as usize) % fds.len()]),
            2 => self.next() >> (self.next() % 64),
            _ => self.next(),
        }
    }
}

#[test]
fn fuzzed_calls_never_panic_and_always_answer_validly() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for blocking in [false, true] {
        let mut s = rig();
        s.set_blocking_reads(blocking);
        let mut fds = vec![open(&mut s, RW, ALICE)];
        for round in 0..20_000 {
            let label = match rng.next() % 8 {
                0 => rng.next() as u16,
                _ => 0x100 + (rng.next() % 14) as u16,
            };
            let words = [
                rng.word(&fds),
                rng.word(&fds),
                rng.word(&fds),
                rng.word(&fds),
            ];
            let len = match rng.next() % 4 {
                0 => (rng.next() % (MAX_MSG_BYTES as u64 + 2)) as usize,
                _ => (rng.next() % 16) as usize,
            };
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let badge = [ALICE, BOB][(rng.next() % 2) as usize];
            if round % 97 == 0 {
                s.gpio_mut()
                    .drive(pin((rng.next() % 54) as u8), rng.next().is_multiple_of(2));
                s.on_interrupt();
            }
            let got = raw(&mut s, label, words, &bytes, badge);
            if got == Got::Wait {
                assert!(
                    blocking && label == Op::Read.label(),
                    "only blocking reads wait"
                );
            }
            if let (Got::Done(Ok((words, _))), Some(Op::Open)) = (&got, Op::from_label(label)) {
                fds.push(words[0] as u32);
            }
            let (open_fds, clients) = s.usage();
            assert!(clients <= open_fds && open_fds <= MAX_OPEN as u64);
        }
    }
}
