//! `ulib::file` against a fake server: redirects, chunked I/O, directory walks, path operations, handle ownership.

use super::transport::{with, Event, ROOT};
use super::*;
extern crate std;

use proto::file::Op;
use std::string::ToString;
use std::vec;
use std::vec::Vec;

const RW: OpenFlags = OpenFlags::READ.union(OpenFlags::WRITE);

/// A fake with `/f` holding `contents`, and `/dev/gpio` redirected to a driver's "" name.
fn setup(contents: &[u8]) {
    set_root(ROOT);
    with(|fake| {
        fake.files.insert("/f".to_string(), contents.to_vec());
        fake.redirects
            .insert("/dev/gpio".to_string(), String::new());
    });
}

fn calls() -> Vec<(Handle, Op)> {
    with(|fake| fake.calls())
}

#[test]
fn without_a_root_every_call_is_enodev() {
    assert_eq!(
        File::open_in(None, "/f", OpenFlags::READ, 0).unwrap_err(),
        Errno::NoDevice
    );
    assert_eq!(
        path_op(None, &Request::Unlink { path: "/f" }),
        Err(Errno::NoDevice)
    );
    assert_eq!(stat_in(None, "/f"), Err(Errno::NoDevice));
    assert!(calls().is_empty(), "nothing was sent");
}

#[test]
fn reads_and_writes_go_in_chunks_of_one_message() {
    setup(b"");
    with(|fake| fake.max_write = 1000);
    let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
    let mut f = File::open("/f", RW, 0).unwrap();
    f.write_all(&data).unwrap();
    let sizes = with(|fake| core::mem::take(&mut fake.write_sizes));
    assert_eq!(sizes.len(), 10, "short writes are resent: {sizes:?}");
    assert!(sizes.iter().all(|&n| n <= MAX_IO_BYTES));
    assert_eq!(sizes[0], MAX_IO_BYTES);
    assert_eq!(f.seek(0, Whence::Set), Ok(0));
    let mut back = Vec::new();
    assert_eq!(f.read_to_end(&mut back), Ok(10_000));
    assert_eq!(back, data);
    assert_eq!(f.read(&mut [0; 8]), Ok(0), "at the end");
    // One read moves at most one message, whatever the buffer.
    f.seek(0, Whence::Set).unwrap();
    let mut big = vec![0u8; 9000];
    assert_eq!(f.read(&mut big), Ok(MAX_IO_BYTES));
    f.seek(0, Whence::Set).unwrap();
    assert_eq!(f.read_full(&mut big), Ok(9000));
    assert_eq!(big[..], data[..9000]);
    let mut tail = [0u8; 4];
    assert_eq!(f.read_at(9998, &mut tail), Ok(2));
    assert_eq!(tail[..2], data[9998..]);
    assert_eq!(f.write_at(2, b"XY"), Ok(2));
    assert_eq!(f.read_at(0, &mut tail), Ok(4));
    assert_eq!(&tail, &[data[0], data[1], b'X', b'Y']);
    assert_eq!(f.stat().map(|s| s.size_bytes), Ok(10_000));
}

#[test]
fn a_redirect_is_followed_kept_and_closed_after_release() {
    setup(b"");
    let mut gpio = File::open("/dev/gpio", RW, 0).unwrap();
    let driver = gpio.server();
    assert_ne!(driver, ROOT);
    let mut out = [0u8; 3];
    assert_eq!(gpio.ioctl(7, 10, b"abc", &mut out), Ok(17));
    assert_eq!(&out, b"cba");
    assert_eq!(gpio.stat().map(|s| (s.major, s.minor)), Ok((254, 0)));
    drop(gpio);
    let events = with(|fake| fake.events.clone());
    let flags = RW.bits();
    assert_eq!(
        events,
        [
            Event::Call(ROOT, Op::Open, flags),
            Event::Call(driver, Op::Open, flags),
            Event::Call(driver, Op::Ioctl, 0),
            Event::Call(driver, Op::Stat, 0),
            Event::Call(driver, Op::Release, 0),
            Event::Close(driver),
        ]
    );
    assert!(with(|fake| fake.live.is_empty()));
}

#[test]
fn a_refused_redirect_closes_its_handle() {
    setup(b"");
    with(|fake| {
        fake.redirects
            .insert("/dev/busy".to_string(), "busy".to_string());
        fake.refusals.insert("busy".to_string(), Errno::Busy);
    });
    assert_eq!(File::open("/dev/busy", RW, 0).unwrap_err(), Errno::Busy);
    assert!(
        with(|fake| fake.live.is_empty()),
        "the driver handle was closed"
    );
}

#[test]
fn endless_redirects_end_in_eio_with_every_handle_closed() {
    setup(b"");
    with(|fake| {
        fake.redirects
            .insert("/dev/loop".to_string(), "again".to_string());
    });
    assert_eq!(
        File::open("/dev/loop", OpenFlags::READ, 0).unwrap_err(),
        Errno::Io
    );
    let opens = calls().iter().filter(|c| c.1 == Op::Open).count();
    assert_eq!(opens, MAX_REDIRECTS + 1);
    assert!(with(|fake| fake.live.is_empty()));
}

#[test]
fn readdir_walks_the_entries_once_and_can_start_over() {
    setup(b"");
    with(|fake| fake.entries = vec![("a", FileKind::File), ("gpiochip0", FileKind::CharDev)]);
    let mut dir = File::open("/f", OpenFlags::READ, 0).unwrap();
    let first = dir.readdir().unwrap().unwrap();
    assert_eq!(
        (first.name.as_str(), first.kind, first.ino),
        ("a", FileKind::File, 1)
    );
    let second = dir.readdir().unwrap().unwrap();
    assert_eq!(
        (second.name.as_str(), second.kind),
        ("gpiochip0", FileKind::CharDev)
    );
    assert_eq!(dir.readdir(), Ok(None));
    assert_eq!(dir.readdir(), Ok(None), "the end stays the end");
    dir.rewind_dir();
    assert_eq!(dir.readdir().unwrap().unwrap().name, "a");
}

#[test]
fn stat_by_path_opens_the_name_itself_and_releases_it() {
    setup(b"12345");
    assert_eq!(stat("/f").map(|s| s.size_bytes), Ok(5));
    let dev = stat("/dev/gpio").unwrap();
    assert_eq!(
        (dev.kind, dev.major, dev.minor),
        (FileKind::CharDev, 254, 0)
    );
    assert_eq!(stat("/nothing"), Err(Errno::NoEntry));
    let path_flags = (OpenFlags::READ | OpenFlags::PATH).bits();
    let events = with(|fake| fake.events.clone());
    assert_eq!(
        events[3..6],
        [
            Event::Call(ROOT, Op::Open, path_flags),
            Event::Call(ROOT, Op::Stat, 0),
            Event::Call(ROOT, Op::Release, 0),
        ],
        "no redirect under PATH"
    );
    assert!(with(|fake| fake.live.is_empty()));
}

#[test]
fn path_operations_report_the_servers_answer() {
    setup(b"x");
    assert_eq!(mkdir("/d", 0o755), Ok(()));
    assert_eq!(rename("/f", "/g"), Ok(()));
    assert_eq!(unlink("/f"), Err(Errno::NoEntry));
    assert_eq!(unlink("/g"), Ok(()));
    assert_eq!(rmdir("/d"), Ok(()));
    assert_eq!(
        calls(),
        [
            (ROOT, Op::Mkdir),
            (ROOT, Op::Rename),
            (ROOT, Op::Unlink),
            (ROOT, Op::Unlink),
            (ROOT, Op::Rmdir),
        ]
    );
}

#[test]
fn poll_wait_polls_until_ready_or_the_deadline() {
    setup(b"");
    with(|fake| fake.readable_at_ns = 5_500_000);
    let f = File::open("/f", OpenFlags::READ, 0).unwrap();
    let early = f.poll_wait(PollEvents::READABLE, 2_000_000);
    assert_eq!(early, Ok(PollEvents::NONE));
    assert_eq!(
        with(|fake| fake.clock_ns),
        2_000_000,
        "it waited out the deadline"
    );
    let ready = f.poll_wait(PollEvents::READABLE, 10_000_000);
    assert_eq!(ready, Ok(PollEvents::READABLE));
    assert_eq!(with(|fake| fake.clock_ns), 6_000_000, "1 ms between tries");
    let polls = calls().iter().filter(|c| c.1 == Op::Poll).count();
    assert_eq!(polls, 3 + 5);
}

#[test]
fn close_reports_the_release_and_drop_does_not_repeat_it() {
    setup(b"");
    let f = File::open("/f", OpenFlags::READ, 0).unwrap();
    assert_ne!(f.fd(), 0);
    assert_eq!(f.close(), Ok(()));
    let releases = calls().iter().filter(|c| c.1 == Op::Release).count();
    assert_eq!(releases, 1);
    // A file whose fd the server no longer knows: the error comes back.
    let mut g = File::open("/f", OpenFlags::READ, 0).unwrap();
    g.fd += 1000;
    assert_eq!(g.close(), Err(Errno::BadFd));
}
