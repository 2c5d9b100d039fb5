//! Test data the shell generates (`write FILE SIZE`): a documented byte pattern and sizes with K/M suffixes.

/// Byte `i` of the pattern `write FILE SIZE` fills a file with: the top byte
/// of `i * 2654435761` (Knuth's multiplicative hash) in 32-bit arithmetic,
/// so anyone can recompute a file's checksum without the shell.
pub const fn pattern_byte(i: u64) -> u8 {
    ((i as u32).wrapping_mul(2_654_435_761) >> 24) as u8
}

/// Fills `buf` with the pattern bytes from offset `start`.
pub fn fill_pattern(start: u64, buf: &mut [u8]) {
    for (k, b) in buf.iter_mut().enumerate() {
        *b = pattern_byte(start + k as u64);
    }
}

/// A byte count: decimal digits with an optional `K` or `M` (binary: 1024,
/// 1048576). `None` for anything else or an overflow.
pub fn parse_size(s: &str) -> Option<u64> {
    let (digits, scale) = match s.as_bytes().last()? {
        b'K' | b'k' => (&s[..s.len() - 1], 1024),
        b'M' | b'm' => (&s[..s.len() - 1], 1024 * 1024),
        _ => (s, 1),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok()?.checked_mul(scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pattern_is_the_documented_hash() {
        assert_eq!(pattern_byte(0), 0);
        assert_eq!(pattern_byte(1), (2_654_435_761u64 >> 24) as u8);
        assert_eq!(
            pattern_byte(2),
            ((2 * 2_654_435_761u64 % (1 << 32)) >> 24) as u8
        );
        let mut buf = [0u8; 4];
        fill_pattern(1, &mut buf);
        assert_eq!(buf[0], pattern_byte(1));
        assert_eq!(buf[3], pattern_byte(4));
    }

    #[test]
    fn sizes_parse_with_suffixes() {
        assert_eq!(parse_size("0"), Some(0));
        assert_eq!(parse_size("4096"), Some(4096));
        assert_eq!(parse_size("4K"), Some(4096));
        assert_eq!(parse_size("1M"), Some(1 << 20));
        assert_eq!(parse_size("1m"), Some(1 << 20));
    }

    #[test]
    fn bad_sizes_are_refused() {
        for s in [
            "",
            "K",
            "-1",
            "1.5M",
            "1G",
            "0x10",
            "99999999999999999999",
            "17592186044416M",
        ] {
            assert_eq!(parse_size(s), None, "{s}");
        }
    }
}
