//! The program's `key=value` arguments: copied out of the IPC buffer at start, parsed on demand.
//!
//! The spawner passes one string of words separated by spaces (at most
//! [`abi::MAX_ARGS_BYTES`]), like module parameters: `uart=pl011 baud=115200
//! verbose`. A word without `=` is a flag: it yields `(word, "")`.

use abi::MAX_ARGS_BYTES;

/// The argument bytes, kept for the whole run.
///
/// Invariant: `bytes[..len]` is valid UTF-8 and `len <= MAX_ARGS_BYTES`.
struct ArgBuf {
    bytes: [u8; MAX_ARGS_BYTES],
    len: usize,
}

impl ArgBuf {
    fn as_str(&self) -> &str {
        debug_assert!(self.len <= MAX_ARGS_BYTES);
        let bytes = &self.bytes[..self.len];
        // Always Ok by the invariant; the fallback keeps a broken one from panicking.
        core::str::from_utf8(bytes).unwrap_or("")
    }
}

/// Set once, by `_start` before `main` (later calls find it set).
static ARGS: spin::Once<ArgBuf> = spin::Once::new();

/// Stores the argument string ([`valid_prefix`] of `raw`); the first call wins.
#[cfg_attr(not(target_os = "none"), allow(dead_code))]
pub(crate) fn init(raw: &[u8]) {
    ARGS.call_once(|| {
        let text = valid_prefix(raw);
        let mut buf = ArgBuf {
            bytes: [0; MAX_ARGS_BYTES],
            len: text.len(),
        };
        buf.bytes[..text.len()].copy_from_slice(text.as_bytes());
        buf
    });
}

/// The longest valid UTF-8 prefix of `raw`'s first [`MAX_ARGS_BYTES`]: the kernel copies bytes, it does not check them.
fn valid_prefix(raw: &[u8]) -> &str {
    let raw = &raw[..raw.len().min(MAX_ARGS_BYTES)];
    match core::str::from_utf8(raw) {
        Ok(text) => text,
        Err(e) => core::str::from_utf8(&raw[..e.valid_up_to()]).unwrap_or(""),
    }
}

/// The whole argument string as the spawner passed it ("" before start or without arguments).
pub fn raw_args() -> &'static str {
    ARGS.get().map_or("", ArgBuf::as_str)
}

/// The arguments as `(key, value)` pairs, in order; a word without `=` gives `(word, "")`.
pub fn args() -> impl Iterator<Item = (&'static str, &'static str)> {
    parse(raw_args())
}

/// The value of argument `key`; when a key repeats, the last one wins (a later word overrides).
///
/// A flag (a word without `=`) has the value `""`.
pub fn arg(key: &str) -> Option<&'static str> {
    lookup(raw_args(), key)
}

/// Splits `text` into `(key, value)` pairs at ASCII whitespace and the first `=` of each word.
pub fn parse(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.split_ascii_whitespace()
        .map(|word| word.split_once('=').unwrap_or((word, "")))
}

/// The value of the last `key` in `text` (see [`arg`]).
pub fn lookup<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    parse(text)
        .filter(|(k, _)| *k == key)
        .map(|(_, v)| v)
        .last()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    #[test]
    fn words_split_into_pairs() {
        let pairs: Vec<_> = parse("uart=pl011  baud=115200 verbose path=/a=b =x").collect();
        assert_eq!(
            pairs,
            [
                ("uart", "pl011"),
                ("baud", "115200"),
                ("verbose", ""),
                ("path", "/a=b"),
                ("", "x"),
            ]
        );
        assert_eq!(parse("").count(), 0);
        assert_eq!(parse(" \t\n ").count(), 0);
        assert_eq!(parse("a=").collect::<Vec<_>>(), [("a", "")]);
    }

    #[test]
    fn lookup_takes_the_last_and_knows_flags() {
        let text = "level=3 quiet level=7 name=";
        assert_eq!(lookup(text, "level"), Some("7"));
        assert_eq!(lookup(text, "quiet"), Some(""));
        assert_eq!(lookup(text, "name"), Some(""));
        assert_eq!(lookup(text, "missing"), None);
        assert_eq!(lookup(text, "lev"), None);
    }

    #[test]
    fn stored_once() {
        // The only test touching the global: the first init wins.
        init(b"a=1 b\xFFc=3");
        init(b"a=2");
        assert_eq!(raw_args(), "a=1 b");
        assert_eq!(arg("a"), Some("1"));
        assert_eq!(arg("b"), Some(""));
        assert_eq!(arg("c"), None);
        assert_eq!(args().count(), 2);
    }

    #[test]
    fn prefix_is_bounded_and_utf8() {
        let long = std::vec![b'k'; MAX_ARGS_BYTES + 10];
        assert_eq!(valid_prefix(&long).len(), MAX_ARGS_BYTES);
        // A two-byte char straddling the limit is dropped whole.
        let mut straddle = std::vec![b'k'; MAX_ARGS_BYTES - 1];
        straddle.extend_from_slice("é".as_bytes());
        assert_eq!(valid_prefix(&straddle).len(), MAX_ARGS_BYTES - 1);
        assert_eq!(valid_prefix(b"ok=1\xC3"), "ok=1");
        assert_eq!(valid_prefix(b"\xFFa=1"), "");
        assert_eq!(valid_prefix("ü=ö".as_bytes()), "ü=ö");
    }

    #[test]
    fn broken_invariant_gives_empty_not_panic() {
        let mut buf = ArgBuf {
            bytes: [b'x'; MAX_ARGS_BYTES],
            len: MAX_ARGS_BYTES,
        };
        assert_eq!(buf.as_str().len(), MAX_ARGS_BYTES);
        buf.bytes[0] = 0xC3;
        assert_eq!(buf.as_str(), "");
    }
}
