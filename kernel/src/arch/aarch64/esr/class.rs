//! ESR_EL1.EC, the exception class: why an exception was taken, decoded and in words.

use core::fmt;

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
