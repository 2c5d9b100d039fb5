//! `ModInfo`: a module's metadata, parsed from its `.modinfo` bytes or its ELF file, and the vermagic check.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::kind::{is_depends_list, is_entry_text, is_module_name, is_param_name, is_passable};
use crate::{ModError, ParamKind};

/// The prefix of every vermagic: `mica-abi-<N>`.
pub const VERMAGIC_PREFIX: &str = "mica-abi-";

/// The section the metadata lives in.
pub const SECTION_NAME: &str = ".modinfo";

/// One module parameter (`module_param` in Linux).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamSpec {
    /// Its name, the `key` of `key=value`.
    pub name: String,
    /// Its type.
    pub kind: ParamKind,
    /// The value it has when not given; always a value of `kind` without whitespace.
    pub default: String,
    /// One line for `modinfo`.
    pub description: String,
}

/// A module's metadata, as `modinfo` shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModInfo {
    /// The name it is loaded and listed by.
    pub name: String,
    /// Its own version (free text).
    pub version: String,
    /// The ABI it was built for, `mica-abi-<N>` (see [`vermagic_ok`]).
    pub vermagic: String,
    /// Its license.
    pub license: String,
    /// Who wrote it.
    pub author: String,
    /// What it does, in one line.
    pub description: String,
    /// Modules that must be loaded first (direct dependencies only).
    pub depends: Vec<String>,
    /// Its parameters, in declaration order.
    pub params: Vec<ParamSpec>,
}

/// A parameter while its entries are collected (any order in the section).
#[derive(Default)]
struct ParamParts {
    description: Option<String>,
    kind: Option<ParamKind>,
    default: Option<String>,
}

impl ModInfo {
    /// Parses a `.modinfo` section (see the crate docs for the format).
    pub fn parse(section: &[u8]) -> Result<ModInfo, ModError> {
        if let Some(&last) = section.last() {
            if last != 0 {
                let start = section.iter().rposition(|&b| b == 0).map_or(0, |i| i + 1);
                let tail = String::from_utf8_lossy(&section[start..]);
                return Err(ModError::malformed(
                    &tail,
                    "not NUL-terminated (cut short?)",
                ));
            }
        }
        let mut info = ModInfo::default();
        let mut seen: Vec<&'static str> = Vec::new();
        let mut order: Vec<String> = Vec::new();
        let mut params: BTreeMap<String, ParamParts> = BTreeMap::new();
        // Empty strings are alignment padding between contributions.
        for raw in section.split(|&b| b == 0).filter(|raw| !raw.is_empty()) {
            let entry = core::str::from_utf8(raw)
                .map_err(|_| ModError::malformed(&String::from_utf8_lossy(raw), "not UTF-8"))?;
            let (key, value) = entry
                .split_once('=')
                .ok_or_else(|| ModError::malformed(entry, "no '=' between key and value"))?;
            if key.is_empty() || !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                return Err(ModError::malformed(
                    entry,
                    "the key is not lowercase letters and '_'",
                ));
            }
            if !is_entry_text(value) {
                return Err(ModError::malformed(entry, "the value holds a line break"));
            }
            let field = match key {
                "name" => Some(("name", &mut info.name)),
                "version" => Some(("version", &mut info.version)),
                "vermagic" => Some(("vermagic", &mut info.vermagic)),
                "license" => Some(("license", &mut info.license)),
                "author" => Some(("author", &mut info.author)),
                "description" => Some(("description", &mut info.description)),
                _ => None,
            };
            if let Some((known, slot)) = field {
                if seen.contains(&known) {
                    return Err(ModError::malformed(
                        entry,
                        format!("a second {known}= entry"),
                    ));
                }
                seen.push(known);
                *slot = value.to_string();
                continue;
            }
            match key {
                "depends" => {
                    if seen.contains(&"depends") {
                        return Err(ModError::malformed(entry, "a second depends= entry"));
                    }
                    seen.push("depends");
                    info.depends = parse_depends(entry, value)?;
                }
                "parm" | "parmtype" | "parmdefault" => {
                    let (param, rest) = value.split_once(':').ok_or_else(|| {
                        ModError::malformed(entry, "no ':' after the parameter name")
                    })?;
                    if !is_param_name(param) {
                        return Err(ModError::malformed(entry, "not a parameter name"));
                    }
                    if !params.contains_key(param) {
                        order.push(param.to_string());
                    }
                    let parts = params.entry(param.to_string()).or_default();
                    let twice = match key {
                        "parm" => parts.description.replace(rest.to_string()).is_some(),
                        "parmdefault" => parts.default.replace(rest.to_string()).is_some(),
                        _ => {
                            let kind = ParamKind::from_name(rest).ok_or_else(|| {
                                ModError::UnknownType {
                                    param: param.to_string(),
                                    kind: rest.to_string(),
                                }
                            })?;
                            parts.kind.replace(kind).is_some()
                        }
                    };
                    if twice {
                        return Err(ModError::DuplicateParam(param.to_string()));
                    }
                }
                // Keys this reader does not know are skipped, so new ones can be added.
                _ => {}
            }
        }
        if !seen.contains(&"name") {
            return Err(ModError::Missing("name"));
        }
        if !is_module_name(&info.name) {
            return Err(ModError::malformed(
                &format!("name={}", info.name),
                "not a module name (1 to 32 ASCII letters, digits, '_', '-')",
            ));
        }
        if !seen.contains(&"vermagic") {
            return Err(ModError::Missing("vermagic"));
        }
        info.params = finish_params(order, params)?;
        Ok(info)
    }

    /// Reads the `.modinfo` section of an ELF file (any class and byte order) and parses it.
    pub fn from_elf(elf: &[u8]) -> Result<ModInfo, ModError> {
        use elf::endian::AnyEndian;
        use elf::ElfBytes;

        if !elf.starts_with(b"\x7fELF") {
            return Err(ModError::NotElf);
        }
        let file = ElfBytes::<AnyEndian>::minimal_parse(elf)
            .map_err(|e| ModError::BadElf(e.to_string()))?;
        let header = file
            .section_header_by_name(SECTION_NAME)
            .map_err(|e| ModError::BadElf(e.to_string()))?
            .ok_or(ModError::NoModinfo)?;
        if header.sh_type == elf::abi::SHT_NOBITS {
            return Err(ModError::BadElf(
                ".modinfo has no contents (NOBITS)".to_string(),
            ));
        }
        let (data, compression) = file
            .section_data(&header)
            .map_err(|e| ModError::BadElf(e.to_string()))?;
        if compression.is_some() {
            return Err(ModError::BadElf(".modinfo is compressed".to_string()));
        }
        ModInfo::parse(data)
    }

    /// The ABI version `vermagic` names, if it has the form `mica-abi-<N>`.
    pub fn abi_version(&self) -> Option<u32> {
        let digits = self.vermagic.strip_prefix(VERMAGIC_PREFIX)?;
        let canonical = !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'));
        if canonical {
            digits.parse().ok()
        } else {
            None
        }
    }

    /// The parameter called `name`.
    pub fn param(&self, name: &str) -> Option<&ParamSpec> {
        self.params.iter().find(|p| p.name == name)
    }

    /// The section bytes for this metadata ([`ModInfo::parse`] reads them back).
    pub fn to_section(&self) -> Vec<u8> {
        let mut out = String::new();
        let mut push = |key: &str, value: &str| {
            out.push_str(key);
            out.push('=');
            out.push_str(value);
            out.push('\0');
        };
        push("name", &self.name);
        push("version", &self.version);
        push("vermagic", &self.vermagic);
        push("license", &self.license);
        push("author", &self.author);
        push("description", &self.description);
        push("depends", &self.depends.join(","));
        for p in &self.params {
            push("parm", &format!("{}:{}", p.name, p.description));
            push("parmtype", &format!("{}:{}", p.name, p.kind.name()));
            push("parmdefault", &format!("{}:{}", p.name, p.default));
        }
        out.into_bytes()
    }
}

/// The `mica-abi-<N>` tag a program built for ABI `abi_version` carries.
pub fn vermagic(abi_version: u32) -> String {
    format!("{VERMAGIC_PREFIX}{abi_version}")
}

/// Whether a module built as `info` may run on a kernel of ABI `abi_version`.
///
/// The error is a sentence for the user: "built for mica-abi-0, this kernel
/// is mica-abi-1".
pub fn vermagic_ok(info: &ModInfo, abi_version: u32) -> Result<(), String> {
    match info.abi_version() {
        Some(built) if built == abi_version => Ok(()),
        Some(_) => Err(format!(
            "built for {}, this kernel is {}",
            info.vermagic,
            vermagic(abi_version)
        )),
        None => Err(format!(
            "built for {:?}, which is not a mica ABI tag; this kernel is {}",
            info.vermagic,
            vermagic(abi_version)
        )),
    }
}

/// Splits a `depends=` value into names, refusing bad names and repeats.
fn parse_depends(entry: &str, value: &str) -> Result<Vec<String>, ModError> {
    if !is_depends_list(value) {
        return Err(ModError::malformed(
            entry,
            "not a comma-separated list of module names",
        ));
    }
    let mut names: Vec<String> = Vec::new();
    for name in value.split(',').filter(|n| !n.is_empty()) {
        if names.iter().any(|n| n == name) {
            return Err(ModError::malformed(entry, format!("lists '{name}' twice")));
        }
        names.push(name.to_string());
    }
    Ok(names)
}

/// Turns collected parameter entries into specs, in first-mention order.
fn finish_params(
    order: Vec<String>,
    mut parts: BTreeMap<String, ParamParts>,
) -> Result<Vec<ParamSpec>, ModError> {
    let mut specs = Vec::with_capacity(order.len());
    for name in order {
        let Some(p) = parts.remove(&name) else {
            continue;
        };
        let entry = format!("parm={name}:...");
        let kind = p.kind.ok_or_else(|| {
            ModError::malformed(&entry, format!("parameter '{name}' has no parmtype"))
        })?;
        let default = p.default.ok_or_else(|| {
            ModError::malformed(&entry, format!("parameter '{name}' has no parmdefault"))
        })?;
        if !kind.accepts(&default) || !is_passable(&default) {
            return Err(ModError::BadDefault {
                param: name,
                kind,
                value: default,
            });
        }
        specs.push(ParamSpec {
            name,
            kind,
            default,
            description: p.description.unwrap_or_default(),
        });
    }
    Ok(specs)
}

/// `modinfo`'s layout: one `key: value` line per field and parameter.
impl fmt::Display for ModInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields = [
            ("name", self.name.as_str()),
            ("version", &self.version),
            ("description", &self.description),
            ("author", &self.author),
            ("license", &self.license),
            ("vermagic", &self.vermagic),
        ];
        for (key, value) in fields {
            writeln!(f, "{:<16}{value}", format!("{key}:"))?;
        }
        writeln!(f, "{:<16}{}", "depends:", self.depends.join(","))?;
        for p in &self.params {
            writeln!(
                f,
                "{:<16}{}:{} ({}, default {:?})",
                "parm:",
                p.name,
                p.description,
                p.kind.name(),
                p.default
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "info_tests.rs"]
mod tests;
