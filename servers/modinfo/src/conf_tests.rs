//! Tests of the `/etc/modules` and `modprobe.conf` parsers.

use super::*;

fn pair(name: &str, params: &str) -> (String, String) {
    (name.to_string(), params.to_string())
}

#[test]
fn reads_the_boot_set() {
    let text = "\
# the boot set
devreg
uart port=pl011   # the console

  gpio\t
fs # files
hello whom=\"#1\" howmany=2
";
    assert_eq!(
        parse_modules(text),
        Ok(vec![
            pair("devreg", ""),
            pair("uart", "port=pl011"),
            pair("gpio", ""),
            pair("fs", ""),
            pair("hello", "whom=\"#1\" howmany=2"),
        ])
    );
    assert_eq!(parse_modules(""), Ok(vec![]));
    assert_eq!(parse_modules("# only\n\n   \n"), Ok(vec![]));
    assert_eq!(
        parse_modules("a#b\n"),
        Err(ConfError {
            line: 1,
            message: "\"a#b\" is not a module name".into()
        }),
        "a # inside a word is not a comment"
    );
}

#[test]
fn boot_set_errors_name_the_line() {
    let cases = [
        ("devreg\nua/rt\n", 2, "\"ua/rt\" is not a module name"),
        ("a\nb\na x=1\n", 3, "a is listed twice (first on line 1)"),
        ("hello whom=\"open\n", 1, "is not closed"),
        ("hello =1\n", 1, "no parameter name"),
    ];
    for (text, line, message) in cases {
        let e = parse_modules(text).expect_err(text);
        assert_eq!(e.line, line, "{text:?}");
        assert!(e.message.contains(message), "{text:?}: {e}");
        assert!(e.to_string().starts_with(&format!("line {line}: ")));
    }
}

#[test]
fn reads_modprobe_options() {
    let text = "\
# defaults for modprobe
options hello howmany=2   # twice
options uart port=mini
options hello whom=pi
";
    let conf = ModprobeConf::parse(text).expect("valid");
    assert_eq!(conf.options("hello"), "howmany=2 whom=pi");
    assert_eq!(conf.options("uart"), "port=mini");
    assert_eq!(conf.options("fs"), "");
    assert_eq!(conf.modules().collect::<Vec<_>>(), ["hello", "uart"]);
    assert_eq!(
        ModprobeConf::parse("\n# nothing\n"),
        Ok(ModprobeConf::default())
    );
}

#[test]
fn modprobe_errors_name_the_line() {
    let cases = [
        (
            "options a x=1\nalias foo a\n",
            2,
            "unknown directive 'alias'",
        ),
        ("blacklist a\n", 1, "unknown directive 'blacklist'"),
        ("options\n", 1, "'options' needs a module name"),
        ("options a/b x=1\n", 1, "is not a module name"),
        (
            "\n\noptions hello\n",
            3,
            "'options hello' gives no parameters",
        ),
        ("options hello whom=\"x\n", 1, "is not closed"),
    ];
    for (text, line, message) in cases {
        let e = ModprobeConf::parse(text).expect_err(text);
        assert_eq!(e.line, line, "{text:?}");
        assert!(e.message.contains(message), "{text:?}: {e}");
    }
}

#[test]
fn comments_respect_quotes() {
    assert_eq!(strip_comment("a b # c"), "a b ");
    assert_eq!(strip_comment("# all"), "");
    assert_eq!(strip_comment("x=\"a #b\" # c"), "x=\"a #b\" ");
    assert_eq!(strip_comment("x=a#b"), "x=a#b");
    assert_eq!(split_first_word("  options  a b  "), ("options", "a b"));
    assert_eq!(split_first_word("one"), ("one", ""));
}

#[test]
fn fuzzed_config_never_panics() {
    let mut rng = crate::test_rng::Rng(0x7777_0000_1111_2222);
    let alphabet: Vec<char> = "options hel=1\"#\n\t é".chars().collect();
    let (mut lists, mut confs) = (0, 0);
    for _ in 0..10_000 {
        let text = rng.text(&alphabet, 60);
        lists += usize::from(parse_modules(&text).is_ok());
        if let Ok(conf) = ModprobeConf::parse(&text) {
            confs += 1;
            for module in conf.modules() {
                assert!(!conf.options(module).is_empty());
            }
        }
    }
    assert!(
        lists > 100 && confs > 100,
        "{lists} lists, {confs} confs parsed"
    );
}

#[test]
fn the_repository_config_files_parse() {
    let boot = parse_modules(include_str!("../../../config/modules")).expect("config/modules");
    assert_eq!(
        boot.first(),
        Some(&pair("devreg", "")),
        "the registry comes first"
    );
    assert!(boot.contains(&pair("uart", "port=pl011")), "{boot:?}");
    ModprobeConf::parse(include_str!("../../../config/modprobe.conf"))
        .expect("config/modprobe.conf");
}
