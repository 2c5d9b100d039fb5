//! Host tests of the ELF load plan: hand-built images, one test per refusal, and a mutation fuzz.

use super::*;
use crate::test_rng::Rng;
use alloc::string::ToString;
use alloc::vec;

#[path = "elf_segment_tests.rs"]
mod segments;

const R: u32 = abi::PF_R;
const W: u32 = abi::PF_W;
const X: u32 = abi::PF_X;

/// One program header for the test writer.
#[derive(Clone, Copy)]
struct Ph {
    p_type: u32,
    flags: u32,
    offset: u64,
    vaddr: u64,
    filesz: u64,
    memsz: u64,
}

fn load(flags: u32, offset: u64, vaddr: u64, filesz: u64, memsz: u64) -> Ph {
    Ph {
        p_type: abi::PT_LOAD,
        flags,
        offset,
        vaddr,
        filesz,
        memsz,
    }
}

/// A minimal ELF64 writer: header, program headers at 64, then filler bytes up to `len_bytes`.
fn build(entry: u64, phdrs: &[Ph], len_bytes: usize) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&[0x7f, b'E', b'L', b'F', 2, 1, 1, 0]);
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&abi::ET_EXEC.to_le_bytes());
    out.extend_from_slice(&abi::EM_AARCH64.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes()); // e_version
    out.extend_from_slice(&entry.to_le_bytes());
    out.extend_from_slice(&64u64.to_le_bytes()); // e_phoff
    out.extend_from_slice(&0u64.to_le_bytes()); // e_shoff: no sections
    out.extend_from_slice(&0u32.to_le_bytes()); // e_flags
    for half in [64u16, 56, phdrs.len() as u16, 64, 0, 0] {
        out.extend_from_slice(&half.to_le_bytes()); // ehsize, phentsize, phnum, shentsize, shnum, shstrndx
    }
    assert_eq!(out.len(), 64);
    for ph in phdrs {
        out.extend_from_slice(&ph.p_type.to_le_bytes());
        out.extend_from_slice(&ph.flags.to_le_bytes());
        for word in [ph.offset, ph.vaddr, ph.vaddr, ph.filesz, ph.memsz, 0x1000] {
            out.extend_from_slice(&word.to_le_bytes()); // offset, vaddr, paddr, filesz, memsz, align
        }
    }
    while out.len() < len_bytes {
        out.push(out.len() as u8);
    }
    out
}

fn put_u16(image: &mut [u8], at: usize, value: u16) {
    image[at..at + 2].copy_from_slice(&value.to_le_bytes());
}

fn put_u64(image: &mut [u8], at: usize, value: u64) {
    image[at..at + 8].copy_from_slice(&value.to_le_bytes());
}

/// Text at 0x40_0000 (R+X) and data plus bss at 0x41_1010 (R+W), in a 0x2000-byte image.
fn sample() -> Vec<u8> {
    build(
        0x40_0010,
        &[
            load(R | X, 0x1000, 0x40_0000, 0x234, 0x234),
            load(R | W, 0x1300, 0x41_1010, 0x20, 0x3000),
        ],
        0x2000,
    )
}

fn text_segment() -> Segment {
    Segment {
        vaddr: 0x40_0000,
        mem_len_bytes: 0x1000,
        file_offset: 0x1000,
        file_len_bytes: 0x234,
        offset_in_page: 0,
        perms: Perms {
            read: true,
            write: false,
            exec: true,
        },
    }
}

#[test]
fn a_static_executable_becomes_a_page_rounded_plan() {
    let plan = plan(&sample()).expect("valid image");
    assert_eq!(plan.entry, 0x40_0010);
    let data = Segment {
        vaddr: 0x41_1000,
        mem_len_bytes: 0x4000, // 0x41_1010 + 0x3000 rounds up to 0x41_5000
        file_offset: 0x1300,
        file_len_bytes: 0x20,
        offset_in_page: 0x10,
        perms: Perms {
            read: true,
            write: true,
            exec: false,
        },
    };
    assert_eq!(plan.segments, vec![text_segment(), data]);
    assert_eq!(plan.segments[1].end_exclusive(), 0x41_5000);
}

#[test]
fn segments_come_out_in_address_order_and_other_headers_are_ignored() {
    let note = Ph {
        p_type: 4, // PT_NOTE, pointing nowhere sensible
        ..load(0, u64::MAX, 0, u64::MAX, 1)
    };
    let image = build(
        0x40_0000,
        &[
            load(R, 0x1800, 0x50_0000, 0x10, 0x10),
            note,
            load(R | W, 0x1000, 0x60_0000, 0, 0), // empty: maps nothing
            load(R | X, 0x1000, 0x40_0000, 0x234, 0x234),
        ],
        0x2000,
    );
    let plan = plan(&image).expect("valid image");
    let starts: Vec<u64> = plan.segments.iter().map(|s| s.vaddr).collect();
    assert_eq!(starts, vec![0x40_0000, 0x50_0000]);
}

#[test]
fn refuses_what_is_not_a_64_bit_little_endian_elf() {
    let image = sample();
    assert_eq!(plan(&[]), Err(ElfError::Truncated { len_bytes: 0 }));
    assert_eq!(plan(&image[..3]), Err(ElfError::Truncated { len_bytes: 3 }));
    assert_eq!(
        plan(&image[..63]),
        Err(ElfError::Truncated { len_bytes: 63 })
    );
    assert_eq!(
        plan(b"MZ\x90\x00rest of a PE file"),
        Err(ElfError::NotElf {
            magic: *b"MZ\x90\x00"
        })
    );
    assert_eq!(
        plan(b"\x7fEL"),
        Err(ElfError::Truncated { len_bytes: 3 }),
        "a prefix of the magic is a cut-off ELF"
    );
    assert_eq!(
        plan(b"\x7fX"),
        Err(ElfError::NotElf {
            magic: [0x7f, b'X', 0, 0]
        })
    );
    for (class, data) in [(1, 1), (2, 2), (0, 1), (2, 0)] {
        let mut bad = image.clone();
        bad[4] = class;
        bad[5] = data;
        assert_eq!(
            plan(&bad),
            Err(ElfError::NotElf64LittleEndian { class, data })
        );
    }
    let mut bad = image.clone();
    bad[6] = 2;
    assert_eq!(plan(&bad), Err(ElfError::UnsupportedVersion { version: 2 }));
}

#[test]
fn refuses_other_machines_and_non_executables() {
    let mut bad = sample();
    put_u16(&mut bad, 18, 62); // EM_X86_64
    assert_eq!(plan(&bad), Err(ElfError::NotAarch64 { machine: 62 }));
    let message = ElfError::NotAarch64 { machine: 62 }.to_string();
    assert!(
        message.contains("62") && message.contains("183"),
        "{message}"
    );

    let mut pie = sample();
    put_u16(&mut pie, 16, abi::ET_DYN);
    assert_eq!(plan(&pie), Err(ElfError::PositionIndependent));
    let message = ElfError::PositionIndependent.to_string();
    assert!(
        message.contains("ET_DYN") && message.contains("static"),
        "{message}"
    );

    let mut object = sample();
    put_u16(&mut object, 16, abi::ET_REL);
    assert_eq!(plan(&object), Err(ElfError::NotExecutable { e_type: 1 }));
}

#[test]
fn refuses_a_bad_program_header_table() {
    let mut bad = sample();
    put_u16(&mut bad, 54, 32);
    assert_eq!(
        plan(&bad),
        Err(ElfError::ProgramHeaderSize {
            entry_len_bytes: 32
        })
    );
    for (phoff, phnum) in [(0x1fc9, 2), (u64::MAX - 8, 2), (64, abi::PN_XNUM)] {
        let mut bad = sample();
        put_u64(&mut bad, 32, phoff);
        put_u16(&mut bad, 56, phnum);
        assert_eq!(
            plan(&bad),
            Err(ElfError::ProgramHeadersOutsideImage {
                offset: phoff,
                count: phnum,
                image_len_bytes: 0x2000
            })
        );
    }
    let mut table_at_the_end = sample();
    table_at_the_end.truncate(0x1fc8); // the 2 * 56-byte table at 0x1f58 ends exactly at the end
    table_at_the_end[0x1f58..].copy_from_slice(&sample()[64..64 + 112]);
    put_u64(&mut table_at_the_end, 32, 0x1f58);
    assert!(plan(&table_at_the_end).is_ok());
}

#[test]
fn refuses_an_image_with_nothing_to_load() {
    let mut none = sample();
    put_u16(&mut none, 56, 0);
    assert_eq!(plan(&none), Err(ElfError::NoLoadSegment));
    let only_empty = build(0x40_0000, &[load(R | X, 0, 0x40_0000, 0, 0)], 0x100);
    assert_eq!(plan(&only_empty), Err(ElfError::NoLoadSegment));
}

/// Every property `plan` promises, checked on an accepted image.
fn assert_plan_is_sound(image: &[u8], plan: &LoadPlan) {
    let mut previous_end = USER_MIN;
    let mut total_bytes = 0;
    let mut entry_ok = false;
    for segment in &plan.segments {
        assert_eq!(segment.vaddr % PAGE_BYTES, 0);
        assert_eq!(segment.mem_len_bytes % PAGE_BYTES, 0);
        assert!(segment.mem_len_bytes > 0);
        assert!(
            segment.vaddr >= previous_end,
            "sorted, disjoint, above page 0"
        );
        previous_end = segment.end_exclusive();
        assert!(previous_end <= USER_END_EXCLUSIVE);
        assert!(segment.offset_in_page + segment.file_len_bytes <= segment.mem_len_bytes);
        assert!(segment.file_offset + segment.file_len_bytes <= image.len() as u64);
        assert!(!(segment.perms.write && segment.perms.exec));
        total_bytes += segment.mem_len_bytes;
        let start = segment.vaddr + segment.offset_in_page;
        entry_ok |= segment.perms.exec && (start..previous_end).contains(&plan.entry);
    }
    assert!(total_bytes <= DEFAULT_MAX_MEM_BYTES);
    assert!(entry_ok, "entry {:#x}", plan.entry);
}

#[test]
fn never_panics_on_mutated_or_truncated_images() {
    let original = sample();
    let interesting = [
        0,
        1,
        0xfff,
        0x1000,
        0x2000,
        USER_END_EXCLUSIVE,
        u64::MAX,
        u64::MAX - 0xfff,
    ];
    let mut rng = Rng(0x5eed_e1f0);
    let (mut accepted, mut refused) = (0, 0);
    for _ in 0..20_000 {
        let mut image = original.clone();
        for _ in 0..1 + rng.below(4) {
            // Patches land in the header and program headers, where the checks look.
            let at = rng.below(64 + 2 * 56 - 8);
            match rng.below(4) {
                0 if at < image.len() => image[at] ^= 1 << rng.below(8),
                1 if at + 8 <= image.len() => {
                    let value = interesting[rng.below(interesting.len())];
                    put_u64(&mut image, at, value.wrapping_add(rng.below_u64(3)));
                }
                2 if at < image.len() => image[at] = rng.next() as u8,
                3 => {
                    let len = rng.below(image.len() + 1);
                    image.truncate(len);
                }
                _ => {}
            }
        }
        match plan(&image) {
            Ok(plan) => {
                assert_plan_is_sound(&image, &plan);
                accepted += 1;
            }
            Err(error) => {
                assert!(!error.to_string().is_empty());
                refused += 1;
            }
        }
    }
    assert!(
        accepted > 100 && refused > 10_000,
        "{accepted} accepted, {refused} refused"
    );
}
