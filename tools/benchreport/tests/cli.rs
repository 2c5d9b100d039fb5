//! The benchreport binary end to end: `report` writes the three files and says whether the run was whole; `merge` joins two modes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const MICRO: &str = "\
[    0.000878] init[1]: bench: run mode=micro overhead=2 iterations=4 warmup=1
[    0.001877] init[1]: bench: op=null_syscall mode=micro n=4 min=409 mean=409.00 max=409 sd=0.00 desc=null syscall (sys_info)
[    0.003992] init[1]: bench: op=yield mode=micro n=4 min=999 mean=999.00 max=999 sd=0.00 desc=yield to another task and back
[    0.053568] init[1]: bench: skip op=ipc_same_space mode=micro reason=one thread per task
[    0.171742] init[1]: bench: done ops=2 skipped=1 failed=0
";

/// A fresh, empty directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("benchreport-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_benchreport"))
        .args(args)
        .output()
        .unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn report_writes_table_json_and_svg() {
    let dir = scratch("report");
    let console = dir.join("console.txt");
    std::fs::write(&console, MICRO).unwrap();
    let out = dir.join("out");
    let o = run(&["report", path(&console), "-o", path(&out), "--no-probe"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("null_syscall"), "{stdout}");
    let json = std::fs::read_to_string(out.join("bench.json")).unwrap();
    let report = benchreport::json::from_json(&json).unwrap();
    assert_eq!(report.results.len(), 2);
    assert_eq!(report.runs[0].qemu, None, "--no-probe asks nothing");
    assert!(report.runs[0].date.is_some());
    let svg = std::fs::read_to_string(out.join("bench.svg")).unwrap();
    assert!(svg.contains("<svg") && svg.trim_end().ends_with("</svg>"));
    let txt = std::fs::read_to_string(out.join("bench.txt")).unwrap();
    assert!(txt.contains("yield to another task and back"));
}

#[test]
fn a_run_cut_short_writes_its_files_and_fails() {
    let dir = scratch("cut");
    let console = dir.join("console.txt");
    let cut: String = MICRO.lines().take(3).map(|l| format!("{l}\n")).collect();
    std::fs::write(&console, cut).unwrap();
    let o = run(&["report", path(&console), "-o", path(&dir), "--no-probe"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("ended early"));
    assert!(dir.join("bench.json").is_file());
}

#[test]
fn merge_joins_micro_and_mono() {
    let dir = scratch("merge");
    let mono = MICRO
        .replace("mode=micro", "mode=mono")
        .replace("=999", "=333");
    for (name, text) in [("micro", MICRO.to_string()), ("mono", mono)] {
        let console = dir.join(format!("{name}.txt"));
        std::fs::write(&console, text).unwrap();
        let out = dir.join(name);
        let o = run(&["report", path(&console), "-o", path(&out), "--no-probe"]);
        assert!(o.status.success());
    }
    let a = dir.join("micro/bench.json");
    let b = dir.join("mono/bench.json");
    let base = dir.join("compare");
    let o = run(&[
        "merge",
        path(&a),
        path(&b),
        "-o",
        &format!("{}.json", path(&base)),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let merged =
        benchreport::json::from_json(&std::fs::read_to_string(dir.join("compare.json")).unwrap())
            .unwrap();
    assert_eq!(merged.modes(), ["micro", "mono"]);
    assert_eq!(merged.get("yield", "mono").unwrap().mean, 333.0);
    assert!(dir.join("compare.svg").is_file() && dir.join("compare.txt").is_file());
    // The same mode twice is refused.
    let o = run(&["merge", path(&a), path(&a), "-o", path(&base)]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn bad_usage_and_malformed_input_are_refused() {
    assert_eq!(run(&[]).status.code(), Some(2));
    assert_eq!(run(&["report", "--bogus"]).status.code(), Some(2));
    let dir = scratch("bad");
    let console = dir.join("console.txt");
    std::fs::write(&console, "bench: op=x mode=micro n=1\n").unwrap();
    let o = run(&["report", path(&console), "-o", path(&dir), "--no-probe"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("line 1"));
}
