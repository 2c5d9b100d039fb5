//! Open and resolve tests: the protocol's open flags, the read-only mount, and names in the device directory.

use crate::test_util::{read_all, roomy};
use crate::{DevicePath, Errno, Ino, MemFs, Opened, Resolved, StaticFile};
use proto::file::OpenFlags;

const R: OpenFlags = OpenFlags::READ;
const W: OpenFlags = OpenFlags::WRITE;

fn device(name: &str, must_be_dir: bool) -> Resolved<'_> {
    Resolved::Device(DevicePath { name, must_be_dir })
}

/// A tree with `/boot/init` (read-only), `/dev` (devices), `/f` holding "data" and `/d`.
fn tree() -> MemFs {
    let mut fs = roomy();
    let files = [StaticFile {
        name: "init",
        data: b"elf",
        mode: 0o100_755,
    }];
    fs.mount_static("/boot", files).unwrap();
    fs.mount_devices("/dev").unwrap();
    let f = fs.create("/f", 0o644).unwrap();
    fs.write(f, 0, b"data").unwrap();
    fs.mkdir("/d", 0o755).unwrap();
    fs
}

fn opened_ino(r: Result<Opened<'_>, Errno>) -> Ino {
    match r {
        Ok(Opened::Inode(ino)) => ino,
        other => panic!("expected an inode, got {other:?}"),
    }
}

#[test]
fn names_in_the_device_directory_resolve_to_devices() {
    let fs = tree();
    let dev = fs.lookup("/dev").unwrap();
    assert_eq!(fs.is_devices(dev), Ok(true));
    assert_eq!(fs.is_devices(Ino::ROOT), Ok(false));
    assert_eq!(fs.readdir(dev, 0), Ok(None), "nothing is stored there");
    assert_eq!(fs.resolve("/dev/gpiochip0"), Ok(device("gpiochip0", false)));
    assert_eq!(fs.resolve("//dev//ttyS0"), Ok(device("ttyS0", false)));
    assert_eq!(fs.resolve("/d/../dev/x"), Ok(device("x", false)));
    assert_eq!(fs.resolve("/dev/x/"), Ok(device("x", true)));
    assert_eq!(fs.resolve("/dev/x/y"), Ok(device("x", true)));
    assert_eq!(fs.resolve("/dev/x/.."), Ok(device("x", true)));
    assert_eq!(fs.resolve("/dev"), Ok(Resolved::Inode(dev)));
    assert_eq!(fs.resolve("/dev/."), Ok(Resolved::Inode(dev)));
    assert_eq!(fs.resolve("/dev/.."), Ok(Resolved::Inode(Ino::ROOT)));
    assert_eq!(fs.resolve("/f/x"), Err(Errno::NotDir));
    assert_eq!(fs.resolve("/nothing/dev/x"), Err(Errno::NoEntry));
    assert_eq!(fs.lookup("/dev/gpiochip0"), Err(Errno::NoEntry));
}

#[test]
fn the_device_directory_is_read_only() {
    let mut fs = tree();
    assert_eq!(fs.create("/dev/new", 0o644), Err(Errno::ReadOnly));
    assert_eq!(fs.mkdir("/dev/sub", 0o755), Err(Errno::ReadOnly));
    assert_eq!(fs.unlink("/dev/gpiochip0"), Err(Errno::ReadOnly));
    assert_eq!(fs.rmdir("/dev/x"), Err(Errno::ReadOnly));
    assert_eq!(fs.rename("/f", "/dev/f"), Err(Errno::ReadOnly));
    assert_eq!(fs.rename("/dev/gpiochip0", "/g"), Err(Errno::ReadOnly));
    assert_eq!(fs.rmdir("/dev"), Err(Errno::Busy));
    assert_eq!(fs.rename("/dev", "/devices"), Err(Errno::Busy));
    assert_eq!(fs.mount_devices("/dev"), Err(Errno::Exists));
    fs.check_invariants();
}

#[test]
fn opening_a_device_name_pins_nothing_and_leaves_the_rules_to_the_server() {
    let mut fs = tree();
    let before = fs.usage();
    for flags in [R, R | W, R | OpenFlags::PATH, R | OpenFlags::CREATE] {
        assert_eq!(
            fs.open("/dev/gpiochip0", flags, 0),
            Ok(Opened::Device(DevicePath {
                name: "gpiochip0",
                must_be_dir: false
            }))
        );
    }
    assert_eq!(fs.usage(), before);
    let dev = opened_ino(fs.open("/dev", R | OpenFlags::DIRECTORY, 0));
    assert_eq!(fs.pins(dev), Ok(1));
    assert_eq!(fs.open("/dev", R | W, 0), Err(Errno::IsDir));
}

#[test]
fn open_creates_checks_kinds_and_truncates() {
    let mut fs = tree();
    let new = opened_ino(fs.open("/new", R | W | OpenFlags::CREATE, 0o600));
    assert_eq!(fs.stat(new).unwrap().mode, 0o600);
    assert_eq!(fs.pins(new), Ok(1));
    let again = opened_ino(fs.open("/new", R | OpenFlags::CREATE, 0o644));
    assert_eq!(
        (again, fs.pins(new)),
        (new, Ok(2)),
        "CREATE opens what exists"
    );
    assert_eq!(fs.open("/missing", R, 0), Err(Errno::NoEntry));
    assert_eq!(
        fs.open("/no/such", R | OpenFlags::CREATE, 0o644),
        Err(Errno::NoEntry)
    );
    let f = fs.lookup("/f").unwrap();
    assert_eq!(
        fs.open("/f", R | OpenFlags::DIRECTORY, 0),
        Err(Errno::NotDir)
    );
    assert_eq!(fs.open("/d", W, 0), Err(Errno::IsDir));
    assert_eq!(fs.pins(f), Ok(0), "failed opens pin nothing");
    opened_ino(fs.open("/f", R | OpenFlags::TRUNCATE, 0));
    assert_eq!(read_all(&mut fs, f), b"data", "TRUNCATE needs WRITE");
    opened_ino(fs.open("/f", W | OpenFlags::TRUNCATE, 0));
    assert_eq!(read_all(&mut fs, f), b"");
    assert_eq!(fs.pins(f), Ok(2));
    fs.check_invariants();
}

#[test]
fn open_refuses_writes_to_the_read_only_mount() {
    let mut fs = tree();
    let init = fs.lookup("/boot/init").unwrap();
    assert_eq!(fs.open("/boot/init", W, 0), Err(Errno::ReadOnly));
    assert_eq!(
        fs.open("/boot/init", W | OpenFlags::TRUNCATE, 0),
        Err(Errno::ReadOnly)
    );
    assert_eq!(
        fs.open("/boot/new", R | W | OpenFlags::CREATE, 0o644),
        Err(Errno::ReadOnly)
    );
    assert_eq!(fs.pins(init), Ok(0));
    assert_eq!(opened_ino(fs.open("/boot/init", R, 0)), init);
    let existing = fs.open("/boot/init", R | OpenFlags::CREATE, 0o644);
    assert_eq!(opened_ino(existing), init);
    assert_eq!(read_all(&mut fs, init), b"elf");
}

#[test]
fn path_opens_name_the_file_and_change_nothing() {
    let mut fs = tree();
    let p = OpenFlags::PATH;
    let init = opened_ino(fs.open("/boot/init", R | W | p, 0));
    assert_eq!(fs.pins(init), Ok(1));
    let d = opened_ino(fs.open("/d", R | W | p, 0));
    assert_eq!(fs.lookup("/d"), Ok(d));
    for flags in [R | p | OpenFlags::CREATE, R | W | p | OpenFlags::TRUNCATE] {
        assert_eq!(fs.open("/f", flags, 0o644), Err(Errno::Invalid));
    }
    assert_eq!(
        fs.open("/f", R | p | OpenFlags::DIRECTORY, 0),
        Err(Errno::NotDir)
    );
    assert_eq!(fs.open("/missing", R | p, 0), Err(Errno::NoEntry));
    let f = fs.lookup("/f").unwrap();
    assert_eq!(read_all(&mut fs, f), b"data");
}
