//! Writes the boot archive: a cpio "newc" archive of flat files, byte-for-byte reproducible.
//!
//! Every member is a regular file with mode 0o100755, owner 0, mtime 0 and
//! inode numbers 1, 2, ... in argument order, so the same inputs always give
//! the same bytes. No directory entries are written: the kernel's reader
//! looks files up by their full name.

use std::collections::BTreeSet;

/// The "new ASCII" format's magic.
const MAGIC: &str = "070701";
/// The name of the entry that ends the archive.
const TRAILER: &str = "TRAILER!!!";
/// Regular file, rwxr-xr-x: every member is a program or a file it reads.
pub const FILE_MODE: u32 = 0o100755;
/// Longest member name, as Linux's PATH_MAX less the NUL.
const MAX_NAME_BYTES: usize = 4095;

/// One member to write: its name in the archive and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The name the kernel looks it up by.
    pub name: String,
    /// The file's contents.
    pub data: Vec<u8>,
}

/// Checks a member name: 1 to 4095 bytes, relative, no NUL, no `.`/`..`/empty components, not the trailer's.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("an archive name is empty".to_string());
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(format!(
            "an archive name of {} bytes is longer than {MAX_NAME_BYTES}",
            name.len()
        ));
    }
    if name.contains('\0') {
        return Err(format!("archive name {name:?} contains a NUL byte"));
    }
    if name == TRAILER {
        return Err(format!("{TRAILER} is reserved for the end of the archive"));
    }
    if name.starts_with('/') {
        return Err(format!(
            "archive name {name:?} must be relative (no leading /)"
        ));
    }
    if name
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return Err(format!(
            "archive name {name:?} has an empty, '.' or '..' component"
        ));
    }
    Ok(())
}

/// The archive holding `members` in order, then the trailer. Errors on bad or repeated names and files over 4 GiB.
pub fn write(members: &[Member]) -> Result<Vec<u8>, String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (index, member) in members.iter().enumerate() {
        check_name(&member.name)?;
        if !seen.insert(member.name.as_str()) {
            return Err(format!("archive name {:?} is given twice", member.name));
        }
        let size = u32::try_from(member.data.len()).map_err(|_| {
            format!(
                "{}: {} bytes is more than a cpio entry can hold (4 GiB)",
                member.name,
                member.data.len()
            )
        })?;
        let ino = u32::try_from(index + 1).map_err(|_| "too many archive members".to_string())?;
        push_entry(&mut out, ino, FILE_MODE, &member.name, &member.data, size);
    }
    push_entry(&mut out, 0, 0, TRAILER, &[], 0);
    Ok(out)
}

/// Appends one header, name and data, each padded to 4 bytes from the archive's start.
fn push_entry(out: &mut Vec<u8>, ino: u32, mode: u32, name: &str, data: &[u8], size: u32) {
    debug_assert!(out.len().is_multiple_of(4), "entries start 4-aligned");
    debug_assert!(name.len() <= MAX_NAME_BYTES);
    let namesize = name.len() as u32 + 1; // check_name keeps names short
                                          // ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor namesize check
    let fields = [ino, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, namesize, 0];
    out.extend_from_slice(MAGIC.as_bytes());
    for field in fields {
        out.extend_from_slice(format!("{field:08X}").as_bytes());
    }
    out.extend_from_slice(name.as_bytes());
    out.push(0);
    pad4(out);
    out.extend_from_slice(data);
    pad4(out);
}

fn pad4(out: &mut Vec<u8>) {
    out.resize(out.len().next_multiple_of(4), 0);
}

/// Splits a `name=path` argument at the first `=` (names cannot contain `=`; paths may).
pub fn parse_spec(spec: &str) -> Result<(String, String), String> {
    match spec.split_once('=') {
        Some((name, path)) if !path.is_empty() => {
            check_name(name)?;
            Ok((name.to_string(), path.to_string()))
        }
        _ => Err(format!("{spec:?} is not <name>=<path>")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(name: &str, data: &[u8]) -> Member {
        Member {
            name: name.to_string(),
            data: data.to_vec(),
        }
    }

    /// The exact bytes for init=<"ABCDE">, hello.txt=<"hi\n">; the kernel's reader test
    /// (kernel/src/loader/cpio_tests.rs) decodes the same bytes, so the two are pinned together.
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

    #[test]
    fn writes_the_pinned_bytes() {
        let written = write(&[member("init", b"ABCDE"), member("hello.txt", b"hi\n")]);
        assert_eq!(written.as_deref(), Ok(PINNED));
    }

    #[test]
    fn an_empty_list_is_just_the_trailer() {
        assert_eq!(write(&[]).as_deref(), Ok(&PINNED[248..]));
    }

    #[test]
    fn the_same_inputs_give_the_same_bytes() {
        let members = [member("bin/init", &[1, 2, 3]), member("empty", b"")];
        let first = write(&members).expect("valid members");
        assert_eq!(write(&members), Ok(first.clone()));
        assert_eq!(first.len() % 4, 0);
    }

    #[test]
    fn refuses_bad_and_repeated_names() {
        let long = "a".repeat(MAX_NAME_BYTES + 1);
        assert!(
            write(&[member(&long[1..], b"")]).is_ok(),
            "4095 bytes is allowed"
        );
        for name in [
            long.as_str(),
            "",
            "/init",
            "a//b",
            "./init",
            "bin/../init",
            "a\0b",
            TRAILER,
            "init/",
        ] {
            assert!(
                write(&[member(name, b"x")]).is_err(),
                "{name:?} should be refused"
            );
        }
        let twice = write(&[member("init", b"a"), member("init", b"b")]);
        assert_eq!(
            twice,
            Err("archive name \"init\" is given twice".to_string())
        );
    }

    #[test]
    fn parses_name_equals_path() {
        assert_eq!(
            parse_spec("init=build/init.elf"),
            Ok(("init".to_string(), "build/init.elf".to_string()))
        );
        assert_eq!(
            parse_spec("cfg=dir/a=b"),
            Ok(("cfg".to_string(), "dir/a=b".to_string())),
            "only the first = splits"
        );
        for bad in ["init", "init=", "=path", "/init=path"] {
            assert!(parse_spec(bad).is_err(), "{bad:?}");
        }
    }
}
