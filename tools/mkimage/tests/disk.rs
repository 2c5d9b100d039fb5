//! Integration test: `mkimage disk` writes an SD-card image whose MBR, read here byte by byte, has one FAT32 partition at 1 MiB.

mod support;

use support::{mkimage, Scratch};

/// A 4 MiB partition image starting with a FAT32 boot sector (what mkfs.vfat -F 32 -h 2048 writes there).
fn fat32_partition() -> Vec<u8> {
    let sectors: u32 = 8192;
    let mut part = vec![0u8; sectors as usize * 512];
    part[11..13].copy_from_slice(&512u16.to_le_bytes());
    part[13] = 1;
    part[14..16].copy_from_slice(&32u16.to_le_bytes());
    part[16] = 2;
    part[28..32].copy_from_slice(&2048u32.to_le_bytes());
    part[32..36].copy_from_slice(&sectors.to_le_bytes());
    part[36..40].copy_from_slice(&64u32.to_le_bytes());
    part[82..90].copy_from_slice(b"FAT32   ");
    part[510] = 0x55;
    part[511] = 0xAA;
    // Something recognisable in the last sector, to find where the partition landed.
    let end = part.len();
    part[end - 4..].copy_from_slice(b"last");
    part
}

fn le32(bytes: &[u8]) -> u32 {
    u32::from_le_bytes(bytes.try_into().expect("4 bytes"))
}

#[test]
fn writes_an_mbr_with_one_fat32_partition_at_1_mib() {
    let scratch = Scratch::new("disk");
    let (part_path, out) = (scratch.path("part.img"), scratch.path("sdcard.img"));
    let part = fat32_partition();
    std::fs::write(&part_path, &part).expect("write partition");

    let output = mkimage(&["disk", &out, &part_path]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("type 0x0c (FAT32, LBA) from sector 2048 (1024 KiB) for 8192 sectors"),
        "{stdout}"
    );

    let disk = std::fs::read(&out).expect("disk written");
    assert_eq!(disk.len(), 1024 * 1024 + part.len());
    assert_eq!(&disk[510..512], &[0x55, 0xAA], "MBR signature");
    let entries: Vec<&[u8]> = disk[446..510].chunks(16).collect();
    let first = entries[0];
    assert_eq!(first[4], 0x0C, "type: FAT32 with LBA");
    assert_eq!(le32(&first[8..12]), 2048, "starts at 1 MiB");
    assert_eq!(le32(&first[12..16]) as usize, part.len() / 512);
    assert!(
        entries[1..].iter().all(|e| e.iter().all(|&b| b == 0)),
        "only one partition"
    );
    assert_eq!(
        &disk[1024 * 1024..],
        &part[..],
        "the partition, byte for byte"
    );
    assert_eq!(&disk[disk.len() - 4..], b"last");
}

#[test]
fn refuses_a_partition_that_is_not_fat32_and_writes_nothing() {
    let scratch = Scratch::new("disk-refused");
    let (part_path, out) = (scratch.path("part.img"), scratch.path("sdcard.img"));
    std::fs::write(&part_path, vec![0u8; 64 * 1024]).expect("write partition");
    let output = mkimage(&["disk", &out, &part_path]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not a FAT32 file system"), "{stderr}");
    assert!(!std::path::Path::new(&out).exists());

    let usage = mkimage(&["disk", &out]);
    assert_eq!(usage.status.code(), Some(2), "a usage error");
}
