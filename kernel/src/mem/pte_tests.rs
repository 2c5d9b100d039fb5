//! Host tests for descriptor encoding: every field against ARMv8-A ARM D5.3.

use super::*;

const ALL_KINDS: [MemKind; 3] = [MemKind::Normal, MemKind::Device, MemKind::NonCacheable];
const ALL_ACCESS: [Access; 4] = [
    Access::KernelRo,
    Access::KernelRw,
    Access::UserRo,
    Access::UserRw,
];
const ALL_LEVELS: [Level; 3] = [Level::L1, Level::L2, Level::L3];

fn all_attrs() -> impl Iterator<Item = Attrs> {
    ALL_KINDS.into_iter().flat_map(|mem| {
        ALL_ACCESS.into_iter().flat_map(move |access| {
            (0..8).map(move |flags| Attrs {
                mem,
                access,
                kernel_exec: flags & 1 != 0,
                user_exec: flags & 2 != 0,
                global: flags & 4 != 0,
            })
        })
    })
}

fn page_bits(attrs: Attrs) -> u64 {
    Pte::page(PhysAddr(0x1234_5000), attrs).unwrap().raw()
}

fn field(raw: u64, hi: u32, lo: u32) -> u64 {
    (raw >> lo) & ((1 << (hi - lo + 1)) - 1)
}

#[test]
fn access_flag_is_bit_10_and_always_set() {
    for attrs in all_attrs() {
        assert_eq!(field(page_bits(attrs), 10, 10), 1, "{attrs:?}");
    }
}

#[test]
fn shareability_bits_9_8_inner_for_normal_memory() {
    let sh = |mem| {
        field(
            page_bits(Attrs {
                mem,
                ..Attrs::KERNEL_DATA
            }),
            9,
            8,
        )
    };
    assert_eq!(sh(MemKind::Normal), 0b11);
    assert_eq!(sh(MemKind::NonCacheable), 0b11);
    assert_eq!(sh(MemKind::Device), 0b00);
}

#[test]
fn access_permission_bits_7_6() {
    let ap = |access| {
        field(
            page_bits(Attrs {
                access,
                ..Attrs::KERNEL_DATA
            }),
            7,
            6,
        )
    };
    assert_eq!(ap(Access::KernelRw), 0b00);
    assert_eq!(ap(Access::UserRw), 0b01);
    assert_eq!(ap(Access::KernelRo), 0b10);
    assert_eq!(ap(Access::UserRo), 0b11);
}

#[test]
fn attr_index_bits_4_2_and_mair_agree() {
    for (mem, index) in [
        (MemKind::Normal, 0),
        (MemKind::Device, 1),
        (MemKind::NonCacheable, 2),
    ] {
        assert_eq!(
            field(
                page_bits(Attrs {
                    mem,
                    ..Attrs::KERNEL_DATA
                }),
                4,
                2
            ),
            index
        );
        assert_eq!((MAIR_EL1_VALUE >> (8 * index)) & 0xFF, mem.mair_attr());
    }
    assert_eq!(MAIR_EL1_VALUE, 0x0044_00FF);
}

#[test]
fn not_global_bit_11() {
    assert_eq!(
        field(
            page_bits(Attrs {
                global: false,
                ..Attrs::KERNEL_DATA
            }),
            11,
            11
        ),
        1
    );
    assert_eq!(
        field(
            page_bits(Attrs {
                global: true,
                ..Attrs::KERNEL_DATA
            }),
            11,
            11
        ),
        0
    );
    assert_eq!(field(page_bits(Attrs::USER_DATA), 11, 11), 1);
}

#[test]
fn execute_never_bits_53_and_54() {
    let bits = |kernel_exec, user_exec| {
        page_bits(Attrs {
            kernel_exec,
            user_exec,
            ..Attrs::KERNEL_DATA
        })
    };
    assert_eq!(field(bits(true, true), 54, 53), 0b00);
    assert_eq!(field(bits(false, true), 54, 53), 0b01);
    assert_eq!(field(bits(true, false), 54, 53), 0b10);
    assert_eq!(field(bits(false, false), 54, 53), 0b11);
}

#[test]
fn no_stray_bits_outside_the_documented_fields() {
    let known = (1 << 54) | (1 << 53) | OA_MASK | 0xFFF;
    for attrs in all_attrs() {
        assert_eq!(page_bits(attrs) & !known, 0, "{attrs:?}");
        assert_eq!(field(page_bits(attrs), 5, 5), 0, "NS must stay clear");
    }
}

#[test]
fn descriptor_type_bits_1_0() {
    let a = Attrs::KERNEL_DATA;
    assert_eq!(Pte::page(PhysAddr(0), a).unwrap().raw() & 0b11, 0b11);
    assert_eq!(
        Pte::block(Level::L2, PhysAddr(0), a).unwrap().raw() & 0b11,
        0b01
    );
    assert_eq!(
        Pte::block(Level::L1, PhysAddr(0), a).unwrap().raw() & 0b11,
        0b01
    );
    assert_eq!(Pte::table(PhysAddr(0x8000)).raw() & 0b11, 0b11);
    assert_eq!(
        Pte::block(Level::L3, PhysAddr(0), a),
        None,
        "no blocks at level 3"
    );
}

#[test]
fn kind_depends_on_level() {
    assert_eq!(Pte(0b11).kind(Level::L1), PteKind::Table);
    assert_eq!(Pte(0b11).kind(Level::L2), PteKind::Table);
    assert_eq!(Pte(0b11).kind(Level::L3), PteKind::Page);
    assert_eq!(Pte(0b01).kind(Level::L1), PteKind::Block);
    assert_eq!(Pte(0b01).kind(Level::L2), PteKind::Block);
    assert_eq!(
        Pte(0b01).kind(Level::L3),
        PteKind::Invalid,
        "0b01 is reserved at level 3"
    );
    for level in ALL_LEVELS {
        assert_eq!(Pte(0b10).kind(level), PteKind::Invalid);
        assert_eq!(Pte::INVALID.kind(level), PteKind::Invalid);
        assert_eq!(Pte::INVALID.attrs(level), None);
        assert_eq!(Pte::INVALID.leaf_addr(level), None);
    }
    assert!(!Pte(0b01).is_leaf(Level::L3));
    assert!(
        Pte(0b01).is_valid(),
        "bit 0 alone says valid; kind() says what the MMU does"
    );
}

#[test]
fn output_address_fields() {
    let a = Attrs::KERNEL_DATA;
    let page = Pte::page(PhysAddr(0xAB_CDEF_F000), a).unwrap();
    assert_eq!(field(page.raw(), 47, 12), 0xAB_CDEF_F000 >> 12);
    let block2m = Pte::block(Level::L2, PhysAddr(0xAB_CDE0_0000), a).unwrap();
    assert_eq!(field(block2m.raw(), 47, 21), 0xAB_CDE0_0000 >> 21);
    assert_eq!(field(block2m.raw(), 20, 12), 0);
    let block1g = Pte::block(Level::L1, PhysAddr(0xAB_C000_0000), a).unwrap();
    assert_eq!(field(block1g.raw(), 47, 30), 0xAB_C000_0000 >> 30);
    assert_eq!(field(block1g.raw(), 29, 12), 0);
    let table = Pte::table(PhysAddr(0xFF_FFFF_F000));
    assert_eq!(field(table.raw(), 47, 12), 0xFF_FFFF_F000 >> 12);
    assert_eq!(table.table_addr(Level::L1), Some(PhysAddr(0xFF_FFFF_F000)));
    assert_eq!(
        table.table_addr(Level::L3),
        None,
        "0b11 at level 3 is a page"
    );
}

#[test]
fn leaf_rejects_misaligned_or_too_high_addresses() {
    let a = Attrs::KERNEL_DATA;
    assert_eq!(Pte::page(PhysAddr(0x1001), a), None);
    assert_eq!(Pte::block(Level::L2, PhysAddr(0x1000), a), None);
    assert_eq!(Pte::block(Level::L1, PhysAddr(0x20_0000), a), None);
    assert_eq!(Pte::page(PhysAddr(PA_LIMIT), a), None);
    assert!(Pte::page(PhysAddr(PA_LIMIT - 0x1000), a).is_some());
    assert_eq!(Pte::block(Level::L1, PhysAddr(PA_LIMIT), a), None);
    assert!(Pte::block(Level::L1, PhysAddr(PA_LIMIT - (1 << 30)), a).is_some());
}

#[test]
fn leaves_round_trip_at_every_level() {
    for level in ALL_LEVELS {
        let pa = PhysAddr(3 * level.size_bytes());
        for attrs in all_attrs() {
            let pte = Pte::leaf(level, pa, attrs).unwrap();
            assert_eq!(pte.attrs(level), Some(attrs), "{level:?} {attrs:?}");
            assert_eq!(pte.leaf_addr(level), Some(pa));
            assert_eq!(pte.table_addr(level), None);
        }
    }
}

#[test]
fn unknown_attr_index_does_not_decode() {
    let pte = Pte(Pte::page(PhysAddr(0), Attrs::KERNEL_DATA).unwrap().raw() | (5 << 2));
    assert_eq!(pte.attrs(Level::L3), None);
    assert!(pte.leaf_addr(Level::L3).is_some());
}

#[test]
fn block_children_keep_attributes_and_step_the_address() {
    for (level, next) in [(Level::L1, Level::L2), (Level::L2, Level::L3)] {
        let base = 5 * level.size_bytes();
        let block = Pte::block(level, PhysAddr(base), Attrs::USER_CODE).unwrap();
        for index in [0, 1, 255, 511] {
            let child = block.block_child(level, index).unwrap();
            assert!(child.is_leaf(next));
            assert_eq!(
                child.leaf_addr(next),
                Some(PhysAddr(base + index * next.size_bytes()))
            );
            assert_eq!(child.attrs(next), Some(Attrs::USER_CODE));
        }
        assert_eq!(block.block_child(level, 512), None);
    }
    let page = Pte::page(PhysAddr(0), Attrs::KERNEL_DATA).unwrap();
    assert_eq!(page.block_child(Level::L3, 0), None);
    assert_eq!(Pte::table(PhysAddr(0x1000)).block_child(Level::L2, 0), None);
}

#[test]
fn level_geometry() {
    assert_eq!(Level::L1.size_bytes(), 1 << 30);
    assert_eq!(Level::L2.size_bytes(), 2 << 20);
    assert_eq!(Level::L3.size_bytes(), 4096);
    let va = 0xFFFF_FF80_0000_0000 | (3 << 30) | (7 << 21) | (9 << 12) | 0x123;
    assert_eq!(
        [
            Level::L1.index(va),
            Level::L2.index(va),
            Level::L3.index(va)
        ],
        [3, 7, 9]
    );
    assert_eq!(Level::L1.index(0x7F_C000_0000), 511);
    assert_eq!(Level::L3.next(), None);
}

#[test]
fn wx_rules() {
    let with = |access, kernel_exec, user_exec| Attrs {
        access,
        kernel_exec,
        user_exec,
        ..Attrs::KERNEL_DATA
    };
    for attrs in [
        Attrs::KERNEL_CODE,
        Attrs::KERNEL_RODATA,
        Attrs::KERNEL_DATA,
        Attrs::KERNEL_DEVICE,
    ] {
        assert!(!attrs.is_writable_and_executable(), "{attrs:?}");
    }
    for attrs in [
        Attrs::USER_CODE,
        Attrs::USER_RODATA,
        Attrs::USER_DATA,
        Attrs::USER_DEVICE,
    ] {
        assert!(!attrs.is_writable_and_executable(), "{attrs:?}");
    }
    assert!(with(Access::KernelRw, true, false).kernel_wx());
    assert!(with(Access::UserRw, false, true).user_wx());
    assert!(with(Access::UserRw, true, false).user_writes_kernel_code());
    assert!(!with(Access::UserRo, true, true).is_writable_and_executable());
    assert!(
        !with(Access::KernelRw, false, true).user_wx(),
        "EL0 cannot write a kernel-only page"
    );
    for attrs in all_attrs() {
        let pte = Pte::page(PhysAddr(0), attrs).unwrap();
        assert_eq!(
            pte.is_writable_and_executable(Level::L3),
            attrs.is_writable_and_executable()
        );
    }
    assert!(!Pte::table(PhysAddr(0x1000)).is_writable_and_executable(Level::L1));
}
