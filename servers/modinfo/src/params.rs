//! Module parameters on a command line: splitting `key=value` words, checking them against a module, building its argument string.
//!
//! Words are separated by ASCII whitespace; a double-quoted stretch keeps its
//! spaces (`whom="big world"`) and the quotes are dropped. A bare word
//! (`verbose`) sets a `bool` parameter to `1`. The string a module is started
//! with is split by ulib's `args` at every space and has no quoting, so
//! [`effective_args`] refuses values that hold whitespace rather than let
//! them arrive cut in two.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::kind::is_passable;
use crate::{ModInfo, ParamKind};

/// Longest argument string a module can receive (`abi::MAX_ARGS_BYTES`).
pub const MAX_ARGS_BYTES: usize = abi::MAX_ARGS_BYTES;

/// A parameter list that does not fit the module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamError {
    /// A word that is not `key`, `key=value` or a quoted form of them.
    Malformed {
        /// The word (quotes removed).
        word: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// The module has no parameter `key`.
    Unknown {
        /// The module.
        module: String,
        /// The key given.
        key: String,
        /// Its parameters, as `name (type)` joined by `, `; empty if it has none.
        valid: String,
    },
    /// A value that is not of the parameter's type.
    BadValue {
        /// The parameter.
        key: String,
        /// Its type.
        kind: ParamKind,
        /// The value given.
        value: String,
    },
    /// A non-bool parameter given without `=value`.
    NeedsValue {
        /// The parameter.
        key: String,
        /// Its type.
        kind: ParamKind,
    },
    /// The same key given twice.
    Twice {
        /// The parameter.
        key: String,
    },
    /// A value holding whitespace: the module's argument string cannot carry it.
    NotPassable {
        /// The parameter.
        key: String,
        /// The value.
        value: String,
    },
    /// The argument string would be longer than a module can receive.
    TooLong {
        /// Its length.
        len_bytes: usize,
    },
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamError::Malformed { word, reason } => {
                write!(f, "malformed parameter {word:?}: {reason}")
            }
            ParamError::Unknown { module, key, valid } if valid.is_empty() => {
                write!(f, "unknown parameter '{key}'; {module} takes no parameters")
            }
            ParamError::Unknown { module, key, valid } => {
                write!(f, "unknown parameter '{key}'; {module} takes: {valid}")
            }
            ParamError::BadValue { key, kind, value } => write!(
                f,
                "parameter '{key}' takes {}, not {value:?}",
                kind.describe()
            ),
            ParamError::NeedsValue { key, kind } => write!(
                f,
                "parameter '{key}' needs a value ({key}=<{}>)",
                kind.name()
            ),
            ParamError::Twice { key } => write!(f, "parameter '{key}' is given twice"),
            ParamError::NotPassable { key, value } => write!(
                f,
                "parameter '{key}': value {value:?} holds whitespace, which module arguments cannot carry"
            ),
            ParamError::TooLong { len_bytes } => write!(
                f,
                "the parameters take {len_bytes} bytes; a module gets at most {MAX_ARGS_BYTES}"
            ),
        }
    }
}

/// Splits `given` into words: `(key, Some(value))` for `key=value`, `(key, None)` for a bare word.
///
/// Double quotes group spaces and are removed; the key ends at the first
/// `=` outside quotes. Errors on an unclosed quote or an empty key.
pub fn split_params(given: &str) -> Result<Vec<(String, Option<String>)>, ParamError> {
    let mut words = Vec::new();
    let mut chars = given.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_ascii_whitespace()).is_some() {}
        if chars.peek().is_none() {
            return Ok(words);
        }
        let (mut word, mut split_at, mut quoted) = (String::new(), None, false);
        while let Some(c) = chars.next_if(|&c| quoted || !c.is_ascii_whitespace()) {
            match c {
                '"' => quoted = !quoted,
                '=' if !quoted && split_at.is_none() => {
                    split_at = Some(word.len());
                    word.push(c);
                }
                _ => word.push(c),
            }
        }
        if quoted {
            return Err(ParamError::Malformed {
                word,
                reason: "a '\"' is not closed",
            });
        }
        let (key, value) = match split_at {
            Some(at) => (word[..at].to_string(), Some(word[at + 1..].to_string())),
            None => (word.clone(), None),
        };
        if key.is_empty() {
            return Err(ParamError::Malformed {
                word,
                reason: "no parameter name before '='",
            });
        }
        words.push((key, value));
    }
}

/// Checks `given` (space-separated `key=value`) against `info`'s parameters; Ok is the pairs in order, unquoted.
///
/// Unknown keys, ill-typed values and repeated keys are refused; a bare
/// `key` sets a bool parameter to `1`.
pub fn check_params(info: &ModInfo, given: &str) -> Result<Vec<(String, String)>, ParamError> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (key, value) in split_params(given)? {
        let Some(spec) = info.param(&key) else {
            return Err(ParamError::Unknown {
                module: info.name.clone(),
                key,
                valid: describe_params(info),
            });
        };
        let value = match (value, spec.kind) {
            (Some(value), _) => value,
            (None, ParamKind::Bool) => "1".to_string(),
            (None, kind) => return Err(ParamError::NeedsValue { key, kind }),
        };
        if !spec.kind.accepts(&value) {
            return Err(ParamError::BadValue {
                key,
                kind: spec.kind,
                value,
            });
        }
        if pairs.iter().any(|(k, _)| *k == key) {
            return Err(ParamError::Twice { key });
        }
        pairs.push((key, value));
    }
    Ok(pairs)
}

/// The argument string a module is started with: every parameter, `given` over its default.
///
/// The same as [`effective_args_with`] without configured options.
pub fn effective_args(info: &ModInfo, given: &str) -> Result<String, ParamError> {
    effective_args_with(info, "", given)
}

/// The argument string a module is started with: `given` over `configured` (modprobe.conf options) over the defaults.
///
/// Every parameter appears once, as `key=value`, in declaration order,
/// separated by single spaces. Both layers are checked with
/// [`check_params`] (check `configured` alone first to blame the file).
/// Values holding whitespace, and strings over [`MAX_ARGS_BYTES`], are
/// refused: ulib's `args` splits at spaces and keeps only that many bytes.
pub fn effective_args_with(
    info: &ModInfo,
    configured: &str,
    given: &str,
) -> Result<String, ParamError> {
    let mut values: BTreeMap<String, String> = BTreeMap::new();
    for layer in [configured, given] {
        values.extend(check_params(info, layer)?);
    }
    let mut args = String::new();
    for spec in &info.params {
        let value = values.get(&spec.name).unwrap_or(&spec.default);
        if !is_passable(value) {
            return Err(ParamError::NotPassable {
                key: spec.name.clone(),
                value: value.clone(),
            });
        }
        if !args.is_empty() {
            args.push(' ');
        }
        args.push_str(&format!("{}={value}", spec.name));
    }
    if args.len() > MAX_ARGS_BYTES {
        return Err(ParamError::TooLong {
            len_bytes: args.len(),
        });
    }
    Ok(args)
}

/// `howmany (int), whom (string)`: a module's parameters for messages.
pub fn describe_params(info: &ModInfo) -> String {
    let described: Vec<String> = info
        .params
        .iter()
        .map(|p| format!("{} ({})", p.name, p.kind.name()))
        .collect();
    described.join(", ")
}

#[cfg(test)]
#[path = "params_tests.rs"]
mod tests;
