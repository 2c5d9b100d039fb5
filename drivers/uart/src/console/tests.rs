//! Host tests of the console's request handling: each file operation against a fake UART, waiting reads, modes, fuzzing.

extern crate std;

use super::fake::FakeUart;
use super::*;
use proto::file::Op;
use proto::ioctl::{TtyMode, TTY_GET_MODE, TTY_SET_BAUD, TTY_SET_MODE};
use std::vec::Vec;

/// Client badges.
const ALICE: u64 = 7;
const BOB: u64 = 9;

/// A console and the buffer replies are encoded into.
struct Rig<'u> {
    console: Console<'u>,
    out: [u8; MAX_MSG_BYTES],
}

/// What one call came to: a reply as the client decodes it, or Wait.
#[derive(Debug, PartialEq, Eq)]
enum Got {
    Reply(Result<ReplyOwned, Errno>),
    Wait,
}

/// A decoded reply, owning its bytes.
#[derive(Debug, PartialEq, Eq)]
enum ReplyOwned {
    Opened(u32),
    Read(Vec<u8>),
    Written(u32),
    Ioctl(u64),
    Polled(PollEvents),
    Released,
    Stat(Stat),
    Other,
}

impl<'u> Rig<'u> {
    fn new(uart: &'u FakeUart) -> Self {
        Rig {
            console: Console::new(uart, 64),
            out: [0; MAX_MSG_BYTES],
        }
    }

    fn send(&mut self, badge: u64, request: &Request) -> Got {
        let mut bytes = [0u8; MAX_MSG_BYTES];
        let e = request.encode(&mut bytes).unwrap();
        let call = Call {
            label: e.label,
            words: e.words,
            bytes: &bytes[..usize::from(e.len_bytes)],
            badge,
        };
        match self.console.call::<()>(&call, &mut self.out) {
            Answer::Wait => Got::Wait,
            Answer::Reply(e, handle) => {
                assert!(handle.is_none(), "no handle ever moves");
                let bytes = &self.out[..usize::from(e.len_bytes)];
                let reply = Reply::decode(request.op(), e.label, e.words, bytes).unwrap();
                Got::Reply(reply.into_result().map(|r| match r {
                    Reply::Opened { fd } => ReplyOwned::Opened(fd),
                    Reply::Read { data } => ReplyOwned::Read(data.to_vec()),
                    Reply::Written { len_bytes } => ReplyOwned::Written(len_bytes),
                    Reply::Ioctl { value, .. } => ReplyOwned::Ioctl(value),
                    Reply::Polled { revents } => ReplyOwned::Polled(revents),
                    Reply::Released => ReplyOwned::Released,
                    Reply::Stat(stat) => ReplyOwned::Stat(stat),
                    _ => ReplyOwned::Other,
                }))
            }
        }
    }

    fn open(&mut self, badge: u64, flags: OpenFlags) -> u32 {
        let open = Request::Open {
            path: "",
            flags,
            mode: 0,
        };
        match self.send(badge, &open) {
            Got::Reply(Ok(ReplyOwned::Opened(fd))) => fd,
            other => panic!("open: {other:?}"),
        }
    }

    fn read(&mut self, badge: u64, fd: u32, len_bytes: u32) -> Got {
        let read = Request::Read {
            fd,
            len_bytes,
            offset: None,
        };
        self.send(badge, &read)
    }

    fn ioctl(&mut self, fd: u32, cmd: u32, arg: u64) -> Got {
        let ioctl = Request::Ioctl {
            fd,
            cmd,
            arg,
            data: &[],
        };
        self.send(ALICE, &ioctl)
    }

    fn poll(&mut self, fd: u32, events: PollEvents) -> Got {
        self.send(ALICE, &Request::Poll { fd, events })
    }
}

fn read_ok(bytes: &[u8]) -> Got {
    Got::Reply(Ok(ReplyOwned::Read(bytes.to_vec())))
}

fn error(errno: Errno) -> Got {
    Got::Reply(Err(errno))
}

#[test]
fn a_write_goes_out_with_crlf() {
    let uart = FakeUart::default();
    let mut rig = Rig::new(&uart);
    let fd = rig.open(ALICE, OpenFlags::WRITE);
    let write = Request::Write {
        fd,
        offset: None,
        data: b"hi\nthere",
    };
    assert_eq!(
        rig.send(ALICE, &write),
        Got::Reply(Ok(ReplyOwned::Written(8)))
    );
    assert_eq!(uart.take_tx(), b"hi\r\nthere");
    // Bob does not hold Alice's fd.
    assert_eq!(rig.send(BOB, &write), error(Errno::BadFd));
    assert!(uart.take_tx().is_empty());
}

#[test]
fn a_blocking_read_waits_then_gets_the_line_an_interrupt_completes() {
    let uart = FakeUart::default();
    let mut rig = Rig::new(&uart);
    let fd = rig.open(ALICE, OpenFlags::READ);
    assert_eq!(rig.read(ALICE, fd, 64), Got::Wait);
    // Half a line, with an edit: still nothing to read, and the echo went out.
    uart.receive(b"lx\x7fs");
    assert!(!rig.console.on_interrupt());
    assert_eq!(uart.take_tx(), b"lx\x08 \x08s");
    assert_eq!(rig.read(ALICE, fd, 64), Got::Wait);
    uart.receive(b"\r");
    assert!(rig.console.on_interrupt());
    // The echoed `\r\n` goes out as any written `\n` does: with a CR before it.
    assert_eq!(uart.take_tx(), b"\r\r\n");
    assert_eq!(rig.read(ALICE, fd, 64), read_ok(b"ls\n"));
    assert!(!rig.console.readable());
    assert_eq!(rig.read(ALICE, fd, 64), Got::Wait);
    assert!(*uart.acks.borrow() >= 2, "each interrupt is acknowledged");
}

#[test]
fn waiting_changes_nothing_and_lines_go_in_order() {
    let uart = FakeUart::default();
    let mut rig = Rig::new(&uart);
    let a = rig.open(ALICE, OpenFlags::READ);
    let b = rig.open(BOB, OpenFlags::READ);
    for _ in 0..3 {
        assert_eq!(rig.read(ALICE, a, 64), Got::Wait);
        assert_eq!(rig.read(BOB, b, 64), Got::Wait);
    }
    assert_eq!(rig.console.usage(), (2, 2));
    rig.open(ALICE, OpenFlags::WRITE);
    assert_eq!(rig.console.usage(), (3, 2), "fds, and distinct clients");
    uart.receive(b"one\rtwo\r");
    assert!(rig.console.on_interrupt());
    // Retried oldest first, as the transport does: each gets one line.
    assert_eq!(rig.read(ALICE, a, 64), read_ok(b"one\n"));
    assert_eq!(rig.read(BOB, b, 64), read_ok(b"two\n"));
    assert_eq!(rig.read(ALICE, a, 64), Got::Wait);
}

#[test]
fn a_short_read_takes_the_line_in_pieces() {
    let uart = FakeUart::default();
    let mut rig = Rig::new(&uart);
    let fd = rig.open(ALICE, OpenFlags::READ);
    uart.receive(b"hello\r");
    assert!(rig.console.on_interrupt());
    assert_eq!(rig.read(ALICE, fd, 2), read_ok(b"he"));
    assert_eq!(rig.read(ALICE, fd, 4096), read_ok(b"llo\n"));
    assert_eq!(rig.read(ALICE, fd, 0), Got::Wait);
}

#[test]
fn ctrl_c_discards_the_line_being_typed() {
    let uart = FakeUart::default();
    let mut rig = Rig::new(&uart);
    let fd = rig.open(ALICE, OpenFlags::READ);
    uart.receive(b"rm -rf\x03");
    assert!(!rig.console.on_interrupt());
    assert_eq!(uart.take_tx(), b"rm -rf^C\r\r\n");
    assert_eq!(rig.read(ALICE, fd, 64), Got::Wait);
    uart.receive(b"ls\n");
    assert!(rig.console.on_interrupt());
    assert_eq!(rig.read(ALICE, fd, 64), read_ok(b"ls\n"));
}

#[test]
fn a_non_blocking_read_with_nothing_is_eagain() {
    let uart = FakeUart::default();
    let mut rig = Rig::new(&uart);
    let fd = rig.open(ALICE, OpenFlags::READ | OpenFlags::NONBLOCK);
    assert_eq!(rig.read(ALICE, fd, 64), error(Errno::WouldBlock));
    uart.receive(b"x\r");
    rig.console.on_interrupt();
    assert_eq!(rig.read(ALICE, fd, 64), read_ok(b"x\n"));
    assert_eq!(rig.read(ALICE, fd, 64), error(Errno::WouldBlock));
}

#[test]
fn raw_mode_without_echo_through_ioctl() {
    let uart = FakeUart::default();
    let mut rig = Rig::new(&uart);
    let fd = rig.open(ALICE, OpenFlags::READ | OpenFlags::WRITE);
    let line_echo = TtyMode::default().bits();
    assert_eq!(
        rig.ioctl(fd, TTY_GET_MODE, 0),
        Got::Reply(Ok(ReplyOwned::Ioctl(line_echo)))
    );
    uart.receive(b"ab");
    rig.console.on_interrupt();
    assert_eq!(uart.take_tx(), b"ab");
    let raw = TtyMode {
        raw: true,
        echo: false,
    };
    assert_eq!(
        rig.ioctl(fd, TTY_SET_MODE, raw.bits()),
        Got::Reply(Ok(ReplyOwned::Ioctl(0)))
    );
    assert_eq!(rig.console.line().mode(), raw);
    // Leaving line mode made the half line readable.
    assert_eq!(rig.read(ALICE, fd, 64), read_ok(b"ab"));
    uart.receive(b"\x03q");
    assert!(rig.console.on_interrupt());
    assert!(uart.take_tx().is_empty(), "no echo");
    assert_eq!(rig.read(ALICE, fd, 64), read_ok(b"\x03q"));
    assert_eq!(
        rig.ioctl(fd, TTY_GET_MODE, 0),
        Got::Reply(Ok(ReplyOwned::Ioctl(raw.bits())))
    );
}

#[test]
fn bad_ioctls_are_refused() {
    let uart = FakeUart::default();
    let mut rig = Rig::new(&uart);
    let fd = rig.open(ALICE, OpenFlags::READ | OpenFlags::WRITE);
    assert_eq!(
        rig.ioctl(fd, TTY_SET_BAUD, 9600),
        error(Errno::NotImplemented)
    );
    assert_eq!(rig.ioctl(fd, TTY_SET_MODE, 4), error(Errno::Invalid));
    assert_eq!(rig.ioctl(fd, 0x4701, 0), error(Errno::NotTty));
    assert_eq!(rig.ioctl(fd + 1, TTY_GET_MODE, 0), error(Errno::BadFd));
    assert_eq!(rig.console.line().mode(), TtyMode::default());
}

#[test]
fn poll_says_writable_and_readable_once_a_line_is_in() {
    let uart = FakeUart::default();
    let mut rig = Rig::new(&uart);
    let fd = rig.open(ALICE, OpenFlags::READ | OpenFlags::WRITE);
    let both = PollEvents::READABLE | PollEvents::WRITABLE;
    let polled = |e| Got::Reply(Ok(ReplyOwned::Polled(e)));
    assert_eq!(rig.poll(fd, both), polled(PollEvents::WRITABLE));
    assert_eq!(rig.poll(fd, PollEvents::READABLE), polled(PollEvents::NONE));
    uart.receive(b"y\r");
    rig.console.on_interrupt();
    assert_eq!(rig.poll(fd, both), polled(both));
    assert_eq!(
        rig.poll(fd, PollEvents::READABLE),
        polled(PollEvents::READABLE)
    );
    assert_eq!(rig.poll(fd + 1, both), error(Errno::BadFd));
}

#[test]
fn stat_seek_release_and_directory_operations() {
    let uart = FakeUart::default();
    let mut rig = Rig::new(&uart);
    let fd = rig.open(ALICE, OpenFlags::READ | OpenFlags::WRITE);
    match rig.send(ALICE, &Request::Stat { fd }) {
        Got::Reply(Ok(ReplyOwned::Stat(stat))) => {
            assert_eq!(stat.kind, FileKind::CharDev);
            assert_eq!((stat.major, stat.minor, stat.mode), (4, 64, 0o620));
        }
        other => panic!("stat: {other:?}"),
    }
    let seek = Request::Seek {
        fd,
        offset: 0,
        whence: proto::file::Whence::Set,
    };
    assert_eq!(rig.send(ALICE, &seek), error(Errno::IllegalSeek));
    assert_eq!(
        rig.send(ALICE, &Request::Mkdir { path: "d", mode: 0 }),
        error(Errno::NotImplemented)
    );
    assert_eq!(rig.console.usage(), (1, 1));
    assert_eq!(
        rig.send(ALICE, &Request::Release { fd }),
        Got::Reply(Ok(ReplyOwned::Released))
    );
    assert_eq!(rig.console.usage(), (0, 0));
    assert_eq!(rig.read(ALICE, fd, 8), error(Errno::BadFd));
    assert_eq!(
        rig.send(ALICE, &Request::Release { fd }),
        error(Errno::BadFd)
    );
}

#[test]
fn bad_labels_are_enosys_and_bad_requests_their_errno() {
    let uart = FakeUart::default();
    let mut rig = Rig::new(&uart);
    let mut out = [0u8; MAX_MSG_BYTES];
    let mut answer = |label: u16, words: [u64; 4], bytes: &[u8]| {
        let call = Call {
            label,
            words,
            bytes,
            badge: ALICE,
        };
        match rig.console.call::<()>(&call, &mut out) {
            Answer::Reply(e, None) => (e.label, e.word_count, e.len_bytes),
            other => panic!("{label:#x}: {other:?}"),
        }
    };
    let nosys = Errno::NotImplemented.code();
    assert_eq!(answer(0, [0; 4], b""), (nosys, 0, 0));
    assert_eq!(answer(0xFFFF, [1; 4], b"x"), (nosys, 0, 0));
    // A read carries no bytes; fd 0 is never an fd.
    let read = Op::Read.label();
    assert_eq!(answer(read, [1, 8, 0, 0], b"x").0, Errno::Invalid.code());
    assert_eq!(answer(read, [0, 8, 0, 0], b"").0, Errno::BadFd.code());
}

#[test]
fn quiesce_masks_the_interrupts() {
    let uart = FakeUart::default();
    let console = Console::new(&uart, 65);
    console.enable_rx_interrupts();
    assert!(*uart.rx_enabled.borrow());
    assert!(console.quiesce(10));
    assert!(!*uart.rx_enabled.borrow());
}
