//! Host tests of the per-segment checks: file bytes, user range, limits, overlap, W^X, entry point.

use super::*;

#[test]
fn refuses_segments_that_lie_about_their_bytes() {
    let image = build(
        0x40_0000,
        &[load(R | X, 0x100, 0x40_0000, 0x20, 0x10)],
        0x200,
    );
    assert_eq!(
        plan(&image),
        Err(ElfError::FileLargerThanMemory {
            index: 0,
            file_len_bytes: 0x20,
            mem_len_bytes: 0x10
        })
    );
    let image = build(
        0x40_0000,
        &[load(R | X, 0x1f0, 0x40_0000, 0x11, 0x20)],
        0x200,
    );
    assert_eq!(
        plan(&image),
        Err(ElfError::FileRangeOutsideImage {
            index: 0,
            offset: 0x1f0,
            file_len_bytes: 0x11,
            image_len_bytes: 0x200
        })
    );
    let exact = build(
        0x40_0000,
        &[load(R | X, 0x1f0, 0x40_0000, 0x10, 0x20)],
        0x200,
    );
    assert!(
        plan(&exact).is_ok(),
        "file bytes may end at the image's end"
    );
    let image = build(0x40_0000, &[load(R | X, u64::MAX, 0x40_0000, 1, 1)], 0x200);
    assert_eq!(
        plan(&image),
        Err(ElfError::Overflow {
            what: "the file range",
            index: Some(0)
        })
    );
}

#[test]
fn refuses_segments_outside_user_space() {
    let user = UserRange::DEFAULT;
    let cases = [
        (0x0, 0x10, 0x0, 0x1000),   // page 0
        (0xfff, 0x10, 0x0, 0x2000), // rounds down into page 0
        (
            USER_END_EXCLUSIVE - 0x10,
            0x20,
            USER_END_EXCLUSIVE - 0x1000,
            USER_END_EXCLUSIVE + 0x1000,
        ),
        (
            0xffff_ff80_0008_0000,
            0x10,
            0xffff_ff80_0008_0000,
            0xffff_ff80_0008_1000,
        ), // the kernel
    ];
    for (vaddr, memsz, page_start, page_end) in cases {
        let image = build(vaddr, &[load(R | X, 0x100, vaddr, 0, memsz)], 0x200);
        assert_eq!(
            plan(&image),
            Err(ElfError::OutsideUserRange {
                index: 0,
                vaddr: page_start,
                end_exclusive: page_end,
                user
            }),
            "segment at {vaddr:#x}"
        );
    }
    let last_page = build(
        USER_END_EXCLUSIVE - 0x1000,
        &[load(R | X, 0x100, USER_END_EXCLUSIVE - 0x1000, 0, 0x1000)],
        0x200,
    );
    assert!(plan(&last_page).is_ok(), "the last user page is allowed");

    let image = build(
        0x40_0000,
        &[load(R | X, 0x100, u64::MAX - 0xf, 0, 0x20)],
        0x200,
    );
    let overflow = Err(ElfError::Overflow {
        what: "the address range",
        index: Some(0),
    });
    assert_eq!(plan(&image), overflow);
    let image = build(
        0x40_0000,
        &[load(R | X, 0x100, u64::MAX - 0xf, 0, 0x1)],
        0x200,
    );
    assert!(matches!(
        plan(&image),
        Err(ElfError::Overflow { index: Some(0), .. })
    ));
}

#[test]
fn the_kernel_passes_its_own_limits() {
    let tight = LoadLimits {
        user: UserRange {
            min: 0x50_0000,
            end_exclusive: USER_END_EXCLUSIVE,
        },
        ..LoadLimits::DEFAULT
    };
    assert!(matches!(
        plan_with(&sample(), &tight),
        Err(ElfError::OutsideUserRange {
            index: 0,
            vaddr: 0x40_0000,
            ..
        })
    ));
    let exact = LoadLimits {
        max_mem_bytes: 0x5000,
        ..LoadLimits::DEFAULT
    };
    assert!(
        plan_with(&sample(), &exact).is_ok(),
        "the sample needs 0x5000 bytes"
    );
    let short = LoadLimits {
        max_mem_bytes: 0x4fff,
        ..LoadLimits::DEFAULT
    };
    assert_eq!(
        plan_with(&sample(), &short),
        Err(ElfError::TooMuchMemory {
            total_bytes: 0x5000,
            limit_bytes: 0x4fff
        })
    );
    let huge = build(
        0x40_0000,
        &[load(R | X, 0, 0x40_0000, 0, 64 << 20 | 1)],
        0x100,
    );
    assert!(matches!(plan(&huge), Err(ElfError::TooMuchMemory { .. })));
}

#[test]
fn refuses_overlapping_and_writable_executable_segments() {
    let shared_page = build(
        0x40_0000,
        &[
            load(R | X, 0x100, 0x40_0000, 0x234, 0x234),
            load(R, 0x400, 0x40_0800, 0x10, 0x10),
        ],
        0x1000,
    );
    assert_eq!(
        plan(&shared_page),
        Err(ElfError::Overlap {
            first_vaddr: 0x40_0000,
            first_end_exclusive: 0x40_1000,
            second_vaddr: 0x40_0000
        })
    );
    let wx = build(
        0x40_0000,
        &[load(R | W | X, 0x100, 0x40_0010, 0x10, 0x10)],
        0x200,
    );
    assert_eq!(
        plan(&wx),
        Err(ElfError::WritableAndExecutable {
            index: 0,
            vaddr: 0x40_0010
        })
    );
}

#[test]
fn the_entry_point_must_be_in_an_executable_segment() {
    let segments = [
        load(R | X, 0x100, 0x40_0000, 0x234, 0x234),
        load(R | W, 0x400, 0x41_0000, 0x10, 0x10),
    ];
    for entry in [0x40_0234, 0x41_0000, 0x3f_fffc, 0] {
        let image = build(entry, &segments, 0x1000);
        assert_eq!(
            plan(&image),
            Err(ElfError::EntryNotExecutable { entry }),
            "{entry:#x}"
        );
    }
    let last_byte = build(0x40_0233, &segments, 0x1000);
    assert!(plan(&last_byte).is_ok());
}

#[test]
fn refuses_too_many_segments() {
    let segments: Vec<Ph> = (0..=MAX_LOAD_SEGMENTS as u64)
        .map(|i| load(R | X, 0x100, 0x40_0000 + i * 0x1000, 0, 0x10))
        .collect();
    let image = build(0x40_0000, &segments, 0x1000);
    assert_eq!(
        plan(&image),
        Err(ElfError::TooManySegments {
            max: MAX_LOAD_SEGMENTS
        })
    );
    assert!(plan(&build(0x40_0000, &segments[..MAX_LOAD_SEGMENTS], 0x1000)).is_ok());
}
