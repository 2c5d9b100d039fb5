//! AArch64 stage-1 translation descriptors (4 KiB granule, levels 1 to 3): encoding, decoding, W^X.
//!
//! Bit positions follow the ARMv8-A Architecture Reference Manual, D5.3 (VMSAv8-64 descriptors).

mod attrs;

use super::addr::PhysAddr;
pub use attrs::{Access, Attrs, MemKind, MAIR_EL1_VALUE};

/// Physical addresses on this machine have at most this many bits (TCR_EL1.IPS = 40 bits).
pub const PA_BITS: u32 = 40;
/// One past the highest physical address a descriptor may point at.
pub const PA_LIMIT: usize = 1 << PA_BITS;
/// Descriptors in one translation table: a 4 KiB page of 8-byte entries.
pub const ENTRIES_PER_TABLE: usize = 512;

/// Bit 0: the descriptor is valid.
const VALID: u64 = 1 << 0;
/// Bit 1: table (L1/L2) or page (L3) when set, block (L1/L2) when clear.
const TABLE_OR_PAGE: u64 = 1 << 1;
/// Bits 4:2: index of the memory attribute in MAIR_EL1.
const ATTR_INDX_SHIFT: u32 = 2;
/// Bits 7:6: AP\[2:1\], the data access permissions.
const AP_SHIFT: u32 = 6;
/// Bits 9:8: shareability; 0b11 is inner shareable.
const SH_INNER: u64 = 0b11 << 8;
/// Bit 10: access flag; set up front because the A53 does not manage it in hardware.
const AF: u64 = 1 << 10;
/// Bit 11: not global; the TLB entry is tagged with the current ASID.
const NG: u64 = 1 << 11;
/// Bit 53: privileged execute never (EL1 may not execute).
const PXN: u64 = 1 << 53;
/// Bit 54: unprivileged execute never (EL0 may not execute).
const UXN: u64 = 1 << 54;
/// Bits 47:12: output address (next table, page, or block with its low bits zero).
const OA_MASK: u64 = 0x0000_FFFF_FFFF_F000;
/// Every attribute bit this module writes into a leaf.
const LEAF_ATTR_MASK: u64 =
    (0b111 << ATTR_INDX_SHIFT) | (0b11 << AP_SHIFT) | SH_INNER | AF | NG | PXN | UXN;

/// A translation table level; with a 39-bit VA and a 4 KiB granule the walk starts at level 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Each entry covers 1 GiB: a next-level table or a 1 GiB block.
    L1,
    /// Each entry covers 2 MiB: a next-level table or a 2 MiB block.
    L2,
    /// Each entry covers 4 KiB: a page.
    L3,
}

impl Level {
    /// The lowest VA bit that selects an entry at this level.
    pub const fn shift(self) -> u32 {
        match self {
            Level::L1 => 30,
            Level::L2 => 21,
            Level::L3 => 12,
        }
    }

    /// Bytes one entry at this level maps.
    pub const fn size_bytes(self) -> usize {
        1 << self.shift()
    }

    /// The entry index for `va` (full or table-relative) in a table at this level.
    pub const fn index(self, va: usize) -> usize {
        (va >> self.shift()) % ENTRIES_PER_TABLE
    }

    /// The level below, or `None` for level 3.
    pub const fn next(self) -> Option<Level> {
        match self {
            Level::L1 => Some(Level::L2),
            Level::L2 => Some(Level::L3),
            Level::L3 => None,
        }
    }
}

/// What a descriptor is, given the level it sits at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PteKind {
    /// Faults on access (bit 0 clear, or the reserved 0b01 at level 3).
    Invalid,
    /// Points at a next-level table (0b11 at levels 1 and 2).
    Table,
    /// Maps a 1 GiB (L1) or 2 MiB (L2) block (0b01).
    Block,
    /// Maps a 4 KiB page (0b11 at level 3).
    Page,
}

/// One 64-bit translation table descriptor. Its meaning depends on the level it sits at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[repr(transparent)]
pub struct Pte(pub u64);

impl Pte {
    /// The invalid descriptor: every access through it faults.
    pub const INVALID: Pte = Pte(0);

    /// A level 1 or 2 descriptor pointing at the table at `next`, with no hierarchical limits.
    /// `next` comes from the table allocator, which hands out 4 KiB-aligned tables below [`PA_LIMIT`].
    pub fn table(next: PhysAddr) -> Pte {
        debug_assert!(
            next.is_page_aligned() && next.0 < PA_LIMIT,
            "bad table address {next:?}"
        );
        Pte((next.0 as u64 & OA_MASK) | TABLE_OR_PAGE | VALID)
    }

    /// A 4 KiB page at level 3; `None` unless `pa` is page aligned and below [`PA_LIMIT`].
    pub fn page(pa: PhysAddr, attrs: Attrs) -> Option<Pte> {
        Pte::leaf(Level::L3, pa, attrs)
    }

    /// A 1 GiB (L1) or 2 MiB (L2) block; `None` at L3 or unless `pa` is block aligned and in range.
    pub fn block(level: Level, pa: PhysAddr, attrs: Attrs) -> Option<Pte> {
        if level == Level::L3 {
            return None;
        }
        Pte::leaf(level, pa, attrs)
    }

    /// A leaf at `level` (block at L1/L2, page at L3); `None` unless `pa` is aligned and in range.
    pub fn leaf(level: Level, pa: PhysAddr, attrs: Attrs) -> Option<Pte> {
        let size = level.size_bytes();
        if !pa.0.is_multiple_of(size) || pa.0 > PA_LIMIT - size {
            return None;
        }
        Some(Pte(pa.0 as u64 | attrs.bits() | leaf_type(level)))
    }

    /// The descriptor as a raw value.
    pub const fn raw(self) -> u64 {
        self.0
    }

    /// Bit 0 is set (at level 3 the reserved type 0b01 is still [`PteKind::Invalid`]).
    pub const fn is_valid(self) -> bool {
        self.0 & VALID != 0
    }

    /// What this descriptor is at `level`.
    pub const fn kind(self, level: Level) -> PteKind {
        match (self.0 & (TABLE_OR_PAGE | VALID), level) {
            (0b11, Level::L3) => PteKind::Page,
            (0b11, _) => PteKind::Table,
            (0b01, Level::L1 | Level::L2) => PteKind::Block,
            _ => PteKind::Invalid,
        }
    }

    /// True for a block or a page.
    pub const fn is_leaf(self, level: Level) -> bool {
        matches!(self.kind(level), PteKind::Block | PteKind::Page)
    }

    /// The next-level table, if this is a table descriptor at `level`.
    pub fn table_addr(self, level: Level) -> Option<PhysAddr> {
        (self.kind(level) == PteKind::Table).then_some(PhysAddr((self.0 & OA_MASK) as usize))
    }

    /// The first physical address a leaf at `level` maps (bits 47:12, 47:21 or 47:30).
    pub fn leaf_addr(self, level: Level) -> Option<PhysAddr> {
        let low_bits = level.size_bytes() as u64 - 1;
        self.is_leaf(level)
            .then_some(PhysAddr((self.0 & OA_MASK & !low_bits) as usize))
    }

    /// The attributes of a leaf at `level`; `None` for non-leaves and unknown AttrIndx values.
    pub fn attrs(self, level: Level) -> Option<Attrs> {
        if !self.is_leaf(level) {
            return None;
        }
        Attrs::from_bits(self.0)
    }

    /// Piece `index` (0..512) of a block at `level`, as a leaf one level down with the same attributes.
    pub fn block_child(self, level: Level, index: usize) -> Option<Pte> {
        let next = level.next()?;
        let base = self.leaf_addr(level)?;
        if self.kind(level) != PteKind::Block || index >= ENTRIES_PER_TABLE {
            return None;
        }
        let pa = (base.0 + index * next.size_bytes()) as u64;
        Some(Pte(pa | (self.0 & LEAF_ATTR_MASK) | leaf_type(next)))
    }

    /// A leaf at `level` whose raw AP/PXN/UXN bits break W^X (see [`Attrs::is_writable_and_executable`]).
    pub const fn is_writable_and_executable(self, level: Level) -> bool {
        let attrs = Attrs {
            mem: MemKind::Normal, // the memory type does not matter for W^X
            access: Access::from_ap_bits(self.0 >> AP_SHIFT),
            kernel_exec: self.0 & PXN == 0,
            user_exec: self.0 & UXN == 0,
            global: true,
        };
        self.is_leaf(level) && attrs.is_writable_and_executable()
    }
}

/// Descriptor type bits of a leaf: block (0b01) at L1/L2, page (0b11) at L3.
const fn leaf_type(level: Level) -> u64 {
    match level {
        Level::L3 => TABLE_OR_PAGE | VALID,
        Level::L1 | Level::L2 => VALID,
    }
}

#[cfg(test)]
#[path = "pte_tests.rs"]
mod tests;
