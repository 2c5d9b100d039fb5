//! The SD-card image for a real Pi 3 (`make sdcard`, build/sdcard.img): its MBR, its FAT32
//! file system, the files on it, and the kernel copied off it booting to the shell.
//!
//! The checks use the card as a user's tools see it: `fsck.fat`, `mdir` and `mcopy`
//! (dosfstools and mtools, which `make sdcard` installs), and QEMU for the kernel.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use systest::{image, BootOptions, Failure, Shell};

/// Where the partition starts, and the unit of the MBR's LBA fields.
const MIB: usize = 1024 * 1024;
const SECTOR: usize = 512;
/// The files the Pi's firmware needs, and the ones mica adds.
const FIRMWARE: [&str; 3] = ["bootcode.bin", "start.elf", "fixup.dat"];
const MICA_FILES: [&str; 3] = ["config.txt", "kernel8.img", "FIRMWARE.txt"];

fn card() -> PathBuf {
    image("sdcard.img").unwrap_or_else(|e| panic!("{e} (make sdcard builds it)"))
}

fn le16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Runs a card tool; mkfs.vfat's and fsck.fat's folder (/usr/sbin) is not on every PATH.
fn tool(program: &str, args: &[&str]) -> Output {
    let path = std::env::var("PATH").unwrap_or_default();
    Command::new(program)
        .args(args)
        .env("PATH", format!("{path}:/usr/sbin:/sbin"))
        // An image file has no drive geometry for mtools to check.
        .env("MTOOLS_SKIP_CHECK", "1")
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {program}: {e} (tools/ensure-deps.sh sdcard installs dosfstools and mtools)")
        })
}

/// A successful tool's stdout; a failure panics with everything the tool said.
fn tool_ok(program: &str, args: &[&str]) -> String {
    let out = tool(program, args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{program} {args:?} failed ({}):\n{stdout}{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The card's FAT file system as mtools names it: the image at an offset of 1 MiB.
fn fat(card: &Path) -> String {
    format!("{}@@1M", card.display())
}

/// A file from the card, read with mcopy to stdout.
fn card_file(card: &Path, name: &str) -> String {
    tool_ok("mcopy", &["-i", &fat(card), &format!("::{name}"), "-"])
}

/// A scratch folder for this test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(test: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("systest-sdcard-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create scratch folder");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn the_mbr_holds_one_fat32_partition_at_1_mib() {
    let disk = std::fs::read(card()).expect("read the card");
    assert!(disk.len() > MIB + SECTOR, "{} bytes: too short", disk.len());
    assert_eq!(&disk[510..512], &[0x55, 0xAA], "MBR signature");
    let entry = &disk[446..462];
    assert_eq!(entry[4], 0x0C, "partition type: FAT32 with LBA");
    assert_eq!(le32(entry, 8), 2048, "starts at sector 2048 (1 MiB)");
    let sectors = le32(entry, 12) as usize;
    assert_eq!(
        MIB + sectors * SECTOR,
        disk.len(),
        "ends where the image ends"
    );
    assert!(disk[462..510].iter().all(|&b| b == 0), "entries 2-4 empty");

    let boot = &disk[MIB..MIB + SECTOR];
    assert_eq!(&boot[510..512], &[0x55, 0xAA], "FAT boot sector signature");
    assert_eq!(le16(boot, 11), 512, "bytes per sector");
    assert_eq!(le16(boot, 17), 0, "no fixed root directory: FAT32");
    assert_eq!(&boot[82..90], b"FAT32   ");
    assert_eq!(
        le32(boot, 28),
        2048,
        "hidden sectors: the partition's start"
    );
    assert_eq!(
        le32(boot, 32) as usize,
        sectors,
        "the file system fills the partition"
    );
}

#[test]
fn the_partition_passes_fsck() {
    let disk = std::fs::read(card()).expect("read the card");
    let scratch = Scratch::new("fsck");
    let part = scratch.0.join("part.img");
    std::fs::write(&part, &disk[MIB..]).expect("write the partition");
    let report = tool_ok("fsck.fat", &["-n", part.to_str().expect("utf-8 path")]);
    assert!(report.contains("files"), "{report}");
}

#[test]
fn the_card_holds_the_firmware_config_and_kernel() {
    let card = card();
    let listing = tool_ok("mdir", &["-b", "-i", &fat(&card), "::"]);
    let names: Vec<&str> = listing
        .lines()
        .map(|l| l.trim().trim_start_matches("::/"))
        .collect();
    for want in FIRMWARE.iter().chain(&MICA_FILES) {
        assert!(names.contains(want), "{want} is not on the card: {names:?}");
    }

    // FIRMWARE.txt names the source and the SHA256 of each firmware file on the card.
    let about = card_file(&card, "FIRMWARE.txt");
    assert!(
        about.contains("raspi-firmware 1.") || about.contains("FIRMWARE_DIR="),
        "{about}"
    );
    let scratch = Scratch::new("files");
    for name in FIRMWARE {
        let copy = scratch.0.join(name);
        let copy = copy.to_str().expect("utf-8 path");
        tool_ok("mcopy", &["-i", &fat(&card), &format!("::{name}"), copy]);
        let sum = tool_ok("sha256sum", &[copy]);
        let sum = sum.split_whitespace().next().expect("a digest");
        let listed = about
            .lines()
            .any(|l| l.split_whitespace().next() == Some(name) && l.contains(sum));
        assert!(
            listed,
            "FIRMWARE.txt has no line for {name} with sha256 {sum}:\n{about}"
        );
    }
}

/// The console a card was made for (`CONSOLE=`), from its config.txt; checks the file on the way.
fn console_of(config: &str) -> &'static str {
    assert!(
        !config.contains("#@"),
        "block markers of config/config.txt left in:\n{config}"
    );
    let mut previous = "";
    let mut settings = Vec::new();
    for line in config.lines().map(str::trim) {
        if !line.is_empty() && !line.starts_with('#') {
            assert!(
                previous.starts_with('#'),
                "`{line}` has no comment above it:\n{config}"
            );
            settings.push(line);
        }
        previous = line;
    }
    for want in [
        "arm_64bit=1",
        "kernel=kernel8.img",
        "kernel_address=0x80000",
        "enable_uart=1",
    ] {
        assert!(
            settings.contains(&want),
            "config.txt lacks {want}:\n{config}"
        );
    }
    assert!(
        !settings.iter().any(|s| s.starts_with("kernel_old")),
        "kernel_old skips the EL2 stub:\n{config}"
    );
    let pl011 = settings.contains(&"dtoverlay=disable-bt");
    let mini = settings.contains(&"core_freq=250");
    match (pl011, mini) {
        (true, false) => "pl011",
        (false, true) => "mini",
        _ => panic!("config.txt sets up neither or both consoles:\n{config}"),
    }
}

#[test]
fn the_kernel_on_the_card_boots_to_the_shell() -> Result<(), Failure> {
    let card = card();
    let console = console_of(&card_file(&card, "config.txt"));
    let scratch = Scratch::new("boot");
    let kernel = scratch.0.join("kernel8.img");
    let kernel_arg = kernel.to_str().expect("utf-8 path");
    tool_ok("mcopy", &["-i", &fat(&card), "::kernel8.img", kernel_arg]);

    // With the mini UART the shell is on QEMU's second serial port.
    let opts = BootOptions {
        second_serial: console == "mini",
        ..BootOptions::default()
    };
    let mut sh = Shell::boot(&kernel, opts)?;
    sh.check("echo hello", &["hello"])?;
    // The card's /etc/modules (in the boot archive, /boot) drives the UART config.txt set up.
    sh.check("cat /boot/etc/modules", &[&format!("uart port={console}")])?;
    Ok(())
}
