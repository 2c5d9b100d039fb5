//! Pure matching over the console byte stream: where a needle is and what an expectation consumes.

/// A successful match: the value handed back and where the next search starts.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Match<T> {
    /// What the expectation returns to the test.
    pub(crate) value: T,
    /// The new read position, an offset into the stream.
    pub(crate) next_pos: usize,
}

/// The offset of the first `needle` in `haystack` at or after `from`.
pub(crate) fn find_from(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let from = from.min(haystack.len());
    // `windows(0)` would panic; an empty needle matches where the search starts.
    if needle.is_empty() {
        return Some(from);
    }
    haystack[from..]
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|offset| from + offset)
}

/// The text from `pos` up to and including the first `needle` after `pos`.
pub(crate) fn match_needle(buf: &[u8], pos: usize, needle: &str) -> Option<Match<String>> {
    let start = find_from(buf, pos, needle.as_bytes())?;
    let end = start + needle.len();
    Some(Match {
        value: lossy(&buf[pos.min(start)..end]),
        next_pos: end,
    })
}

/// Like [`match_needle`] for whichever of `needles` ends up first in the stream;
/// the value is the winner's index and the text up to and including it.
pub(crate) fn match_any(
    buf: &[u8],
    pos: usize,
    needles: &[&str],
) -> Option<Match<(usize, String)>> {
    // Earliest start wins; on a tie the needle listed first wins.
    let (start, index) = needles
        .iter()
        .enumerate()
        .filter_map(|(index, needle)| Some((find_from(buf, pos, needle.as_bytes())?, index)))
        .min()?;
    let end = start + needles[index].len();
    Some(Match {
        value: (index, lossy(&buf[pos.min(start)..end])),
        next_pos: end,
    })
}

/// The whole line containing the first `needle` after `pos`, without its line ending.
///
/// The line may begin before `pos`. It counts as complete once its `\n` has arrived,
/// or, if the stream is `closed`, at the end of the stream. The next search starts
/// right after the needle, so a later expectation can match later on the same line.
pub(crate) fn match_line(
    buf: &[u8],
    pos: usize,
    needle: &str,
    closed: bool,
) -> Option<Match<String>> {
    let start = find_from(buf, pos, needle.as_bytes())?;
    let after = start + needle.len();
    let line_end = match buf[after..].iter().position(|&byte| byte == b'\n') {
        Some(offset) => after + offset,
        None if closed => buf.len(),
        None => return None,
    };
    let line_start = buf[..start]
        .iter()
        .rposition(|&byte| byte == b'\n')
        .map_or(0, |newline| newline + 1);
    let line = lossy(&buf[line_start..line_end]);
    Some(Match {
        value: line.trim_end_matches('\r').to_owned(),
        next_pos: after,
    })
}

/// Console bytes as text; invalid UTF-8 (line noise) becomes U+FFFD rather than an error.
pub(crate) fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_from_respects_start_and_bounds() {
        let hay = b"abcabc";
        assert_eq!(find_from(hay, 0, b"abc"), Some(0));
        assert_eq!(find_from(hay, 1, b"abc"), Some(3));
        assert_eq!(find_from(hay, 4, b"abc"), None);
        assert_eq!(find_from(hay, 99, b"abc"), None);
        assert_eq!(find_from(hay, 2, b""), Some(2));
        assert_eq!(find_from(hay, 99, b""), Some(6));
        assert_eq!(find_from(b"ab", 0, b"abc"), None);
    }

    #[test]
    fn match_needle_returns_text_through_needle_and_advances() {
        let buf = b"boot: one\nboot: two\n";
        let first = match_needle(buf, 0, "boot:").unwrap();
        assert_eq!(first.value, "boot:");
        assert_eq!(first.next_pos, 5);
        let second = match_needle(buf, first.next_pos, "boot:").unwrap();
        assert_eq!(second.value, " one\nboot:");
        assert_eq!(second.next_pos, 15);
        assert_eq!(match_needle(buf, second.next_pos, "boot:"), None);
    }

    #[test]
    fn match_needle_straddles_chunk_boundary() {
        // The stream grows in arbitrary chunks; a needle split across them matches once whole.
        let mut buf = b"ready> he".to_vec();
        assert_eq!(match_needle(&buf, 0, "hello"), None);
        buf.extend_from_slice(b"llo\n");
        assert_eq!(
            match_needle(&buf, 0, "hello").unwrap().value,
            "ready> hello"
        );
    }

    #[test]
    fn match_any_picks_earliest_then_first_listed() {
        let buf = b"xx PASS yy FAIL";
        let found = match_any(buf, 0, &["FAIL", "PASS"]).unwrap();
        assert_eq!(found.value, (1, "xx PASS".to_owned()));
        assert_eq!(found.next_pos, 7);
        let tie = match_any(buf, 0, &["PA", "PASS"]).unwrap();
        assert_eq!(tie.value.0, 0);
        assert_eq!(match_any(buf, 0, &["nope"]), None);
        assert_eq!(match_any(buf, 0, &[]), None);
    }

    #[test]
    fn match_line_waits_for_the_newline_unless_closed() {
        let buf = b"[ 0.1] first\r\n[ 0.2] mem: 960 MiB";
        assert_eq!(match_line(buf, 0, "mem:", false), None);
        let closed = match_line(buf, 0, "mem:", true).unwrap();
        assert_eq!(closed.value, "[ 0.2] mem: 960 MiB");
        let first = match_line(buf, 0, "first", false).unwrap();
        assert_eq!(first.value, "[ 0.1] first");
        assert_eq!(first.next_pos, 12);
    }

    #[test]
    fn match_line_returns_whole_line_and_allows_same_line_again() {
        let buf = b"a\nmem: 960 MiB, 12 free frames\nnext\n";
        let mem = match_line(buf, 0, "MiB", false).unwrap();
        assert_eq!(mem.value, "mem: 960 MiB, 12 free frames");
        // The search continues after the needle, so the same line still holds "free frames".
        let frames = match_line(buf, mem.next_pos, "free frames", false).unwrap();
        assert_eq!(frames.value, "mem: 960 MiB, 12 free frames");
        assert_eq!(match_line(buf, frames.next_pos, "MiB", false), None);
    }

    #[test]
    fn invalid_utf8_does_not_fail() {
        let buf = b"\xff\xfeok";
        assert_eq!(
            match_needle(buf, 0, "ok").unwrap().value,
            "\u{fffd}\u{fffd}ok"
        );
    }
}
