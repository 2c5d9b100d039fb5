//! `mkimage depmod`: reads each program's `.modinfo` and writes `modules.dep`, refusing dependencies on modules not given.

use std::collections::BTreeMap;

use modinfo::{DepIndex, ModError, ModInfo};

/// What `depmod` made of its inputs.
#[derive(Debug, PartialEq, Eq)]
pub struct Depmod {
    /// The text of `modules.dep`.
    pub text: String,
    /// The modules found, in input order.
    pub modules: Vec<String>,
    /// One line per input worth mentioning (a program without `.modinfo`, a name that differs from the file's).
    pub notes: Vec<String>,
}

/// Builds `modules.dep` from `(path, file bytes)` pairs; Err names the file or the two modules at fault.
pub fn depmod(inputs: &[(String, Vec<u8>)]) -> Result<Depmod, String> {
    let mut infos: Vec<(&str, ModInfo)> = Vec::new();
    let mut paths: BTreeMap<String, &str> = BTreeMap::new();
    let mut notes = Vec::new();
    for (path, bytes) in inputs {
        let info = match ModInfo::from_elf(bytes) {
            Ok(info) => info,
            Err(ModError::NoModinfo) => {
                notes.push(format!(
                    "{path}: no .modinfo section, skipped (not a module)"
                ));
                continue;
            }
            Err(e) => return Err(format!("{path}: {e}")),
        };
        if let Some(first) = paths.insert(info.name.clone(), path) {
            return Err(format!("module '{}' is both {first} and {path}", info.name));
        }
        let file_name = std::path::Path::new(path)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(path);
        if file_name != info.name {
            notes.push(format!(
                "{path}: the module is called '{}'; modprobe looks it up under that name",
                info.name
            ));
        }
        infos.push((path, info));
    }
    // Checked here first so the message names both modules and the file.
    for (path, info) in &infos {
        if let Some(missing) = info.depends.iter().find(|d| !paths.contains_key(*d)) {
            return Err(format!(
                "{path}: module '{}' depends on '{missing}', which is not among the modules given",
                info.name
            ));
        }
    }
    let infos: Vec<ModInfo> = infos.into_iter().map(|(_, info)| info).collect();
    let index = DepIndex::from_infos(&infos).map_err(|e| e.to_string())?;
    Ok(Depmod {
        text: index.to_text(),
        modules: infos.into_iter().map(|i| i.name).collect(),
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use modinfo::test_elf::elf_with_sections;

    fn module(name: &str, depends: &str) -> Vec<u8> {
        let section = format!("name={name}\0vermagic=mica-abi-1\0depends={depends}\0");
        elf_with_sections(&[(".text", &[0; 8]), (".modinfo", section.as_bytes())])
    }

    fn input(path: &str, bytes: Vec<u8>) -> (String, Vec<u8>) {
        (path.to_string(), bytes)
    }

    #[test]
    fn writes_the_table_and_notes_plain_programs() {
        let plain = elf_with_sections(&[(".text", &[0; 8])]);
        let result = depmod(&[
            input("user/fs", module("fs", "devreg")),
            input("user/init", plain),
            input("user/devreg", module("devreg", "")),
            input("user/sh", module("shell", "fs,devreg")),
        ])
        .expect("valid set");
        assert_eq!(result.modules, ["fs", "devreg", "shell"]);
        let lines: Vec<&str> = result
            .text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect();
        assert_eq!(lines, ["devreg:", "fs: devreg", "shell: fs devreg"]);
        assert_eq!(
            result.notes,
            [
                "user/init: no .modinfo section, skipped (not a module)",
                "user/sh: the module is called 'shell'; modprobe looks it up under that name",
            ]
        );
        assert_eq!(
            DepIndex::parse(&result.text).map(|i| i.names().count()),
            Ok(3)
        );
    }

    #[test]
    fn refuses_a_dependency_on_a_module_not_given() {
        let err = depmod(&[
            input("user/hello", module("hello", "devreg,foo")),
            input("user/devreg", module("devreg", "")),
        ])
        .expect_err("foo is missing");
        assert_eq!(
            err,
            "user/hello: module 'hello' depends on 'foo', which is not among the modules given"
        );
    }

    #[test]
    fn refuses_broken_files_duplicates_and_cycles() {
        let err = depmod(&[input("notes.txt", b"hello".to_vec())]).expect_err("not ELF");
        assert_eq!(err, "notes.txt: not a mica module: not an ELF file");
        let bad = elf_with_sections(&[(".modinfo", b"name=x\0")]);
        let err = depmod(&[input("x", bad)]).expect_err("no vermagic");
        assert_eq!(err, "x: .modinfo has no vermagic= entry");
        let err =
            depmod(&[input("a", module("m", "")), input("b", module("m", ""))]).expect_err("twice");
        assert_eq!(err, "module 'm' is both a and b");
        let err = depmod(&[input("a", module("a", "b")), input("b", module("b", "a"))])
            .expect_err("cycle");
        assert_eq!(err, "dependency cycle: a -> b -> a");
    }

    #[test]
    fn no_modules_is_an_empty_table() {
        let result = depmod(&[]).expect("nothing to do");
        assert!(result.modules.is_empty());
        assert_eq!(
            result.text.lines().filter(|l| !l.starts_with('#')).count(),
            0
        );
    }
}
