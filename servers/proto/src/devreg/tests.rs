//! Device-registry tests: names, messages, list entries, the registry's rules and its text.

extern crate alloc;

use super::*;
use alloc::string::ToString;
use alloc::vec::Vec;

pub(super) fn name(s: &str) -> DevName {
    DevName::new(s).unwrap()
}

pub(super) fn dev(n: &str, kind: DevKind, major: u32, minor: u32, owner: u64) -> Device {
    Device {
        name: name(n),
        kind,
        major,
        minor,
        owner,
    }
}

pub(super) fn page() -> [u8; abi::MAX_MSG_BYTES] {
    [0; abi::MAX_MSG_BYTES]
}

#[test]
fn names_are_short_letters_and_digits() {
    assert_eq!(name("gpiochip0").as_str(), "gpiochip0");
    assert_eq!(name("abcdefghijklmnop").as_str().len(), 16);
    assert_eq!(DevName::new("abcdefghijklmnopq"), Err(Errno::NameTooLong));
    // Linux's names (ttyS0) are letters and digits; nothing else.
    for bad in ["", "a-b", "a b", "é", "tty/0"] {
        assert_eq!(DevName::new(bad), Err(Errno::Invalid), "{bad:?}");
    }
    for n in ["a", "ttyS0", "serial0", "abcdefghijklmnop"] {
        let [w0, w1] = name(n).to_words();
        assert_eq!(DevName::from_words(w0, w1), Ok(name(n)));
    }
    assert_eq!(name("ab").to_words(), [0x6261, 0]);
    // A hole inside the name, a bad byte, or nothing at all.
    assert_eq!(
        DevName::from_words(0x61_00_61, 0),
        Err(DecodeError::BadName)
    );
    assert_eq!(DevName::from_words(0x2d, 0), Err(DecodeError::BadName)); // "-"
    assert_eq!(DevName::from_words(0, 0x61), Err(DecodeError::BadName));
    assert_eq!(DevName::from_words(0, 0), Err(DecodeError::BadName));
}

#[test]
fn device_words_follow_the_table() {
    let d = dev("serial0", DevKind::Block, 4, 64, 7);
    let words = d.to_words().unwrap();
    assert_eq!(words[2], 1 << 32 | 4 << 20 | 64);
    assert_eq!(words[3], 7);
    assert_eq!(Device::from_words(words), Ok(d));
    let mut w = words;
    w[2] |= 2 << 32;
    assert_eq!(Device::from_words(w), Err(DecodeError::BadWord(2)));
    let too_big = Device {
        major: MAX_MAJOR + 1,
        ..d
    };
    assert_eq!(too_big.to_words(), Err(Errno::Invalid));
}

#[test]
fn every_request_round_trips() {
    let requests = [
        Request::Register {
            name: name("serial0"),
            kind: DevKind::Char,
            major: 4,
            minor: 64,
        },
        Request::Register {
            name: name("abcdefghijklmnop"),
            kind: DevKind::Block,
            major: 0,
            minor: MAX_MINOR,
        },
        Request::Unregister {
            name: name("gpiochip0"),
        },
        Request::Lookup { name: name("x") },
        Request::List { start: u32::MAX },
        Request::RemoveOwner { owner: 1 << 40 },
    ];
    for req in requests {
        let enc = req.encode(&mut []).unwrap();
        assert_eq!(enc.label, req.op().label());
        assert_eq!(enc.len_bytes, 0, "registry requests travel in registers");
        assert_eq!(Request::decode(enc.label, enc.words, &[]), Ok(req));
    }
    assert_eq!(
        Request::decode(0x205, [0; 4], &[]).unwrap_err().errno(),
        Errno::NotImplemented
    );
    assert_eq!(
        Request::decode(0x202, [0x61, 0, 0, 0], b"x"),
        Err(DecodeError::BadBytes)
    );
    let bad = Request::Register {
        name: name("a"),
        kind: DevKind::Char,
        major: 1,
        minor: MAX_MINOR + 1,
    };
    assert_eq!(bad.encode(&mut []), Err(Errno::Invalid));
}

#[test]
fn every_reply_round_trips() {
    let devices = [
        dev("serial0", DevKind::Char, 4, 64, 3),
        dev("gpiochip0", DevKind::Char, 254, 0, 5),
    ];
    let mut scratch = page();
    let entries = ListEntries::pack(&devices, &mut scratch).unwrap();
    let replies = [
        (
            Op::Register,
            Reply::Registered {
                major: 254,
                minor: 1,
            },
        ),
        (Op::Unregister, Reply::Unregistered),
        (Op::Lookup, Reply::Found(devices[1])),
        (Op::List, Reply::Listed { total: 9, entries }),
        (
            Op::List,
            Reply::Listed {
                total: 0,
                entries: ListEntries::default(),
            },
        ),
        (
            Op::Register,
            Reply::Busy(Conflict {
                existing: devices[0],
            }),
        ),
        (Op::Register, Reply::Error(Errno::NoSpace)),
        (Op::Lookup, Reply::Error(Errno::NoEntry)),
        (Op::Unregister, Reply::Error(Errno::NotPermitted)),
    ];
    for (op, reply) in replies {
        let mut buf = page();
        let enc = reply.encode(&mut buf).unwrap();
        let bytes = &buf[..usize::from(enc.len_bytes)];
        assert_eq!(Reply::decode(op, enc.label, enc.words, bytes), Ok(reply));
    }
    let busy = Reply::Busy(Conflict {
        existing: devices[0],
    });
    assert_eq!(busy.encode(&mut []).unwrap().label, 16);
    assert_eq!(busy.into_result(), Err(Errno::Busy));
    // EBUSY without a device in the words, or to another op, is a plain error.
    assert_eq!(
        Reply::decode(Op::Register, 16, [0; 4], &[]),
        Ok(Reply::Error(Errno::Busy))
    );
    let words = devices[0].to_words().unwrap();
    assert_eq!(
        Reply::decode(Op::Lookup, 16, words, &[]),
        Ok(Reply::Error(Errno::Busy))
    );
}

#[test]
fn list_entries_are_packed_and_checked() {
    let many: Vec<Device> = (0..200)
        .map(|i| dev("d", DevKind::Char, 10, i, u64::from(i)))
        .collect();
    let mut buf = page();
    let entries = ListEntries::pack(&many, &mut buf).unwrap();
    assert_eq!(entries.len(), MAX_LIST_ENTRIES);
    assert_eq!(entries.as_bytes().len(), abi::MAX_MSG_BYTES);
    assert!(entries.iter().eq(many[..MAX_LIST_ENTRIES].iter().copied()));
    let mut small = [0u8; 70];
    assert_eq!(ListEntries::pack(&many, &mut small).unwrap().len(), 2);

    let bytes = entries.as_bytes();
    assert_eq!(ListEntries::new(&bytes[..31]), Err(DecodeError::BadBytes));
    let mut bad = [0u8; 64];
    bad[..32].copy_from_slice(&bytes[..32]);
    assert_eq!(ListEntries::new(&bad), Err(DecodeError::BadName));
    // The count word must match the bytes.
    assert_eq!(
        Reply::decode(Op::List, 0, [3, 3, 0, 0], &bytes[..64]),
        Err(DecodeError::BadBytes)
    );
    assert_eq!(
        Reply::decode(Op::List, 0, [129, 200, 0, 0], &[]),
        Err(DecodeError::BadWord(0))
    );
    let mut tiny = [0u8; 10];
    let one = ListEntries::pack(&many[..1], &mut page())
        .unwrap()
        .as_bytes()
        .to_vec();
    let reply = Reply::Listed {
        total: 1,
        entries: ListEntries::new(&one).unwrap(),
    };
    assert_eq!(reply.encode(&mut tiny), Err(Errno::TooBig));
}

#[test]
fn registry_refuses_taken_names_and_numbers() {
    let mut r = Registry::new();
    let serial = dev("serial0", DevKind::Char, 4, 64, 3);
    assert_eq!(r.register(serial, 100u32), Ok(serial));
    let same_name = dev("serial0", DevKind::Char, 5, 0, 8);
    assert_eq!(
        r.register(same_name, 101),
        Err(RegisterError::Busy(Conflict { existing: serial }))
    );
    let same_number = dev("uart", DevKind::Char, 4, 64, 8);
    let err = r.register(same_number, 102).unwrap_err();
    assert_eq!(err, RegisterError::Busy(Conflict { existing: serial }));
    assert_eq!(err.errno(), Errno::Busy);
    assert_eq!(err.reply(), Reply::Busy(Conflict { existing: serial }));
    assert_eq!(
        Conflict { existing: serial }.to_string(),
        "serial0 (major 4, minor 64) is registered by task 3"
    );
    // Another minor of the same major, or the same numbers as a block device, are free.
    assert!(r
        .register(dev("serial1", DevKind::Char, 4, 65, 8), 103)
        .is_ok());
    assert!(r
        .register(dev("mmc", DevKind::Block, 4, 64, 9), 104)
        .is_ok());
    let out_of_range = dev("big", DevKind::Char, MAX_MAJOR + 1, 0, 9);
    assert_eq!(
        r.register(out_of_range, 105),
        Err(RegisterError::Refused(Errno::Invalid))
    );
    assert_eq!(r.len(), 3);
    assert_eq!(r.lookup(&name("serial0")), Some((&serial, &100)));
    assert_eq!(r.lookup(&name("nothing")), None);
}

#[test]
fn dynamic_majors_count_down_and_run_out() {
    let mut r = Registry::new();
    r.register(dev("fixed", DevKind::Char, 254, 0, 1), ())
        .unwrap();
    let got = r.register(dev("dyn", DevKind::Char, 0, 0, 1), ()).unwrap();
    assert_eq!(got.major, 253, "254 is taken");
    let block = r.register(dev("blk", DevKind::Block, 0, 0, 1), ()).unwrap();
    assert_eq!(block.major, 254, "block numbers are their own space");
    // 21 dynamic majors: 254 and 253 are gone, 19 remain.
    for i in 0..19 {
        let d = dev(&alloc::format!("d{i}"), DevKind::Char, 0, 0, 1);
        assert!(r.register(d, ()).is_ok());
    }
    let d = dev("last", DevKind::Char, 0, 0, 1);
    assert_eq!(
        r.register(d, ()),
        Err(RegisterError::Refused(Errno::NoSpace))
    );
}

#[test]
fn registry_is_bounded() {
    let mut r = Registry::new();
    for i in 0..MAX_DEVICES as u32 {
        let d = dev(&alloc::format!("d{i}"), DevKind::Char, 1, i, 1);
        r.register(d, ()).unwrap();
    }
    let d = dev("more", DevKind::Char, 2, 0, 1);
    assert_eq!(
        r.register(d, ()),
        Err(RegisterError::Refused(Errno::NoSpace))
    );
}

#[test]
fn only_the_owner_unregisters_and_an_exit_removes_all() {
    let mut r = Registry::new();
    let gpio = dev("gpiochip0", DevKind::Char, 254, 0, 5);
    r.register(gpio, 'g').unwrap();
    r.register(dev("serial0", DevKind::Char, 4, 64, 3), 's')
        .unwrap();
    r.register(dev("serial1", DevKind::Char, 4, 65, 3), 't')
        .unwrap();
    assert_eq!(r.unregister(&gpio.name, 3), Err(Errno::NotPermitted));
    assert_eq!(r.unregister(&name("nope"), 3), Err(Errno::NoEntry));
    let removed = r.remove_owner(3);
    let names: Vec<&str> = removed.iter().map(|(d, _)| d.name.as_str()).collect();
    assert_eq!(names, ["serial0", "serial1"]);
    assert_eq!(removed[1].1, 't');
    assert_eq!(r.devices(), &[gpio]);
    assert_eq!(r.unregister(&gpio.name, 5), Ok((gpio, 'g')));
    assert!(r.is_empty());
}

#[test]
fn listing_is_ordered_paged_and_formatted() {
    let mut r = Registry::new();
    r.register(dev("gpiochip0", DevKind::Char, 254, 0, 5), ())
        .unwrap();
    r.register(dev("mmcblk0", DevKind::Block, 179, 0, 6), ())
        .unwrap();
    r.register(dev("serial1", DevKind::Char, 4, 65, 3), ())
        .unwrap();
    r.register(dev("serial0", DevKind::Char, 4, 64, 3), ())
        .unwrap();
    let order: Vec<&str> = r.devices().iter().map(|d| d.name.as_str()).collect();
    assert_eq!(order, ["serial0", "serial1", "gpiochip0", "mmcblk0"]);
    let text = r.proc_devices().to_string();
    assert_eq!(
        text,
        "Character devices:\n  4  64 serial0\n  4  65 serial1\n254   0 gpiochip0\n\n\
         Block devices:\n179   0 mmcblk0\n"
    );
    assert_eq!(
        ProcDevices(&[]).to_string(),
        "Character devices:\n\nBlock devices:\n"
    );
    // A client paging through List replies rebuilds the same text.
    let mut collected = Vec::new();
    let mut buf = [0u8; 70];
    loop {
        let reply = r.list(collected.len() as u32, &mut buf).unwrap();
        let Reply::Listed { total, entries } = reply else {
            panic!("{reply:?}");
        };
        collected.extend(entries.iter());
        if entries.is_empty() || collected.len() >= total as usize {
            break;
        }
    }
    assert_eq!(ProcDevices(&collected).to_string(), text);
    let past = r.list(99, &mut buf).unwrap();
    assert!(matches!(past, Reply::Listed { total: 4, entries } if entries.is_empty()));
}
