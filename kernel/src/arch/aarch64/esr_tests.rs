//! Host tests for ESR decoding, with syndromes as real hardware and QEMU report them.

use super::*;
use std::format;

fn line(esr: u64) -> std::string::String {
    format!("{}", Esr(esr))
}

#[test]
fn data_abort_same_el_translation_level_2_read() {
    let esr = Esr(0x9600_0006);
    assert_eq!(esr.ec(), ExceptionClass::DataAbortSame);
    assert!(esr.il());
    assert_eq!(esr.iss(), 6);
    assert_eq!(
        esr.fault_status(),
        Some(FaultStatus::Translation { level: 2 })
    );
    assert_eq!(esr.access(), Some(Access::Read));
    assert!(esr.far_is_valid());
    assert_eq!(
        line(0x9600_0006),
        "Data Abort from the current EL: translation fault, level 2 (read)"
    );
}

#[test]
fn data_abort_write_and_other_levels() {
    assert_eq!(Esr(0x9600_0046).access(), Some(Access::Write));
    assert_eq!(
        line(0x9600_0046),
        "Data Abort from the current EL: translation fault, level 2 (write)"
    );
    // Linux's "level 1 translation fault, WnR=1".
    assert_eq!(
        line(0x9600_0045),
        "Data Abort from the current EL: translation fault, level 1 (write)"
    );
    assert_eq!(
        line(0x9200_0047),
        "Data Abort from a lower EL: translation fault, level 3 (write)"
    );
    assert_eq!(
        line(0x9600_004b),
        "Data Abort from the current EL: access flag fault, level 3 (write)"
    );
    assert_eq!(
        line(0x9600_000d),
        "Data Abort from the current EL: permission fault, level 1 (read)"
    );
    assert_eq!(
        line(0x9600_0021),
        "Data Abort from the current EL: alignment fault (read)"
    );
    assert_eq!(
        line(0x9600_0000),
        "Data Abort from the current EL: address size fault, level 0 (read)"
    );
}

#[test]
fn data_abort_cache_maintenance_and_far_not_valid() {
    // CM with WnR set, as the architecture reports cache maintenance.
    let cm = Esr(0x9600_0144);
    assert_eq!(cm.access(), Some(Access::CacheMaintenance));
    assert_eq!(
        line(0x9600_0144),
        "Data Abort from the current EL: translation fault, level 0 (cache maintenance)"
    );
    let fnv = Esr(0x9200_0410);
    assert!(fnv.fnv());
    assert!(!fnv.far_is_valid());
    assert_eq!(
        line(0x9200_0410),
        "Data Abort from a lower EL: synchronous external abort (read, FAR not valid)"
    );
    assert!(Esr(0x9200_0010).far_is_valid());
}

#[test]
fn instruction_aborts() {
    let esr = Esr(0x8600_000f);
    assert_eq!(esr.ec(), ExceptionClass::InstructionAbortSame);
    assert_eq!(
        esr.fault_status(),
        Some(FaultStatus::Permission { level: 3 })
    );
    assert_eq!(esr.access(), None, "instruction aborts have no WnR");
    assert!(esr.far_is_valid());
    assert_eq!(
        line(0x8600_000f),
        "Instruction Abort from the current EL: permission fault, level 3"
    );
    assert_eq!(
        line(0x8200_0007),
        "Instruction Abort from a lower EL: translation fault, level 3"
    );
    assert_eq!(
        line(0x8200_0410),
        "Instruction Abort from a lower EL: synchronous external abort (FAR not valid)"
    );
}

#[test]
fn svc_brk_hvc_smc_immediates() {
    let svc = Esr(0x5600_0000);
    assert_eq!(svc.ec(), ExceptionClass::Svc64);
    assert_eq!(svc.imm16(), Some(0));
    assert!(!svc.far_is_valid());
    assert_eq!(svc.fault_status(), None);
    assert_eq!(line(0x5600_0000), "SVC instruction in AArch64 state: #0x0");
    assert_eq!(Esr(0x5600_002a).imm16(), Some(42));

    let brk = Esr(0xf200_0001);
    assert_eq!(brk.ec(), ExceptionClass::Brk64);
    assert_eq!(brk.imm16(), Some(1));
    assert_eq!(line(0xf200_0001), "BRK instruction in AArch64 state: #0x1");
    assert_eq!(
        line(0xf200_f000),
        "BRK instruction in AArch64 state: #0xf000"
    );

    assert_eq!(Esr(0x5a00_1234).ec(), ExceptionClass::Hvc64);
    assert_eq!(Esr(0x5e00_0007).imm16(), Some(7));
    assert_eq!(Esr(0x8a00_0000).imm16(), None);
}

#[test]
fn unknown_and_unrecognised_classes() {
    let esr = Esr(0x0200_0000);
    assert_eq!(esr.ec(), ExceptionClass::Unknown);
    assert!(esr.il());
    assert!(!esr.far_is_valid());
    assert_eq!(line(0x0200_0000), "Unknown reason");
    // EC 0x0D (branch target exception) is not one this decoder names.
    assert_eq!(Esr(0x3600_0000).ec(), ExceptionClass::Other(0x0d));
    assert_eq!(line(0x3600_0000), "Unrecognized exception class 0x0d");
}

#[test]
fn alignment_serror_and_debug_classes() {
    assert_eq!(line(0x8a00_0000), "PC alignment fault");
    assert!(Esr(0x8a00_0000).far_is_valid());
    assert_eq!(line(0x9a00_0000), "SP alignment fault");
    assert!(!Esr(0x9a00_0000).far_is_valid());
    assert_eq!(Esr(0xbe00_0000).ec(), ExceptionClass::SError);
    assert_eq!(line(0xbe00_0000), "SError interrupt");
    assert_eq!(Esr(0xd600_0000).ec(), ExceptionClass::WatchpointSame);
    assert!(Esr(0xd600_0000).far_is_valid());
    assert!(
        !Esr(0xc600_0000).far_is_valid(),
        "breakpoints leave FAR unknown"
    );
    assert_eq!(line(0xce00_0000), "Software Step from the current EL");
}

#[test]
fn trapped_system_register_access() {
    // mrs x1, ID_AA64ISAR0_EL1 (S3_0_C0_C6_0).
    assert_eq!(
        line(0x6230_002d),
        "Trapped MSR, MRS or system instruction: mrs x1, S3_0_C0_C6_0"
    );
    // msr SCTLR_EL1 (S3_0_C1_C0_0), x2.
    assert_eq!(
        line(0x6230_0440),
        "Trapped MSR, MRS or system instruction: msr S3_0_C1_C0_0, x2"
    );
    // msr ..., xzr (Rt = 31).
    assert_eq!(
        line(0x6230_07e0),
        "Trapped MSR, MRS or system instruction: msr S3_0_C1_C0_0, xzr"
    );
    assert_eq!(line(0x0600_0000), "Trapped WFI or WFE: wfi");
    assert_eq!(line(0x0600_0001), "Trapped WFI or WFE: wfe");
}

#[test]
fn fields_ignore_neighbouring_bits() {
    // ISS2 and RES0 bits above 31 must not leak into EC or ISS.
    let esr = Esr(0x1f_9600_0006);
    assert_eq!(esr.ec(), ExceptionClass::DataAbortSame);
    assert_eq!(esr.iss(), 6);
    assert_eq!(esr.iss2(), 0x1f);
    assert!(!Esr(0x9400_0006).il());
    assert_eq!(Esr(0x01ff_ffff).iss(), 0x01ff_ffff);
    assert_eq!(Esr(0x01ff_ffff).ec(), ExceptionClass::Unknown);
}

#[test]
fn every_class_round_trips() {
    for ec in 0..64u8 {
        let class = ExceptionClass::from_bits(ec);
        assert_eq!(class.bits(), ec);
        assert_eq!(Esr(u64::from(ec) << 26).ec(), class);
        assert!(!class.description().is_empty());
    }
    assert_eq!(
        ExceptionClass::from_bits(0x40 | 0x25),
        ExceptionClass::DataAbortSame
    );
}

#[test]
fn every_fault_status_code_decodes() {
    use FaultStatus::*;
    let cases = [
        (
            0x03,
            AddressSize { level: 3 },
            "address size fault, level 3",
        ),
        (0x04, Translation { level: 0 }, "translation fault, level 0"),
        (0x07, Translation { level: 3 }, "translation fault, level 3"),
        (0x09, AccessFlag { level: 1 }, "access flag fault, level 1"),
        (0x0e, Permission { level: 2 }, "permission fault, level 2"),
        (0x10, SyncExternal, "synchronous external abort"),
        (0x11, TagCheck, "synchronous tag check fault"),
        (
            0x13,
            SyncExternalOnWalk { level: -1 },
            "synchronous external abort on table walk, level -1",
        ),
        (
            0x15,
            SyncExternalOnWalk { level: 1 },
            "synchronous external abort on table walk, level 1",
        ),
        (0x18, ParityEcc, "parity or ECC error"),
        (
            0x1f,
            ParityEccOnWalk { level: 3 },
            "parity or ECC error on table walk, level 3",
        ),
        (0x21, Alignment, "alignment fault"),
        (
            0x29,
            AddressSize { level: -1 },
            "address size fault, level -1",
        ),
        (
            0x2b,
            Translation { level: -1 },
            "translation fault, level -1",
        ),
        (0x30, TlbConflict, "TLB conflict abort"),
        (
            0x31,
            UnsupportedAtomicUpdate,
            "unsupported atomic hardware update fault",
        ),
        (0x34, Lockdown, "lockdown abort (implementation defined)"),
        (0x12, Reserved(0x12), "reserved fault status 0x12"),
        (0x3f, Reserved(0x3f), "reserved fault status 0x3f"),
    ];
    for (code, status, words) in cases {
        assert_eq!(FaultStatus::from_code(code), status, "code {code:#x}");
        assert_eq!(format!("{status}"), words);
    }
    // 36 of the 64 codes are assigned; the rest are reserved and say so.
    let reserved = (0..64u8)
        .filter(|&code| FaultStatus::from_code(code) == Reserved(code))
        .count();
    assert_eq!(reserved, 28);
    assert_eq!(
        FaultStatus::from_code(0x40 | 0x05),
        Translation { level: 1 }
    );
}
