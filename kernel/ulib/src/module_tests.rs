//! Host tests of the module runtime: manager messages, exit codes, parameter parsing, use counts.

use super::*;
use std::vec::Vec;

#[test]
fn only_the_manager_badge_with_a_lifecycle_label_counts() {
    assert_eq!(
        ManagerRequest::of(STOP, MANAGER_BADGE),
        Some(ManagerRequest::Stop)
    );
    assert_eq!(
        ManagerRequest::of(USAGE, MANAGER_BADGE),
        Some(ManagerRequest::Usage)
    );
    assert_eq!(
        ManagerRequest::of(CRASH, MANAGER_BADGE),
        Some(ManagerRequest::Crash)
    );
    assert_eq!(ManagerRequest::of(STOP, 0), None);
    assert_eq!(ManagerRequest::of(STOP, MANAGER_BADGE | 1 << 63), None);
    // A file request with the manager's badge is served like any other.
    assert_eq!(ManagerRequest::of(0x101, MANAGER_BADGE), None);
    assert_eq!(
        ManagerRequest::of(proto::modctl::READY, MANAGER_BADGE),
        None
    );
    for label in [STOP, USAGE, CRASH, 0x101] {
        assert_eq!(
            ManagerRequest::of(label, MANAGER_BADGE).is_some(),
            proto::modctl::is_manager(label, MANAGER_BADGE)
        );
    }
}

#[test]
fn stop_exit_codes() {
    assert_eq!(Stop::Requested.exit_code(), 0);
    assert_eq!(
        Stop::ReceiveFailed(abi::Error::InvalidHandle).exit_code(),
        LOOP_FAILED_EXIT_CODE
    );
    assert_ne!(LOOP_FAILED_EXIT_CODE, INIT_FAILED_EXIT_CODE);
}

#[test]
fn ints_and_bools_are_what_init_checks() {
    // The same functions as modinfo's, so a value init let through parses here.
    assert_eq!(parse_int("0x64"), Some(100)); // the lecture notes' `onevalue=0x64`
    assert_eq!(parse_int("-3"), Some(-3));
    assert_eq!(parse_int("many"), None);
    for yes in ["1", "y", "Yes", "true", "on"] {
        assert_eq!(parse_bool(yes), Some(true), "{yes:?}");
    }
    for no in ["0", "N", "no", "false", "off"] {
        assert_eq!(parse_bool(no), Some(false), "{no:?}");
    }
    assert_eq!(parse_bool("maybe"), None);
    // A bare flag word is true, as `insmod x verbose` is in Linux.
    assert_eq!(parse_bool(""), Some(true));
}

#[test]
fn lists_split_at_commas() {
    assert_eq!(split_list("1,4,3").collect::<Vec<_>>(), ["1", "4", "3"]);
    assert_eq!(split_list("one").collect::<Vec<_>>(), ["one"]);
    assert_eq!(split_list("a,,b").collect::<Vec<_>>(), ["a", "", "b"]);
    assert_eq!(split_list("").count(), 0);
}

#[test]
fn typed_values_default_when_absent_and_fail_when_malformed() {
    assert_eq!(typed("n", None, 5, parse_int, "an int"), Ok(5));
    assert_eq!(typed("n", Some("0x10"), 5, parse_int, "an int"), Ok(16));
    assert_eq!(
        typed("n", Some("0x"), 5, parse_int, "an int").map_err(|e| e.value),
        Err("0x")
    );
    let bad = typed("howmany", Some("many"), 1, parse_int, "an int").unwrap_err();
    assert_eq!(
        bad,
        BadParam {
            name: "howmany",
            value: "many",
            expected: "an int"
        }
    );
    assert_eq!(
        std::format!("{bad}"),
        "parameter howmany=many: expected an int"
    );
    assert_eq!(typed("v", Some(""), false, parse_bool, "a bool"), Ok(true));
}

#[test]
fn published_usage_follows_the_open_table() {
    let mut opens: OpenTable<()> = OpenTable::new(8);
    let a = opens.open(10, ()).unwrap();
    opens.open(10, ()).unwrap();
    opens.open(20, ()).unwrap();
    // The only test touching the published figures.
    assert_eq!(usage(), (0, 0));
    publish_usage(&opens);
    assert_eq!(usage(), (3, 2));
    opens.release(a, 10).unwrap();
    publish_usage(&opens);
    assert_eq!(usage(), (2, 2));
    set_usage(0, 0);
    assert_eq!(usage(), (0, 0));
}
