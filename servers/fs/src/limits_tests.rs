//! Limit tests: byte budget, inode budget and file size, each all-or-nothing.

use crate::test_util::read_all;
use crate::{Errno, Limits, MemFs, Usage};
use alloc::format;
use alloc::vec;
use alloc::vec::Vec;

#[test]
fn filling_the_byte_budget_fails_whole_and_keeps_earlier_files() {
    let mut fs = MemFs::new(Limits {
        max_bytes: 10_000,
        max_inodes: 100,
        max_file_bytes: 4096,
    });
    let mut written: Vec<(crate::Ino, Vec<u8>)> = Vec::new();
    let mut i = 0u8;
    let failed_at = loop {
        let f = fs.create(&format!("/f{i}"), 0o644).unwrap();
        let data = vec![i; 3000];
        match fs.write(f, 0, &data) {
            Ok(n) => assert_eq!(n, 3000),
            Err(e) => break (f, e),
        }
        written.push((f, data));
        i += 1;
    };
    assert_eq!(failed_at.1, Errno::NoSpace);
    assert_eq!(written.len(), 3, "3 x 3000 fit in 10000, a fourth does not");
    assert_eq!(
        fs.stat(failed_at.0).unwrap().size_bytes,
        0,
        "no partial write"
    );
    assert_eq!(fs.usage().bytes, 9000);
    // Exactly the room left still fits; one byte more does not, and changes nothing.
    assert_eq!(
        fs.write(written[0].0, 2000, &[7u8; 2001]),
        Err(Errno::NoSpace)
    );
    assert_eq!(fs.truncate(written[1].0, 4001), Err(Errno::NoSpace));
    assert_eq!(fs.write(failed_at.0, 0, &[9u8; 1000]), Ok(1000));
    assert_eq!(fs.write(failed_at.0, 1000, &[9u8; 1]), Err(Errno::NoSpace));
    assert_eq!(
        fs.usage(),
        Usage {
            bytes: 10_000,
            inodes: 5,
            mounted_inodes: 0,
        }
    );
    // Overwriting inside a file needs no room.
    assert_eq!(fs.write(written[2].0, 0, &[2u8; 3000]), Ok(3000));
    for (f, data) in &written {
        assert_eq!(
            &read_all(&mut fs, *f),
            data,
            "earlier files intact byte for byte"
        );
    }
    // Freeing makes room again.
    fs.unlink("/f0").unwrap();
    assert_eq!(fs.write(failed_at.0, 1000, &[9u8; 3000]), Ok(3000));
    fs.check_invariants();
}

#[test]
fn a_pinned_unlinked_file_keeps_its_bytes_charged() {
    let mut fs = MemFs::new(Limits {
        max_bytes: 100,
        max_inodes: 10,
        max_file_bytes: 100,
    });
    let f = fs.create("/f", 0o644).unwrap();
    fs.write(f, 0, &[1u8; 100]).unwrap();
    fs.pin(f).unwrap();
    fs.unlink("/f").unwrap();
    let g = fs.create("/g", 0o644).unwrap();
    assert_eq!(fs.write(g, 0, b"x"), Err(Errno::NoSpace));
    fs.unpin(f).unwrap();
    assert_eq!(fs.write(g, 0, b"x"), Ok(1));
}

#[test]
fn too_many_inodes_is_enospc() {
    let mut fs = MemFs::new(Limits {
        max_bytes: 1000,
        max_inodes: 4,
        max_file_bytes: 1000,
    });
    fs.mkdir("/d", 0o755).unwrap();
    fs.create("/d/a", 0o644).unwrap();
    fs.create("/b", 0o644).unwrap();
    assert_eq!(fs.create("/c", 0o644), Err(Errno::NoSpace));
    assert_eq!(fs.mkdir("/e", 0o755), Err(Errno::NoSpace));
    assert_eq!(
        fs.create("/b", 0o644),
        Err(Errno::Exists),
        "EEXIST before ENOSPC"
    );
    assert_eq!(fs.lookup("/c"), Err(Errno::NoEntry));
    fs.rename("/b", "/d/b").unwrap();
    fs.unlink("/d/a").unwrap();
    assert!(fs.create("/c", 0o644).is_ok());
    assert_eq!(fs.usage().inodes, 4);
    fs.check_invariants();
}

#[test]
fn the_file_size_limit_is_efbig() {
    let mut fs = MemFs::new(Limits {
        max_bytes: 1 << 20,
        max_inodes: 10,
        max_file_bytes: 100,
    });
    let f = fs.create("/f", 0o644).unwrap();
    assert_eq!(fs.write(f, 0, &[1u8; 100]), Ok(100));
    assert_eq!(fs.write(f, 100, b"x"), Err(Errno::FileTooBig));
    assert_eq!(fs.write(f, 99, b"xy"), Err(Errno::FileTooBig));
    assert_eq!(fs.write(f, 1 << 40, b"x"), Err(Errno::FileTooBig));
    assert_eq!(fs.truncate(f, 101), Err(Errno::FileTooBig));
    assert_eq!(read_all(&mut fs, f), [1u8; 100]);
    assert_eq!(fs.write(f, 99, b"z"), Ok(1), "within the limit");
}

#[test]
fn limits_are_clamped_to_usable_ranges() {
    let fs = MemFs::new(Limits {
        max_bytes: 0,
        max_inodes: 0,
        max_file_bytes: u64::MAX,
    });
    let l = fs.limits();
    assert_eq!((l.max_inodes, l.max_file_bytes), (1, i64::MAX as u64));
    let mut fs = fs;
    assert_eq!(
        fs.create("/f", 0o644),
        Err(Errno::NoSpace),
        "only the root fits"
    );
}
