//! Tree tests: lookup, create, mkdir, unlink, rmdir, readdir and rename, each errno.

use crate::test_util::{read_all, roomy};
use crate::{DirEntry, Errno, FileKind, Ino, MemFs};
use alloc::string::String;
use alloc::vec::Vec;

/// The names in directory `dir`, in readdir order.
fn names(fs: &MemFs, dir: Ino) -> Vec<String> {
    let mut out = Vec::new();
    while let Some(e) = fs.readdir(dir, out.len()).unwrap() {
        out.push(String::from(e.name));
    }
    out
}

#[test]
fn a_new_fs_has_an_empty_root() {
    let fs = roomy();
    assert_eq!(fs.lookup("/"), Ok(Ino::ROOT));
    assert_eq!(fs.lookup("//"), Ok(Ino::ROOT));
    assert_eq!(fs.lookup("/.."), Ok(Ino::ROOT), "/.. is /");
    assert_eq!(fs.readdir(Ino::ROOT, 0), Ok(None));
    let st = fs.stat(Ino::ROOT).unwrap();
    assert_eq!((st.kind, st.mode, st.size_bytes), (FileKind::Dir, 0o755, 0));
    fs.check_invariants();
}

#[test]
fn create_and_lookup_walk_dots() {
    let mut fs = roomy();
    let d = fs.mkdir("/d", 0o700).unwrap();
    let f = fs.create("/d/f", 0o640).unwrap();
    assert_eq!(fs.lookup("/d/f"), Ok(f));
    assert_eq!(fs.lookup("/d/./f"), Ok(f));
    assert_eq!(fs.lookup("/d/../d//f"), Ok(f));
    assert_eq!(fs.lookup("/d/"), Ok(d));
    assert_eq!(fs.lookup("/d/f/"), Err(Errno::NotDir));
    assert_eq!(
        fs.lookup("/d/f/.."),
        Err(Errno::NotDir),
        "no lexical shortcut through a file"
    );
    assert_eq!(fs.lookup("/d/f/x"), Err(Errno::NotDir));
    assert_eq!(fs.lookup("/d/g"), Err(Errno::NoEntry));
    assert_eq!(fs.lookup("/e/f"), Err(Errno::NoEntry));
    assert_eq!(fs.lookup("d/f"), Err(Errno::Invalid));
    assert_eq!(fs.lookup(""), Err(Errno::NoEntry));
    let st = fs.stat(f).unwrap();
    assert_eq!(
        (st.kind, st.mode, st.size_bytes),
        (FileKind::File, 0o640, 0)
    );
    assert_eq!(fs.stat(d).unwrap().mode, 0o700);
    fs.check_invariants();
}

#[test]
fn create_errors() {
    let mut fs = roomy();
    fs.create("/f", 0o644).unwrap();
    fs.mkdir("/d", 0o755).unwrap();
    assert_eq!(fs.create("/f", 0o644), Err(Errno::Exists));
    assert_eq!(fs.create("/d", 0o644), Err(Errno::Exists));
    assert_eq!(fs.create("/", 0o644), Err(Errno::Exists));
    assert_eq!(fs.create("/d/.", 0o644), Err(Errno::Exists));
    assert_eq!(fs.create("/nope/f", 0o644), Err(Errno::NoEntry));
    assert_eq!(fs.create("/f/g", 0o644), Err(Errno::NotDir));
    assert_eq!(fs.create("/g/", 0o644), Err(Errno::IsDir));
    assert_eq!(fs.create("/g", 0o10000), Err(Errno::Invalid));
    assert_eq!(fs.create("/a\0b", 0o644), Err(Errno::Invalid));
    let long: String = core::iter::repeat_n('x', 256).collect();
    assert_eq!(
        fs.create(&(String::from("/") + &long), 0o644),
        Err(Errno::NameTooLong)
    );
    assert!(fs.create(&(String::from("/") + &long[1..]), 0o644).is_ok());
    assert_eq!(fs.mkdir("/f", 0o755), Err(Errno::Exists));
    assert_eq!(fs.mkdir("/", 0o755), Err(Errno::Exists));
    assert_eq!(fs.mkdir("/f/x", 0o755), Err(Errno::NotDir));
    assert_eq!(fs.mkdir("/x/y", 0o755), Err(Errno::NoEntry));
    assert!(
        fs.mkdir("/e/", 0o755).is_ok(),
        "mkdir takes a trailing slash"
    );
    assert_eq!(names(&fs, Ino::ROOT).len(), 4);
    fs.check_invariants();
}

#[test]
fn readdir_lists_in_name_order_with_kinds() {
    let mut fs = roomy();
    for name in ["/b", "/a", "/C", "/c"] {
        fs.create(name, 0o644).unwrap();
    }
    let sub = fs.mkdir("/ab", 0o755).unwrap();
    assert_eq!(names(&fs, Ino::ROOT), ["C", "a", "ab", "b", "c"]);
    assert_eq!(
        fs.readdir(Ino::ROOT, 2),
        Ok(Some(DirEntry {
            name: "ab",
            ino: sub,
            kind: FileKind::Dir
        }))
    );
    assert_eq!(fs.readdir(Ino::ROOT, 5), Ok(None));
    assert_eq!(fs.readdir(Ino::ROOT, usize::MAX), Ok(None));
    let f = fs.lookup("/a").unwrap();
    assert_eq!(fs.readdir(f, 0), Err(Errno::NotDir));
    assert_eq!(fs.readdir(Ino::from_raw(999), 0), Err(Errno::NoEntry));
}

#[test]
fn unlink_and_rmdir_errors() {
    let mut fs = roomy();
    fs.mkdir("/d", 0o755).unwrap();
    fs.create("/d/f", 0o644).unwrap();
    fs.create("/g", 0o644).unwrap();
    assert_eq!(fs.unlink("/d"), Err(Errno::IsDir));
    assert_eq!(fs.unlink("/"), Err(Errno::IsDir));
    assert_eq!(fs.unlink("/x"), Err(Errno::NoEntry));
    assert_eq!(fs.unlink("/g/"), Err(Errno::NotDir));
    assert_eq!(fs.unlink("/g/x"), Err(Errno::NotDir));
    assert_eq!(fs.rmdir("/d"), Err(Errno::NotEmpty));
    assert_eq!(fs.rmdir("/"), Err(Errno::Busy));
    assert_eq!(fs.rmdir("/d/."), Err(Errno::Invalid));
    assert_eq!(fs.rmdir("/d/.."), Err(Errno::NotEmpty));
    assert_eq!(fs.rmdir("/g"), Err(Errno::NotDir));
    assert_eq!(fs.rmdir("/x"), Err(Errno::NoEntry));
    assert_eq!(fs.unlink("/d/f"), Ok(()));
    assert_eq!(fs.lookup("/d/f"), Err(Errno::NoEntry));
    assert_eq!(fs.rmdir("/d/"), Ok(()));
    assert_eq!(fs.lookup("/d"), Err(Errno::NoEntry));
    assert_eq!(fs.unlink("/g"), Ok(()));
    assert_eq!(fs.usage().inodes, 1);
    fs.check_invariants();
}

#[test]
fn a_freed_ino_goes_stale_even_when_its_slot_is_reused() {
    let mut fs = roomy();
    let old = fs.create("/a", 0o644).unwrap();
    fs.unlink("/a").unwrap();
    let new = fs.create("/b", 0o644).unwrap();
    assert_ne!(old, new);
    assert_eq!(
        old.raw() & 0xFFFF_FFFF,
        new.raw() & 0xFFFF_FFFF,
        "slot reused"
    );
    assert_eq!(fs.stat(old), Err(Errno::NoEntry));
    assert_eq!(fs.write(old, 0, b"x"), Err(Errno::NoEntry));
    assert_eq!(fs.pin(old), Err(Errno::NoEntry));
    assert!(fs.stat(new).is_ok());
}

#[test]
fn rename_moves_files_and_directories() {
    let mut fs = roomy();
    let a = fs.mkdir("/a", 0o755).unwrap();
    let b = fs.mkdir("/b", 0o755).unwrap();
    let f = fs.create("/a/f", 0o644).unwrap();
    fs.write(f, 0, b"data").unwrap();
    fs.rename("/a/f", "/b/g").unwrap();
    assert_eq!(fs.lookup("/b/g"), Ok(f));
    assert_eq!(fs.lookup("/a/f"), Err(Errno::NoEntry));
    fs.rename("/a", "/b/a2").unwrap();
    assert_eq!(
        fs.lookup("/b/a2/.."),
        Ok(b),
        "the moved directory's .. follows it"
    );
    assert_eq!(fs.lookup("/b/a2"), Ok(a));
    fs.rename("/b/g", "/b/a2/h").unwrap();
    let h = fs.lookup("/b/a2/h").unwrap();
    assert_eq!(read_all(&mut fs, h), b"data");
    fs.rename("/b/a2/h", "/b/a2/a").unwrap();
    assert_eq!(
        names(&fs, a),
        ["a"],
        "a rename within one directory keeps it sorted"
    );
    assert_eq!(fs.rename("/b", "/b"), Ok(()), "onto itself: nothing");
    fs.check_invariants();
}

#[test]
fn rename_replaces_a_file_and_an_empty_dir() {
    let mut fs = roomy();
    let x = fs.create("/x", 0o644).unwrap();
    let y = fs.create("/y", 0o644).unwrap();
    fs.write(y, 0, b"old").unwrap();
    fs.rename("/x", "/y").unwrap();
    assert_eq!(fs.lookup("/y"), Ok(x));
    assert_eq!(fs.stat(y), Err(Errno::NoEntry), "the replaced file is gone");
    assert_eq!(fs.usage().bytes, 0);
    let d = fs.mkdir("/d", 0o755).unwrap();
    fs.mkdir("/e", 0o755).unwrap();
    fs.rename("/d", "/e").unwrap();
    assert_eq!(fs.lookup("/e"), Ok(d));
    assert_eq!(names(&fs, Ino::ROOT), ["e", "y"]);
    assert_eq!(fs.usage().inodes, 3);
    fs.check_invariants();
}

#[test]
fn rename_errors() {
    let mut fs = roomy();
    fs.mkdir("/d", 0o755).unwrap();
    fs.mkdir("/d/sub", 0o755).unwrap();
    fs.mkdir("/full", 0o755).unwrap();
    fs.create("/full/f", 0o644).unwrap();
    fs.mkdir("/empty", 0o755).unwrap();
    fs.create("/f", 0o644).unwrap();
    assert_eq!(
        fs.rename("/d", "/d/sub/x"),
        Err(Errno::Invalid),
        "into its own subtree"
    );
    assert_eq!(fs.rename("/d", "/d/x"), Err(Errno::Invalid));
    assert_eq!(
        fs.rename("/d/sub", "/d"),
        Err(Errno::NotEmpty),
        "over its own ancestor"
    );
    assert_eq!(fs.rename("/full/f", "/full"), Err(Errno::NotEmpty));
    assert_eq!(fs.rename("/empty", "/full"), Err(Errno::NotEmpty));
    assert_eq!(fs.rename("/empty", "/f"), Err(Errno::NotDir));
    assert_eq!(fs.rename("/f", "/empty"), Err(Errno::IsDir));
    assert_eq!(fs.rename("/f", "/g/"), Err(Errno::NotDir));
    assert_eq!(fs.rename("/f/", "/g"), Err(Errno::NotDir));
    assert_eq!(fs.rename("/nope", "/g"), Err(Errno::NoEntry));
    assert_eq!(fs.rename("/f", "/nope/g"), Err(Errno::NoEntry));
    assert_eq!(fs.rename("/f", "/f/g"), Err(Errno::NotDir));
    assert_eq!(fs.rename("/", "/g"), Err(Errno::Busy));
    assert_eq!(fs.rename("/d/.", "/g"), Err(Errno::Busy));
    assert_eq!(fs.rename("/f", "/d/.."), Err(Errno::Busy));
    assert_eq!(fs.rename("rel", "/g"), Err(Errno::Invalid));
    assert_eq!(
        names(&fs, Ino::ROOT),
        ["d", "empty", "f", "full"],
        "nothing moved"
    );
    assert_eq!(fs.rename("/empty/", "/d/sub/e2/"), Ok(()));
    assert!(fs.lookup("/d/sub/e2").is_ok());
    fs.check_invariants();
}

#[test]
fn times_come_from_the_clock() {
    let mut fs = roomy();
    fs.set_clock(100);
    assert_eq!(fs.now_ns(), 100);
    let d = fs.mkdir("/d", 0o755).unwrap();
    let f = fs.create("/d/f", 0o644).unwrap();
    let st = fs.stat(f).unwrap();
    assert_eq!((st.atime_ns, st.mtime_ns, st.ctime_ns), (100, 100, 100));
    fs.set_clock(200);
    fs.write(f, 0, b"x").unwrap();
    let st = fs.stat(f).unwrap();
    assert_eq!((st.atime_ns, st.mtime_ns, st.ctime_ns), (100, 200, 200));
    fs.set_clock(300);
    fs.read(f, 0, &mut [0; 4]).unwrap();
    assert_eq!(fs.stat(f).unwrap().atime_ns, 300);
    assert_eq!(
        fs.stat(f).unwrap().mtime_ns,
        200,
        "a read changes no contents"
    );
    fs.set_clock(400);
    fs.rename("/d/f", "/g").unwrap();
    assert_eq!(fs.stat(f).unwrap().ctime_ns, 400);
    assert_eq!(fs.stat(d).unwrap().mtime_ns, 400);
    assert_eq!(fs.stat(Ino::ROOT).unwrap().mtime_ns, 400);
    fs.set_clock(500);
    fs.truncate(f, 1).unwrap();
    assert_eq!(fs.stat(f).unwrap().mtime_ns, 200, "same size: not stamped");
    fs.truncate(f, 0).unwrap();
    assert_eq!(fs.stat(f).unwrap().mtime_ns, 500);
}
