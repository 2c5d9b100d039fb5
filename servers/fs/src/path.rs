//! Path parsing: checks a path once and splits it into the parent's components and the last one.

use proto::file::MAX_PATH_BYTES;
use proto::Errno;

/// Longest name of one directory entry, in bytes (Linux's `NAME_MAX`).
pub const MAX_NAME_BYTES: usize = 255;

/// What the last component of a path is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Last<'a> {
    /// The path is `/` (or only slashes).
    Root,
    /// `.`: the parent itself.
    Dot,
    /// `..`: the parent's parent.
    DotDot,
    /// An ordinary name (1..=255 bytes, no `/`, no NUL).
    Name(&'a str),
}

/// A checked path: the text before the last component, the last one, and whether a `/` ended it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Parsed<'a> {
    /// Everything before the last component (its components name the parent directory).
    pub(crate) parent: &'a str,
    /// The last component.
    pub(crate) last: Last<'a>,
    /// The path ended with `/` after a component: the target must be a directory.
    pub(crate) trailing_slash: bool,
}

/// The non-empty components of `text`, in order.
pub(crate) fn components(text: &str) -> impl Iterator<Item = &str> {
    text.split('/').filter(|c| !c.is_empty())
}

/// Checks `path` (`ENOENT` empty, `ENAMETOOLONG` too long, `EINVAL` relative or NUL) and splits it.
pub(crate) fn parse(path: &str) -> Result<Parsed<'_>, Errno> {
    if path.is_empty() {
        return Err(Errno::NoEntry);
    }
    if path.len() > MAX_PATH_BYTES {
        return Err(Errno::NameTooLong);
    }
    if !path.starts_with('/') || path.contains('\0') {
        return Err(Errno::Invalid);
    }
    if components(path).any(|c| c.len() > MAX_NAME_BYTES) {
        return Err(Errno::NameTooLong);
    }
    let trimmed = path.trim_end_matches('/');
    let Some(split) = trimmed.rfind('/') else {
        // Only slashes: the root, whose parent walk is empty.
        return Ok(Parsed {
            parent: "",
            last: Last::Root,
            trailing_slash: false,
        });
    };
    let last = match trimmed.get(split + 1..) {
        Some(".") => Last::Dot,
        Some("..") => Last::DotDot,
        Some(name) => Last::Name(name),
        None => Last::Root,
    };
    Ok(Parsed {
        parent: trimmed.get(..split).unwrap_or(""),
        last,
        trailing_slash: trimmed.len() < path.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;

    #[test]
    fn splits_parent_and_last() {
        let p = parse("/a/b/c").unwrap();
        assert_eq!(
            (p.parent, p.last, p.trailing_slash),
            ("/a/b", Last::Name("c"), false)
        );
        let p = parse("//a//b//").unwrap();
        assert_eq!(
            (p.parent, p.last, p.trailing_slash),
            ("//a/", Last::Name("b"), true)
        );
        assert_eq!(components("//a/").collect::<alloc::vec::Vec<_>>(), ["a"]);
        assert_eq!(parse("/").unwrap().last, Last::Root);
        assert_eq!(parse("///").unwrap().last, Last::Root);
        assert_eq!(parse("/a/.").unwrap().last, Last::Dot);
        assert_eq!(parse("/a/..").unwrap().last, Last::DotDot);
        assert_eq!(parse("/x").unwrap().parent, "");
    }

    #[test]
    fn refuses_bad_paths() {
        assert_eq!(parse("").unwrap_err(), Errno::NoEntry);
        assert_eq!(parse("a/b").unwrap_err(), Errno::Invalid);
        assert_eq!(parse("/a\0b").unwrap_err(), Errno::Invalid);
        let long_name: String = core::iter::repeat_n('n', MAX_NAME_BYTES + 1).collect();
        assert_eq!(
            parse(&(String::from("/") + &long_name)).unwrap_err(),
            Errno::NameTooLong
        );
        assert!(parse(&(String::from("/") + &long_name[1..])).is_ok());
        let mut long_path = String::new();
        while long_path.len() <= MAX_PATH_BYTES {
            long_path.push_str("/abc");
        }
        assert_eq!(parse(&long_path).unwrap_err(), Errno::NameTooLong);
        assert!(parse(&long_path[..MAX_PATH_BYTES]).is_ok());
    }
}
