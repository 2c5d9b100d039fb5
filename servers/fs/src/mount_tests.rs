//! Mount tests: the read-only `/boot` tree (served in place, every change refused) and the `/dev` directory.

use crate::test_util::{read_all, roomy};
use crate::{Errno, FileKind, Ino, Limits, MemFs, Mounted, StaticFile};
use alloc::string::String;
use alloc::vec::Vec;

const FILE: u32 = 0o100_755;
const DIR: u32 = 0o040_750;

/// Bytes that live as long as the test process (as the archive mapping lives as long as the server).
fn leak(bytes: &[u8]) -> &'static [u8] {
    Vec::leak(bytes.to_vec())
}

fn member(name: &'static str, data: &[u8], mode: u32) -> StaticFile<'static> {
    StaticFile {
        name,
        data: leak(data),
        mode,
    }
}

/// An archive like the boot image's, with a nested member and a listed directory.
fn archive() -> Vec<StaticFile<'static>> {
    let init: Vec<u8> = (0..5000u32).map(|i| (i * 7) as u8).collect();
    alloc::vec![
        member("init", &init, FILE),
        member("etc/motd", b"hello from the archive\n", 0o100_644),
        member("etc", b"", DIR),
        member("empty", b"", FILE),
    ]
}

fn names(fs: &MemFs, dir: Ino) -> Vec<(String, FileKind)> {
    let mut out = Vec::new();
    while let Some(e) = fs.readdir(dir, out.len()).unwrap() {
        out.push((String::from(e.name), e.kind));
    }
    out
}

fn booted() -> (MemFs, Mounted) {
    let mut fs = roomy();
    let mounted = fs.mount_static("/boot", archive()).unwrap();
    fs.check_invariants();
    (fs, mounted)
}

#[test]
fn members_appear_with_their_names_sizes_and_bytes() {
    let (mut fs, m) = booted();
    assert_eq!((m.files, m.dirs, m.bytes, m.skipped), (3, 1, 5023, 0));
    assert_eq!(fs.lookup("/boot"), Ok(m.root));
    let listed = names(&fs, m.root);
    let want = [
        ("empty", FileKind::File),
        ("etc", FileKind::Dir),
        ("init", FileKind::File),
    ];
    assert_eq!(listed.len(), want.len());
    for ((name, kind), (want_name, want_kind)) in listed.iter().zip(want) {
        assert_eq!((name.as_str(), *kind), (want_name, want_kind));
    }
    let init = fs.lookup("/boot/init").unwrap();
    let st = fs.stat(init).unwrap();
    assert_eq!(
        (st.kind, st.size_bytes, st.mode),
        (FileKind::File, 5000, 0o755)
    );
    assert_eq!(read_all(&mut fs, init), archive()[0].data);
    let etc = fs.lookup("/boot/etc").unwrap();
    assert_eq!(fs.stat(etc).unwrap().mode, 0o750, "the listed mode wins");
    let motd = fs.lookup("/boot/etc/motd").unwrap();
    assert_eq!(read_all(&mut fs, motd), b"hello from the archive\n");
    assert_eq!(fs.stat(motd).unwrap().mode, 0o644);
    // Any offset, any length, up to the end.
    let mut buf = [0u8; 100];
    assert_eq!(fs.read(init, 4950, &mut buf), Ok(50));
    assert_eq!(&buf[..50], &archive()[0].data[4950..]);
    assert_eq!(fs.read(init, 5000, &mut buf), Ok(0));
    assert_eq!(fs.read(init, 1 << 40, &mut buf), Ok(0));
    assert_eq!(fs.read(m.root, 0, &mut buf), Err(Errno::IsDir));
}

#[test]
fn reads_are_served_in_place() {
    let data = leak(b"0123456789");
    let mut fs = roomy();
    let files = [StaticFile {
        name: "digits",
        data,
        mode: FILE,
    }];
    fs.mount_static("/boot", files).unwrap();
    let ino = fs.lookup("/boot/digits").unwrap();
    let got = fs.read_ref(ino, 3, 4).unwrap();
    assert_eq!(got, b"3456");
    assert_eq!(got.as_ptr(), data[3..].as_ptr(), "no copy in between");
    assert_eq!(fs.read_ref(ino, 8, 100).unwrap(), b"89");
    // A read stamps no atime on a read-only mount.
    fs.set_clock(99);
    fs.read_ref(ino, 0, 1).unwrap();
    assert_eq!(fs.stat(ino).unwrap().atime_ns, 0);
}

#[test]
fn the_archive_counts_against_no_limit() {
    let tight = Limits {
        max_bytes: 10,
        max_inodes: 1,
        max_file_bytes: 10,
    };
    let mut fs = MemFs::new(tight);
    let m = fs.mount_static("/boot", archive()).unwrap();
    assert_eq!(m.bytes, 5023);
    let usage = fs.usage();
    assert_eq!((usage.bytes, usage.inodes, usage.mounted_inodes), (0, 1, 5));
    // The user's budget is untouched: the root alone fills max_inodes = 1.
    assert_eq!(fs.create("/x", 0o644), Err(Errno::NoSpace));
    fs.check_invariants();
}

#[test]
fn every_change_under_the_mount_is_refused() {
    let (mut fs, m) = booted();
    fs.create("/outside", 0o644).unwrap();
    fs.mkdir("/d", 0o755).unwrap();
    let init = fs.lookup("/boot/init").unwrap();
    let before = read_all(&mut fs, init);
    assert_eq!(fs.write(init, 0, b"x"), Err(Errno::ReadOnly));
    assert_eq!(fs.write(init, 10, b""), Err(Errno::ReadOnly));
    assert_eq!(fs.truncate(init, 0), Err(Errno::ReadOnly));
    assert_eq!(fs.truncate(init, 5000), Err(Errno::ReadOnly));
    assert_eq!(fs.truncate(m.root, 0), Err(Errno::IsDir));
    assert_eq!(fs.create("/boot/new", 0o644), Err(Errno::ReadOnly));
    assert_eq!(fs.create("/boot/etc/new", 0o644), Err(Errno::ReadOnly));
    assert_eq!(fs.create("/boot/init", 0o644), Err(Errno::Exists));
    assert_eq!(fs.mkdir("/boot/d", 0o755), Err(Errno::ReadOnly));
    assert_eq!(fs.unlink("/boot/init"), Err(Errno::ReadOnly));
    assert_eq!(fs.unlink("/boot/missing"), Err(Errno::ReadOnly));
    assert_eq!(fs.unlink("/boot/etc/motd"), Err(Errno::ReadOnly));
    assert_eq!(fs.rmdir("/boot/etc"), Err(Errno::ReadOnly));
    assert_eq!(fs.rename("/boot/init", "/init"), Err(Errno::ReadOnly));
    assert_eq!(fs.rename("/outside", "/boot/outside"), Err(Errno::ReadOnly));
    assert_eq!(fs.rename("/outside", "/boot/init"), Err(Errno::ReadOnly));
    assert_eq!(fs.rename("/boot/init", "/boot/init2"), Err(Errno::ReadOnly));
    assert_eq!(fs.rename("/boot/missing", "/x"), Err(Errno::ReadOnly));
    assert_eq!(fs.rename("/boot/etc", "/d/etc"), Err(Errno::ReadOnly));
    // The mount's top: a directory no one may remove, rename or replace.
    assert_eq!(fs.rmdir("/boot"), Err(Errno::Busy));
    assert_eq!(fs.unlink("/boot"), Err(Errno::IsDir));
    assert_eq!(fs.rename("/boot", "/boot2"), Err(Errno::Busy));
    assert_eq!(fs.rename("/boot", "/d/boot"), Err(Errno::Busy));
    assert_eq!(fs.rename("/d", "/boot"), Err(Errno::Busy));
    assert_eq!(fs.rename("/outside", "/boot"), Err(Errno::Busy));
    // Nothing changed, and the writable tree still works.
    assert_eq!(read_all(&mut fs, init), before);
    assert_eq!(fs.lookup("/boot/etc/motd").map(|_| ()), Ok(()));
    assert_eq!(fs.rename("/outside", "/d/inside"), Ok(()));
    fs.check_invariants();
}

#[test]
fn an_empty_mount_top_still_cannot_go() {
    let mut fs = roomy();
    let m = fs.mount_static("/ro", []).unwrap();
    assert_eq!(fs.readdir(m.root, 0), Ok(None));
    assert_eq!(fs.rmdir("/ro"), Err(Errno::Busy));
    fs.mkdir("/e", 0o755).unwrap();
    assert_eq!(fs.rename("/e", "/ro"), Err(Errno::Busy));
    assert_eq!(fs.lookup("/ro"), Ok(m.root));
}

#[test]
fn odd_members_are_skipped_or_normalized() {
    let mut fs = roomy();
    let long: &'static str = String::leak("n".repeat(256));
    let files = [
        member(".", b"", DIR),
        member("./a", b"A", FILE),
        member("//b//c", b"C", FILE),
        member("a/under_a_file", b"", FILE),
        member("../escape", b"", FILE),
        member("b/../x", b"", FILE),
        member("link", b"a", 0o120_777),
        member("a", b"second a", FILE),
        member("b", b"", FILE),
        member(long, b"", FILE),
        member("nomode", b"N", 0o644),
    ];
    let m = fs.mount_static("/boot", files).unwrap();
    assert_eq!((m.files, m.dirs, m.skipped), (3, 1, 7));
    for (path, want) in [
        ("/boot/a", b"A"),
        ("/boot/b/c", b"C"),
        ("/boot/nomode", b"N"),
    ] {
        let ino = fs.lookup(path).unwrap();
        assert_eq!(read_all(&mut fs, ino), want, "{path}");
    }
    assert_eq!(fs.lookup("/escape"), Err(Errno::NoEntry));
    assert_eq!(fs.lookup("/boot/link"), Err(Errno::NoEntry));
    fs.check_invariants();
}

#[test]
fn mounting_needs_a_new_name_in_a_writable_directory() {
    let (mut fs, _) = booted();
    assert_eq!(fs.mount_static("/boot", []), Err(Errno::Exists));
    assert_eq!(fs.mount_static("/", []), Err(Errno::Exists));
    assert_eq!(fs.mount_static("/boot/inner", []), Err(Errno::ReadOnly));
    assert_eq!(fs.mount_devices("/boot/dev"), Err(Errno::ReadOnly));
    assert_eq!(fs.mount_static("/no/such", []), Err(Errno::NoEntry));
    assert_eq!(fs.mount_static("relative", []), Err(Errno::Invalid));
}

#[test]
fn unmount_frees_everything_it_made() {
    let mut fs = roomy();
    fs.create("/keep", 0o644).unwrap();
    let before = fs.usage();
    let files = [
        member("x/y/z/deep", b"1", FILE),
        member("x/y/other", b"2", FILE),
        member("x/empty", b"", DIR),
        member("top", b"3", FILE),
    ];
    let m = fs.mount_static("/boot", files).unwrap();
    assert_eq!(fs.usage().mounted_inodes, 8);
    fs.unmount("/boot", m.root);
    assert_eq!(fs.usage(), before);
    assert_eq!(fs.lookup("/boot"), Err(Errno::NoEntry));
    assert_eq!(names(&fs, Ino::ROOT).len(), 1);
    fs.check_invariants();
    // The slots are reused, and the old numbers are stale.
    assert_eq!(fs.stat(m.root), Err(Errno::NoEntry));
    fs.mount_static("/boot", archive()).unwrap();
    fs.check_invariants();
}
