//! Decoding ESR_EL1, the Exception Syndrome Register, into words for fault handling and panic reports.
//!
//! Field layout and codes follow the Arm ARM (ESR_EL1; "ISS encoding for an
//! exception from an Instruction/Data Abort"): EC in bits 31:26, IL in bit 25,
//! ISS in bits 24:0, ISS2 in bits 36:32.

use core::fmt;

/// A raw ESR_EL1 value, as read in the exception handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Esr(pub u64);

/// Why the exception was taken: ESR_EL1.EC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExceptionClass {
    /// 0x00: unknown reason (e.g. an undefined instruction).
    Unknown,
    /// 0x01: trapped WFI or WFE.
    WfiWfe,
    /// 0x07: access to SIMD/floating-point registers trapped (CPACR_EL1.FPEN).
    FpSimdAccess,
    /// 0x0E: illegal execution state (bad SPSR on exception return).
    IllegalState,
    /// 0x15: SVC instruction in AArch64 state.
    Svc64,
    /// 0x16: HVC instruction in AArch64 state.
    Hvc64,
    /// 0x17: SMC instruction in AArch64 state.
    Smc64,
    /// 0x18: trapped MSR, MRS or system instruction.
    SysRegTrap,
    /// 0x19: access to SVE functionality trapped.
    SveAccess,
    /// 0x20: instruction abort from a lower exception level.
    InstructionAbortLower,
    /// 0x21: instruction abort without a change in exception level.
    InstructionAbortSame,
    /// 0x22: PC alignment fault.
    PcAlignment,
    /// 0x24: data abort from a lower exception level.
    DataAbortLower,
    /// 0x25: data abort without a change in exception level.
    DataAbortSame,
    /// 0x26: SP alignment fault.
    SpAlignment,
    /// 0x2C: trapped floating-point exception from AArch64.
    FpException,
    /// 0x2F: SError interrupt.
    SError,
    /// 0x30: breakpoint from a lower exception level.
    BreakpointLower,
    /// 0x31: breakpoint without a change in exception level.
    BreakpointSame,
    /// 0x32: software step from a lower exception level.
    SoftwareStepLower,
    /// 0x33: software step without a change in exception level.
    SoftwareStepSame,
    /// 0x34: watchpoint from a lower exception level.
    WatchpointLower,
    /// 0x35: watchpoint without a change in exception level.
    WatchpointSame,
    /// 0x3C: BRK instruction in AArch64 state.
    Brk64,
    /// Any other class, with its 6-bit EC value.
    Other(u8),
}

impl ExceptionClass {
    /// The class for a 6-bit EC value (higher bits are ignored).
    pub const fn from_bits(ec: u8) -> Self {
        use ExceptionClass::*;
        match ec & 0x3f {
            0x00 => Unknown,
            0x01 => WfiWfe,
            0x07 => FpSimdAccess,
            0x0e => IllegalState,
            0x15 => Svc64,
            0x16 => Hvc64,
            0x17 => Smc64,
            0x18 => SysRegTrap,
            0x19 => SveAccess,
            0x20 => InstructionAbortLower,
            0x21 => InstructionAbortSame,
            0x22 => PcAlignment,
            0x24 => DataAbortLower,
            0x25 => DataAbortSame,
            0x26 => SpAlignment,
            0x2c => FpException,
            0x2f => SError,
            0x30 => BreakpointLower,
            0x31 => BreakpointSame,
            0x32 => SoftwareStepLower,
            0x33 => SoftwareStepSame,
            0x34 => WatchpointLower,
            0x35 => WatchpointSame,
            0x3c => Brk64,
            other => Other(other),
        }
    }

    /// The 6-bit EC value.
    pub fn bits(self) -> u8 {
        match self {
            ExceptionClass::Other(ec) => ec & 0x3f,
            // A named class is the decoding of exactly one EC value.
            named => (0..64)
                .find(|&ec| Self::from_bits(ec) == named)
                .unwrap_or(0),
        }
    }

    /// The class in words, e.g. "Data Abort from the current EL".
    pub const fn description(self) -> &'static str {
        use ExceptionClass::*;
        match self {
            Unknown => "Unknown reason",
            WfiWfe => "Trapped WFI or WFE",
            FpSimdAccess => "Trapped SIMD or floating-point access",
            IllegalState => "Illegal Execution state",
            Svc64 => "SVC instruction in AArch64 state",
            Hvc64 => "HVC instruction in AArch64 state",
            Smc64 => "SMC instruction in AArch64 state",
            SysRegTrap => "Trapped MSR, MRS or system instruction",
            SveAccess => "Trapped SVE access",
            InstructionAbortLower => "Instruction Abort from a lower EL",
            InstructionAbortSame => "Instruction Abort from the current EL",
            PcAlignment => "PC alignment fault",
            DataAbortLower => "Data Abort from a lower EL",
            DataAbortSame => "Data Abort from the current EL",
            SpAlignment => "SP alignment fault",
            FpException => "Trapped floating-point exception",
            SError => "SError interrupt",
            BreakpointLower => "Breakpoint from a lower EL",
            BreakpointSame => "Breakpoint from the current EL",
            SoftwareStepLower => "Software Step from a lower EL",
            SoftwareStepSame => "Software Step from the current EL",
            WatchpointLower => "Watchpoint from a lower EL",
            WatchpointSame => "Watchpoint from the current EL",
            Brk64 => "BRK instruction in AArch64 state",
            Other(_) => "Unrecognized exception class",
        }
    }
}

impl fmt::Display for ExceptionClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())?;
        if let ExceptionClass::Other(ec) = self {
            write!(f, " {ec:#04x}")?;
        }
        Ok(())
    }
}

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

/// What a data access that aborted was doing (from WnR and CM).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// A read (WnR = 0).
    Read,
    /// A write (WnR = 1).
    Write,
    /// A cache maintenance or address translation instruction (CM = 1).
    CacheMaintenance,
}

/// ISS bit 6: write, not read (data aborts).
const ISS_WNR: u32 = 1 << 6;
/// ISS bit 8: cache maintenance (data aborts).
const ISS_CM: u32 = 1 << 8;
/// ISS bit 10: FAR not valid (aborts; set only for synchronous external aborts).
const ISS_FNV: u32 = 1 << 10;

impl Esr {
    /// The exception class (bits 31:26).
    pub const fn ec(self) -> ExceptionClass {
        ExceptionClass::from_bits((self.0 >> 26) as u8)
    }

    /// Instruction length (bit 25): false only for a trapped 16-bit T32 instruction (RES1 where no instruction applies).
    pub const fn il(self) -> bool {
        self.0 & (1 << 25) != 0
    }

    /// The instruction specific syndrome (bits 24:0).
    pub const fn iss(self) -> u32 {
        (self.0 & 0x01ff_ffff) as u32
    }

    /// The second syndrome field, ISS2 (bits 36:32); zero unless newer features are in use.
    pub const fn iss2(self) -> u8 {
        ((self.0 >> 32) & 0x1f) as u8
    }

    /// True for an instruction or data abort, the classes with a fault status code.
    pub const fn is_abort(self) -> bool {
        use ExceptionClass::*;
        matches!(
            self.ec(),
            InstructionAbortLower | InstructionAbortSame | DataAbortLower | DataAbortSame
        )
    }

    /// True for a data abort from any exception level.
    pub const fn is_data_abort(self) -> bool {
        matches!(
            self.ec(),
            ExceptionClass::DataAbortLower | ExceptionClass::DataAbortSame
        )
    }

    /// The abort's fault status (IFSC/DFSC), or `None` if this is not an abort.
    pub const fn fault_status(self) -> Option<FaultStatus> {
        if self.is_abort() {
            Some(FaultStatus::from_code((self.iss() & 0x3f) as u8))
        } else {
            None
        }
    }

    /// For a data abort, whether it was a read, a write or cache maintenance; `None` otherwise.
    pub const fn access(self) -> Option<Access> {
        if !self.is_data_abort() {
            None
        } else if self.iss() & ISS_CM != 0 {
            Some(Access::CacheMaintenance)
        } else if self.iss() & ISS_WNR != 0 {
            Some(Access::Write)
        } else {
            Some(Access::Read)
        }
    }

    /// For an abort, the FnV bit: FAR_EL1 does not hold the faulting address.
    pub const fn fnv(self) -> bool {
        self.is_abort() && self.iss() & ISS_FNV != 0
    }

    /// The 16-bit immediate of an SVC, HVC, SMC or BRK instruction; `None` for other classes.
    pub const fn imm16(self) -> Option<u16> {
        use ExceptionClass::*;
        match self.ec() {
            Svc64 | Hvc64 | Smc64 | Brk64 => Some((self.iss() & 0xffff) as u16),
            _ => None,
        }
    }

    /// True when FAR_EL1 holds the faulting virtual address for this exception.
    ///
    /// So for aborts (unless FnV), PC alignment faults and watchpoints;
    /// for every other class FAR_EL1 is UNKNOWN.
    pub const fn far_is_valid(self) -> bool {
        use ExceptionClass::*;
        if self.is_abort() {
            !self.fnv()
        } else {
            matches!(self.ec(), PcAlignment | WatchpointLower | WatchpointSame)
        }
    }
}

/// Writes the trapped system instruction of an EC 0x18 syndrome, e.g. `mrs x0, S3_0_C1_C0_0`.
fn write_sysreg_access(f: &mut fmt::Formatter<'_>, iss: u32) -> fmt::Result {
    let field = |shift: u32, bits: u32| (iss >> shift) & ((1 << bits) - 1);
    let (op0, op2, op1, crn, rt, crm) = (
        field(20, 2),
        field(17, 3),
        field(14, 3),
        field(10, 4),
        field(5, 5),
        field(1, 4),
    );
    let reg = format_args!("S{op0}_{op1}_C{crn}_C{crm}_{op2}");
    // Register 31 in these instructions is the zero register.
    let write_xt = |f: &mut fmt::Formatter<'_>| match rt {
        31 => f.write_str("xzr"),
        n => write!(f, "x{n}"),
    };
    // Direction, bit 0: 1 = read (MRS), 0 = write (MSR).
    if iss & 1 != 0 {
        f.write_str("mrs ")?;
        write_xt(f)?;
        write!(f, ", {reg}")
    } else {
        write!(f, "msr {reg}, ")?;
        write_xt(f)
    }
}

impl fmt::Display for Esr {
    /// One line, e.g. `Data Abort from the current EL: translation fault, level 2 (read)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ec = self.ec();
        write!(f, "{ec}")?;
        if let Some(status) = self.fault_status() {
            write!(f, ": {status}")?;
            let access = match self.access() {
                Some(Access::Read) => Some("read"),
                Some(Access::Write) => Some("write"),
                Some(Access::CacheMaintenance) => Some("cache maintenance"),
                None => None,
            };
            match (access, self.fnv()) {
                (Some(access), true) => write!(f, " ({access}, FAR not valid)"),
                (Some(access), false) => write!(f, " ({access})"),
                (None, true) => f.write_str(" (FAR not valid)"),
                (None, false) => Ok(()),
            }
        } else if let Some(imm) = self.imm16() {
            write!(f, ": #{imm:#x}")
        } else if ec == ExceptionClass::SysRegTrap {
            f.write_str(": ")?;
            write_sysreg_access(f, self.iss())
        } else if ec == ExceptionClass::WfiWfe {
            // TI, bits 1:0: which wait instruction trapped.
            let insn = ["wfi", "wfe", "wfit", "wfet"][(self.iss() & 0b11) as usize];
            write!(f, ": {insn}")
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
#[path = "esr_tests.rs"]
mod tests;
