//! Tests of `ModInfo`: parsing, ELF lookup, the vermagic check, and fuzzing with garbage.

use super::*;
use crate::test_elf::elf_with_sections;
use crate::test_rng::Rng;
use alloc::vec;

const HELLO: &[u8] = b"name=hello\0version=0.1.0\0vermagic=mica-abi-1\0license=MIT OR Apache-2.0\0\
author=mica developers\0description=greets on load and unload\0depends=\0\
parm=howmany:how many greetings\0parmtype=howmany:int\0parmdefault=howmany:1\0\
parm=whom:who is greeted\0parmtype=whom:string\0parmdefault=whom:world\0";

fn hello() -> ModInfo {
    ModInfo::parse(HELLO).expect("the example parses")
}

#[test]
fn parses_every_field() {
    let info = hello();
    assert_eq!(info.name, "hello");
    assert_eq!(info.version, "0.1.0");
    assert_eq!(info.vermagic, "mica-abi-1");
    assert_eq!(info.license, "MIT OR Apache-2.0");
    assert_eq!(info.author, "mica developers");
    assert_eq!(info.description, "greets on load and unload");
    assert!(info.depends.is_empty());
    assert_eq!(
        info.params,
        vec![
            ParamSpec {
                name: "howmany".into(),
                kind: ParamKind::Int,
                default: "1".into(),
                description: "how many greetings".into(),
            },
            ParamSpec {
                name: "whom".into(),
                kind: ParamKind::String,
                default: "world".into(),
                description: "who is greeted".into(),
            },
        ]
    );
    assert_eq!(info.abi_version(), Some(1));
    assert_eq!(info.param("whom").map(|p| p.kind), Some(ParamKind::String));
    assert_eq!(info.param("nope"), None);
}

#[test]
fn order_padding_unknown_keys_and_depends() {
    let section = b"\0\0parmdefault=v:on\0srcversion=ABC\0name=uart\0\0\0\0\
vermagic=mica-abi-7\0parmtype=v:bool\0depends=devreg,gpio\0";
    let info = ModInfo::parse(section).expect("valid");
    assert_eq!(info.name, "uart");
    assert_eq!(info.depends, ["devreg", "gpio"]);
    assert_eq!(info.params.len(), 1);
    assert_eq!(info.params[0].description, "", "parm= is optional");
    assert_eq!(info.params[0].default, "on");
    assert_eq!(info.version, "");
}

#[test]
fn round_trips_through_to_section() {
    let mut info = hello();
    info.depends = vec!["devreg".into(), "uart".into()];
    info.params.push(ParamSpec {
        name: "ports".into(),
        kind: ParamKind::List,
        default: "a,b".into(),
        description: "ports: with a colon".into(),
    });
    assert_eq!(ModInfo::parse(&info.to_section()), Ok(info));
}

fn err(section: &[u8]) -> ModError {
    ModInfo::parse(section).expect_err("should be refused")
}

#[test]
fn refuses_malformed_entries() {
    let cases: [(&[u8], &str); 12] = [
        (b"name=a\0vermagic=mica-abi-1", "not NUL-terminated"),
        (b"name=a\0vermagic=mica-abi-1\0junk\0", "no '='"),
        (b"name=a\0vermagic=x\0\xff=1\0", "not UTF-8"),
        (b"name=a\0vermagic=x\0=v\0", "the key is not"),
        (b"name=a\0vermagic=x\0Name=v\0", "the key is not"),
        (b"name=a\0vermagic=x\0description=a\nb\0", "line break"),
        (b"name=a\0name=b\0vermagic=x\0", "a second name= entry"),
        (b"name=a b\0vermagic=x\0", "not a module name"),
        (
            b"name=a\0vermagic=x\0depends=b,,c\0",
            "not a comma-separated",
        ),
        (b"name=a\0vermagic=x\0depends=b,b\0", "lists 'b' twice"),
        (b"name=a\0vermagic=x\0parm=nocolon\0", "no ':'"),
        (
            b"name=a\0vermagic=x\0parmtype=9x:int\0",
            "not a parameter name",
        ),
    ];
    for (section, reason) in cases {
        let e = err(section);
        assert!(
            matches!(&e, ModError::Malformed { reason: r, .. } if r.contains(reason)),
            "{:?}: {e:?} should say {reason:?}",
            String::from_utf8_lossy(section)
        );
    }
}

#[test]
fn refuses_missing_and_inconsistent_parameters() {
    assert_eq!(err(b"vermagic=mica-abi-1\0"), ModError::Missing("name"));
    assert_eq!(err(b"name=a\0"), ModError::Missing("vermagic"));
    assert_eq!(err(b""), ModError::Missing("name"));
    assert_eq!(
        err(b"name=a\0vermagic=x\0parmtype=n:int\0parmtype=n:int\0parmdefault=n:1\0"),
        ModError::DuplicateParam("n".into())
    );
    assert_eq!(
        err(b"name=a\0vermagic=x\0parm=n:a\0parm=n:b\0"),
        ModError::DuplicateParam("n".into())
    );
    assert_eq!(
        err(b"name=a\0vermagic=x\0parmtype=n:integer\0"),
        ModError::UnknownType {
            param: "n".into(),
            kind: "integer".into()
        }
    );
    let no_type = err(b"name=a\0vermagic=x\0parm=n:desc\0parmdefault=n:1\0");
    assert!(
        no_type
            .to_string()
            .contains("parameter 'n' has no parmtype"),
        "{no_type}"
    );
    let no_default = err(b"name=a\0vermagic=x\0parmtype=n:int\0");
    assert!(
        no_default.to_string().contains("has no parmdefault"),
        "{no_default}"
    );
    assert_eq!(
        err(b"name=a\0vermagic=x\0parmtype=n:int\0parmdefault=n:ten\0"),
        ModError::BadDefault {
            param: "n".into(),
            kind: ParamKind::Int,
            value: "ten".into()
        }
    );
    assert!(matches!(
        err(b"name=a\0vermagic=x\0parmtype=s:string\0parmdefault=s:a b\0"),
        ModError::BadDefault { .. }
    ));
}

#[test]
fn vermagic_is_checked_against_the_kernel() {
    let mut info = hello();
    assert_eq!(vermagic_ok(&info, 1), Ok(()));
    assert_eq!(
        vermagic_ok(&info, 2),
        Err("built for mica-abi-1, this kernel is mica-abi-2".to_string())
    );
    info.vermagic = "mica-abi-0".into();
    assert_eq!(
        vermagic_ok(&info, 1),
        Err("built for mica-abi-0, this kernel is mica-abi-1".to_string())
    );
    for odd in [
        "5.15.0 SMP mod_unload",
        "mica-abi-",
        "mica-abi-01",
        "mica-abi-+1",
        "mica-abi-99999999999",
    ] {
        info.vermagic = odd.into();
        assert_eq!(info.abi_version(), None, "{odd}");
        let message = vermagic_ok(&info, 1).expect_err(odd);
        assert!(
            message.contains("not a mica ABI tag; this kernel is mica-abi-1"),
            "{message}"
        );
    }
    assert_eq!(vermagic(12), "mica-abi-12");
}

#[test]
fn finds_the_section_in_an_elf_file() {
    let elf = elf_with_sections(&[(".text", &[0xd4, 0x20, 0, 0]), (".modinfo", HELLO)]);
    assert_eq!(ModInfo::from_elf(&elf), Ok(hello()));
    let plain = elf_with_sections(&[(".text", &[1, 2, 3, 4]), (".rodata", b"x")]);
    assert_eq!(ModInfo::from_elf(&plain), Err(ModError::NoModinfo));
    assert_eq!(
        ModError::NoModinfo.to_string(),
        "not a mica module: no .modinfo section"
    );
    assert_eq!(ModInfo::from_elf(b"#!/bin/sh\n"), Err(ModError::NotElf));
    assert_eq!(ModInfo::from_elf(b""), Err(ModError::NotElf));
    let cut = &elf[..40];
    assert!(matches!(ModInfo::from_elf(cut), Err(ModError::BadElf(_))));
    let bad_section = elf_with_sections(&[(".modinfo", b"name=x\0")]);
    assert_eq!(
        ModInfo::from_elf(&bad_section),
        Err(ModError::Missing("vermagic"))
    );
}

#[test]
fn displays_like_modinfo() {
    let text = hello().to_string();
    assert!(text.starts_with("name:           hello\n"), "{text}");
    assert!(text.contains("\nvermagic:       mica-abi-1\n"), "{text}");
    assert!(text.contains("\ndepends:        \n"), "{text}");
    assert!(
        text.ends_with("parm:           whom:who is greeted (string, default \"world\")\n"),
        "{text}"
    );
}

/// Changes a few bytes: flips, insertions of format-significant bytes, deletions, cuts.
fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    const SPECIAL: &[u8] = b"\0=:,\n\xff\x7f-0x ";
    let mut out = input.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(5) {
            0 if at < out.len() => out[at] ^= 1 << rng.below(8),
            1 => out.insert(at, SPECIAL[rng.below(SPECIAL.len())]),
            2 if at < out.len() => {
                out.remove(at);
            }
            3 => out.truncate(at),
            _ if at < out.len() => out[at] = rng.next() as u8,
            _ => out.push(rng.next() as u8),
        }
    }
    out
}

#[test]
fn fuzzed_sections_never_panic_and_valid_results_round_trip() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut accepted, mut refused) = (0, 0);
    for case in 0..20_000 {
        let input = if case % 4 == 0 {
            (0..rng.below(200)).map(|_| rng.next() as u8).collect()
        } else {
            mutate(&mut rng, HELLO)
        };
        match ModInfo::parse(&input) {
            Ok(info) => {
                accepted += 1;
                // Whatever is accepted is well-formed: it survives a round trip.
                assert_eq!(ModInfo::parse(&info.to_section()).as_ref(), Ok(&info));
            }
            Err(e) => {
                refused += 1;
                assert!(!e.to_string().is_empty());
            }
        }
    }
    assert!(
        accepted > 1_000 && refused > 1_000,
        "{accepted} accepted, {refused} refused"
    );
}

#[test]
fn fuzzed_elf_files_never_panic() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let elf = elf_with_sections(&[
        (".text", &[0; 16]),
        (".modinfo", HELLO),
        (".data", b"12345678"),
    ]);
    let mut found = 0;
    for _ in 0..20_000 {
        let mut input = elf.clone();
        // Header and section table bytes matter most: aim half the mutations there.
        for _ in 0..=rng.below(3) {
            let at = if rng.below(2) == 0 {
                rng.below(64)
            } else {
                input.len() - 1 - rng.below(4 * 64)
            };
            input[at] = rng.next() as u8;
        }
        if rng.below(8) == 0 {
            input.truncate(rng.below(input.len()));
        }
        if ModInfo::from_elf(&input).is_ok() {
            found += 1;
        }
    }
    assert!(found > 100, "only {found} mutated files still parsed");
}
