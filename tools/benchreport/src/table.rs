//! The report as a text table (`bench.txt`): one row per operation and mode, the runs' metadata on top, notes below.

use crate::{Report, RunMeta, UNIT};
use std::fmt::Write;

/// The whole table, ending in a newline.
pub fn to_table(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "mica benchmarks: {UNIT} per operation (n samples; min, mean, max, standard deviation)"
    );
    for run in &report.runs {
        let _ = writeln!(out, "{}", describe_run(run));
    }
    let modes = report.modes();
    let base = modes.first().copied();
    let _ = writeln!(
        out,
        "{:<22} {:<6} {:>6} {:>10} {:>13} {:>10} {:>10} {:>7}  what",
        "operation", "mode", "n", "min", "mean", "max", "sd", "ratio"
    );
    for op in report.ops() {
        let base_mean = base.and_then(|m| report.get(op, m)).map(|r| r.mean);
        let measured_in = modes.iter().filter(|m| report.get(op, m).is_some()).count();
        for mode in &modes {
            let Some(r) = report.get(op, mode) else {
                continue;
            };
            // The first mode's mean is the yardstick: "2.50x" reads "2.5 times micro's".
            let ratio = match base_mean {
                Some(b) if b > 0.0 && measured_in > 1 => format!("{:.2}x", r.mean / b),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "{:<22} {:<6} {:>6} {:>10} {:>13.2} {:>10} {:>10.2} {:>7}  {}",
                r.op, r.mode, r.n, r.min, r.mean, r.max, r.sd, ratio, r.desc
            );
        }
    }
    for (title, notes) in [
        ("not measured", &report.skipped),
        ("failed", &report.failed),
    ] {
        if notes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{title}:");
        for n in notes {
            let _ = writeln!(out, "  {} ({}): {}", n.op, n.mode, n.reason);
        }
    }
    out
}

/// One line about a run: its modes, QEMU, the commit, the date and ubench's settings.
pub fn describe_run(run: &RunMeta) -> String {
    let mut parts = vec![format!("run: {}", run.modes.join("+"))];
    if let Some(q) = &run.qemu {
        parts.push(q.clone());
    }
    if let Some(a) = &run.qemu_args {
        parts.push(a.clone());
    }
    if let Some(c) = &run.git_commit {
        let dirty = if run.git_dirty == Some(true) {
            " (with uncommitted changes)"
        } else {
            ""
        };
        let short: String = c.chars().take(12).collect();
        parts.push(format!("commit {short}{dirty}"));
    }
    if let Some(d) = &run.date {
        parts.push(d.clone());
    }
    if !run.settings.is_empty() {
        let s: Vec<String> = run
            .settings
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        parts.push(s.join(" "));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_console;

    #[test]
    fn one_mode_has_no_ratio_and_lists_notes() {
        let text = "bench: op=yield mode=micro n=5 min=999 mean=999.00 max=999 sd=0.00 desc=yield to another task\n\
                    bench: skip op=ipc_same_space mode=micro reason=one thread per task\n";
        let table = to_table(&parse_console(text).unwrap().report);
        let row = table.lines().find(|l| l.starts_with("yield")).unwrap();
        assert!(row.contains(" 999.00 "), "{row}");
        assert!(row.ends_with("yield to another task"), "{row}");
        assert!(
            !row.contains("1.00x"),
            "one mode has nothing to compare: {row}"
        );
        assert!(table.contains("not measured:\n  ipc_same_space (micro): one thread per task\n"));
        assert!(table.contains("run: micro"));
    }

    #[test]
    fn two_modes_compare_to_the_first() {
        let text = "bench: op=yield mode=micro n=5 min=100 mean=100.00 max=100 sd=0.00\n\
                    bench: op=yield mode=mono n=5 min=25 mean=25.00 max=25 sd=0.00\n";
        let table = to_table(&parse_console(text).unwrap().report);
        let rows: Vec<&str> = table.lines().filter(|l| l.starts_with("yield")).collect();
        assert_eq!(rows.len(), 2);
        assert!(
            rows[0].contains("micro") && rows[0].contains("1.00x"),
            "{}",
            rows[0]
        );
        assert!(
            rows[1].contains("mono") && rows[1].contains("0.25x"),
            "{}",
            rows[1]
        );
    }

    #[test]
    fn a_run_line_names_what_is_known() {
        let run = RunMeta {
            modes: vec!["micro".into()],
            qemu: Some("QEMU emulator version 7.2.22".into()),
            git_commit: Some("abc".into()),
            git_dirty: Some(true),
            date: Some("2025-01-02T03:04:05Z".into()),
            ..RunMeta::default()
        };
        assert_eq!(
            describe_run(&run),
            "run: micro; QEMU emulator version 7.2.22; commit abc (with uncommitted changes); 2025-01-02T03:04:05Z"
        );
    }
}
