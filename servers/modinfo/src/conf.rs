//! The module config files: `/etc/modules` (the boot set) and `modprobe.conf` (per-module default options).
//!
//! Both are line based. A `#` at the start of a word (outside double
//! quotes) starts a comment that runs to the end of the line; blank lines
//! are skipped. Parameters are checked for syntax here (quotes closed, a
//! name before every `=`) and against the module when it is loaded.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::kind::is_module_name;
use crate::params::split_params;

/// A config line that does not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfError {
    /// The line number, from 1.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ConfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Parses `/etc/modules`: one module per line, optionally followed by its `key=value` parameters.
///
/// Ok is `(name, parameters)` in file order, the parameters as written
/// (trimmed, comment removed; `""` for none). A module listed twice is an error.
pub fn parse_modules(text: &str) -> Result<Vec<(String, String)>, ConfError> {
    let mut boot: Vec<(String, String)> = Vec::new();
    let mut first_line: BTreeMap<String, usize> = BTreeMap::new();
    for (line_no, words) in meaningful_lines(text) {
        let fail = |message: String| ConfError {
            line: line_no,
            message,
        };
        let (name, params) = split_first_word(words);
        if !is_module_name(name) {
            return Err(fail(format!("{name:?} is not a module name")));
        }
        split_params(params).map_err(|e| fail(e.to_string()))?;
        if let Some(first) = first_line.insert(name.to_string(), line_no) {
            return Err(fail(format!(
                "{name} is listed twice (first on line {first})"
            )));
        }
        boot.push((name.to_string(), params.to_string()));
    }
    Ok(boot)
}

/// `modprobe.conf`: default parameters per module, from `options NAME key=value ...` lines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModprobeConf {
    /// Module name -> its options, every `options` line for it joined by a space.
    options: BTreeMap<String, String>,
}

impl ModprobeConf {
    /// Parses the file. `options` is the only directive; anything else is an error naming the line.
    pub fn parse(text: &str) -> Result<ModprobeConf, ConfError> {
        let mut conf = ModprobeConf::default();
        for (line_no, words) in meaningful_lines(text) {
            let fail = |message: String| ConfError {
                line: line_no,
                message,
            };
            let (directive, rest) = split_first_word(words);
            if directive != "options" {
                return Err(fail(format!(
                    "unknown directive '{directive}' (modprobe.conf knows only 'options NAME key=value ...')"
                )));
            }
            let (name, params) = split_first_word(rest);
            if name.is_empty() {
                return Err(fail("'options' needs a module name".to_string()));
            }
            if !is_module_name(name) {
                return Err(fail(format!("{name:?} is not a module name")));
            }
            if params.is_empty() {
                return Err(fail(format!("'options {name}' gives no parameters")));
            }
            split_params(params).map_err(|e| fail(e.to_string()))?;
            let joined = conf.options.entry(name.to_string()).or_default();
            if !joined.is_empty() {
                joined.push(' ');
            }
            joined.push_str(params);
        }
        Ok(conf)
    }

    /// The configured parameters of `name` (`""` if none): the `configured` of [`crate::effective_args_with`].
    pub fn options(&self, name: &str) -> &str {
        self.options.get(name).map_or("", String::as_str)
    }

    /// The modules that have options, sorted.
    pub fn modules(&self) -> impl Iterator<Item = &str> {
        self.options.keys().map(String::as_str)
    }
}

/// The non-blank lines of `text` with comments removed and trimmed, numbered from 1.
fn meaningful_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, line)| (i + 1, strip_comment(line).trim()))
        .filter(|(_, line)| !line.is_empty())
}

/// `line` up to a `#` that starts a word outside double quotes.
fn strip_comment(line: &str) -> &str {
    let mut quoted = false;
    let mut word_start = true;
    for (at, c) in line.char_indices() {
        match c {
            '#' if !quoted && word_start => return &line[..at],
            '"' => quoted = !quoted,
            _ => {}
        }
        word_start = !quoted && c.is_ascii_whitespace();
    }
    line
}

/// The first whitespace-separated word and the trimmed rest.
fn split_first_word(text: &str) -> (&str, &str) {
    let text = text.trim_start();
    match text.find(|c: char| c.is_ascii_whitespace()) {
        Some(at) => (&text[..at], text[at..].trim()),
        None => (text, ""),
    }
}

#[cfg(test)]
#[path = "conf_tests.rs"]
mod tests;
