//! Host tests of the newc reader: the bytes `mkimage cpio` is pinned to, each refusal, and a mutation fuzz.

use super::*;
use test_rng::Rng;

/// xorshift64*: a small deterministic PRNG so failures replay.
mod test_rng {
    pub struct Rng(pub u64);
    impl Rng {
        pub fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        pub fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }
}
use alloc::string::ToString;
use alloc::vec::Vec;

/// `mkimage cpio out init=<"ABCDE"> hello.txt=<"hi\n">`, byte for byte; the same bytes pin
/// the writer's test in tools/mkimage/src/cpio.rs, so reader and writer agree.
#[rustfmt::skip] // one header per two lines, as the format lays it out
const PINNED: &[u8] = concat!(
    //        ino         mode        uid         gid         nlink       mtime       filesize
    "070701", "00000001", "000081ED", "00000000", "00000000", "00000001", "00000000", "00000005",
    //        devmajor    devminor    rdevmajor   rdevminor   namesize    check
              "00000000", "00000000", "00000000", "00000000", "00000005", "00000000",
    "init\0", "\0",                 // 110 + 5 name bytes, padded to 116
    "ABCDE", "\0\0\0",              // 5 data bytes, padded to 124
    "070701", "00000002", "000081ED", "00000000", "00000000", "00000001", "00000000", "00000003",
              "00000000", "00000000", "00000000", "00000000", "0000000A", "00000000",
    "hello.txt\0",                   // 124 + 110 + 10 = 244, already aligned
    "hi\n", "\0",                    // padded to 248
    "070701", "00000000", "00000000", "00000000", "00000000", "00000001", "00000000", "00000000",
              "00000000", "00000000", "00000000", "00000000", "0000000B", "00000000",
    "TRAILER!!!\0", "\0\0\0",        // 248 + 110 + 11 = 369, padded to 372
)
.as_bytes();
const SECOND_ENTRY: usize = 124;
const TRAILER_ENTRY: usize = 248;

fn with(bytes: &[u8], at: usize, patch: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[at..at + patch.len()].copy_from_slice(patch);
    out
}

/// Offset of header field `index` within the entry at `entry`.
fn field(entry: usize, index: usize) -> usize {
    entry + 6 + 8 * index
}

#[test]
fn reads_the_pinned_archive() {
    assert_eq!(PINNED.len(), 372);
    let archive = Archive::new(PINNED).expect("valid archive");
    assert_eq!(archive.len(), 2);
    let entries: Vec<Entry<'_>> = archive.iter().collect();
    assert_eq!(
        entries,
        [
            Entry {
                name: "init",
                data: b"ABCDE",
                mode: 0o100755
            },
            Entry {
                name: "hello.txt",
                data: b"hi\n",
                mode: 0o100755
            },
        ]
    );
    assert_eq!(archive.find("init"), Some(&b"ABCDE"[..]));
    assert_eq!(archive.find("hello.txt"), Some(&b"hi\n"[..]));
    assert_eq!(archive.find("init\0"), None);
    assert_eq!(
        archive.find("TRAILER!!!"),
        None,
        "the trailer is not an entry"
    );
    assert_eq!((&archive).into_iter().size_hint(), (2, Some(2)));
}

#[test]
fn accepts_zero_padding_after_the_trailer_and_a_cut_off_trailer_pad() {
    let mut padded = PINNED.to_vec();
    padded.resize(512, 0);
    assert_eq!(Archive::new(&padded).map(|a| a.len()), Ok(2));
    assert_eq!(Archive::new(&PINNED[..369]).map(|a| a.len()), Ok(2));
    padded[500] = 1;
    assert_eq!(
        Archive::new(&padded).map(|a| a.len()),
        Err(CpioError::TrailingData { offset: 500 })
    );
}

#[test]
fn an_archive_of_only_the_trailer_is_empty() {
    let archive = Archive::new(&PINNED[TRAILER_ENTRY..]).expect("trailer only");
    assert!(archive.is_empty());
    assert_eq!(archive.iter().next(), None);
    assert_eq!(archive.find("init"), None);
}

#[test]
fn lowercase_hex_is_accepted() {
    let lower = with(PINNED, field(0, 1), b"000081ed");
    assert_eq!(
        Archive::new(&lower).map(|a| a.iter().next().map(|e| e.mode)),
        Ok(Some(0o100755))
    );
}

#[test]
fn refuses_a_missing_trailer_and_truncation() {
    assert_eq!(
        Archive::new(&[]).map(|a| a.len()),
        Err(CpioError::MissingTrailer { len_bytes: 0 })
    );
    assert_eq!(
        Archive::new(&PINNED[..TRAILER_ENTRY]).map(|a| a.len()),
        Err(CpioError::MissingTrailer { len_bytes: 248 })
    );
    let cases = [
        (100, 0, 110),                           // inside the first header
        (114, 0, 115),                           // inside the first name
        (120, 0, 121),                           // inside the first data
        (122, SECOND_ENTRY, 234),                // the data's padding is missing
        (TRAILER_ENTRY + 3, TRAILER_ENTRY, 358), // inside the trailer's header
    ];
    for (len, offset, needed_end) in cases {
        assert_eq!(
            Archive::new(&PINNED[..len]).map(|a| a.len()),
            Err(CpioError::Truncated {
                offset,
                needed_end,
                len_bytes: len
            }),
            "cut at {len}"
        );
    }
    let huge = with(PINNED, field(0, 6), b"FFFFFFFF");
    assert!(matches!(
        Archive::new(&huge),
        Err(CpioError::Truncated { offset: 0, .. })
    ));
}

#[test]
fn refuses_bad_magic_and_bad_hex() {
    let crc = with(PINNED, 0, b"070702");
    assert_eq!(
        Archive::new(&crc).map(|a| a.len()),
        Err(CpioError::BadMagic {
            offset: 0,
            found: *b"070702"
        })
    );
    let second = with(PINNED, SECOND_ENTRY + 5, b"7");
    assert_eq!(
        Archive::new(&second).map(|a| a.len()),
        Err(CpioError::BadMagic {
            offset: SECOND_ENTRY,
            found: *b"070707"
        })
    );
    for digits in [b"0000000G", b"+0000005", b" 0000005", b"0x000005"] {
        let bad = with(PINNED, field(0, 6), digits);
        assert_eq!(
            Archive::new(&bad).map(|a| a.len()),
            Err(CpioError::BadHex {
                offset: 0,
                field: "filesize",
                found: *digits
            })
        );
    }
    let message = CpioError::BadHex {
        offset: 0x7c,
        field: "namesize",
        found: *b"0000000G",
    }
    .to_string();
    assert!(
        message.contains("0x7c") && message.contains("namesize") && message.contains("0000000G"),
        "{message}"
    );
}

#[test]
fn refuses_bad_names() {
    let not_utf8 = with(PINNED, 110, b"\xff");
    assert_eq!(
        Archive::new(&not_utf8).map(|a| a.len()),
        Err(CpioError::NameNotUtf8 { offset: 0 })
    );
    for (namesize, name) in [(b"00000000", 0), (b"00000001", 1), (b"00000004", 4)] {
        let bad = with(PINNED, field(0, 11), namesize);
        assert_eq!(
            Archive::new(&bad).map(|a| a.len()),
            Err(CpioError::BadName {
                offset: 0,
                namesize: name
            }),
            "namesize {name}"
        );
    }
    let inner_nul = with(PINNED, 111, b"\0");
    assert_eq!(
        Archive::new(&inner_nul).map(|a| a.len()),
        Err(CpioError::BadName {
            offset: 0,
            namesize: 5
        })
    );
}

#[test]
fn never_panics_on_mutated_or_truncated_archives() {
    let mut rng = Rng(0xc910_0001);
    let (mut accepted, mut refused) = (0, 0);
    for _ in 0..20_000 {
        let mut bytes = PINNED.to_vec();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(bytes.len() + 1);
            match rng.below(4) {
                0 if at < bytes.len() => bytes[at] = b"0123456789abcdefF\0!"[rng.below(19)],
                1 if at < bytes.len() => bytes[at] ^= 1 << rng.below(8),
                2 => bytes.insert(at, rng.next() as u8),
                3 => bytes.truncate(at),
                _ => {}
            }
        }
        match Archive::new(&bytes) {
            Ok(archive) => {
                let entries: Vec<Entry<'_>> = archive.iter().collect();
                assert_eq!(entries.len(), archive.len());
                for entry in &entries {
                    assert!(!entry.name.is_empty() && entry.data.len() <= bytes.len());
                    assert!(archive.find(entry.name).is_some());
                }
                accepted += 1;
            }
            Err(error) => {
                assert!(!error.to_string().is_empty());
                refused += 1;
            }
        }
    }
    assert!(
        accepted > 500 && refused > 5_000,
        "{accepted} accepted, {refused} refused"
    );
}
