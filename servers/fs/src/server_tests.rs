//! Tests of `FsServer::call` through a fake host: files, directories, fds per client, `/dev` redirects and listings, bad labels.

use crate::devfs::device_ino;
use crate::server_test_rig::{Rig, ALICE, BOB, DIR, R, RW};
use alloc::string::String;
use alloc::vec::Vec;
use proto::file::{FileKind, Op, OpenFlags, PollEvents, Reply, Request, Whence};
use proto::Errno;

#[test]
fn a_file_is_made_written_read_stated_and_released() {
    let mut rig = Rig::new();
    assert_eq!(
        rig.send(
            ALICE,
            &Request::Mkdir {
                path: "/d",
                mode: 0o755
            }
        ),
        Reply::Done
    );
    rig.host.now_ns = 5_000;
    let fd = rig.open(ALICE, "/d/f", RW | OpenFlags::CREATE).unwrap();
    let data = b"hello world";
    let written = rig.send(
        ALICE,
        &Request::Write {
            fd,
            offset: None,
            data,
        },
    );
    assert_eq!(written, Reply::Written { len_bytes: 11 });
    let back = Request::Seek {
        fd,
        offset: 0,
        whence: Whence::Set,
    };
    assert_eq!(rig.send(ALICE, &back), Reply::Seeked { offset: 0 });
    assert_eq!(rig.read(fd, 5, None).unwrap(), b"hello");
    assert_eq!(rig.read(fd, 100, None).unwrap(), b" world");
    assert_eq!(rig.read(fd, 100, None).unwrap(), b"");
    assert_eq!(rig.read(fd, 3, Some(6)).unwrap(), b"wor");
    rig.host.now_ns = 9_000;
    rig.send(
        ALICE,
        &Request::Write {
            fd,
            offset: Some(0),
            data: b"J",
        },
    );
    let Reply::Stat(st) = rig.send(ALICE, &Request::Stat { fd }) else {
        panic!("stat")
    };
    // Each request set the clock first: made at 5 us, changed at 9 us.
    assert_eq!(
        (st.kind, st.size_bytes, st.mode),
        (FileKind::File, 11, 0o644)
    );
    assert_eq!((st.ctime_ns, st.mtime_ns), (9_000, 9_000));
    assert_eq!(rig.read(fd, 5, Some(0)).unwrap(), b"Jello");
    let polled = rig.send(
        ALICE,
        &Request::Poll {
            fd,
            events: PollEvents::READABLE,
        },
    );
    assert_eq!(
        polled,
        Reply::Polled {
            revents: PollEvents::READABLE
        }
    );
    assert_eq!(rig.server.opens().count(), 1);
    assert_eq!(rig.send(ALICE, &Request::Release { fd }), Reply::Released);
    assert_eq!(rig.server.opens().count(), 0);
    assert_eq!(
        rig.send(ALICE, &Request::Stat { fd }),
        Reply::Error(Errno::BadFd)
    );
    assert_eq!(rig.server.fs().usage().bytes, 11);
}

#[test]
fn fds_belong_to_their_client_and_their_flags() {
    let mut rig = Rig::new();
    let fd = rig.open(ALICE, "/f", R | OpenFlags::CREATE).unwrap();
    assert_eq!(
        rig.send(BOB, &Request::Stat { fd }),
        Reply::Error(Errno::BadFd)
    );
    let write = Request::Write {
        fd,
        offset: None,
        data: b"x",
    };
    assert_eq!(rig.send(ALICE, &write), Reply::Error(Errno::BadFd));
    let ioctl = Request::Ioctl {
        fd,
        cmd: 1,
        arg: 0,
        data: &[],
    };
    assert_eq!(rig.send(ALICE, &ioctl), Reply::Error(Errno::NotTty));
    let append = rig.open(BOB, "/f", RW | OpenFlags::APPEND).unwrap();
    rig.send(
        BOB,
        &Request::Write {
            fd: append,
            offset: None,
            data: b"ab",
        },
    );
    rig.send(
        BOB,
        &Request::Write {
            fd: append,
            offset: None,
            data: b"cd",
        },
    );
    assert_eq!(rig.read(fd, 10, None).unwrap(), b"abcd");
    assert_eq!(rig.open(ALICE, "/nope", R), Err(Errno::NoEntry));
}

#[test]
fn readdir_lists_a_directory_in_order() {
    let mut rig = Rig::new();
    rig.send(
        ALICE,
        &Request::Mkdir {
            path: "/b",
            mode: 0o755,
        },
    );
    let f = rig.open(ALICE, "/a", R | OpenFlags::CREATE).unwrap();
    rig.send(ALICE, &Request::Release { fd: f });
    let root = rig.open(ALICE, "/", DIR).unwrap();
    let names: Vec<(String, FileKind)> = rig
        .list(root)
        .unwrap()
        .into_iter()
        .map(|(n, k, _)| (n, k))
        .collect();
    let expect = [
        ("a", FileKind::File),
        ("b", FileKind::Dir),
        ("dev", FileKind::Dir),
    ];
    assert_eq!(names, expect.map(|(n, k)| (String::from(n), k)));
    let past = Request::Readdir {
        fd: root,
        index: u64::MAX,
    };
    assert_eq!(rig.send(ALICE, &past), Reply::End);
}

#[test]
fn opening_a_device_redirects_with_the_hosts_handle() {
    let mut rig = Rig::new();
    let open = Request::Open {
        path: "/dev/ttyS0",
        flags: RW,
        mode: 0,
    };
    assert_eq!(rig.send(ALICE, &open), Reply::Redirect { path: "" });
    assert_eq!(rig.moved, Some(100));
    assert_eq!(
        rig.server.opens().count(),
        0,
        "a redirect opens nothing here"
    );
    assert_eq!(rig.open(ALICE, "/dev/nope", R), Err(Errno::NoEntry));
    assert_eq!(
        rig.open(ALICE, "/dev/nope", R | OpenFlags::CREATE),
        Err(Errno::ReadOnly)
    );
    // Longer than the registry's names (the host says EINVAL or ENAMETOOLONG): no such device.
    let long = alloc::format!("/dev/{}", "n".repeat(100));
    assert_eq!(rig.open(ALICE, &long, R), Err(Errno::NoEntry));
    assert_eq!(
        rig.open(ALICE, &long, R | OpenFlags::CREATE),
        Err(Errno::ReadOnly)
    );
    // Found, but a directory was asked for: the handle goes back to the host.
    assert_eq!(rig.open(ALICE, "/dev/ttyS0/", R), Err(Errno::NotDir));
    assert_eq!(rig.open(ALICE, "/dev/ttyS0", DIR), Err(Errno::NotDir));
    assert_eq!(
        (rig.host.given.len(), &rig.host.closed[..]),
        (3, &[101, 102][..])
    );
    assert_eq!(rig.moved, None);
    rig.host.lookup_error = Some(Errno::Io);
    assert_eq!(rig.open(ALICE, "/dev/ttyS0", R), Err(Errno::Io));
}

#[test]
fn a_device_opened_with_path_stats_as_its_node() {
    let mut rig = Rig::new();
    let fd = rig
        .open(ALICE, "/dev/gpiochip0", R | OpenFlags::PATH)
        .unwrap();
    assert!(rig.host.given.is_empty(), "no endpoint asked for");
    let Reply::Stat(st) = rig.send(ALICE, &Request::Stat { fd }) else {
        panic!("stat")
    };
    assert_eq!((st.kind, st.major, st.minor), (FileKind::CharDev, 254, 0));
    assert_eq!(rig.read(fd, 1, None), Err(Errno::BadFd));
    assert_eq!(rig.send(ALICE, &Request::Release { fd }), Reply::Released);
    assert_eq!(
        rig.open(ALICE, "/dev/nope", R | OpenFlags::PATH),
        Err(Errno::NoEntry)
    );
    rig.host.list_error = Some(Errno::NoDevice);
    assert_eq!(
        rig.open(ALICE, "/dev/gpiochip0", R | OpenFlags::PATH),
        Err(Errno::NoDevice)
    );
}

#[test]
fn readdir_of_dev_lists_the_registry() {
    let mut rig = Rig::new();
    let dev = rig.open(ALICE, "/dev", DIR).unwrap();
    let expect = [
        ("gpiochip0".into(), FileKind::CharDev, device_ino(254, 0)),
        ("ttyS0".into(), FileKind::CharDev, device_ino(4, 64)),
    ];
    assert_eq!(rig.list(dev).unwrap(), expect);
    rig.host.devices.clear();
    assert_eq!(rig.list(dev).unwrap(), []);
    rig.host.list_error = Some(Errno::Io);
    assert_eq!(rig.list(dev), Err(Errno::Io));
    let mkdir = Request::Mkdir {
        path: "/dev/x",
        mode: 0o755,
    };
    assert_eq!(rig.send(ALICE, &mkdir), Reply::Error(Errno::ReadOnly));
}

#[test]
fn an_unknown_label_is_enosys_and_a_short_request_an_error() {
    let mut rig = Rig::new();
    for label in [0, 0x1F0, 0x1FF, 0x200, 0xFFFF] {
        let enc = rig.raw(ALICE, label, [1, 2, 3, 4], b"junk");
        assert_eq!(
            (enc.label, enc.len_bytes),
            (Errno::NotImplemented.code(), 0),
            "{label:#x}"
        );
    }
    // An Open whose path is not UTF-8: refused, nothing opened.
    let enc = rig.raw(
        ALICE,
        Op::Open.label(),
        [R.bits() as u64, 0, 0, 0],
        &[0xFF, 0xFE],
    );
    assert!(
        enc.label != 0 && enc.label < 0x100,
        "an errno: {:#x}",
        enc.label
    );
    assert_eq!(rig.server.opens().count(), 0);
}

#[test]
fn a_direct_read_lends_the_files_bytes_and_copies_nothing() {
    let mut rig = Rig::new();
    let fd = rig.open(ALICE, "/f", RW | OpenFlags::CREATE).unwrap();
    let data = b"straight from the tree";
    let write = Request::Write {
        fd,
        offset: None,
        data,
    };
    assert_eq!(rig.send(ALICE, &write), Reply::Written { len_bytes: 22 });
    let mut bytes = [0u8; 64];
    let read = Request::Read {
        fd,
        len_bytes: 6,
        offset: Some(9),
    };
    let e = read.encode(&mut bytes).unwrap();
    let call = proto::serve::Call {
        label: e.label,
        words: e.words,
        bytes: &[],
        badge: ALICE,
    };
    rig.out.fill(0xEE);
    let (answer, direct) = rig.server.call_direct(&mut rig.host, &call, &mut *rig.out);
    assert_eq!(direct, Some(&b"from t"[..]), "the bytes, in the tree");
    let proto::serve::Answer::Reply(head, None) = answer else {
        panic!("a read answers at once");
    };
    assert_eq!((head.label, head.words[0], head.len_bytes), (0, 6, 6));
    assert!(
        rig.out.iter().all(|&b| b == 0xEE),
        "nothing copied into the buffer"
    );
    // Anything but a read is answered as `call` answers it, into the buffer.
    let stat = Request::Stat { fd };
    let e = stat.encode(&mut bytes).unwrap();
    let call = proto::serve::Call {
        label: e.label,
        words: e.words,
        bytes: &[],
        badge: ALICE,
    };
    let (answer, direct) = rig.server.call_direct(&mut rig.host, &call, &mut *rig.out);
    assert!(direct.is_none());
    assert!(
        matches!(answer, proto::serve::Answer::Reply(h, None) if h.label == 0 && h.len_bytes > 0)
    );
}
