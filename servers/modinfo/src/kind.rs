//! Parameter types and the shapes of names and values: const fns, shared by the parser and `ulib::module!`'s compile-time checks.

/// Longest module name, in bytes (a column of `lsmod`, a line of `modules.dep`).
pub const MAX_NAME_BYTES: usize = 32;

/// The type of a module parameter, as `parmtype=NAME:TYPE` spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// `int`: decimal or `0x` hex, optional leading `-`, fits an `i64`.
    Int,
    /// `bool`: `1 0 y n yes no true false on off` (any case).
    Bool,
    /// `string`: any text.
    String,
    /// `list`: comma-separated non-empty items; the empty value is the empty list.
    List,
}

impl ParamKind {
    /// Every kind, in the order the docs list them.
    pub const ALL: [ParamKind; 4] = [
        ParamKind::Int,
        ParamKind::Bool,
        ParamKind::String,
        ParamKind::List,
    ];

    /// The kind named `name` (`int`, `bool`, `string`, `list`), if any.
    pub const fn from_name(name: &str) -> Option<ParamKind> {
        let mut i = 0;
        while i < Self::ALL.len() {
            if bytes_eq(name.as_bytes(), Self::ALL[i].name().as_bytes()) {
                return Some(Self::ALL[i]);
            }
            i += 1;
        }
        None
    }

    /// The name `parmtype=` uses.
    pub const fn name(self) -> &'static str {
        match self {
            ParamKind::Int => "int",
            ParamKind::Bool => "bool",
            ParamKind::String => "string",
            ParamKind::List => "list",
        }
    }

    /// What a value of this kind looks like, for error messages.
    pub const fn describe(self) -> &'static str {
        match self {
            ParamKind::Int => "an int (decimal or 0x hex, optional minus)",
            ParamKind::Bool => "a bool (1/0, y/n, yes/no, true/false, on/off)",
            ParamKind::String => "a string",
            ParamKind::List => "a list (comma-separated, no empty items)",
        }
    }

    /// Whether `value` is a well-formed value of this kind.
    ///
    /// This is the type only: whether the value can also travel in a
    /// module's argument string is [`is_passable`].
    pub const fn accepts(self, value: &str) -> bool {
        match self {
            ParamKind::Int => parse_int(value).is_some(),
            ParamKind::Bool => parse_bool(value).is_some(),
            ParamKind::String => true,
            ParamKind::List => is_list(value.as_bytes()),
        }
    }
}

/// An `int` value: decimal or `0x`/`0X` hex, optional leading `-`; None if malformed or outside `i64`.
pub const fn parse_int(value: &str) -> Option<i64> {
    let bytes = value.as_bytes();
    let (negative, mut at) = match bytes.first() {
        Some(b'-') => (true, 1),
        _ => (false, 0),
    };
    let hex = bytes.len() >= at + 2 && bytes[at] == b'0' && (bytes[at + 1] | 0x20) == b'x';
    let radix: i64 = if hex { 16 } else { 10 };
    if hex {
        at += 2;
    }
    if at == bytes.len() {
        return None;
    }
    // Accumulated negatively, so i64::MIN parses too.
    let mut acc: i64 = 0;
    while at < bytes.len() {
        let digit = match digit_value(bytes[at]) {
            Some(d) if d < radix => d,
            _ => return None,
        };
        acc = match acc.checked_mul(radix) {
            Some(v) => match v.checked_sub(digit) {
                Some(v) => v,
                None => return None,
            },
            None => return None,
        };
        at += 1;
    }
    if negative {
        Some(acc)
    } else {
        acc.checked_neg()
    }
}

/// A `bool` value: `1 y yes true on` or `0 n no false off`, in any case.
pub const fn parse_bool(value: &str) -> Option<bool> {
    const TRUE: [&str; 5] = ["1", "y", "yes", "true", "on"];
    const FALSE: [&str; 5] = ["0", "n", "no", "false", "off"];
    let mut i = 0;
    while i < TRUE.len() {
        if value.eq_ignore_ascii_case(TRUE[i]) {
            return Some(true);
        }
        if value.eq_ignore_ascii_case(FALSE[i]) {
            return Some(false);
        }
        i += 1;
    }
    None
}

/// A module name: 1 to [`MAX_NAME_BYTES`] of ASCII letters, digits, `_` and `-`.
pub const fn is_module_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    if bytes.is_empty() || bytes.len() > MAX_NAME_BYTES {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if !(bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'-') {
            return false;
        }
        i += 1;
    }
    true
}

/// A parameter name: 1 to [`MAX_NAME_BYTES`] of ASCII letters, digits and `_`, not starting with a digit.
pub const fn is_param_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    if bytes.is_empty() || bytes.len() > MAX_NAME_BYTES || bytes[0].is_ascii_digit() {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if !(bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether `text` can be a `.modinfo` value: no NUL (it ends the entry) and no line break.
pub const fn is_entry_text(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if matches!(bytes[i], 0 | b'\n' | b'\r') {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether `deps` is a `depends=` value: empty, or module names separated by single commas.
pub const fn is_depends_list(deps: &str) -> bool {
    let bytes = deps.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i <= bytes.len() {
        if i == bytes.len() || bytes[i] == b',' {
            if i == start {
                // An empty item is only the whole, empty list.
                return bytes.is_empty();
            }
            let (head, _) = bytes.split_at(i);
            let (_, item) = head.split_at(start);
            match core::str::from_utf8(item) {
                Ok(item) if is_module_name(item) => {}
                _ => return false,
            }
            start = i + 1;
        }
        i += 1;
    }
    true
}

const fn is_list(bytes: &[u8]) -> bool {
    if bytes.is_empty() {
        return true;
    }
    let mut previous_comma = true; // a leading comma is an empty first item
    let mut i = 0;
    while i < bytes.len() {
        let comma = bytes[i] == b',';
        if comma && previous_comma {
            return false;
        }
        previous_comma = comma;
        i += 1;
    }
    !previous_comma
}

/// Whether `value` can travel in a module's argument string: no whitespace (ulib's args split there) and no NUL.
pub const fn is_passable(value: &str) -> bool {
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() || bytes[i] == 0 {
            return false;
        }
        i += 1;
    }
    true
}

const fn digit_value(byte: u8) -> Option<i64> {
    match byte {
        b'0'..=b'9' => Some((byte - b'0') as i64),
        b'a'..=b'f' => Some((byte - b'a' + 10) as i64),
        b'A'..=b'F' => Some((byte - b'A' + 10) as i64),
        _ => None,
    }
}

/// Byte-wise equality, usable in const fns.
pub(crate) const fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_in_decimal_and_hex() {
        assert_eq!(parse_int("0"), Some(0));
        assert_eq!(parse_int("42"), Some(42));
        assert_eq!(parse_int("-7"), Some(-7));
        assert_eq!(parse_int("0x1F"), Some(31));
        assert_eq!(parse_int("0X1f"), Some(31));
        assert_eq!(parse_int("-0x10"), Some(-16));
        assert_eq!(parse_int("007"), Some(7));
        assert_eq!(parse_int("9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_int("-9223372036854775808"), Some(i64::MIN));
        for bad in [
            "",
            "-",
            "0x",
            "-0x",
            "+1",
            "1.5",
            "12a",
            "0xG",
            "9223372036854775808",
            "-9223372036854775809",
            "0x8000000000000000",
            " 1",
            "--1",
        ] {
            assert_eq!(parse_int(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn bools_in_every_spelling() {
        for yes in ["1", "y", "Y", "yes", "TRUE", "on", "On"] {
            assert_eq!(parse_bool(yes), Some(true), "{yes}");
        }
        for no in ["0", "n", "No", "false", "off", "OFF"] {
            assert_eq!(parse_bool(no), Some(false), "{no}");
        }
        for bad in ["", "2", "yess", "t", "enable"] {
            assert_eq!(parse_bool(bad), None, "{bad}");
        }
    }

    #[test]
    fn kinds_by_name_and_their_values() {
        for kind in ParamKind::ALL {
            assert_eq!(ParamKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(ParamKind::from_name("integer"), None);
        assert_eq!(ParamKind::from_name("Int"), None);
        assert!(ParamKind::List.accepts("a,b,c"));
        assert!(ParamKind::List.accepts(""));
        assert!(ParamKind::List.accepts("one"));
        assert!(ParamKind::List.accepts("a b,c"), "items are only non-empty");
        for bad in [",", "a,", ",a", "a,,b"] {
            assert!(!ParamKind::List.accepts(bad), "{bad:?}");
        }
        assert!(ParamKind::String.accepts(""));
        assert!(ParamKind::String.accepts("two words"));
        assert!(!ParamKind::Int.accepts("1\0"));
        assert!(!ParamKind::Int.accepts(" 1"));
        assert!(ParamKind::Bool.accepts("on"));
        assert!(is_passable("/dev/uart0,a=b"));
        assert!(is_passable(""));
        for bad in ["two words", "tab\there", "nul\0", "end\n"] {
            assert!(!is_passable(bad), "{bad:?}");
        }
    }

    #[test]
    fn names() {
        assert!(is_module_name("uart"));
        assert!(is_module_name("snd-pcm_2"));
        assert!(is_module_name(&"a".repeat(MAX_NAME_BYTES)));
        for bad in ["", "a b", "a/b", "é", "a:b", "a,b"] {
            assert!(!is_module_name(bad), "{bad:?}");
        }
        assert!(!is_module_name(&"a".repeat(MAX_NAME_BYTES + 1)));
        assert!(is_param_name("howmany"));
        assert!(is_param_name("_x2"));
        for bad in ["", "2x", "a-b", "a:b", "a=b"] {
            assert!(!is_param_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn depends_lists_and_entry_text() {
        for good in ["", "devreg", "devreg,uart", "a-b,c_d,e"] {
            assert!(is_depends_list(good), "{good:?}");
        }
        for bad in [",", "a,", ",a", "a,,b", "a b", "a, b"] {
            assert!(!is_depends_list(bad), "{bad:?}");
        }
        assert!(is_entry_text("any text: even = and ,"));
        assert!(!is_entry_text("a\0b"));
        assert!(!is_entry_text("two\nlines"));
    }
}
