//! Reading ubench's machine-readable lines (`bench: op=...`, `skip`, `fail`, `run`, `done`) out of a console transcript.

use crate::{Note, Record, Report, RunMeta};
use std::collections::BTreeMap;
use std::fmt;

/// Where ubench's lines start, after the kernel log's prefix (`[ 0.001] init[1]: `).
pub const MARKER: &str = "bench: ";

/// ubench's closing line: how many operations it measured, skipped and failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Done {
    /// Operations measured.
    pub ops: u64,
    /// Operations skipped.
    pub skipped: u64,
    /// Operations failed.
    pub failed: u64,
}

/// A transcript read: the report (one run) and ubench's closing line, if it got that far.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    /// What was measured, skipped and failed; `runs` holds one entry with the modes and settings.
    pub report: Report,
    /// The `done` line; `None` if the run ended early.
    pub done: Option<Done>,
}

impl Parsed {
    /// What is wrong: the report's problems, a missing `done` line, counts that disagree with it.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = self.report.problems();
        let r = &self.report;
        match self.done {
            None => problems.push("no `bench: done` line: the run ended early".to_string()),
            Some(d) => {
                let counted = [
                    ("measured", d.ops, r.results.len()),
                    ("skipped", d.skipped, r.skipped.len()),
                    ("failed", d.failed, r.failed.len()),
                ];
                for (what, said, found) in counted {
                    if said != found as u64 {
                        problems.push(format!(
                            "ubench {what} {said} operations, the log shows {found}"
                        ));
                    }
                }
            }
        }
        problems
    }
}

/// A machine-readable line that does not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Its line number in the transcript, from 1.
    pub line: usize,
    /// What is wrong.
    pub why: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.why)
    }
}

impl std::error::Error for ParseError {}

/// Reads every ubench line of `text`; other lines (the human table, other tasks' logs) are skipped.
pub fn parse_console(text: &str) -> Result<Parsed, ParseError> {
    let mut report = Report::default();
    let mut settings = BTreeMap::new();
    let mut done = None;
    for (i, line) in text.lines().enumerate() {
        let Some(at) = line.find(MARKER) else {
            continue;
        };
        let rest = line[at + MARKER.len()..].trim_end();
        let fail = |why: String| ParseError { line: i + 1, why };
        if rest.starts_with("op=") {
            report.results.push(record(rest).map_err(fail)?);
        } else if let Some(note_text) = rest.strip_prefix("skip ") {
            report.skipped.push(note(note_text).map_err(fail)?);
        } else if let Some(note_text) = rest.strip_prefix("fail ") {
            report.failed.push(note(note_text).map_err(fail)?);
        } else if let Some(run) = rest.strip_prefix("run ") {
            for (key, value) in pairs(run).map_err(fail)? {
                if let Ok(n) = value.parse::<u64>() {
                    settings.insert(key.to_string(), n);
                }
            }
        } else if let Some(counts) = rest.strip_prefix("done ") {
            let fields = fields(counts, &["ops", "skipped", "failed"]).map_err(fail)?;
            let num = |k: &str| number(&fields, k).map_err(fail);
            done = Some(Done {
                ops: num("ops")?,
                skipped: num("skipped")?,
                failed: num("failed")?,
            });
        }
    }
    let modes: Vec<String> = report.modes().into_iter().map(str::to_string).collect();
    report.runs.push(RunMeta {
        modes,
        settings,
        ..RunMeta::default()
    });
    Ok(Parsed { report, done })
}

/// `op=.. mode=.. n=.. min=.. mean=.. max=.. sd=.. [desc=TEXT]`.
fn record(text: &str) -> Result<Record, String> {
    let (head, desc) = split_tail(text, "desc=");
    let keys = ["op", "mode", "n", "min", "mean", "max", "sd"];
    let f = fields(head, &keys)?;
    Ok(Record {
        op: name(&f, "op")?,
        mode: name(&f, "mode")?,
        n: number(&f, "n")?,
        min: number(&f, "min")?,
        mean: decimal(&f, "mean")?,
        max: number(&f, "max")?,
        sd: decimal(&f, "sd")?,
        desc: desc.unwrap_or("").trim().to_string(),
    })
}

/// `op=.. mode=.. reason=TEXT`.
fn note(text: &str) -> Result<Note, String> {
    let (head, reason) = split_tail(text, "reason=");
    let f = fields(head, &["op", "mode"])?;
    Ok(Note {
        op: name(&f, "op")?,
        mode: name(&f, "mode")?,
        reason: reason.unwrap_or("").trim().to_string(),
    })
}

/// Splits off the free-text field `key` (always last, to the end of the line).
fn split_tail<'a>(text: &'a str, key: &str) -> (&'a str, Option<&'a str>) {
    if let Some(rest) = text.strip_prefix(key) {
        return ("", Some(rest));
    }
    match text.find(&format!(" {key}")) {
        Some(at) => (&text[..at], Some(&text[at + 1 + key.len()..])),
        None => (text, None),
    }
}

/// The `key=value` words of `text`.
fn pairs(text: &str) -> Result<Vec<(&str, &str)>, String> {
    text.split_whitespace()
        .map(|word| {
            word.split_once('=')
                .filter(|(k, _)| !k.is_empty())
                .ok_or(format!("`{word}` is not key=value"))
        })
        .collect()
}

/// The `key=value` words of `text` as a map that has every one of `required`, each once.
fn fields<'a>(text: &'a str, required: &[&str]) -> Result<BTreeMap<&'a str, &'a str>, String> {
    let mut map = BTreeMap::new();
    for (k, v) in pairs(text)? {
        if map.insert(k, v).is_some() {
            return Err(format!("`{k}` given twice"));
        }
    }
    match required.iter().find(|k| !map.contains_key(*k)) {
        Some(k) => Err(format!("no `{k}=`")),
        None => Ok(map),
    }
}

/// Field `key`: a name of lower-case letters, digits and `_`.
fn name(f: &BTreeMap<&str, &str>, key: &str) -> Result<String, String> {
    let v = f[key];
    let ok = !v.is_empty()
        && v.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(v.to_string())
    } else {
        Err(format!("{key}={v}: expected a name of a-z, 0-9 and _"))
    }
}

/// Field `key`: a whole number.
fn number(f: &BTreeMap<&str, &str>, key: &str) -> Result<u64, String> {
    f[key]
        .parse()
        .map_err(|_| format!("{key}={}: expected a whole number", f[key]))
}

/// Field `key`: a finite decimal number, not negative.
fn decimal(f: &BTreeMap<&str, &str>, key: &str) -> Result<f64, String> {
    let digits = f[key].bytes().all(|b| b.is_ascii_digit() || b == b'.');
    match f[key].parse::<f64>() {
        Ok(v) if digits && v.is_finite() => Ok(v),
        _ => Err(format!("{key}={}: expected a decimal number", f[key])),
    }
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
