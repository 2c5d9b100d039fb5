//! Unit tests of `mkimage disk`: the MBR's bytes, CHS values, reading the table back, the FAT32 checks.

use super::*;

/// A partition image of `sectors` sectors whose first one is a FAT32 boot sector.
fn fat32_part(sectors: u32, hidden_sectors: u32) -> Vec<u8> {
    let mut part = vec![0u8; sectors as usize * SECTOR_BYTES];
    part[0..3].copy_from_slice(&[0xEB, 0x58, 0x90]);
    part[11..13].copy_from_slice(&512u16.to_le_bytes()); // bytes per sector
    part[13] = 1; // sectors per cluster
    part[14..16].copy_from_slice(&32u16.to_le_bytes()); // reserved sectors
    part[16] = 2; // FATs
    part[28..32].copy_from_slice(&hidden_sectors.to_le_bytes());
    part[32..36].copy_from_slice(&sectors.to_le_bytes());
    part[36..40].copy_from_slice(&8u32.to_le_bytes()); // sectors per FAT
    part[82..90].copy_from_slice(b"FAT32   ");
    part[510..512].copy_from_slice(&[0x55, 0xAA]);
    part
}

#[test]
fn the_mbr_describes_one_fat32_partition_at_1_mib() {
    let disk = image(&fat32_part(129_024, START_LBA)).expect("valid partition");
    assert!(disk.notes.is_empty(), "{:?}", disk.notes);
    let bytes = disk.bytes;
    assert_eq!(bytes.len(), (2048 + 129_024) * 512);
    assert_eq!(&bytes[510..512], &[0x55, 0xAA]);
    assert_eq!(&bytes[440..444], b"mica");
    let entry = &bytes[446..462];
    assert_eq!(entry[0], 0x00, "not marked active");
    assert_eq!(entry[4], 0x0C);
    assert_eq!(&entry[8..12], &2048u32.to_le_bytes());
    assert_eq!(&entry[12..16], &129_024u32.to_le_bytes());
    // CHS of LBA 2048 in 255/63 geometry: cylinder 0, head 32, sector 33 (as fdisk writes it).
    assert_eq!(&entry[1..4], &[0x20, 0x21, 0x00]);
    assert!(bytes[462..510].iter().all(|&b| b == 0), "entries 2-4 empty");
    assert!(bytes[512..2048 * 512].iter().all(|&b| b == 0), "gap zeroed");
    assert_eq!(&bytes[2048 * 512 + 82..2048 * 512 + 90], b"FAT32   ");
    assert_eq!(
        parse_mbr(&bytes),
        Ok(vec![Partition {
            status: 0,
            kind: FAT32_LBA,
            start_lba: 2048,
            sectors: 129_024,
        }])
    );
}

#[test]
fn chs_values_follow_fdisk_and_saturate_past_cylinder_1023() {
    assert_eq!(chs(0), [0, 1, 0]);
    assert_eq!(chs(62), [0, 63, 0]);
    assert_eq!(chs(63), [1, 1, 0]);
    // Cylinder 300 = 0b1_0010_1100: its top two bits go to bits 6-7 of the sector byte.
    let lba = 300 * 255 * 63 + 5 * 63 + 9;
    assert_eq!(chs(lba), [5, 10 | 0x40, 0x2C]);
    assert_eq!(chs(1023 * 255 * 63 + 254 * 63 + 62), [254, 0xFF, 0xFF]);
    assert_eq!(chs(1024 * 255 * 63), [0xFE, 0xFF, 0xFF]);
    assert_eq!(chs(u32::MAX), [0xFE, 0xFF, 0xFF]);
}

#[test]
fn the_end_chs_is_that_of_the_last_sector() {
    let sector = mbr(
        &Partition {
            status: 0,
            kind: FAT32_LBA,
            start_lba: 2048,
            sectors: 129_024,
        },
        0,
    );
    assert_eq!(sector[446 + 5..446 + 8], chs(2048 + 129_024 - 1));
    assert_eq!(&sector[440..444], &[0, 0, 0, 0]);
}

#[test]
fn reading_back_refuses_what_is_no_mbr() {
    assert!(parse_mbr(&[0u8; 100]).unwrap_err().contains("shorter"));
    assert!(parse_mbr(&[0u8; 512]).unwrap_err().contains("0x55AA"));
    let mut sector = mbr(
        &Partition {
            status: 0x80,
            kind: 0x83,
            start_lba: 1,
            sectors: 2,
        },
        7,
    );
    assert_eq!(parse_mbr(&sector).map(|p| p[0].status), Ok(0x80));
    sector[446] = 0x12;
    assert!(parse_mbr(&sector).unwrap_err().contains("status"));
}

#[test]
fn a_partition_that_is_not_fat32_is_refused() {
    let err = |part: &[u8]| image(part).err().unwrap_or_default();
    assert!(err(&[]).contains("not a whole number"));
    assert!(err(&[0u8; 1000]).contains("not a whole number"));
    assert!(err(&[0u8; 1024]).contains("not a FAT32"));
    let mut fat16 = fat32_part(64, START_LBA);
    fat16[17..19].copy_from_slice(&512u16.to_le_bytes()); // a fixed root directory: FAT12/16
    assert!(err(&fat16).contains("not a FAT32"));
    let mut unsigned = fat32_part(64, START_LBA);
    unsigned[511] = 0;
    assert!(err(&unsigned).contains("not a FAT32"));
    let mut big_sectors = fat32_part(64, START_LBA);
    big_sectors[11..13].copy_from_slice(&4096u16.to_le_bytes());
    assert!(err(&big_sectors).contains("4096-byte sectors"));
}

#[test]
fn a_file_system_longer_than_its_image_is_refused() {
    let mut part = fat32_part(64, START_LBA);
    part[32..36].copy_from_slice(&65u32.to_le_bytes());
    let err = image(&part).err().unwrap_or_default();
    assert!(
        err.contains("claims 65 sectors but the image holds 64"),
        "{err}"
    );
}

#[test]
fn a_wrong_hidden_sector_count_is_a_note_not_an_error() {
    let disk = image(&fat32_part(64, 0)).expect("still a disk");
    assert_eq!(disk.notes.len(), 1);
    assert!(disk.notes[0].contains("hidden-sector count is 0, not 2048"));
}

#[test]
fn run_writes_nothing_when_the_partition_is_refused() {
    let dir = std::env::temp_dir().join(format!("mkimage-{}-disk-refused", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let (part, out) = (dir.join("part.img"), dir.join("disk.img"));
    std::fs::write(&part, [0u8; 1024]).expect("write part");
    let (part, out) = (part.to_str().unwrap(), out.to_str().unwrap());
    let err = run(out, part).expect_err("not FAT32");
    assert!(err.starts_with(&format!("{part}: not a FAT32")), "{err}");
    assert!(!std::path::Path::new(out).exists());
    let err = run(out, "/nonexistent/part.img").expect_err("missing");
    assert!(
        err.starts_with("/nonexistent/part.img: cannot read"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_command_line_is_two_paths() {
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        parse_args(args(&["sd.img", "p.img"])),
        Ok(Some(["sd.img".to_string(), "p.img".to_string()]))
    );
    assert_eq!(parse_args(args(&["-h"])), Ok(None));
    for bad in [&[][..], &["sd.img"], &["a", "b", "c"], &["sd.img", "-v"]] {
        assert!(
            parse_args(args(bad)).is_err(),
            "{bad:?} should be a usage error"
        );
    }
}
