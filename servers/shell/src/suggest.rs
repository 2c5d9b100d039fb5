//! `suggest`: the known name a mistyped one most likely meant ("did you mean 'ls'?").

use alloc::vec::Vec;

/// Words longer than this (in chars) get no suggestion: no command is that long.
const MAX_WORD_CHARS: usize = 64;

/// The candidate `word` most likely meant, if any is close enough.
///
/// - A candidate that `word` is a prefix of, if it is the only one, wins
///   (`"mkd"` → `"mkdir"`).
/// - Otherwise the candidate with the smallest optimal-string-alignment
///   distance (insertions, deletions, substitutions and swaps of two
///   neighbouring characters), if that distance is at most 2 and less than
///   `word`'s length in chars; of equally close candidates the first wins.
///
/// Exact matches are returned as they are (distance 0). An empty word, or
/// one longer than 64 chars, gets no suggestion.
pub fn suggest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word: Vec<char> = word.chars().collect();
    if word.is_empty() || word.len() > MAX_WORD_CHARS {
        return None;
    }
    let mut prefixed = candidates.iter().filter(|c| starts_with(c, &word));
    if let (Some(only), None) = (prefixed.next(), prefixed.next()) {
        return Some(only);
    }
    let limit = 2.min(word.len() - 1);
    let mut best: Option<(usize, &'a str)> = None;
    for &candidate in candidates {
        let distance = osa_distance(&word, candidate, limit);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Whether `candidate` starts with the chars of `word`.
fn starts_with(candidate: &str, word: &[char]) -> bool {
    let mut chars = candidate.chars();
    word.iter().all(|w| chars.next() == Some(*w))
}

/// The optimal-string-alignment distance between `a` and `b`, or something
/// above `limit` when it is certainly above `limit`.
fn osa_distance(a: &[char], b: &str, limit: usize) -> usize {
    let b: Vec<char> = b.chars().take(a.len() + limit + 1).collect();
    if b.len().abs_diff(a.len()) > limit {
        return limit + 1; // each extra char costs one
    }
    // Three rows of the classic dynamic programme: i-2, i-1 and i.
    let mut before: Vec<usize> = (0..=b.len()).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut row = alloc::vec![0; b.len() + 1];
    for i in 1..=a.len() {
        row[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(row[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            row[j] = d;
        }
        core::mem::swap(&mut before, &mut prev);
        core::mem::swap(&mut prev, &mut row);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMANDS: [&str; 12] = [
        "ls", "cat", "echo", "mkdir", "rm", "rmdir", "lsmod", "insmod", "rmmod", "ps", "dmesg",
        "uptime",
    ];

    fn distance(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().collect();
        osa_distance(&a, b, 10)
    }

    #[test]
    fn distances() {
        assert_eq!(distance("", ""), 0);
        assert_eq!(distance("ls", "ls"), 0);
        assert_eq!(distance("lss", "ls"), 1); // deletion
        assert_eq!(distance("l", "ls"), 1); // insertion
        assert_eq!(distance("cst", "cat"), 1); // substitution
        assert_eq!(distance("cta", "cat"), 1); // swap
        assert_eq!(distance("ca", "ac"), 1);
        assert_eq!(distance("abc", "ca"), 3); // OSA, not full Damerau (which says 2)
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("dmseg", "dmesg"), 1);
        assert_eq!(distance("é", "e"), 1); // chars, not bytes
    }

    #[test]
    fn distance_is_cut_off_above_the_limit() {
        let a: Vec<char> = "x".chars().collect();
        assert!(osa_distance(&a, "a_very_long_candidate", 2) > 2);
    }

    #[test]
    fn typos_find_the_command() {
        for (typo, want) in [
            ("lss", "ls"),
            ("sl", "ls"),
            ("cta", "cat"),
            ("ehco", "echo"),
            ("mkdri", "mkdir"),
            ("dmseg", "dmesg"),
            ("uptmie", "uptime"),
            ("rmdri", "rmdir"),
            ("pss", "ps"),
        ] {
            assert_eq!(suggest(typo, &COMMANDS), Some(want), "{typo}");
        }
    }

    #[test]
    fn a_unique_prefix_wins() {
        assert_eq!(suggest("mkd", &COMMANDS), Some("mkdir"));
        assert_eq!(suggest("up", &COMMANDS), Some("uptime"));
        assert_eq!(suggest("lsm", &COMMANDS), Some("lsmod")); // though "ls" is 1 away
        assert_eq!(suggest("d", &COMMANDS), Some("dmesg"));
    }

    #[test]
    fn an_ambiguous_prefix_falls_back_to_distance() {
        // "rm", "rmdir" and "rmmod" all start with "rm"; "rm" itself is exact.
        assert_eq!(suggest("rm", &COMMANDS), Some("rm"));
        // "l" prefixes "ls" and "lsmod", and is too short for a distance match.
        assert_eq!(suggest("l", &COMMANDS), None);
    }

    #[test]
    fn too_far_gets_nothing() {
        assert_eq!(suggest("xyz", &COMMANDS), None);
        assert_eq!(suggest("reboot", &COMMANDS), None);
        assert_eq!(suggest("", &COMMANDS), None);
        assert_eq!(suggest("lss", &[]), None);
        // Distance 2 but not less than the word's length.
        assert_eq!(suggest("xy", &["ls"]), None);
        let long: alloc::string::String = core::iter::repeat_n('a', 100).collect();
        assert_eq!(suggest(&long, &COMMANDS), None);
    }

    #[test]
    fn ties_go_to_the_first_candidate() {
        assert_eq!(suggest("cbt", &["cat", "cut"]), Some("cat"));
        assert_eq!(suggest("cbt", &["cut", "cat"]), Some("cut"));
    }

    #[test]
    fn closer_beats_earlier() {
        assert_eq!(suggest("rmmdo", &["rmdir", "rmmod"]), Some("rmmod"));
    }
}
