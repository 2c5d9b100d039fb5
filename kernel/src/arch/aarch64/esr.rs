//! Decoding ESR_EL1, the Exception Syndrome Register, into words for fault handling and panic reports.
//!
//! Field layout and codes follow the Arm ARM (ESR_EL1; "ISS encoding for an
//! exception from an Instruction/Data Abort"): EC in bits 31:26, IL in bit 25,
//! ISS in bits 24:0, ISS2 in bits 36:32.

mod class;
mod fault_status;

use core::fmt;

pub use class::ExceptionClass;
pub use fault_status::FaultStatus;

/// A raw ESR_EL1 value, as read in the exception handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Esr(pub u64);

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
