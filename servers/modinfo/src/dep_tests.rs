//! Tests of `modules.dep`: parsing, writing, load order and removal order.

use super::*;

/// fs needs devreg and blk; blk needs devreg; uart needs devreg; shell needs fs and uart.
const TABLE: &str = "\
# a comment
devreg:
blk: devreg

fs: devreg blk
uart: devreg
shell:   fs uart
";

fn index() -> DepIndex {
    DepIndex::parse(TABLE).expect("valid")
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

fn info(name: &str, depends: &[&str]) -> ModInfo {
    ModInfo {
        name: name.into(),
        vermagic: "mica-abi-1".into(),
        depends: strings(depends),
        ..ModInfo::default()
    }
}

#[test]
fn parses_and_writes_the_table() {
    let index = index();
    assert_eq!(
        index.names().collect::<Vec<_>>(),
        ["blk", "devreg", "fs", "shell", "uart"]
    );
    assert_eq!(index.depends("shell"), Some(&strings(&["fs", "uart"])[..]));
    assert_eq!(index.depends("devreg"), Some(&[][..]));
    assert_eq!(index.depends("nope"), None);
    assert!(index.contains("blk") && !index.contains("nope"));
    let text = index.to_text();
    assert!(text.starts_with('#'));
    assert!(text.contains("\ndevreg:\nfs: devreg blk\n"), "{text}");
    assert_eq!(DepIndex::parse(&text), Ok(index.clone()));
    assert_eq!(index.check(), Ok(()));
}

#[test]
fn refuses_bad_lines_naming_them() {
    let cases = [
        ("a: b\nnocolon\n", 2, "no ':'"),
        ("a b: c\n", 1, "not a module name"),
        ("a: b/c\n", 1, "not a module name"),
        ("a: b b\n", 1, "lists b twice"),
        (": b\n", 1, "not a module name"),
    ];
    for (text, line, reason) in cases {
        match DepIndex::parse(text) {
            Err(DepError::Syntax { line: l, reason: r }) => {
                assert_eq!(l, line, "{text:?}");
                assert!(r.contains(reason), "{text:?}: {r}");
            }
            other => panic!("{text:?}: {other:?}"),
        }
    }
    assert_eq!(
        DepIndex::parse("a:\nb:\na: b\n"),
        Err(DepError::Duplicate { name: "a".into() })
    );
    assert_eq!(
        DepError::Syntax {
            line: 3,
            reason: "x".into()
        }
        .to_string(),
        "modules.dep line 3: x"
    );
}

#[test]
fn load_order_puts_dependencies_first_once() {
    let index = index();
    assert_eq!(
        index.load_order("shell"),
        Ok(strings(&["devreg", "blk", "fs", "uart", "shell"]))
    );
    assert_eq!(index.load_order("devreg"), Ok(strings(&["devreg"])));
    assert_eq!(
        index.load_order("nope").map_err(|e| e.to_string()),
        Err("unknown module 'nope'".to_string())
    );
}

#[test]
fn load_order_names_cycles_and_missing_modules() {
    let cyclic = DepIndex::parse("a: b\nb: c\nc: a\nd: a\n").expect("syntax is fine");
    let e = cyclic.load_order("d").expect_err("cycle");
    assert_eq!(e.to_string(), "dependency cycle: a -> b -> c -> a");
    assert_eq!(
        DepIndex::parse("a: a\n").expect("syntax").load_order("a"),
        Err(DepError::Cycle {
            chain: strings(&["a", "a"])
        })
    );
    assert!(cyclic.check().is_err());
    let missing = DepIndex::parse("a: b\nb: c\n").expect("syntax");
    assert_eq!(
        missing.load_order("a").map_err(|e| e.to_string()),
        Err("unknown module 'c' (needed by a -> b)".to_string())
    );
}

#[test]
fn a_long_chain_does_not_overflow() {
    let mut text = String::new();
    for i in 0..50_000 {
        text.push_str(&format!("m{i}: m{}\n", i + 1));
    }
    text.push_str("m50000:\n");
    let index = DepIndex::parse(&text).expect("valid");
    let order = index.load_order("m0").expect("no cycle");
    assert_eq!(order.len(), 50_001);
    assert_eq!(order.first().map(String::as_str), Some("m50000"));
}

#[test]
fn from_infos_checks_the_set() {
    let infos = [info("fs", &["devreg"]), info("devreg", &[])];
    let index = DepIndex::from_infos(&infos).expect("valid");
    assert_eq!(
        index.to_text().lines().skip(1).collect::<Vec<_>>(),
        ["devreg:", "fs: devreg"]
    );
    let missing = DepIndex::from_infos(&[info("hello", &["foo"])]).expect_err("missing");
    assert_eq!(
        missing.to_string(),
        "unknown module 'foo' (needed by hello)"
    );
    let twice = DepIndex::from_infos(&[info("a", &[]), info("a", &[])]);
    assert_eq!(twice, Err(DepError::Duplicate { name: "a".into() }));
    let cycle = DepIndex::from_infos(&[info("a", &["b"]), info("b", &["a"])]);
    assert!(matches!(cycle, Err(DepError::Cycle { .. })));
}

#[test]
fn removal_takes_only_unneeded_dependencies() {
    let index = index();
    let all = ["devreg", "blk", "fs", "uart", "shell"];
    // Everything below shell goes, dependents before their dependencies.
    assert_eq!(
        index.removal_candidates("shell", &all),
        strings(&["shell", "fs", "uart", "blk", "devreg"])
    );
    // uart still needs devreg, so only blk goes with fs.
    let without_shell = ["devreg", "blk", "fs", "uart"];
    assert_eq!(
        index.removal_candidates("fs", &without_shell),
        strings(&["fs", "blk"])
    );
    // A dependency that is not loaded is not removed.
    assert_eq!(
        index.removal_candidates("fs", &["fs", "devreg"]),
        strings(&["fs", "devreg"])
    );
    assert_eq!(
        index.removal_candidates("devreg", &["devreg"]),
        strings(&["devreg"])
    );
    assert_eq!(index.removal_candidates("nope", &all), strings(&["nope"]));
}

#[test]
fn removal_order_is_safe() {
    let index = index();
    let all = ["devreg", "blk", "fs", "uart", "shell"];
    let order = index.removal_candidates("shell", &all);
    for (i, module) in order.iter().enumerate() {
        for dep in index.depends(module).unwrap_or(&[]) {
            let at = order.iter().position(|m| m == dep).expect("removed too");
            assert!(at > i, "{dep} removed before {module}, which needs it");
        }
    }
}

#[test]
fn needed_by_lists_loaded_users() {
    let index = index();
    let loaded = ["devreg", "blk", "fs", "uart", "shell"];
    assert_eq!(
        index.needed_by("devreg", &loaded),
        strings(&["blk", "fs", "uart"])
    );
    assert_eq!(index.needed_by("shell", &loaded), Vec::<String>::new());
    assert_eq!(index.needed_by("fs", &["fs"]), Vec::<String>::new());
}

#[test]
fn removal_survives_a_cycle() {
    let cyclic = DepIndex::parse("a: b\nb: a\nc: a\n").expect("syntax");
    // a and b need each other, so neither is free once c goes.
    assert_eq!(
        cyclic.removal_candidates("c", &["a", "b", "c"]),
        strings(&["c"])
    );
    // Removing a frees b; the cycle leaves found order.
    assert_eq!(
        cyclic.removal_candidates("a", &["a", "b"]),
        strings(&["a", "b"])
    );
}

#[test]
fn fuzzed_tables_never_panic() {
    let mut rng = crate::test_rng::Rng(0x0F0F_1234_AAAA_5555);
    let alphabet: Vec<char> = "abc: \n#-_é".chars().collect();
    let mut parsed = 0;
    for _ in 0..10_000 {
        let text = rng.text(&alphabet, 60);
        let Ok(index) = DepIndex::parse(&text) else {
            continue;
        };
        parsed += 1;
        assert_eq!(DepIndex::parse(&index.to_text()).as_ref(), Ok(&index));
        let names: Vec<&str> = index.names().collect();
        for name in &names {
            if let Ok(order) = index.load_order(name) {
                assert_eq!(order.last(), Some(&name.to_string()));
            }
            let removal = index.removal_candidates(name, &names);
            assert_eq!(removal.first(), Some(&name.to_string()));
        }
    }
    assert!(parsed > 100, "only {parsed} parsed");
}
