//! Compile-time builders for `.modinfo` bytes: const fns that `ulib::module!` evaluates in a `static` initializer on stable Rust.
//!
//! ```
//! use modinfo::builder::{concat, decimal, total_len, Decimal};
//!
//! const ABI: Decimal = decimal(7);
//! const PARTS: &[&str] = &["name=demo\0", "vermagic=mica-abi-", ABI.as_str(), "\0"];
//! static SECTION: [u8; total_len(PARTS)] = concat(PARTS);
//! assert_eq!(&SECTION, b"name=demo\0vermagic=mica-abi-7\0");
//! ```
//!
//! The `require_*` functions are compile-time assertions: called in a
//! `const _: () = ...;` they turn a bad declaration into a build error that
//! names the field and what is wrong with it.

use crate::kind::{
    bytes_eq, is_depends_list, is_entry_text, is_module_name, is_param_name, is_passable,
    ParamKind, MAX_NAME_BYTES,
};

/// Most decimal digits a `u32` has.
const U32_DIGITS: usize = 10;

/// A `u32` written in decimal, held by value so a const can keep it.
///
/// Invariant: `bytes[..len]` are ASCII digits and `1 <= len <= 10`.
#[derive(Clone, Copy, Debug)]
pub struct Decimal {
    bytes: [u8; U32_DIGITS],
    len: usize,
}

impl Decimal {
    /// The digits, most significant first, without leading zeros.
    pub const fn as_str(&self) -> &str {
        debug_assert!(self.len >= 1 && self.len <= U32_DIGITS);
        let (digits, _) = self.bytes.split_at(self.len);
        match core::str::from_utf8(digits) {
            Ok(text) => text,
            Err(_) => "",
        }
    }
}

/// `n` in decimal (the ABI version in `vermagic=mica-abi-<N>`).
pub const fn decimal(mut n: u32) -> Decimal {
    let mut reversed = [0u8; U32_DIGITS];
    let mut len = 0;
    loop {
        reversed[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut bytes = [0u8; U32_DIGITS];
    let mut i = 0;
    while i < len {
        bytes[i] = reversed[len - 1 - i];
        i += 1;
    }
    Decimal { bytes, len }
}

/// The bytes of all `parts` laid end to end.
pub const fn total_len(parts: &[&str]) -> usize {
    let mut total = 0;
    let mut i = 0;
    while i < parts.len() {
        total += parts[i].len();
        i += 1;
    }
    total
}

/// `parts` laid end to end in an array of exactly `N` bytes.
///
/// # Panics
///
/// If `N` is not [`total_len`]`(parts)`: in a const or static initializer
/// that is a compile-time error, which is where this is meant to run.
pub const fn concat<const N: usize>(parts: &[&str]) -> [u8; N] {
    assert!(total_len(parts) == N, "concat: N must be total_len(parts)");
    let mut out = [0u8; N];
    let mut at = 0;
    let mut i = 0;
    while i < parts.len() {
        let part = parts[i].as_bytes();
        let mut j = 0;
        while j < part.len() {
            out[at] = part[j];
            at += 1;
            j += 1;
        }
        i += 1;
    }
    out
}

/// Checks the module-wide fields of a declaration (see `ulib::module!`).
///
/// # Panics
///
/// With a message naming the field, if the name is not a module name, a
/// text field holds a NUL or line break, or `depends` is not a
/// comma-separated list of module names. Meant for const evaluation.
pub const fn require_module(
    name: &str,
    version: &str,
    license: &str,
    author: &str,
    description: &str,
    depends: &str,
) {
    if !is_module_name(name) {
        fail(&[
            "module name '",
            name,
            "': use 1 to 32 ASCII letters, digits, '_' or '-'",
        ]);
    }
    let texts = [
        ("version", version),
        ("license", license),
        ("author", author),
        ("description", description),
    ];
    let mut i = 0;
    while i < texts.len() {
        if !is_entry_text(texts[i].1) {
            fail(&[
                "module ",
                name,
                ": ",
                texts[i].0,
                " holds a NUL or a line break",
            ]);
        }
        i += 1;
    }
    if !is_depends_list(depends) {
        fail(&[
            "module ",
            name,
            ": depends '",
            depends,
            "' is not a comma-separated list of module names",
        ]);
    }
}

/// Checks one parameter declaration: `(name, type, default, description)`.
///
/// # Panics
///
/// With a message naming the parameter, if its name is malformed, its type
/// unknown, its default not of its type or holding whitespace, or its
/// description holds a NUL or line break. Meant for const evaluation.
pub const fn require_param(name: &str, kind: &str, default: &str, description: &str) {
    if !is_param_name(name) {
        fail(&[
            "parameter '",
            name,
            "': use ASCII letters, digits and '_', not starting with a digit",
        ]);
    }
    let Some(parsed) = ParamKind::from_name(kind) else {
        fail(&[
            "parameter '",
            name,
            "': unknown type '",
            kind,
            "' (int, bool, string, list)",
        ]);
    };
    if !parsed.accepts(default) {
        fail(&[
            "parameter '",
            name,
            "': default '",
            default,
            "' is not ",
            parsed.describe(),
        ]);
    }
    if !is_passable(default) {
        fail(&[
            "parameter '",
            name,
            "': default '",
            default,
            "' holds whitespace, which arguments cannot carry",
        ]);
    }
    if !is_entry_text(description) {
        fail(&[
            "parameter '",
            name,
            "': description holds a NUL or a line break",
        ]);
    }
}

/// Checks that no parameter name appears twice.
///
/// # Panics
///
/// Naming the parameter declared twice. Meant for const evaluation.
pub const fn require_unique(names: &[&str]) {
    let mut i = 0;
    while i < names.len() {
        let mut j = i + 1;
        while j < names.len() {
            if bytes_eq(names[i].as_bytes(), names[j].as_bytes()) {
                fail(&["parameter '", names[i], "' is declared twice"]);
            }
            j += 1;
        }
        i += 1;
    }
}

/// Longest compile-time error message; longer ones are cut.
const MESSAGE_BYTES: usize = 160 + 2 * MAX_NAME_BYTES;

/// Panics with `parts` joined (const panics take one `&str`, so the message is assembled first).
const fn fail(parts: &[&str]) -> ! {
    let mut buf = [0u8; MESSAGE_BYTES];
    let prefix = b"ulib::module!: ";
    let mut len = 0;
    while len < prefix.len() {
        buf[len] = prefix[len];
        len += 1;
    }
    let mut i = 0;
    while i < parts.len() {
        let part = parts[i].as_bytes();
        let mut j = 0;
        while j < part.len() && len < MESSAGE_BYTES {
            buf[len] = part[j];
            len += 1;
            j += 1;
        }
        i += 1;
    }
    let (text, _) = buf.split_at(len);
    match core::str::from_utf8(text) {
        Ok(message) => panic!("{}", message),
        // Cut inside a multi-byte character: say what we can.
        Err(_) => panic!("ulib::module!: invalid declaration (message cut short)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_writes_every_width() {
        for (n, text) in [
            (0, "0"),
            (7, "7"),
            (10, "10"),
            (1234, "1234"),
            (u32::MAX, "4294967295"),
        ] {
            assert_eq!(decimal(n).as_str(), text);
        }
        for n in (0..100_000u32).step_by(7) {
            assert_eq!(decimal(n).as_str(), n.to_string());
        }
    }

    #[test]
    fn concat_lays_parts_end_to_end() {
        const PARTS: &[&str] = &["name=x\0", "", "vermagic=mica-abi-", "12", "\0"];
        const LEN: usize = total_len(PARTS);
        static BYTES: [u8; LEN] = concat(PARTS);
        assert_eq!(LEN, 28);
        assert_eq!(&BYTES, b"name=x\0vermagic=mica-abi-12\0");
        assert_eq!(total_len(&[]), 0);
        assert_eq!(concat::<0>(&[]), [0u8; 0]);
    }

    #[test]
    #[should_panic(expected = "N must be total_len")]
    fn concat_refuses_a_wrong_length() {
        let _ = concat::<3>(&["ab"]);
    }

    #[test]
    fn good_declarations_pass() {
        require_module("hello", "0.1.0", "MIT", "me", "greets", "");
        require_module("uart", "1", "", "", "", "devreg,gpio");
        require_param("howmany", "int", "-0x10", "how many");
        require_param("verbose", "bool", "off", "");
        require_param("ports", "list", "a,b", "which ports");
        require_param("whom", "string", "", "who");
        require_unique(&["a", "b", "c"]);
        require_unique(&[]);
    }

    fn panic_message(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
        let payload = std::panic::catch_unwind(f).expect_err("should panic");
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    }

    #[test]
    fn bad_declarations_are_named() {
        let cases: [(fn(), &str); 8] = [
            (
                || require_module("bad name", "", "", "", "", ""),
                "ulib::module!: module name 'bad name': use 1 to 32",
            ),
            (
                || require_module("m", "1\n2", "", "", "", ""),
                "module m: version holds a NUL or a line break",
            ),
            (
                || require_module("m", "", "", "", "", "a,,b"),
                "depends 'a,,b' is not",
            ),
            (
                || require_param("2x", "int", "1", ""),
                "parameter '2x': use ASCII",
            ),
            (
                || require_param("n", "integer", "1", ""),
                "parameter 'n': unknown type 'integer'",
            ),
            (
                || require_param("n", "int", "one", ""),
                "parameter 'n': default 'one' is not an int",
            ),
            (
                || require_param("who", "string", "big world", ""),
                "default 'big world' holds whitespace",
            ),
            (
                || require_unique(&["a", "b", "a"]),
                "parameter 'a' is declared twice",
            ),
        ];
        for (f, expected) in cases {
            let message = panic_message(f);
            assert!(message.contains(expected), "{message:?} lacks {expected:?}");
        }
    }

    #[test]
    fn long_messages_are_cut_not_broken() {
        let long = "é".repeat(200);
        let message = panic_message(move || require_param("n", &long, "1", ""));
        assert!(message.starts_with("ulib::module!: "), "{message}");
    }
}
