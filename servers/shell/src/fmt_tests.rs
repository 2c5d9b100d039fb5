//! Tests of the output helpers in `fmt.rs`.

use super::*;
use alloc::string::ToString;

#[test]
fn mode_strings_like_ls() {
    assert_eq!(mode_string(FileKind::Dir, 0o755), "drwxr-xr-x");
    assert_eq!(mode_string(FileKind::File, 0o644), "-rw-r--r--");
    assert_eq!(mode_string(FileKind::CharDev, 0o660), "crw-rw----");
    assert_eq!(mode_string(FileKind::BlockDev, 0o600), "brw-------");
    assert_eq!(mode_string(FileKind::File, 0), "----------");
    assert_eq!(mode_string(FileKind::File, 0o777), "-rwxrwxrwx");
    assert_eq!(mode_string(FileKind::File, 0o421), "-r---w---x");
}

#[test]
fn special_bits_like_ls() {
    assert_eq!(mode_string(FileKind::File, 0o4755), "-rwsr-xr-x");
    assert_eq!(mode_string(FileKind::File, 0o4644), "-rwSr--r--");
    assert_eq!(mode_string(FileKind::File, 0o2755), "-rwxr-sr-x");
    assert_eq!(mode_string(FileKind::File, 0o2745), "-rwxr-Sr-x");
    assert_eq!(mode_string(FileKind::Dir, 0o1777), "drwxrwxrwt");
    assert_eq!(mode_string(FileKind::Dir, 0o1776), "drwxrwxrwT");
    assert_eq!(mode_string(FileKind::File, 0o7000), "---S--S--T");
    // Bits above 0o7777 do not show.
    assert_eq!(mode_string(FileKind::File, 0o70644), "-rw-r--r--");
}

#[test]
fn human_bytes_small_is_exact() {
    assert_eq!(human_bytes(0), "0");
    assert_eq!(human_bytes(512), "512");
    assert_eq!(human_bytes(1023), "1023");
}

#[test]
fn human_bytes_scaled() {
    let cases = [
        (1024, "1.0K"),
        (1536, "1.5K"),
        (4096, "4.0K"),
        (10188, "9.9K"), // 9.949 rounds down
        (10189, "10K"),  // 9.950 rounds up, and from 10 on no decimal
        (12 * 1024, "12K"),
        (1023 * 1024, "1023K"),
        (1024 * 1024 - 1, "1.0M"), // rounding carries into M
        (1024 * 1024, "1.0M"),
        (1536 * 1024, "1.5M"),
        (3 << 30, "3.0G"),
        (5 << 40, "5.0T"),
        (7 << 50, "7.0P"),
        ((1 << 60) - 1, "1.0E"),
        (u64::MAX, "16E"),
    ];
    for (bytes, want) in cases {
        assert_eq!(human_bytes(bytes), want, "{bytes}");
    }
}

#[test]
fn durations() {
    let cases = [
        (0, "0.000s"),
        (999_999, "0.000s"), // truncated
        (1_000_000, "0.001s"),
        (12_345_678_901, "12.345s"),
        (59_999_999_999, "59.999s"),
        (60_000_000_000, "0:01:00"),
        (65_500_000_000, "0:01:05"),
        (3_723_000_000_000, "1:02:03"),
        (86_399_000_000_000, "23:59:59"),
        (86_400_000_000_000, "1d 00:00:00"),
        (2 * 86_400_000_000_000 + 3_723_000_000_000, "2d 01:02:03"),
        (u64::MAX, "213503d 23:34:33"),
    ];
    for (ns, want) in cases {
        assert_eq!(duration(ns), want, "{ns}");
    }
}

#[test]
fn table_aligns_text_left_and_numbers_right() {
    let mut t = Table::new(&["NAME", "SIZE", "MODE"]);
    t.row(&["kernel8.img", "1.5M", "-rw-r--r--"]);
    t.row(&["a", "512", "drwxr-xr-x"]);
    assert_eq!(t.len(), 2);
    assert_eq!(
        t.to_string(),
        "NAME         SIZE  MODE\n\
         kernel8.img  1.5M  -rw-r--r--\n\
         a             512  drwxr-xr-x"
    );
}

#[test]
fn table_lines_have_no_trailing_spaces() {
    let mut t = Table::new(&["PID", "NAME"]);
    t.row(&["1", "init"]).row(&["12", "fs"]);
    assert_eq!(t.to_string(), "PID  NAME\n  1  init\n 12  fs");
}

#[test]
fn table_widths_include_headers() {
    let mut t = Table::new(&["MAJOR", "DEVICE"]);
    t.row(&["4", "uart"]);
    assert_eq!(t.to_string(), "MAJOR  DEVICE\n    4  uart");
}

#[test]
fn table_numeric_needs_every_body_cell_numeric() {
    let mut t = Table::new(&["A", "B"]);
    t.row(&["10", "x"]).row(&["n/a", "y"]).row(&["", "z"]);
    // "n/a" makes A a text column; the empty cell does not matter.
    assert_eq!(t.to_string(), "A    B\n10   x\nn/a  y\n     z");
    let mut t = Table::new(&["N", "B"]);
    t.row(&["-3", "x"]).row(&["", "y"]).row(&["100", "z"]);
    assert_eq!(t.to_string(), "  N  B\n -3  x\n     y\n100  z");
}

#[test]
fn table_rows_take_mixed_strings() {
    let name = String::from("uart");
    let mut t = Table::new(&["NAME", "STATE", "N"]);
    t.row(&[&name, "ready", &alloc::format!("{}", 7)]);
    assert_eq!(t.to_string(), "NAME  STATE  N\nuart  ready  7");
}

#[test]
fn table_counts_chars_not_bytes() {
    let mut t = Table::new(&["NAME", "X"]);
    t.row(&["héllo", "1"]);
    assert_eq!(t.to_string(), "NAME   X\nhéllo  1");
}

#[test]
fn table_ragged_rows() {
    let mut t = Table::new(&["A", "B"]);
    t.row(&["a"]).row(&["b", "c", "extra"]);
    assert_eq!(t.to_string(), "A  B\na\nb  c  extra");
    let empty = Table::new(&["ONLY"]);
    assert!(empty.is_empty());
    assert_eq!(empty.to_string(), "ONLY");
}

#[test]
fn parse_int_accepts_decimal_and_hex() {
    assert_eq!(parse_int("0"), Ok(0));
    assert_eq!(parse_int("4096"), Ok(4096));
    assert_eq!(parse_int("007"), Ok(7));
    assert_eq!(parse_int("0x3f"), Ok(0x3f));
    assert_eq!(parse_int("0X3F"), Ok(0x3f));
    assert_eq!(parse_int("0xdeadBEEF"), Ok(0xdead_beef));
    assert_eq!(parse_int("18446744073709551615"), Ok(u64::MAX));
    assert_eq!(parse_int("0xffffffffffffffff"), Ok(u64::MAX));
}

#[test]
fn parse_int_errors() {
    let bad = |found, hex| Err(IntError::InvalidDigit { found, hex });
    assert_eq!(parse_int(""), Err(IntError::Empty));
    assert_eq!(parse_int("0x"), Err(IntError::NoHexDigits));
    assert_eq!(parse_int("12z"), bad('z', false));
    assert_eq!(parse_int("ff"), bad('f', false));
    assert_eq!(parse_int("-1"), bad('-', false));
    assert_eq!(parse_int("+1"), bad('+', false));
    assert_eq!(parse_int(" 1"), bad(' ', false));
    assert_eq!(parse_int("0xfg"), bad('g', true));
    assert_eq!(parse_int("0x0x1"), bad('x', true));
    assert_eq!(parse_int("1_000"), bad('_', false));
    assert_eq!(parse_int("18446744073709551616"), Err(IntError::TooLarge));
    assert_eq!(parse_int("0x10000000000000000"), Err(IntError::TooLarge));
}

#[test]
fn parse_int_messages() {
    assert_eq!(IntError::Empty.to_string(), "empty number");
    assert_eq!(IntError::NoHexDigits.to_string(), "no hex digits after 0x");
    let dec = IntError::InvalidDigit {
        found: 'z',
        hex: false,
    };
    assert_eq!(
        dec.to_string(),
        "invalid digit 'z' (want decimal, or hex after 0x)"
    );
    let hex = IntError::InvalidDigit {
        found: 'g',
        hex: true,
    };
    assert_eq!(hex.to_string(), "invalid hex digit 'g'");
    assert_eq!(
        IntError::TooLarge.to_string(),
        "number too large (max 18446744073709551615)"
    );
}
