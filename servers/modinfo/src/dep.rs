//! `modules.dep`: which modules each module needs, the order to load them in, and what `modprobe -r` may remove.
//!
//! One line per module, `NAME: DEP1 DEP2` (direct dependencies only, in the
//! order the module declares them; nothing after the colon for none). `#`
//! starts a comment line; blank lines are skipped. `mkimage depmod` writes it
//! from the modules' `.modinfo` sections, sorted by name.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::kind::is_module_name;
use crate::ModInfo;

/// A dependency table that is malformed or cannot be satisfied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DepError {
    /// A `modules.dep` line that does not parse (lines count from 1).
    Syntax {
        /// The line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A module listed twice.
    Duplicate {
        /// The module.
        name: String,
    },
    /// A module that is not in the table; `chain` is who needs it, outermost first (empty if asked for directly).
    Unknown {
        /// The missing module.
        name: String,
        /// The modules that lead to it.
        chain: Vec<String>,
    },
    /// Modules that need each other: `chain` starts and ends with the same name.
    Cycle {
        /// The loop, e.g. `a b c a`.
        chain: Vec<String>,
    },
}

impl fmt::Display for DepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DepError::Syntax { line, reason } => write!(f, "modules.dep line {line}: {reason}"),
            DepError::Duplicate { name } => write!(f, "module '{name}' is listed twice"),
            DepError::Unknown { name, chain } if chain.is_empty() => {
                write!(f, "unknown module '{name}'")
            }
            DepError::Unknown { name, chain } => write!(
                f,
                "unknown module '{name}' (needed by {})",
                chain.join(" -> ")
            ),
            DepError::Cycle { chain } => {
                write!(f, "dependency cycle: {}", chain.join(" -> "))
            }
        }
    }
}

/// Every module's direct dependencies.
///
/// Invariant: every key is a module name and no list names a module twice.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DepIndex {
    deps: BTreeMap<String, Vec<String>>,
}

impl DepIndex {
    /// Parses `modules.dep` text. Only the syntax is checked; see [`DepIndex::check`].
    pub fn parse(text: &str) -> Result<DepIndex, DepError> {
        let mut index = DepIndex::default();
        for (number, line) in text.lines().enumerate() {
            let line_no = number + 1;
            let syntax = |reason: String| DepError::Syntax {
                line: line_no,
                reason,
            };
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (name, rest) = line
                .split_once(':')
                .ok_or_else(|| syntax("no ':' after the module name".to_string()))?;
            let name = name.trim_end();
            if !is_module_name(name) {
                return Err(syntax(format!("{name:?} is not a module name")));
            }
            let mut deps: Vec<String> = Vec::new();
            for dep in rest.split_ascii_whitespace() {
                if !is_module_name(dep) {
                    return Err(syntax(format!("{dep:?} is not a module name")));
                }
                if deps.iter().any(|d| d == dep) {
                    return Err(syntax(format!("{name} lists {dep} twice")));
                }
                deps.push(dep.to_string());
            }
            index.insert(name, deps)?;
        }
        Ok(index)
    }

    /// The table of `infos`, checked: names unique, every dependency among them, no cycles.
    pub fn from_infos(infos: &[ModInfo]) -> Result<DepIndex, DepError> {
        let mut index = DepIndex::default();
        for info in infos {
            index.insert(&info.name, info.depends.clone())?;
        }
        index.check()?;
        Ok(index)
    }

    /// Adds a module; Err if it is already there.
    fn insert(&mut self, name: &str, deps: Vec<String>) -> Result<(), DepError> {
        debug_assert!(is_module_name(name));
        if self.deps.insert(name.to_string(), deps).is_some() {
            return Err(DepError::Duplicate {
                name: name.to_string(),
            });
        }
        Ok(())
    }

    /// Checks that every dependency is in the table and that nothing depends on itself, however indirectly.
    pub fn check(&self) -> Result<(), DepError> {
        for name in self.deps.keys() {
            self.load_order(name)?;
        }
        Ok(())
    }

    /// The text of `modules.dep`, one line per module, sorted by name.
    pub fn to_text(&self) -> String {
        let mut text = String::from(
            "# modules.dep: NAME: the modules NAME needs (written by mkimage depmod)\n",
        );
        for (name, deps) in &self.deps {
            text.push_str(name);
            text.push(':');
            for dep in deps {
                text.push(' ');
                text.push_str(dep);
            }
            text.push('\n');
        }
        text
    }

    /// Whether `name` is in the table.
    pub fn contains(&self, name: &str) -> bool {
        self.deps.contains_key(name)
    }

    /// The direct dependencies of `name`, if it is in the table.
    pub fn depends(&self, name: &str) -> Option<&[String]> {
        self.deps.get(name).map(Vec::as_slice)
    }

    /// Every module in the table, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.deps.keys().map(String::as_str)
    }

    /// What `modprobe name` loads, in order: every dependency (each once) before the modules that need it, `name` last.
    pub fn load_order(&self, name: &str) -> Result<Vec<String>, DepError> {
        let Some(first) = self.deps.get_key_value(name) else {
            return Err(DepError::Unknown {
                name: name.to_string(),
                chain: Vec::new(),
            });
        };
        let mut order = Vec::new();
        let mut done: BTreeSet<&str> = BTreeSet::new();
        // The path from `name` down: each module with the index of its next dependency.
        // Explicit, not recursive, so a long chain cannot overflow the stack.
        let mut path: Vec<(&str, usize)> = alloc::vec![(first.0.as_str(), 0)];
        let mut on_path: BTreeSet<&str> = BTreeSet::from([first.0.as_str()]);
        while let Some(&mut (module, ref mut next)) = path.last_mut() {
            let deps = self.deps.get(module).map_or(&[][..], Vec::as_slice);
            let Some(dep) = deps.get(*next) else {
                done.insert(module);
                on_path.remove(module);
                order.push(module.to_string());
                path.pop();
                continue;
            };
            *next += 1;
            if done.contains(dep.as_str()) {
                continue;
            }
            if on_path.contains(dep.as_str()) {
                let at = path.iter().position(|(m, _)| *m == dep).unwrap_or(0);
                let mut chain: Vec<String> =
                    path[at..].iter().map(|(m, _)| m.to_string()).collect();
                chain.push(dep.clone());
                return Err(DepError::Cycle { chain });
            }
            let Some((key, _)) = self.deps.get_key_value(dep.as_str()) else {
                return Err(DepError::Unknown {
                    name: dep.clone(),
                    chain: path.iter().map(|(m, _)| m.to_string()).collect(),
                });
            };
            on_path.insert(key.as_str());
            path.push((key.as_str(), 0));
        }
        Ok(order)
    }

    /// The loaded modules that list `name` as a direct dependency, in `loaded` order.
    pub fn needed_by(&self, name: &str, loaded: &[&str]) -> Vec<String> {
        loaded
            .iter()
            .filter(|m| **m != name)
            .filter(|m| self.depends(m).is_some_and(|d| d.iter().any(|d| d == name)))
            .map(|m| m.to_string())
            .collect()
    }

    /// What `modprobe -r name` removes, in a safe order: `name`, then its dependencies that no other loaded module needs, recursively.
    ///
    /// A module comes before every module it depends on. Whether `name`
    /// itself is still needed is the caller's check ([`DepIndex::needed_by`]).
    /// Loaded modules missing from the table count as needing nothing.
    pub fn removal_candidates(&self, name: &str, loaded: &[&str]) -> Vec<String> {
        let loaded: BTreeSet<&str> = loaded.iter().copied().collect();
        // In the order found: `name`, then dependencies breadth first.
        let mut removing: Vec<&str> = alloc::vec![name];
        let mut grew = true;
        while grew {
            grew = false;
            let mut i = 0;
            while i < removing.len() {
                for dep in self.depends(removing[i]).unwrap_or(&[]) {
                    let dep = dep.as_str();
                    let still_needed = loaded.iter().any(|m| {
                        !removing.contains(m)
                            && self.depends(m).is_some_and(|d| d.iter().any(|d| d == dep))
                    });
                    if loaded.contains(dep) && !removing.contains(&dep) && !still_needed {
                        removing.push(dep);
                        grew = true;
                    }
                }
                i += 1;
            }
        }
        self.dependents_first(&removing)
    }

    /// `set` reordered so each module comes before the modules it depends on; a cycle keeps found order.
    fn dependents_first(&self, set: &[&str]) -> Vec<String> {
        let mut left: Vec<&str> = set.to_vec();
        let mut order = Vec::with_capacity(left.len());
        while !left.is_empty() {
            let needed = |m: &str, left: &[&str]| {
                left.iter()
                    .any(|o| *o != m && self.depends(o).is_some_and(|d| d.iter().any(|d| d == m)))
            };
            let at = left.iter().position(|m| !needed(m, &left)).unwrap_or(0);
            order.push(left.remove(at).to_string());
        }
        order
    }
}

#[cfg(test)]
#[path = "dep_tests.rs"]
mod tests;
