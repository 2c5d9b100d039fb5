//! Host tests: round trips through encode and parse, lookups at the edges, format errors.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::{
    encode, EncodeError, FormatError, Symbol, SymbolTable, ENTRY_LEN_BYTES, HEADER_LEN_BYTES,
    MAX_NAME_LEN_BYTES,
};

const BASE: u64 = 0xffff_ff80_0008_0000;

/// A small kernel-like table: a label, functions with a gap, a trailing label.
fn sample() -> Vec<u8> {
    encode(&[
        (BASE + 0x100, 0x40, "kernel::main"),
        (BASE, 0, "_start"),
        (BASE + 0x40, 0x80, "kernel::arch::aarch64::boot::init"),
        (BASE + 0x200, 0x10, "<kernel::Foo as core::fmt::Debug>::fmt"),
        (BASE + 0x800, 0, "vectors"),
    ])
    .expect("sample encodes")
}

fn name_at(table: &SymbolTable<'_>, addr: u64) -> Option<(String, u64)> {
    table.lookup(addr).map(|s| (String::from(s.name), s.offset))
}

#[test]
fn round_trip_keeps_every_symbol_in_address_order() {
    let blob = sample();
    let table = SymbolTable::parse(&blob).expect("parses");
    assert_eq!(table.len(), 5);
    assert!(!table.is_empty());
    let got: Vec<(u64, u64, &str)> = table
        .iter()
        .map(|s| (s.addr, s.size_bytes, s.name))
        .collect();
    assert_eq!(
        got,
        [
            (BASE, 0, "_start"),
            (BASE + 0x40, 0x80, "kernel::arch::aarch64::boot::init"),
            (BASE + 0x100, 0x40, "kernel::main"),
            (BASE + 0x200, 0x10, "<kernel::Foo as core::fmt::Debug>::fmt"),
            (BASE + 0x800, 0, "vectors"),
        ]
    );
    assert!(table.iter().all(|s| s.offset == 0));
    assert_eq!(table.iter().len(), 5);
    assert_eq!(table.iter().next_back().map(|s| s.name), Some("vectors"));
    assert_eq!(table.get(2).map(|s| s.name), Some("kernel::main"));
    assert_eq!(table.get(5), None);
    assert_eq!((&table).into_iter().count(), 5);
    assert_eq!(
        format!("{table:?}"),
        "SymbolTable { base: 0xffffff8000080000, len: 5 }"
    );
}

#[test]
fn lookup_at_the_edges_of_a_sized_symbol() {
    let blob = sample();
    let table = SymbolTable::parse(&blob).expect("parses");
    let main = Some((String::from("kernel::main"), 0));
    assert_eq!(name_at(&table, BASE + 0x100), main);
    assert_eq!(name_at(&table, BASE + 0x120).map(|n| n.1), Some(0x20));
    assert_eq!(name_at(&table, BASE + 0x13f).map(|n| n.1), Some(0x3f));
    // Past the end of kernel::main and before the next symbol: a gap.
    assert_eq!(name_at(&table, BASE + 0x140), None);
    assert_eq!(name_at(&table, BASE + 0x1ff), None);
    let fmt = table.lookup(BASE + 0x20f).expect("last byte");
    assert_eq!(
        (fmt.name, fmt.addr, fmt.offset),
        ("<kernel::Foo as core::fmt::Debug>::fmt", BASE + 0x200, 0xf)
    );
    assert_eq!(name_at(&table, BASE + 0x210), None);
}

#[test]
fn lookup_before_the_first_and_past_the_last_symbol() {
    let blob = sample();
    let table = SymbolTable::parse(&blob).expect("parses");
    assert_eq!(table.lookup(BASE - 1), None);
    assert_eq!(table.lookup(0), None);
    assert_eq!(table.lookup(BASE + 0x801), None);
    assert_eq!(table.lookup(u64::MAX), None);
}

#[test]
fn labels_extend_to_the_next_symbol_and_a_last_label_covers_itself() {
    let blob = sample();
    let table = SymbolTable::parse(&blob).expect("parses");
    assert_eq!(name_at(&table, BASE), Some((String::from("_start"), 0)));
    assert_eq!(
        name_at(&table, BASE + 0x3f),
        Some((String::from("_start"), 0x3f))
    );
    assert_eq!(
        name_at(&table, BASE + 0x40).map(|n| n.0),
        Some(String::from("kernel::arch::aarch64::boot::init"))
    );
    assert_eq!(
        name_at(&table, BASE + 0x800),
        Some((String::from("vectors"), 0))
    );
    assert_eq!(name_at(&table, BASE + 0x804), None);
}

#[test]
fn symbol_displays_like_linux_ps() {
    let blob = sample();
    let table = SymbolTable::parse(&blob).expect("parses");
    let sized = table.lookup(BASE + 0x11c).expect("in main");
    assert_eq!(format!("{sized}"), "kernel::main+0x1c/0x40");
    let label = table.lookup(BASE + 0x8).expect("in _start");
    assert_eq!(format!("{label}"), "_start+0x8");
}

#[test]
fn duplicates_keep_the_largest_then_the_first_listed() {
    let blob = encode(&[
        (0x1000, 0, "label_alias"),
        (0x1000, 0x20, "func"),
        (0x1000, 0x20, "func_alias"),
        (0x2000, 0x8, "same"),
        (0x2000, 0x8, "same"),
    ])
    .expect("encodes");
    let table = SymbolTable::parse(&blob).expect("parses");
    let names: Vec<&str> = table.iter().map(|s| s.name).collect();
    assert_eq!(names, ["func", "same"]);
    assert_eq!(table.get(0).map(|s| s.size_bytes), Some(0x20));
}

#[test]
fn identical_names_are_stored_once() {
    let one = encode(&[(0x10, 4, "core::ptr::drop_in_place")]).expect("encodes");
    let two = encode(&[
        (0x10, 4, "core::ptr::drop_in_place"),
        (0x20, 4, "core::ptr::drop_in_place"),
    ])
    .expect("encodes");
    assert_eq!(two.len(), one.len() + ENTRY_LEN_BYTES);
    let table = SymbolTable::parse(&two).expect("parses");
    assert_eq!(
        table.lookup(0x22).map(|s| s.name),
        Some("core::ptr::drop_in_place")
    );
}

#[test]
fn long_names_round_trip_and_overlong_names_are_truncated_on_a_char_boundary() {
    let medium = "m".repeat(300);
    let overlong = "é".repeat(MAX_NAME_LEN_BYTES); // two bytes each
    let blob = encode(&[(0x10, 4, &medium), (0x20, 4, &overlong)]).expect("encodes");
    let table = SymbolTable::parse(&blob).expect("parses");
    assert_eq!(table.get(0).map(|s| s.name), Some(medium.as_str()));
    let cut = table.get(1).expect("second").name;
    assert_eq!(cut.len(), MAX_NAME_LEN_BYTES - 1);
    assert!(cut.chars().all(|c| c == 'é'));
}

#[test]
fn empty_input_encodes_to_an_empty_table() {
    let blob = encode(&[]).expect("encodes");
    assert_eq!(blob.len(), HEADER_LEN_BYTES);
    let table = SymbolTable::parse(&blob).expect("parses");
    assert!(table.is_empty());
    assert_eq!(table.lookup(0), None);
    assert_eq!(table.iter().next(), None);
}

#[test]
fn many_symbols_all_found_and_fit_the_kernel_budget() {
    let names: Vec<String> = (0..2000)
        .map(|i| {
            format!(
                "kernel::subsystem{}::module{}::some_function_name_{i}",
                i % 17,
                i % 5
            )
        })
        .collect();
    // Reverse order on input: the encoder must sort.
    let symbols: Vec<(u64, u64, &str)> = names
        .iter()
        .enumerate()
        .rev()
        .map(|(i, n)| (BASE + i as u64 * 0x40, 0x30, n.as_str()))
        .collect();
    let blob = encode(&symbols).expect("encodes");
    assert!(blob.len() < 192 * 1024, "{} bytes", blob.len());
    let table = SymbolTable::parse(&blob).expect("parses");
    assert_eq!(table.len(), 2000);
    for (i, name) in names.iter().enumerate() {
        let start = BASE + i as u64 * 0x40;
        let hit = table.lookup(start + 0x2f).expect("inside");
        assert_eq!(
            (hit.name, hit.addr, hit.offset),
            (name.as_str(), start, 0x2f)
        );
        assert_eq!(table.lookup(start + 0x30), None, "gap after {name}");
    }
}

#[test]
fn trailing_zero_padding_is_accepted() {
    let mut blob = sample();
    blob.resize(192 * 1024, 0);
    let table = SymbolTable::parse(&blob).expect("parses with padding");
    assert_eq!(table.len(), 5);
}

#[test]
fn all_zero_blob_is_empty_with_a_clear_message() {
    assert_eq!(
        SymbolTable::parse(&[0; 4096]).err(),
        Some(FormatError::Empty)
    );
    assert_eq!(SymbolTable::parse(&[]).err(), Some(FormatError::Empty));
    let message = format!("{}", FormatError::Empty);
    assert!(message.contains("mkimage symbols"), "{message}");
}

#[test]
fn header_errors_are_reported() {
    let blob = sample();
    let mut bad_magic = blob.clone();
    bad_magic[0] = b'X';
    assert_eq!(
        SymbolTable::parse(&bad_magic).err(),
        Some(FormatError::BadMagic)
    );

    let mut bad_version = blob.clone();
    bad_version[4] = 7;
    assert_eq!(
        SymbolTable::parse(&bad_version).err(),
        Some(FormatError::UnsupportedVersion { found: 7 })
    );

    assert_eq!(
        SymbolTable::parse(&blob[..10]).err(),
        Some(FormatError::Truncated {
            needed_bytes: HEADER_LEN_BYTES,
            available_bytes: 10
        })
    );
    let short = &blob[..blob.len() - 1];
    assert_eq!(
        SymbolTable::parse(short).err(),
        Some(FormatError::Truncated {
            needed_bytes: blob.len(),
            available_bytes: blob.len() - 1
        })
    );
}

/// Byte offset of field `word` (0 = addr_offset, 1 = size, 2 = name_offset) of entry `index`.
fn field(index: usize, word: usize) -> usize {
    HEADER_LEN_BYTES + index * ENTRY_LEN_BYTES + word * 4
}

#[test]
fn entry_errors_are_reported() {
    let blob = sample();
    let mut unsorted = blob.clone();
    unsorted[field(2, 0)..field(2, 1)].copy_from_slice(&0x40u32.to_le_bytes());
    assert_eq!(
        SymbolTable::parse(&unsorted).err(),
        Some(FormatError::Unsorted { index: 2 })
    );

    let mut bad_name = blob.clone();
    bad_name[field(1, 2)..field(1, 3)].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(
        SymbolTable::parse(&bad_name).err(),
        Some(FormatError::BadName { index: 1 })
    );

    let mut not_utf8 = blob.clone();
    let names_at = field(5, 0);
    not_utf8[names_at + 1] = 0xff; // first byte of the first stored name
    assert!(matches!(
        SymbolTable::parse(&not_utf8),
        Err(FormatError::BadName { .. })
    ));

    let mut overflow = blob.clone();
    overflow[16..24].copy_from_slice(&(u64::MAX - 0x10).to_le_bytes());
    assert_eq!(
        SymbolTable::parse(&overflow).err(),
        Some(FormatError::AddressOverflow { index: 1 })
    );
}

#[test]
fn encode_refuses_symbols_outside_the_window() {
    assert_eq!(
        encode(&[(0x1000, 4, "a"), (0x1_0000_1000, 4, "b")]),
        Err(EncodeError::OutOfWindow {
            addr: 0x1_0000_1000,
            base: 0x1000
        })
    );
    assert_eq!(
        encode(&[(0x1000, 1 << 32, "huge")]),
        Err(EncodeError::SizeTooLarge {
            addr: 0x1000,
            size_bytes: 1 << 32
        })
    );
    // The last address of the window is still reachable.
    let blob = encode(&[(0x1000, 4, "a"), (0x1000 + u64::from(u32::MAX), 1, "z")]).expect("fits");
    let table = SymbolTable::parse(&blob).expect("parses");
    assert_eq!(
        table.lookup(0x1000 + u64::from(u32::MAX)),
        Some(Symbol {
            name: "z",
            addr: 0x1000 + u64::from(u32::MAX),
            size_bytes: 1,
            offset: 0
        })
    );
}
