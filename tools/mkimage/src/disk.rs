//! `mkimage disk`: an SD-card image: an MBR with one FAT32 partition at 1 MiB holding a given file-system image.
//!
//! The Raspberry Pi's boot ROM and firmware read the first FAT partition of
//! an MBR disk. The partition is described by LBA (type 0x0C, "FAT32 with
//! LBA"); the CHS fields are filled the way fdisk does, for old tools only.

/// Bytes in one sector: the MBR's unit for every LBA field.
pub const SECTOR_BYTES: usize = 512;
/// Where the partition starts: 1 MiB, which keeps it aligned to SD cards' erase blocks.
pub const START_LBA: u32 = 2048;
/// The partition type: FAT32 addressed by LBA.
pub const FAT32_LBA: u8 = 0x0C;
/// The disk identifier at byte 440 (Linux's PARTUUID prefix): "mica", so images are reproducible.
pub const DISK_ID: u32 = u32::from_le_bytes(*b"mica");

/// Offset of the partition table in the MBR, and the size of one entry.
const TABLE_OFFSET: usize = 446;
const ENTRY_BYTES: usize = 16;
const DISK_ID_OFFSET: usize = 440;
/// The boot-sector signature at bytes 510-511, in the MBR and in a FAT boot sector alike.
const SIGNATURE: [u8; 2] = [0x55, 0xAA];
/// The geometry fdisk assumes for CHS values: 255 heads, 63 sectors per track.
const HEADS: u32 = 255;
const SECTORS_PER_TRACK: u32 = 63;
/// CHS cannot address past cylinder 1023; such entries carry this maximum instead.
const CHS_MAX: [u8; 3] = [0xFE, 0xFF, 0xFF];

/// One MBR partition entry, as read back from a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    /// The status byte: 0x80 marks the active (bootable) partition, 0x00 any other.
    pub status: u8,
    /// The partition type byte (0x0C: FAT32 with LBA).
    pub kind: u8,
    /// The first sector.
    pub start_lba: u32,
    /// The length in sectors.
    pub sectors: u32,
}

/// The CHS triple (head, sector | cylinder high bits, cylinder low bits) of `lba`.
fn chs(lba: u32) -> [u8; 3] {
    let cylinder = lba / (HEADS * SECTORS_PER_TRACK);
    if cylinder > 1023 {
        return CHS_MAX;
    }
    let head = (lba / SECTORS_PER_TRACK) % HEADS;
    let sector = lba % SECTORS_PER_TRACK + 1;
    [
        head as u8,
        (sector as u8) | ((cylinder >> 2) as u8 & 0xC0),
        cylinder as u8,
    ]
}

/// The MBR sector for one partition (status 0, not marked active: the Pi does not look).
pub fn mbr(part: &Partition, disk_id: u32) -> [u8; SECTOR_BYTES] {
    let mut sector = [0u8; SECTOR_BYTES];
    sector[DISK_ID_OFFSET..DISK_ID_OFFSET + 4].copy_from_slice(&disk_id.to_le_bytes());
    let last_lba = part.start_lba + part.sectors.saturating_sub(1);
    let entry = &mut sector[TABLE_OFFSET..TABLE_OFFSET + ENTRY_BYTES];
    entry[0] = part.status;
    entry[1..4].copy_from_slice(&chs(part.start_lba));
    entry[4] = part.kind;
    entry[5..8].copy_from_slice(&chs(last_lba));
    entry[8..12].copy_from_slice(&part.start_lba.to_le_bytes());
    entry[12..16].copy_from_slice(&part.sectors.to_le_bytes());
    sector[510..512].copy_from_slice(&SIGNATURE);
    sector
}

/// The used entries of the MBR in the first sector of `disk`, in table order.
pub fn parse_mbr(disk: &[u8]) -> Result<Vec<Partition>, String> {
    let sector = disk
        .get(..SECTOR_BYTES)
        .ok_or("shorter than one sector: no MBR")?;
    if sector[510..512] != SIGNATURE {
        return Err("no 0x55AA signature at byte 510: not an MBR".to_string());
    }
    let u32_at = |b: &[u8], at: usize| u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
    let mut parts = Vec::new();
    for (i, entry) in sector[TABLE_OFFSET..510]
        .chunks_exact(ENTRY_BYTES)
        .enumerate()
    {
        let part = Partition {
            status: entry[0],
            kind: entry[4],
            start_lba: u32_at(entry, 8),
            sectors: u32_at(entry, 12),
        };
        if part.kind == 0 {
            continue;
        }
        if part.status & 0x7F != 0 {
            return Err(format!(
                "entry {}: bad status byte {:#04x}",
                i + 1,
                part.status
            ));
        }
        parts.push(part);
    }
    Ok(parts)
}

/// What [`check_fat32`] learnt from a FAT32 boot sector.
#[derive(Debug, PartialEq, Eq)]
pub struct Fat32 {
    /// BPB_TotSec32: the file system's length in sectors.
    pub total_sectors: u32,
    /// BPB_HiddSec: the sectors before the partition, as the file system believes.
    pub hidden_sectors: u32,
}

/// Checks that `part` starts with a FAT32 boot sector of 512-byte sectors.
pub fn check_fat32(part: &[u8]) -> Result<Fat32, String> {
    let boot = part
        .get(..SECTOR_BYTES)
        .ok_or("shorter than one sector: no boot sector")?;
    let u16_at = |at: usize| u16::from_le_bytes([boot[at], boot[at + 1]]);
    let u32_at =
        |at: usize| u32::from_le_bytes([boot[at], boot[at + 1], boot[at + 2], boot[at + 3]]);
    // FAT32 is the FAT whose BPB has no fixed root directory and no 16-bit FAT size.
    let (bytes_per_sector, root_entries, fat_size16) = (u16_at(11), u16_at(17), u16_at(22));
    if boot[510..512] != SIGNATURE || root_entries != 0 || fat_size16 != 0 || u32_at(36) == 0 {
        return Err("not a FAT32 file system (make it with mkfs.vfat -F 32)".to_string());
    }
    if usize::from(bytes_per_sector) != SECTOR_BYTES {
        return Err(format!(
            "FAT32 with {bytes_per_sector}-byte sectors; the MBR counts {SECTOR_BYTES}-byte ones"
        ));
    }
    Ok(Fat32 {
        total_sectors: u32_at(32),
        hidden_sectors: u32_at(28),
    })
}

/// A disk image built by [`image`]: the bytes and anything worth a note.
pub struct Disk {
    /// The MBR, zeros up to [`START_LBA`], then the partition.
    pub bytes: Vec<u8>,
    /// Remarks that do not stop the build.
    pub notes: Vec<String>,
}

/// The whole disk: the MBR for one FAT32 partition at 1 MiB, then `part` there.
pub fn image(part: &[u8]) -> Result<Disk, String> {
    if part.is_empty() || !part.len().is_multiple_of(SECTOR_BYTES) {
        return Err(format!(
            "the partition image is {} bytes, not a whole number of {SECTOR_BYTES}-byte sectors",
            part.len()
        ));
    }
    let sectors = u32::try_from(part.len() / SECTOR_BYTES)
        .ok()
        .filter(|n| n.checked_add(START_LBA).is_some())
        .ok_or("the partition image is too large for an MBR (2 TiB)")?;
    let fat = check_fat32(part)?;
    if fat.total_sectors > sectors {
        return Err(format!(
            "the file system claims {} sectors but the image holds {sectors}",
            fat.total_sectors
        ));
    }
    let mut notes = Vec::new();
    if fat.hidden_sectors != START_LBA {
        notes.push(format!(
            "the file system's hidden-sector count is {}, not {START_LBA} (mkfs.vfat -h {START_LBA} sets it)",
            fat.hidden_sectors
        ));
    }
    let entry = Partition {
        status: 0,
        kind: FAT32_LBA,
        start_lba: START_LBA,
        sectors,
    };
    let start_bytes = START_LBA as usize * SECTOR_BYTES;
    let mut bytes = Vec::with_capacity(start_bytes + part.len());
    bytes.extend_from_slice(&mbr(&entry, DISK_ID));
    bytes.resize(start_bytes, 0);
    bytes.extend_from_slice(part);
    debug_assert_eq!(parse_mbr(&bytes), Ok(vec![entry]));
    Ok(Disk { bytes, notes })
}

/// The arguments after `disk`: `Some([out, part])`, or `None` when help was asked for.
pub fn parse_args(args: Vec<String>) -> Result<Option<[String; 2]>, String> {
    if args.iter().any(|arg| arg == "-h" || arg == "--help") {
        return Ok(None);
    }
    if let Some(option) = args.iter().find(|arg| arg.starts_with('-')) {
        return Err(format!("unknown option {option}"));
    }
    <[String; 2]>::try_from(args)
        .map(Some)
        .map_err(|_| "disk takes <out.img> <part.img>".to_string())
}

/// Runs `disk`: reads the partition image, writes `out` only if every check passed.
pub fn run(out: &str, part_path: &str) -> Result<String, String> {
    let part = std::fs::read(part_path).map_err(|e| format!("{part_path}: cannot read: {e}"))?;
    let disk = image(&part).map_err(|e| format!("{part_path}: {e}"))?;
    std::fs::write(out, &disk.bytes).map_err(|e| format!("{out}: cannot write: {e}"))?;
    // The summary is read back from what was written, so it shows the table as a tool sees it.
    let parts = parse_mbr(&disk.bytes)?;
    let mut summary: String = disk
        .notes
        .iter()
        .map(|note| format!("mkimage: note: {part_path}: {note}\n"))
        .collect();
    for p in &parts {
        summary.push_str(&format!(
            "mkimage: {out}: {} bytes, MBR partition 1: type {:#04x} (FAT32, LBA) from sector {} ({} KiB) for {} sectors ({} KiB)",
            disk.bytes.len(),
            p.kind,
            p.start_lba,
            p.start_lba as usize * SECTOR_BYTES / 1024,
            p.sectors,
            p.sectors as usize * SECTOR_BYTES / 1024
        ));
    }
    Ok(summary)
}

#[cfg(test)]
#[path = "disk_tests.rs"]
mod tests;
