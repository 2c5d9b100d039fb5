//! Tests of the console parser: real ubench lines, the kernel's prefix, malformed lines.

use super::*;

const RUN: &str = "\
[    0.000878] init[1]: bench: run mode=micro overhead=2 iterations=2000 warmup=100 module_iterations=100 module_warmup=10
[    0.000888] init[1]: bench: guest instructions per operation, the counter's own overhead (2) subtracted
[    0.001877] init[1]: bench: op=null_syscall mode=micro n=2000 min=409 mean=409.00 max=409 sd=0.00 desc=null syscall (sys_info)
[    0.003992] init[1]: bench: op=ipc_round_trip_0w mode=micro n=2000 min=789 mean=789.25 max=1131 sd=7.66 desc=IPC round trip, 0 words (call + reply_recv)
[    0.004000] hello[9]: hello, world
[    0.053568] init[1]: bench: skip op=ipc_same_space mode=micro reason=not possible: a task has one thread
[    0.171014] init[1]: bench: null syscall (sys_info)        2000       409       409.00       409       0.00
[    0.171742] init[1]: bench: done ops=2 skipped=1 failed=0
";

#[test]
fn reads_records_skips_settings_and_done() {
    let parsed = parse_console(RUN).unwrap();
    let r = &parsed.report;
    assert_eq!(r.results.len(), 2);
    let rt = &r.results[1];
    assert_eq!(rt.op, "ipc_round_trip_0w");
    assert_eq!(rt.mode, "micro");
    assert_eq!((rt.n, rt.min, rt.max), (2000, 789, 1131));
    assert!((rt.mean - 789.25).abs() < 1e-9 && (rt.sd - 7.66).abs() < 1e-9);
    assert_eq!(rt.desc, "IPC round trip, 0 words (call + reply_recv)");
    assert_eq!(r.skipped.len(), 1);
    assert_eq!(r.skipped[0].op, "ipc_same_space");
    assert_eq!(r.skipped[0].reason, "not possible: a task has one thread");
    assert_eq!(r.runs.len(), 1);
    assert_eq!(r.runs[0].modes, ["micro"]);
    assert_eq!(r.runs[0].settings["overhead"], 2);
    assert_eq!(r.runs[0].settings["module_warmup"], 10);
    assert_eq!(
        parsed.done,
        Some(Done {
            ops: 2,
            skipped: 1,
            failed: 0
        })
    );
    assert!(parsed.problems().is_empty(), "{:?}", parsed.problems());
}

#[test]
fn lines_without_a_prefix_and_with_crlf_parse() {
    let text = "bench: op=yield mode=mono n=5 min=1 mean=2.5 max=4 sd=1.29\r\nbench: done ops=1 skipped=0 failed=0\r\n";
    let parsed = parse_console(text).unwrap();
    assert_eq!(parsed.report.results[0].op, "yield");
    assert_eq!(parsed.report.results[0].desc, "");
    assert_eq!(parsed.report.results[0].mode, "mono");
    assert!(parsed.problems().is_empty());
}

#[test]
fn failures_are_kept_and_reported() {
    let text = "bench: fail op=fs_read_4k mode=micro reason=open: ENODEV\nbench: done ops=0 skipped=0 failed=1\n";
    let parsed = parse_console(text).unwrap();
    assert_eq!(parsed.report.failed[0].reason, "open: ENODEV");
    let problems = parsed.problems().join("\n");
    assert!(problems.contains("fs_read_4k (micro) failed: open: ENODEV"));
    assert!(problems.contains("no operation was measured"));
}

#[test]
fn a_run_that_ends_early_or_miscounts_is_a_problem() {
    let cut = "bench: op=yield mode=micro n=5 min=1 mean=2.50 max=4 sd=1.29\n";
    let parsed = parse_console(cut).unwrap();
    assert!(parsed.problems()[0].contains("ended early"));
    let miscounted = format!("{cut}bench: done ops=2 skipped=0 failed=0\n");
    let problems = parse_console(&miscounted).unwrap().problems();
    assert_eq!(problems, ["ubench measured 2 operations, the log shows 1"]);
}

#[test]
fn malformed_lines_are_errors_with_their_line_number() {
    let cases = [
        ("bench: op=x mode=micro n=1 min=1 mean=1 max=1", "no `sd=`"),
        (
            "bench: op=x mode=micro n=-1 min=1 mean=1 max=1 sd=0",
            "n=-1",
        ),
        (
            "bench: op=x mode=micro n=1 min=1 mean=abc max=1 sd=0",
            "mean=abc",
        ),
        (
            "bench: op=x mode=micro n=1 min=1 mean=1e3 max=1 sd=0",
            "mean=1e3",
        ),
        (
            "bench: op=x mode=micro n=1 min=1 mean=NaN max=1 sd=0",
            "mean=NaN",
        ),
        (
            "bench: op=X! mode=micro n=1 min=1 mean=1 max=1 sd=0",
            "op=X!",
        ),
        (
            "bench: op=x mode=micro n=1 n=2 min=1 mean=1 max=1 sd=0",
            "given twice",
        ),
        (
            "bench: op=x mode=micro junk n=1 min=1 mean=1 max=1 sd=0",
            "`junk`",
        ),
        ("bench: skip mode=micro reason=why", "no `op=`"),
        ("bench: done ops=1 skipped=0", "no `failed=`"),
    ];
    for (line, want) in cases {
        let text = format!("first line\n{line}\n");
        let err = parse_console(&text).unwrap_err();
        assert_eq!(err.line, 2, "{line}");
        assert!(err.why.contains(want), "{line}: {err}");
    }
}

#[test]
fn a_description_may_hold_equals_signs_and_spaces() {
    let text = "bench: op=a mode=micro n=1 min=1 mean=1.00 max=1 sd=0.00 desc=x = y, z=1\n";
    let parsed = parse_console(text).unwrap();
    assert_eq!(parsed.report.results[0].desc, "x = y, z=1");
}
