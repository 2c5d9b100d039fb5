//! benchreport: ubench's console output as a report: a text table, JSON and an SVG bar chart; runs of two modes merged.
//!
//! ubench (kernel/utests/src/bin/ubench) prints one line per operation,
//! anywhere in a kernel log line:
//!
//! ```text
//! bench: op=ipc_round_trip_0w mode=micro n=2000 min=789 mean=789.00 max=789 sd=0.00 desc=IPC round trip, 0 words
//! bench: skip op=ipc_same_space mode=micro reason=not possible: ...
//! bench: run mode=micro overhead=2 iterations=2000 warmup=100 ...
//! ```
//!
//! [`parse::parse_console`] reads them into a [`Report`]; [`json`], [`svg`]
//! and [`table`] write it; [`merge`] joins a `micro` and a `mono` run.
#![forbid(unsafe_code)]

pub mod json;
pub mod merge;
pub mod meta;
pub mod parse;
pub mod svg;
pub mod table;

use std::collections::BTreeMap;

/// The unit of every figure.
pub const UNIT: &str = "guest instructions";
/// The modes a run can be in: the microkernel build and the monolithic one.
pub const MODES: [&str; 2] = ["micro", "mono"];

/// One operation measured in one mode.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// The operation's name, the same in every mode (`ipc_round_trip_0w`).
    pub op: String,
    /// `micro` or `mono`.
    pub mode: String,
    /// How many samples.
    pub n: u64,
    /// The smallest sample.
    pub min: u64,
    /// The mean of the samples.
    pub mean: f64,
    /// The largest sample.
    pub max: u64,
    /// The sample standard deviation.
    pub sd: f64,
    /// What one sample is, in words (may be empty).
    pub desc: String,
}

/// An operation not measured in a mode (skipped or failed), and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The operation's name.
    pub op: String,
    /// The mode.
    pub mode: String,
    /// Why, in words.
    pub reason: String,
}

/// Where and how one run was made.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunMeta {
    /// The modes the run measured (one for a run of ubench).
    pub modes: Vec<String>,
    /// `qemu-system-aarch64 --version`'s first line.
    pub qemu: Option<String>,
    /// The QEMU arguments that matter for the counts (`-icount shift=0,sleep=off`).
    pub qemu_args: Option<String>,
    /// When the report was made, UTC, ISO 8601.
    pub date: Option<String>,
    /// The git commit of the tree that was built.
    pub git_commit: Option<String>,
    /// Whether the tree had uncommitted changes.
    pub git_dirty: Option<bool>,
    /// ubench's own settings from its `run` line (overhead, iterations, warmup, ...).
    pub settings: BTreeMap<String, u64>,
}

/// Everything one report holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// One entry per run merged into this report.
    pub runs: Vec<RunMeta>,
    /// The measured operations, in the order they were measured (merged: A's, then B's).
    pub results: Vec<Record>,
    /// Operations a mode cannot measure, and why.
    pub skipped: Vec<Note>,
    /// Operations whose measurement failed, and why.
    pub failed: Vec<Note>,
}

impl Report {
    /// The operations in order of first appearance, measured or skipped.
    pub fn ops(&self) -> Vec<&str> {
        let mut ops: Vec<&str> = Vec::new();
        let names = self.results.iter().map(|r| r.op.as_str());
        for op in names.chain(self.skipped.iter().map(|n| n.op.as_str())) {
            if !ops.contains(&op) {
                ops.push(op);
            }
        }
        ops
    }

    /// The modes present, `micro` and `mono` first, then any other in order of appearance.
    pub fn modes(&self) -> Vec<&str> {
        let present: Vec<&str> = self
            .results
            .iter()
            .map(|r| r.mode.as_str())
            .chain(self.skipped.iter().map(|n| n.mode.as_str()))
            .collect();
        let mut modes: Vec<&str> = MODES
            .iter()
            .copied()
            .filter(|m| present.contains(m))
            .collect();
        for m in present {
            if !modes.contains(&m) {
                modes.push(m);
            }
        }
        modes
    }

    /// The result of `op` in `mode`, if measured.
    pub fn get(&self, op: &str, mode: &str) -> Option<&Record> {
        self.results.iter().find(|r| r.op == op && r.mode == mode)
    }

    /// The description of `op`: the first non-empty one any mode gave.
    pub fn desc(&self, op: &str) -> Option<&str> {
        self.results
            .iter()
            .find(|r| r.op == op && !r.desc.is_empty())
            .map(|r| r.desc.as_str())
    }

    /// What is wrong with the report, in words: no results, failures, an
    /// operation measured twice in one mode, no samples, min > mean or mean > max.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.results.is_empty() {
            problems.push("no operation was measured".to_string());
        }
        for f in &self.failed {
            problems.push(format!("{} ({}) failed: {}", f.op, f.mode, f.reason));
        }
        for (i, r) in self.results.iter().enumerate() {
            let what = format!("{} ({})", r.op, r.mode);
            if self.results[..i]
                .iter()
                .any(|e| e.op == r.op && e.mode == r.mode)
            {
                problems.push(format!("{what} appears twice"));
            }
            if r.n == 0 {
                problems.push(format!("{what} has no samples"));
            }
            if !(r.min as f64 <= r.mean && r.mean <= r.max as f64) {
                problems.push(format!(
                    "{what}: not min <= mean <= max ({} {} {})",
                    r.min, r.mean, r.max
                ));
            }
            if !(r.sd.is_finite() && r.sd >= 0.0) {
                problems.push(format!("{what}: bad standard deviation {}", r.sd));
            }
        }
        problems
    }
}

/// `n` with a comma every three digits (`12,345`).
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(op: &str, mode: &str, min: u64, mean: f64, max: u64) -> Record {
        Record {
            op: op.into(),
            mode: mode.into(),
            n: 3,
            min,
            mean,
            max,
            sd: 0.5,
            desc: String::new(),
        }
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn modes_put_micro_and_mono_first() {
        let report = Report {
            results: vec![rec("a", "other", 1, 1.0, 1), rec("a", "mono", 1, 1.0, 1)],
            skipped: vec![Note {
                op: "b".into(),
                mode: "micro".into(),
                reason: "x".into(),
            }],
            ..Report::default()
        };
        assert_eq!(report.modes(), ["micro", "mono", "other"]);
        assert_eq!(report.ops(), ["a", "b"]);
    }

    #[test]
    fn problems_find_bad_orders_duplicates_and_failures() {
        let mut report = Report {
            results: vec![rec("a", "micro", 1, 2.0, 3)],
            ..Report::default()
        };
        assert!(report.problems().is_empty());
        report.results.push(rec("a", "micro", 1, 2.0, 3));
        report.results.push(rec("b", "micro", 5, 4.0, 6));
        report.results.push(Record {
            n: 0,
            ..rec("c", "micro", 1, 1.0, 1)
        });
        report.failed.push(Note {
            op: "d".into(),
            mode: "micro".into(),
            reason: "gone".into(),
        });
        let problems = report.problems().join("\n");
        assert!(problems.contains("a (micro) appears twice"), "{problems}");
        assert!(
            problems.contains("b (micro): not min <= mean <= max"),
            "{problems}"
        );
        assert!(problems.contains("c (micro) has no samples"), "{problems}");
        assert!(problems.contains("d (micro) failed: gone"), "{problems}");
        assert_eq!(Report::default().problems(), ["no operation was measured"]);
    }
}
