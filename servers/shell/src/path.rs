//! Paths as the shell sees them: resolving a typed path against the working directory.

use alloc::string::String;
use alloc::vec::Vec;

/// The absolute, normalized form of `typed` seen from directory `cwd`
/// (itself absolute): `.` and empty components vanish, `..` climbs (never
/// above `/`).
pub fn resolve(cwd: &str, typed: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let start = if typed.starts_with('/') { "" } else { cwd };
    for part in start.split('/').chain(typed.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return String::from("/");
    }
    let mut out = String::new();
    for p in parts {
        out.push('/');
        out.push_str(p);
    }
    out
}

/// The last component of an absolute path (`/` for the root).
pub fn base_name(path: &str) -> &str {
    match path.trim_end_matches('/').rsplit('/').next() {
        Some("") | None => "/",
        Some(name) => name,
    }
}

/// `dir` and `name` joined with one `/`.
pub fn join(dir: &str, name: &str) -> String {
    let mut out = String::from(dir.trim_end_matches('/'));
    out.push('/');
    out.push_str(name);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_paths_ignore_the_working_directory() {
        assert_eq!(resolve("/tmp", "/boot/init"), "/boot/init");
        assert_eq!(resolve("/tmp", "/"), "/");
    }

    #[test]
    fn relative_paths_start_at_the_working_directory() {
        assert_eq!(resolve("/tmp", "a"), "/tmp/a");
        assert_eq!(resolve("/", "a/b"), "/a/b");
        assert_eq!(resolve("/tmp/x", "."), "/tmp/x");
    }

    #[test]
    fn dots_and_slashes_normalize() {
        assert_eq!(resolve("/a/b", ".."), "/a");
        assert_eq!(resolve("/a/b", "../../.."), "/");
        assert_eq!(resolve("/", "//x///y/./z/.."), "/x/y");
        assert_eq!(resolve("/a", ""), "/a");
    }

    #[test]
    fn base_names_and_joins() {
        assert_eq!(base_name("/boot/init"), "init");
        assert_eq!(base_name("/"), "/");
        assert_eq!(base_name("/tmp/"), "tmp");
        assert_eq!(join("/", "a"), "/a");
        assert_eq!(join("/tmp", "a"), "/tmp/a");
    }
}
