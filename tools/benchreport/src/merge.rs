//! Joining two runs (the `micro` and the `mono` build) into one report for `make bench-compare`.

use crate::Report;

/// `a` and `b` in one report: runs, results and notes of both, `a`'s first.
/// Refused when both measured (or skipped) the same operation in the same
/// mode: a merge compares modes, it does not pick between two runs of one.
pub fn merge(a: &Report, b: &Report) -> Result<Report, String> {
    for r in &b.results {
        if a.get(&r.op, &r.mode).is_some() {
            return Err(format!("both runs measured {} in mode {}", r.op, r.mode));
        }
    }
    let mut out = a.clone();
    out.runs.extend(b.runs.iter().cloned());
    out.results.extend(b.results.iter().cloned());
    out.skipped.extend(b.skipped.iter().cloned());
    out.failed.extend(b.failed.iter().cloned());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_console;

    fn run(mode: &str, mean: u64) -> Report {
        let text = format!(
            "bench: op=yield mode={mode} n=3 min={mean} mean={mean}.00 max={mean} sd=0.00 desc=yield\n\
             bench: op=null_syscall mode={mode} n=3 min=1 mean=1.00 max=1 sd=0.00\n"
        );
        parse_console(&text).unwrap().report
    }

    #[test]
    fn keeps_both_modes_and_both_runs() {
        let m = merge(&run("micro", 999), &run("mono", 300)).unwrap();
        assert_eq!(m.runs.len(), 2);
        assert_eq!(m.modes(), ["micro", "mono"]);
        assert_eq!(m.ops(), ["yield", "null_syscall"]);
        assert_eq!(m.get("yield", "mono").unwrap().mean, 300.0);
        assert!(m.problems().is_empty(), "{:?}", m.problems());
    }

    #[test]
    fn refuses_the_same_mode_twice() {
        let e = merge(&run("micro", 1), &run("micro", 2)).unwrap_err();
        assert_eq!(e, "both runs measured yield in mode micro");
    }
}
