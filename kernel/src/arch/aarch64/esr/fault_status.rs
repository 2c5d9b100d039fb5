//! The fault status code of an abort (IFSC/DFSC): what kind of fault, at which lookup level.

use core::fmt;

/// The fault status code of an instruction or data abort (IFSC/DFSC, ISS bits 5:0).
///
/// Levels are translation-table levels; -1 exists only with 52-bit addresses (FEAT_LPA2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultStatus {
    /// Output or table address too large for the configured size (level 0 includes the TTBR).
    AddressSize {
        /// Lookup level.
        level: i8,
    },
    /// No valid descriptor at this level.
    Translation {
        /// Lookup level.
        level: i8,
    },
    /// The descriptor's access flag is clear.
    AccessFlag {
        /// Lookup level.
        level: i8,
    },
    /// The access is not permitted by the descriptor.
    Permission {
        /// Lookup level.
        level: i8,
    },
    /// Synchronous external abort, not on a table walk.
    SyncExternal,
    /// Synchronous external abort on a table walk.
    SyncExternalOnWalk {
        /// Lookup level.
        level: i8,
    },
    /// Synchronous tag check fault (MTE; data aborts only).
    TagCheck,
    /// Parity or ECC error on a memory access, not on a table walk.
    ParityEcc,
    /// Parity or ECC error on a table walk.
    ParityEccOnWalk {
        /// Lookup level.
        level: i8,
    },
    /// Alignment fault (data aborts only).
    Alignment,
    /// More than one TLB entry matched.
    TlbConflict,
    /// Unsupported atomic hardware update of a descriptor.
    UnsupportedAtomicUpdate,
    /// IMPLEMENTATION DEFINED: lockdown abort.
    Lockdown,
    /// IMPLEMENTATION DEFINED: unsupported exclusive or atomic access.
    UnsupportedExclusive,
    /// A code this decoder does not know (reserved or from a newer architecture).
    Reserved(u8),
}

impl FaultStatus {
    /// Decodes a 6-bit fault status code (higher bits are ignored).
    pub const fn from_code(code: u8) -> Self {
        use FaultStatus::*;
        let code = code & 0x3f;
        // Codes 0x00-0x1f with a level carry it in bits 1:0.
        let level = (code & 0b11) as i8;
        match code {
            0x00..=0x03 => AddressSize { level },
            0x04..=0x07 => Translation { level },
            0x08..=0x0b => AccessFlag { level },
            0x0c..=0x0f => Permission { level },
            0x10 => SyncExternal,
            0x11 => TagCheck,
            0x13 => SyncExternalOnWalk { level: -1 },
            0x14..=0x17 => SyncExternalOnWalk { level },
            0x18 => ParityEcc,
            0x1b => ParityEccOnWalk { level: -1 },
            0x1c..=0x1f => ParityEccOnWalk { level },
            0x21 => Alignment,
            0x29 => AddressSize { level: -1 },
            0x2b => Translation { level: -1 },
            0x30 => TlbConflict,
            0x31 => UnsupportedAtomicUpdate,
            0x34 => Lockdown,
            0x35 => UnsupportedExclusive,
            other => Reserved(other),
        }
    }
}

impl fmt::Display for FaultStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use FaultStatus::*;
        let (words, level) = match *self {
            AddressSize { level } => ("address size fault", Some(level)),
            Translation { level } => ("translation fault", Some(level)),
            AccessFlag { level } => ("access flag fault", Some(level)),
            Permission { level } => ("permission fault", Some(level)),
            SyncExternal => ("synchronous external abort", None),
            SyncExternalOnWalk { level } => {
                ("synchronous external abort on table walk", Some(level))
            }
            TagCheck => ("synchronous tag check fault", None),
            ParityEcc => ("parity or ECC error", None),
            ParityEccOnWalk { level } => ("parity or ECC error on table walk", Some(level)),
            Alignment => ("alignment fault", None),
            TlbConflict => ("TLB conflict abort", None),
            UnsupportedAtomicUpdate => ("unsupported atomic hardware update fault", None),
            Lockdown => ("lockdown abort (implementation defined)", None),
            UnsupportedExclusive => (
                "unsupported exclusive or atomic access (implementation defined)",
                None,
            ),
            Reserved(code) => return write!(f, "reserved fault status {code:#04x}"),
        };
        f.write_str(words)?;
        match level {
            Some(level) => write!(f, ", level {level}"),
            None => Ok(()),
        }
    }
}
