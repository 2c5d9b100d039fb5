//! Integration test: `mkimage symbols` on a built ELF patches `.ksyms` in place and writes System.map.

mod common;
mod support;

use std::process::Output;

use common::{sym, Ksyms, Sec, STB_GLOBAL, STT_FUNC, STT_NOTYPE, TEXT_ADDR};
use support::{mkimage, Scratch};

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The `.ksyms` bytes of `elf`, found by the same layout the builder used.
fn ksyms_bytes(elf: &[u8], len: usize) -> &[u8] {
    // The builder puts .ksyms right after .rodata: file offset 0x100 + 0x1000 + 0x100.
    &elf[0x1200..0x1200 + len]
}

#[test]
fn embeds_a_table_that_decodes_and_writes_the_map() {
    let scratch = Scratch::new("embeds");
    let (elf_path, map_path) = (scratch.path("kernel.elf"), scratch.path("System.map"));
    let original = common::build(Ksyms::Progbits(4096), &common::sample_symbols());
    std::fs::write(&elf_path, &original).expect("write elf");

    let output = mkimage(&["symbols", &elf_path, "--map", &map_path]);
    assert!(
        output.status.success(),
        "mkimage failed: {}",
        stderr(&output)
    );
    let summary = String::from_utf8_lossy(&output.stdout);
    assert!(summary.contains("5 text symbols"), "{summary}");
    assert!(summary.contains("of 4096 bytes"), "{summary}");

    let patched = std::fs::read(&elf_path).expect("read patched elf");
    assert_eq!(
        patched.len(),
        original.len(),
        "patching must not move anything"
    );
    let ksyms = ksyms_bytes(&patched, 4096);
    // Everything outside .ksyms is untouched.
    assert_eq!(patched[..0x1200], original[..0x1200]);
    assert_eq!(patched[0x1200 + 4096..], original[0x1200 + 4096..]);

    let table = ksyms::SymbolTable::parse(ksyms).expect("the embedded table decodes");
    let names: Vec<&str> = table.iter().map(|s| s.name).collect();
    assert_eq!(
        names,
        [
            "_start",
            "kernel::main",
            "kernel::log::flush",
            "weak_fn",
            "vectors"
        ]
    );
    let hit = table
        .lookup(TEXT_ADDR + 0x11c)
        .expect("inside kernel::main");
    assert_eq!(format!("{hit}"), "kernel::main+0x1c/0x80");
    assert_eq!(
        table.lookup(TEXT_ADDR + 0x24).map(|s| s.name),
        Some("_start")
    );
    assert_eq!(
        table.lookup(TEXT_ADDR + 0x180),
        None,
        "past the end of kernel::main"
    );

    let map = std::fs::read_to_string(&map_path).expect("read map");
    let lines: Vec<&str> = map.lines().collect();
    assert_eq!(lines[0], "0000000000001234 A ABS_SYM");
    assert!(lines.contains(&"ffffff8000080000 T _start"), "{map}");
    assert!(lines.contains(&"ffffff8000080100 T kernel::main"), "{map}");
    assert!(
        lines.contains(&"ffffff8000080200 t kernel::log::flush"),
        "{map}"
    );
    assert!(lines.contains(&"ffffff8000080300 t text_literal"), "{map}");
    assert!(lines.contains(&"ffffff8000080400 W weak_fn"), "{map}");
    assert!(lines.contains(&"ffffff8000081000 R BANNER"), "{map}");
    assert!(
        lines.iter().any(|l| l.ends_with(" d kernel::COUNT")),
        "{map}"
    );
    assert!(lines.iter().any(|l| l.ends_with(" B STACK")), "{map}");
    assert_eq!(lines.len(), 11, "{map}");

    // Running again over the patched file gives the same bytes.
    let again = mkimage(&["symbols", &elf_path]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(std::fs::read(&elf_path).expect("read"), patched);
}

#[test]
fn a_too_small_reservation_is_refused_and_nothing_is_written() {
    let scratch = Scratch::new("too-small");
    let (elf_path, map_path) = (scratch.path("kernel.elf"), scratch.path("System.map"));
    let original = common::build(Ksyms::Progbits(64), &common::sample_symbols());
    std::fs::write(&elf_path, &original).expect("write elf");

    let output = mkimage(&["symbols", &elf_path, "--map", &map_path]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("symbol table needs "), "{message}");
    assert!(
        message.contains("bytes but .ksyms holds 64; raise KSYMS_BYTES in"),
        "{message}"
    );
    assert_eq!(std::fs::read(&elf_path).expect("read"), original);
    assert!(!std::path::Path::new(&map_path).exists());
}

#[test]
fn the_marker_symbols_not_the_section_size_bound_the_table() {
    let scratch = Scratch::new("markers");
    let elf_path = scratch.path("kernel.elf");
    // The section runs on to a page boundary past __ksyms_end; the kernel reads only up to it.
    let start = common::ksyms_addr();
    let mut symbols = common::sample_symbols();
    for (name, addr) in [("__ksyms_start", start), ("__ksyms_end", start + 64)] {
        symbols.push(sym(name, addr, 0, STB_GLOBAL, STT_NOTYPE, Sec::Ksyms));
    }
    let original = common::build(Ksyms::Progbits(4096), &symbols);
    std::fs::write(&elf_path, &original).expect("write elf");
    let output = mkimage(&["symbols", &elf_path]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains(".ksyms holds 64;"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read(&elf_path).expect("read"), original);
}

#[test]
fn nobits_or_missing_sections_are_refused() {
    let scratch = Scratch::new("bad-section");
    let elf_path = scratch.path("kernel.elf");
    for (ksyms, expected) in [
        (Ksyms::Nobits(4096), "NOBITS"),
        (Ksyms::Missing, "no .ksyms section"),
    ] {
        std::fs::write(&elf_path, common::build(ksyms, &common::sample_symbols())).expect("write");
        let output = mkimage(&["symbols", &elf_path]);
        assert_eq!(output.status.code(), Some(1));
        assert!(stderr(&output).contains(expected), "{}", stderr(&output));
    }
}

#[test]
fn thousands_of_symbols_round_trip() {
    let scratch = Scratch::new("many");
    let elf_path = scratch.path("kernel.elf");
    // 0x1000 bytes of text hold 1024 four-byte functions.
    let symbols: Vec<_> = (0..1024u64)
        .map(|i| {
            let ident = format!("func{i}");
            let mangled = format!("_ZN6kernel{}{ident}17h0123456789abcdefE", ident.len());
            sym(
                &mangled,
                TEXT_ADDR + 4 * i,
                4,
                STB_GLOBAL,
                STT_FUNC,
                Sec::Text,
            )
        })
        .collect();
    std::fs::write(
        &elf_path,
        common::build(Ksyms::Progbits(64 * 1024), &symbols),
    )
    .expect("write");
    let output = mkimage(&["symbols", &elf_path]);
    assert!(output.status.success(), "{}", stderr(&output));
    let patched = std::fs::read(&elf_path).expect("read");
    let table = ksyms::SymbolTable::parse(ksyms_bytes(&patched, 64 * 1024)).expect("decodes");
    assert_eq!(table.len(), 1024);
    for i in 0..1024u64 {
        let hit = table.lookup(TEXT_ADDR + 4 * i + 3).expect("found");
        assert_eq!(hit.name, format!("kernel::func{i}"));
    }
}

#[test]
fn usage_errors_exit_2_and_bad_files_exit_1() {
    assert_eq!(mkimage(&[]).status.code(), Some(2));
    assert_eq!(mkimage(&["symbols"]).status.code(), Some(2));
    assert_eq!(
        mkimage(&["symbols", "k.elf", "--bogus"]).status.code(),
        Some(2)
    );
    assert_eq!(mkimage(&["--help"]).status.code(), Some(0));

    let scratch = Scratch::new("bad-file");
    let path = scratch.path("garbage.elf");
    std::fs::write(&path, b"\x7fELF this is not really an ELF file").expect("write");
    let output = mkimage(&["symbols", &path]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("not a readable ELF file"),
        "{}",
        stderr(&output)
    );
    let missing = mkimage(&["symbols", &scratch.path("missing.elf")]);
    assert_eq!(missing.status.code(), Some(1));
}
