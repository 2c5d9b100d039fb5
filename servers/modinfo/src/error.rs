//! Why a file's module metadata could not be read.

use alloc::string::String;
use core::fmt;

use crate::ParamKind;

/// Longest stretch of a bad entry quoted in a message.
const QUOTE_CHARS: usize = 60;

/// A `.modinfo` section (or the ELF around it) that cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModError {
    /// The file is not an ELF file at all.
    NotElf,
    /// An ELF file whose headers or section table are broken.
    BadElf(String),
    /// An ELF file without a `.modinfo` section: a plain program, not a module.
    NoModinfo,
    /// An entry that breaks the format (no `=`, not UTF-8, bad name, ...).
    Malformed {
        /// The entry, as far as it could be read.
        entry: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A required key (`name`, `vermagic`) is absent.
    Missing(&'static str),
    /// A parameter has two `parm`, `parmtype` or `parmdefault` entries.
    DuplicateParam(String),
    /// A `parmtype` names no known type.
    UnknownType {
        /// The parameter.
        param: String,
        /// The type it names.
        kind: String,
    },
    /// A parameter's default is not a value of its type, or cannot be passed.
    BadDefault {
        /// The parameter.
        param: String,
        /// Its type.
        kind: ParamKind,
        /// The default given.
        value: String,
    },
}

impl ModError {
    /// A malformed-entry error quoting (the start of) `entry`.
    pub(crate) fn malformed(entry: &str, reason: impl Into<String>) -> Self {
        ModError::Malformed {
            entry: entry.chars().take(QUOTE_CHARS).collect(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ModError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModError::NotElf => write!(f, "not a mica module: not an ELF file"),
            ModError::BadElf(reason) => write!(f, "broken ELF file: {reason}"),
            ModError::NoModinfo => write!(f, "not a mica module: no .modinfo section"),
            ModError::Malformed { entry, reason } => {
                write!(f, "malformed .modinfo entry {entry:?}: {reason}")
            }
            ModError::Missing(key) => write!(f, ".modinfo has no {key}= entry"),
            ModError::DuplicateParam(param) => {
                write!(f, ".modinfo declares parameter '{param}' twice")
            }
            ModError::UnknownType { param, kind } => write!(
                f,
                "parameter '{param}' has unknown type '{kind}' (known: int, bool, string, list)"
            ),
            ModError::BadDefault { param, kind, value } => {
                if kind.accepts(value) {
                    write!(
                        f,
                        "parameter '{param}': default {value:?} holds whitespace, which arguments cannot carry"
                    )
                } else {
                    write!(
                        f,
                        "parameter '{param}': default {value:?} is not {}",
                        kind.describe()
                    )
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn messages_say_what_and_where() {
        assert_eq!(
            ModError::NoModinfo.to_string(),
            "not a mica module: no .modinfo section"
        );
        assert_eq!(
            ModError::malformed("x".repeat(100).as_str(), "no '='").to_string(),
            format!("malformed .modinfo entry \"{}\": no '='", "x".repeat(60))
        );
        assert_eq!(
            ModError::UnknownType {
                param: "n".into(),
                kind: "integer".into()
            }
            .to_string(),
            "parameter 'n' has unknown type 'integer' (known: int, bool, string, list)"
        );
        let bad = |value: &str| ModError::BadDefault {
            param: "n".into(),
            kind: ParamKind::String,
            value: value.into(),
        };
        assert!(bad("a b").to_string().contains("holds whitespace"));
        let not_int = ModError::BadDefault {
            param: "n".into(),
            kind: ParamKind::Int,
            value: "one".into(),
        };
        assert_eq!(
            not_int.to_string(),
            "parameter 'n': default \"one\" is not an int (decimal or 0x hex, optional minus)"
        );
        assert_eq!(
            ModError::Missing("vermagic").to_string(),
            ".modinfo has no vermagic= entry"
        );
    }
}
