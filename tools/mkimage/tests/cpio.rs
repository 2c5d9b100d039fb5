//! Integration test: `mkimage cpio` writes an archive that the system's `cpio` lists and extracts (when installed).

mod support;

use std::io::Write;

use std::process::{Command, Output, Stdio};
use support::{mkimage, Scratch};

/// Runs the system `cpio` with `archive` on stdin; `None` when it is not installed.
fn system_cpio(args: &[&str], archive: &[u8]) -> Option<Output> {
    let mut child = match Command::new("cpio")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => panic!("cannot run cpio: {e}"),
    };
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(archive)
        .expect("feed cpio");
    Some(child.wait_with_output().expect("wait for cpio"))
}

#[test]
fn writes_an_archive_the_system_cpio_reads() {
    let scratch = Scratch::new("reads");
    let (init, motd, out) = (
        scratch.path("init.elf"),
        scratch.path("motd"),
        scratch.path("boot.cpio"),
    );
    std::fs::write(&init, b"\x7fELF pretend program").expect("write init");
    std::fs::write(&motd, b"hello from mica\n").expect("write motd");

    let output = mkimage(&[
        "cpio",
        &out,
        &format!("init={init}"),
        &format!("etc/motd={motd}"),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary = String::from_utf8_lossy(&output.stdout);
    assert!(summary.contains("2 files in"), "{summary}");
    let archive = std::fs::read(&out).expect("archive written");
    assert!(archive.starts_with(b"070701"));
    assert_eq!(archive.len() % 4, 0);

    let Some(listing) = system_cpio(&["-t", "--quiet"], &archive) else {
        println!("note: `cpio` is not on PATH; skipped checking the archive with it");
        return;
    };
    assert!(
        listing.status.success(),
        "{}",
        String::from_utf8_lossy(&listing.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&listing.stdout), "init\netc/motd\n");

    let verbose = system_cpio(&["-tv", "--quiet"], &archive).expect("cpio ran before");
    let verbose = String::from_utf8_lossy(&verbose.stdout).into_owned();
    assert_eq!(verbose.matches("-rwxr-xr-x").count(), 2, "{verbose}");

    let extracted = system_cpio(&["-i", "--to-stdout", "--quiet", "etc/motd"], &archive)
        .expect("cpio ran before");
    assert!(
        extracted.status.success(),
        "{}",
        String::from_utf8_lossy(&extracted.stderr)
    );
    assert_eq!(extracted.stdout, b"hello from mica\n");
}

#[test]
fn a_missing_input_fails_and_writes_nothing() {
    let scratch = Scratch::new("missing");
    let out = scratch.path("boot.cpio");
    let missing = scratch.path("nope.elf");
    let output = mkimage(&["cpio", &out, &format!("init={missing}")]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("nope.elf: cannot read"), "{stderr}");
    assert!(!std::path::Path::new(&out).exists());
}

#[test]
fn a_malformed_member_is_a_usage_error() {
    let output = mkimage(&["cpio", "out.cpio", "no-equals-sign"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("is not <name>=<path>") && stderr.contains("usage"),
        "{stderr}"
    );
}
