//! File tests: read, write, truncate, stat, pins, and a 1 MiB file written in chunks.

use crate::test_util::{read_all, roomy, Rng};
use crate::{Errno, FileKind, Ino};
use alloc::vec;
use alloc::vec::Vec;

#[test]
fn write_then_read_at_offsets() {
    let mut fs = roomy();
    let f = fs.create("/f", 0o644).unwrap();
    assert_eq!(fs.write(f, 0, b"hello world"), Ok(11));
    assert_eq!(fs.write(f, 6, b"mica!"), Ok(5));
    assert_eq!(read_all(&mut fs, f), b"hello mica!");
    let mut buf = [0u8; 4];
    assert_eq!(fs.read(f, 2, &mut buf), Ok(4));
    assert_eq!(&buf, b"llo ");
    assert_eq!(fs.read(f, 9, &mut buf), Ok(2), "short read at the end");
    assert_eq!(&buf[..2], b"a!");
    assert_eq!(fs.read(f, 11, &mut buf), Ok(0));
    assert_eq!(fs.read(f, 1 << 40, &mut buf), Ok(0));
    assert_eq!(fs.read(f, 0, &mut []), Ok(0));
    assert_eq!(fs.stat(f).unwrap().size_bytes, 11);
}

#[test]
fn writing_past_the_end_fills_with_zeros() {
    let mut fs = roomy();
    let f = fs.create("/f", 0o644).unwrap();
    fs.write(f, 0, b"ab").unwrap();
    fs.write(f, 5, b"cd").unwrap();
    assert_eq!(read_all(&mut fs, f), b"ab\0\0\0cd");
    assert_eq!(
        fs.write(f, 100, b""),
        Ok(0),
        "an empty write does not extend"
    );
    assert_eq!(fs.stat(f).unwrap().size_bytes, 7);
    assert_eq!(fs.usage().bytes, 7);
}

#[test]
fn truncate_cuts_and_extends() {
    let mut fs = roomy();
    let f = fs.create("/f", 0o644).unwrap();
    fs.write(f, 0, b"abcdef").unwrap();
    fs.truncate(f, 3).unwrap();
    assert_eq!(read_all(&mut fs, f), b"abc");
    fs.truncate(f, 5).unwrap();
    assert_eq!(
        read_all(&mut fs, f),
        b"abc\0\0",
        "re-extended bytes are zero, not old data"
    );
    fs.truncate(f, 0).unwrap();
    assert_eq!(fs.usage().bytes, 0);
    assert_eq!(fs.truncate(f, u64::MAX), Err(Errno::Invalid));
    fs.check_invariants();
}

#[test]
fn file_op_errors() {
    let mut fs = roomy();
    let d = fs.mkdir("/d", 0o755).unwrap();
    let f = fs.create("/f", 0o644).unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(fs.read(d, 0, &mut buf), Err(Errno::IsDir));
    assert_eq!(fs.write(d, 0, b"x"), Err(Errno::IsDir));
    assert_eq!(fs.truncate(d, 0), Err(Errno::IsDir));
    assert_eq!(fs.read(f, 1 << 63, &mut buf), Err(Errno::Invalid));
    assert_eq!(fs.write(f, 1 << 63, b"x"), Err(Errno::Invalid));
    assert_eq!(fs.write(f, i64::MAX as u64, b"xy"), Err(Errno::FileTooBig));
    let stale = Ino::from_raw(12345);
    assert_eq!(fs.read(stale, 0, &mut buf), Err(Errno::NoEntry));
    assert_eq!(fs.stat(stale), Err(Errno::NoEntry));
    assert_eq!(fs.truncate(stale, 0), Err(Errno::NoEntry));
    assert_eq!(fs.unpin(f), Err(Errno::Invalid), "not pinned");
    assert_eq!(fs.usage().bytes, 0);
}

#[test]
fn an_unlinked_pinned_file_stays_readable_until_the_last_unpin() {
    let mut fs = roomy();
    let f = fs.create("/f", 0o644).unwrap();
    fs.write(f, 0, b"still here").unwrap();
    fs.pin(f).unwrap();
    fs.pin(f).unwrap();
    assert_eq!(fs.pins(f), Ok(2));
    fs.unlink("/f").unwrap();
    assert_eq!(fs.lookup("/f"), Err(Errno::NoEntry));
    assert_eq!(fs.is_linked(f), Ok(false));
    assert_eq!(read_all(&mut fs, f), b"still here");
    fs.write(f, 0, b"STILL").unwrap();
    assert_eq!(fs.usage().bytes, 10, "its bytes still count");
    assert_eq!(fs.usage().inodes, 2);
    fs.create("/f", 0o644).unwrap();
    fs.unpin(f).unwrap();
    assert_eq!(read_all(&mut fs, f), b"STILL here");
    fs.check_invariants();
    fs.unpin(f).unwrap();
    assert_eq!(fs.stat(f), Err(Errno::NoEntry), "gone with the last pin");
    assert_eq!(fs.usage().bytes, 0);
    assert_eq!(fs.usage().inodes, 2, "the root and the new /f");
    fs.check_invariants();
}

#[test]
fn a_pinned_replaced_file_and_a_pinned_removed_dir_live_on() {
    let mut fs = roomy();
    let old = fs.create("/old", 0o644).unwrap();
    fs.write(old, 0, b"old").unwrap();
    fs.pin(old).unwrap();
    fs.create("/new", 0o644).unwrap();
    fs.rename("/new", "/old").unwrap();
    assert_eq!(read_all(&mut fs, old), b"old");
    fs.unpin(old).unwrap();
    assert_eq!(fs.stat(old), Err(Errno::NoEntry));
    let d = fs.mkdir("/d", 0o755).unwrap();
    fs.pin(d).unwrap();
    fs.rmdir("/d").unwrap();
    assert_eq!(fs.stat(d).unwrap().kind, FileKind::Dir);
    assert_eq!(fs.readdir(d, 0), Ok(None));
    fs.check_invariants();
    fs.unpin(d).unwrap();
    assert_eq!(fs.stat(d), Err(Errno::NoEntry));
    assert_eq!(fs.usage().inodes, 2);
    fs.check_invariants();
}

#[test]
fn pinning_a_linked_file_does_not_keep_it_after_unpin_and_unlink() {
    let mut fs = roomy();
    let f = fs.create("/f", 0o644).unwrap();
    fs.pin(f).unwrap();
    fs.unpin(f).unwrap();
    assert!(fs.stat(f).is_ok(), "unpinning a linked file keeps it");
    fs.unlink("/f").unwrap();
    assert_eq!(fs.stat(f), Err(Errno::NoEntry), "no pins: freed at unlink");
}

/// FNV-1a over `bytes`: a checksum that notices moved, dropped or changed bytes.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[test]
fn a_one_mib_file_written_in_chunks_reads_back_the_same() {
    const SIZE: usize = 1 << 20;
    let mut rng = Rng::new(0xF11E);
    let expected: Vec<u8> = (0..SIZE).map(|_| rng.next() as u8).collect();
    let mut fs = roomy();
    let f = fs.create("/big", 0o644).unwrap();
    let mut at = 0;
    while at < SIZE {
        // Odd chunk sizes, so chunk edges fall everywhere.
        let len = (1 + rng.index(7000)).min(SIZE - at);
        let chunk = &expected[at..at + len];
        assert_eq!(fs.write(f, at as u64, chunk), Ok(len));
        at += len;
    }
    assert_eq!(fs.stat(f).unwrap().size_bytes, SIZE as u64);
    let mut back = Vec::with_capacity(SIZE);
    let mut buf = vec![0u8; 4096];
    loop {
        let n = fs.read(f, back.len() as u64, &mut buf).unwrap();
        if n == 0 {
            break;
        }
        back.extend_from_slice(&buf[..n]);
    }
    assert_eq!(back.len(), SIZE);
    assert_eq!(fnv1a(&back), fnv1a(&expected));
    assert!(back == expected);
    fs.check_invariants();
}
