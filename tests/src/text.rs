//! Small text helpers for checking console output: timestamps, lines, numbers, backtrace frames.
//!
//! No regex crate: each helper does one simple, predictable thing.

/// `line` without a leading Linux-style timestamp such as `[    0.001234] `.
///
/// A timestamp is `[`, digits/dots/spaces (at least one digit), `]`, then one optional
/// space. Anything else is returned unchanged.
pub fn strip_timestamp(line: &str) -> &str {
    let Some(inner_and_rest) = line.strip_prefix('[') else {
        return line;
    };
    let Some(close) = inner_and_rest.find(']') else {
        return line;
    };
    let inner = &inner_and_rest[..close];
    let is_timestamp = inner.bytes().any(|byte| byte.is_ascii_digit())
        && inner
            .bytes()
            .all(|byte| byte.is_ascii_digit() || byte == b'.' || byte == b' ');
    if !is_timestamp {
        return line;
    }
    let rest = &inner_and_rest[close + 1..];
    rest.strip_prefix(' ').unwrap_or(rest)
}

/// The first line of `text` that, after its timestamp and leading blanks, starts with
/// `prefix`; returned without timestamp and leading blanks.
pub fn line_starting_with<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    text.lines()
        .map(|line| strip_timestamp(line).trim_start())
        .find(|content| content.starts_with(prefix))
}

/// The first line of `text` containing `needle`, returned without its timestamp.
pub fn line_containing<'a>(text: &'a str, needle: &str) -> Option<&'a str> {
    text.lines()
        .map(strip_timestamp)
        .find(|content| content.contains(needle))
}

/// The last line of `text` that is not blank, without its timestamp and surrounding blanks.
pub fn last_nonempty_line(text: &str) -> Option<&str> {
    text.lines()
        .map(|line| strip_timestamp(line).trim())
        .rfind(|content| !content.is_empty())
}

/// The decimal number right after the first `prefix` in `text`
/// (`number_after("ktest: 5 passed", "ktest: ") == Some(5)`).
pub fn number_after(text: &str, prefix: &str) -> Option<u64> {
    let start = text.find(prefix)? + prefix.len();
    leading_number(&text[start..])
}

/// The decimal number right before the first `suffix` in `text`, blanks between allowed
/// (`number_before("mem: 960 MiB", "MiB") == Some(960)`).
pub fn number_before(text: &str, suffix: &str) -> Option<u64> {
    let head = text[..text.find(suffix)?].trim_end();
    let digits_from = head
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |index| index + 1);
    head[digits_from..].parse().ok()
}

/// The first decimal number anywhere in `text`.
pub fn first_number(text: &str) -> Option<u64> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    leading_number(&text[start..])
}

/// The run of decimal digits `text` starts with; `None` if none or if it overflows `u64`.
fn leading_number(text: &str) -> Option<u64> {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    text[..end].parse().ok()
}

/// One frame of a kernel backtrace, as printed in a panic report:
/// `  #0 0xffffff8000081234 ktest_fault::deliberate_fault+0x14`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BacktraceFrame<'a> {
    /// The frame number after `#`.
    pub index: u32,
    /// The return (or fault) address.
    pub addr: u64,
    /// The symbol with its offset, e.g. `ktest_fault::deliberate_fault+0x14`;
    /// `None` when the kernel printed nothing, `?` or `<unknown>`.
    pub symbol: Option<&'a str>,
}

impl BacktraceFrame<'_> {
    /// The symbol without its `+0x..` offset.
    pub fn symbol_name(&self) -> Option<&str> {
        let symbol = self.symbol?;
        Some(symbol.rsplit_once("+0x").map_or(symbol, |(name, _)| name))
    }
}

/// Parses a backtrace frame line (timestamp and leading blanks allowed); `None` if
/// `line` is not one.
pub fn parse_backtrace_frame(line: &str) -> Option<BacktraceFrame<'_>> {
    let rest = strip_timestamp(line).trim().strip_prefix('#')?;
    let (index, rest) = rest.split_once(|c: char| c.is_ascii_whitespace())?;
    let index = index.parse().ok()?;
    let rest = rest.trim_start();
    let (addr, symbol) = rest
        .split_once(|c: char| c.is_ascii_whitespace())
        .unwrap_or((rest, ""));
    let addr = u64::from_str_radix(addr.strip_prefix("0x")?, 16).ok()?;
    let symbol = symbol.trim();
    let unknown = symbol.trim_matches('?').is_empty()
        || symbol.eq_ignore_ascii_case("<unknown>")
        || symbol.eq_ignore_ascii_case("unknown");
    Some(BacktraceFrame {
        index,
        addr,
        symbol: (!unknown).then_some(symbol),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_only_real_timestamps() {
        assert_eq!(strip_timestamp("[    0.001234] mica 0.1.0"), "mica 0.1.0");
        assert_eq!(strip_timestamp("[12.5]mem: x"), "mem: x");
        assert_eq!(strip_timestamp("[ ok ] done"), "[ ok ] done");
        assert_eq!(strip_timestamp("[] x"), "[] x");
        assert_eq!(strip_timestamp("[   ] x"), "[   ] x");
        assert_eq!(strip_timestamp("[ 1.0 no close"), "[ 1.0 no close");
        assert_eq!(strip_timestamp("plain"), "plain");
        assert_eq!(strip_timestamp(""), "");
    }

    #[test]
    fn finds_lines_by_prefix_and_content() {
        let log = "[ 0.1] mica 0.1.0\r\n[ 0.2]   FAR: 0x10\n  ELR: 0xffff deliberate_fault+0x4\n";
        assert_eq!(line_starting_with(log, "FAR"), Some("FAR: 0x10"));
        assert_eq!(
            line_starting_with(log, "ELR"),
            Some("ELR: 0xffff deliberate_fault+0x4")
        );
        assert_eq!(line_starting_with(log, "0.1"), None);
        assert_eq!(line_containing(log, "0.1.0"), Some("mica 0.1.0"));
        assert_eq!(line_containing(log, "absent"), None);
    }

    #[test]
    fn last_nonempty_line_skips_trailing_blanks() {
        assert_eq!(
            last_nonempty_line("a\n[ 1.0] ktest: 3 passed, 0 failed\r\n\n  \n"),
            Some("ktest: 3 passed, 0 failed")
        );
        assert_eq!(last_nonempty_line("\n \n"), None);
    }

    #[test]
    fn parses_numbers_around_markers() {
        assert_eq!(
            number_after("ktest: 12 passed, 0 failed", "ktest: "),
            Some(12)
        );
        assert_eq!(
            number_after("ktest: 12 passed, 0 failed", "passed, "),
            Some(0)
        );
        assert_eq!(number_after("ktest: x passed", "ktest: "), None);
        assert_eq!(number_after("no marker", "ktest: "), None);
        assert_eq!(
            number_before("mem: 960 MiB of ARM memory", "MiB"),
            Some(960)
        );
        assert_eq!(number_before("mem: 960MiB", "MiB"), Some(960));
        assert_eq!(number_before("mem: MiB", "MiB"), None);
        assert_eq!(number_before("960", "MiB"), None);
        assert_eq!(first_number("timer: 62500000 Hz"), Some(62_500_000));
        assert_eq!(first_number("no digits"), None);
        assert_eq!(first_number("99999999999999999999999"), None);
    }

    #[test]
    fn parses_backtrace_frames() {
        let frame =
            parse_backtrace_frame("  #0 0xffffff8000081234 ktest_fault::deliberate_fault+0x14")
                .unwrap();
        assert_eq!(frame.index, 0);
        assert_eq!(frame.addr, 0xffff_ff80_0008_1234);
        assert_eq!(frame.symbol, Some("ktest_fault::deliberate_fault+0x14"));
        assert_eq!(frame.symbol_name(), Some("ktest_fault::deliberate_fault"));

        let bare = parse_backtrace_frame("[ 2.0]   #12 0x80000").unwrap();
        assert_eq!((bare.index, bare.addr, bare.symbol), (12, 0x80000, None));
        assert_eq!(parse_backtrace_frame("#1 0x10 ?").unwrap().symbol, None);
        assert_eq!(
            parse_backtrace_frame("#1 0x10 <unknown>").unwrap().symbol,
            None
        );
        let generic = parse_backtrace_frame("#2 0x10 <a::B as c::D>::f+0x8").unwrap();
        assert_eq!(generic.symbol_name(), Some("<a::B as c::D>::f"));

        assert_eq!(parse_backtrace_frame("backtrace:"), None);
        assert_eq!(parse_backtrace_frame("#x 0x10 f"), None);
        assert_eq!(parse_backtrace_frame("#0 1234 f"), None);
        assert_eq!(parse_backtrace_frame("#0"), None);
    }
}
