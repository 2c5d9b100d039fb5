//! Tests of parameter splitting, checking and the effective argument string.

use super::*;
use alloc::vec;

fn module() -> ModInfo {
    ModInfo::parse(
        b"name=hello\0vermagic=mica-abi-1\0\
parmtype=howmany:int\0parmdefault=howmany:1\0\
parmtype=whom:string\0parmdefault=whom:world\0\
parmtype=loud:bool\0parmdefault=loud:n\0\
parmtype=ports:list\0parmdefault=ports:a,b\0",
    )
    .expect("valid")
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn splits_words_and_quotes() {
    let words = split_params(r#"  a=1 b="big world"  c flag "q=x y"=z e=x=y f= "#).expect("valid");
    let some = |s: &str| Some(s.to_string());
    assert_eq!(
        words,
        vec![
            ("a".to_string(), some("1")),
            ("b".to_string(), some("big world")),
            ("c".to_string(), None),
            ("flag".to_string(), None),
            ("q=x y".to_string(), some("z")),
            ("e".to_string(), some("x=y")),
            ("f".to_string(), some("")),
        ]
    );
    assert_eq!(split_params(""), Ok(vec![]));
    assert_eq!(split_params(" \t "), Ok(vec![]));
    let open = split_params(r#"whom="big world"#).expect_err("unclosed");
    assert_eq!(
        open.to_string(),
        "malformed parameter \"whom=big world\": a '\"' is not closed"
    );
    let nameless = split_params("=3").expect_err("no key");
    assert!(
        nameless.to_string().contains("no parameter name"),
        "{nameless}"
    );
}

#[test]
fn checks_types_and_keys() {
    let info = module();
    assert_eq!(
        check_params(&info, r#"howmany=0x10 whom="big world" loud ports=x"#),
        Ok(pairs(&[
            ("howmany", "0x10"),
            ("whom", "big world"),
            ("loud", "1"),
            ("ports", "x")
        ]))
    );
    assert_eq!(check_params(&info, ""), Ok(vec![]));
    let unknown = check_params(&info, "howmany=2 x=1").expect_err("unknown");
    assert_eq!(
        unknown.to_string(),
        "unknown parameter 'x'; hello takes: howmany (int), whom (string), loud (bool), ports (list)"
    );
    let cases = [
        (
            "howmany=ten",
            "parameter 'howmany' takes an int (decimal or 0x hex, optional minus), not \"ten\"",
        ),
        ("howmany=", "takes an int"),
        ("loud=maybe", "takes a bool"),
        ("ports=a,,b", "takes a list"),
        (
            "howmany",
            "parameter 'howmany' needs a value (howmany=<int>)",
        ),
        ("whom=a whom=b", "parameter 'whom' is given twice"),
    ];
    for (given, message) in cases {
        let e = check_params(&info, given).expect_err(given);
        assert!(e.to_string().contains(message), "{given}: {e}");
    }
    let mut bare = info.clone();
    bare.params.clear();
    assert_eq!(
        check_params(&bare, "x=1").map_err(|e| e.to_string()),
        Err("unknown parameter 'x'; hello takes no parameters".to_string())
    );
}

#[test]
fn effective_args_merge_defaults_config_and_command_line() {
    let info = module();
    assert_eq!(
        effective_args(&info, ""),
        Ok("howmany=1 whom=world loud=n ports=a,b".to_string())
    );
    assert_eq!(
        effective_args(&info, "ports=z loud=on"),
        Ok("howmany=1 whom=world loud=on ports=z".to_string())
    );
    assert_eq!(
        effective_args_with(&info, "howmany=2 whom=pi", "howmany=3"),
        Ok("howmany=3 whom=pi loud=n ports=a,b".to_string()),
        "the command line wins over the config, the config over defaults"
    );
    let conf_error = effective_args_with(&info, "howmany=x", "");
    assert!(matches!(conf_error, Err(ParamError::BadValue { .. })));
}

#[test]
fn effective_args_refuse_what_args_cannot_carry() {
    let info = module();
    let spaced = effective_args(&info, r#"whom="big world""#).expect_err("space");
    assert_eq!(
        spaced.to_string(),
        "parameter 'whom': value \"big world\" holds whitespace, which module arguments cannot carry"
    );
    let long = "w".repeat(MAX_ARGS_BYTES);
    let too_long = effective_args(&info, &format!("whom={long}")).expect_err("long");
    assert!(
        matches!(too_long, ParamError::TooLong { len_bytes } if len_bytes > MAX_ARGS_BYTES),
        "{too_long:?}"
    );
    assert!(too_long.to_string().contains("at most 1024"), "{too_long}");
}

#[test]
fn effective_args_parse_back_with_ulibs_rules() {
    // ulib's args: split at ASCII whitespace, then at the first '='.
    let info = module();
    let args = effective_args(&info, "whom=a=b ports=x,y").expect("valid");
    let parsed: Vec<(&str, &str)> = args
        .split_ascii_whitespace()
        .map(|w| w.split_once('=').unwrap_or((w, "")))
        .collect();
    assert_eq!(
        parsed,
        [
            ("howmany", "1"),
            ("whom", "a=b"),
            ("loud", "n"),
            ("ports", "x,y")
        ]
    );
}

#[test]
fn fuzzed_command_lines_never_panic() {
    let mut rng = crate::test_rng::Rng(0x1234_5678_9ABC_DEF1);
    let alphabet: Vec<char> = "howmanywhomloudports =\"\t,-0x1yé#".chars().collect();
    let info = module();
    let mut accepted = 0;
    for _ in 0..10_000 {
        let given = rng.text(&alphabet, 40);
        if let Ok(pairs) = check_params(&info, &given) {
            accepted += 1;
            // Accepted values are of their parameter's type.
            for (key, value) in &pairs {
                let spec = info.param(key).expect("only known keys pass");
                assert!(spec.kind.accepts(value), "{key}={value:?}");
            }
        }
        if let Ok(args) = effective_args(&info, &given) {
            assert_eq!(args.split(' ').count(), info.params.len(), "{args:?}");
        }
    }
    assert!(accepted > 100, "only {accepted} accepted");
}
