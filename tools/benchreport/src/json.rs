//! The report as JSON (`bench.json`, schema [`SCHEMA`]) and back.
//!
//! ```text
//! {
//!   "schema": "mica-bench/1",
//!   "unit": "guest instructions",
//!   "runs": [{"modes": ["micro"], "qemu": "...", "qemu_args": "...", "date": "...",
//!             "git_commit": "...", "git_dirty": false, "settings": {"overhead": 2, ...}}],
//!   "results": [{"op": "...", "mode": "micro", "n": 2000, "min": 409, "mean": 409.0,
//!                "max": 409, "sd": 0.0, "unit": "guest instructions", "desc": "..."}],
//!   "skipped": [{"op": "...", "mode": "...", "reason": "..."}],
//!   "failed": []
//! }
//! ```
//!
//! Metadata nobody could find (no git, no QEMU) is `null`.

use crate::{Note, Record, Report, RunMeta, UNIT};
use serde_json::{json, Map, Value};

/// The `schema` field: changes when a field changes meaning.
pub const SCHEMA: &str = "mica-bench/1";

/// The report as pretty-printed JSON, with a final newline.
pub fn to_json(report: &Report) -> String {
    let runs: Vec<Value> = report.runs.iter().map(run_value).collect();
    let results: Vec<Value> = report.results.iter().map(record_value).collect();
    let notes = |notes: &[Note]| -> Vec<Value> {
        notes
            .iter()
            .map(|n| json!({"op": n.op, "mode": n.mode, "reason": n.reason}))
            .collect()
    };
    let doc = json!({
        "schema": SCHEMA,
        "unit": UNIT,
        "runs": runs,
        "results": results,
        "skipped": notes(&report.skipped),
        "failed": notes(&report.failed),
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

fn run_value(run: &RunMeta) -> Value {
    json!({
        "modes": run.modes,
        "qemu": run.qemu,
        "qemu_args": run.qemu_args,
        "date": run.date,
        "git_commit": run.git_commit,
        "git_dirty": run.git_dirty,
        "settings": run.settings,
    })
}

fn record_value(r: &Record) -> Value {
    json!({
        "op": r.op,
        "mode": r.mode,
        "n": r.n,
        "min": r.min,
        "mean": r.mean,
        "max": r.max,
        "sd": r.sd,
        "unit": UNIT,
        "desc": r.desc,
    })
}

/// Reads a report written by [`to_json`]; an error says which field is wrong.
pub fn from_json(text: &str) -> Result<Report, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let top = object(&doc, "the document")?;
    match top.get("schema").and_then(Value::as_str) {
        Some(SCHEMA) => {}
        other => return Err(format!("schema is {other:?}, expected {SCHEMA:?}")),
    }
    match top.get("unit").and_then(Value::as_str) {
        Some(UNIT) => {}
        other => return Err(format!("unit is {other:?}, expected {UNIT:?}")),
    }
    let runs = array(top, "runs")?
        .iter()
        .map(run_from)
        .collect::<Result<_, _>>()?;
    let results = array(top, "results")?
        .iter()
        .map(record_from)
        .collect::<Result<_, _>>()?;
    let notes = |key: &str| -> Result<Vec<Note>, String> {
        array(top, key)?
            .iter()
            .map(|v| {
                let o = object(v, key)?;
                Ok(Note {
                    op: string(o, "op")?,
                    mode: string(o, "mode")?,
                    reason: string(o, "reason")?,
                })
            })
            .collect()
    };
    Ok(Report {
        runs,
        results,
        skipped: notes("skipped")?,
        failed: notes("failed")?,
    })
}

fn run_from(v: &Value) -> Result<RunMeta, String> {
    let o = object(v, "a run")?;
    let modes = array(o, "modes")?
        .iter()
        .map(|m| {
            m.as_str()
                .map(str::to_string)
                .ok_or("a mode is not a string")
        })
        .collect::<Result<_, _>>()?;
    let settings = match o.get("settings") {
        Some(Value::Object(s)) => s
            .iter()
            .map(|(k, v)| {
                v.as_u64()
                    .map(|n| (k.clone(), n))
                    .ok_or(format!("setting {k} is not a whole number"))
            })
            .collect::<Result<_, _>>()?,
        _ => return Err("a run has no settings object".to_string()),
    };
    Ok(RunMeta {
        modes,
        qemu: optional_string(o, "qemu")?,
        qemu_args: optional_string(o, "qemu_args")?,
        date: optional_string(o, "date")?,
        git_commit: optional_string(o, "git_commit")?,
        git_dirty: match o.get("git_dirty") {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => return Err("git_dirty is not a bool".to_string()),
        },
        settings,
    })
}

fn record_from(v: &Value) -> Result<Record, String> {
    let o = object(v, "a result")?;
    let unit = string(o, "unit")?;
    if unit != UNIT {
        return Err(format!("a result is in {unit:?}, not {UNIT:?}"));
    }
    let whole = |k: &str| {
        o.get(k)
            .and_then(Value::as_u64)
            .ok_or(format!("result field {k} is not a whole number"))
    };
    let real = |k: &str| {
        o.get(k)
            .and_then(Value::as_f64)
            .ok_or(format!("result field {k} is not a number"))
    };
    Ok(Record {
        op: string(o, "op")?,
        mode: string(o, "mode")?,
        n: whole("n")?,
        min: whole("min")?,
        mean: real("mean")?,
        max: whole("max")?,
        sd: real("sd")?,
        desc: optional_string(o, "desc")?.unwrap_or_default(),
    })
}

fn object<'a>(v: &'a Value, what: &str) -> Result<&'a Map<String, Value>, String> {
    v.as_object().ok_or(format!("{what} is not an object"))
}

fn array<'a>(o: &'a Map<String, Value>, key: &str) -> Result<&'a Vec<Value>, String> {
    o.get(key)
        .and_then(Value::as_array)
        .ok_or(format!("{key} is not an array"))
}

fn string(o: &Map<String, Value>, key: &str) -> Result<String, String> {
    o.get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or(format!("{key} is not a string"))
}

fn optional_string(o: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{key} is neither a string nor null")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_console;

    fn sample() -> Report {
        let text = "bench: run mode=micro overhead=2 iterations=10\n\
                    bench: op=null_syscall mode=micro n=10 min=409 mean=409.50 max=411 sd=0.71 desc=null \"syscall\" \\ x\n\
                    bench: skip op=ipc_same_space mode=micro reason=one thread per task\n\
                    bench: fail op=fs_read_4k mode=micro reason=ENODEV\n";
        let mut report = parse_console(text).unwrap().report;
        report.runs[0].qemu = Some("QEMU emulator version 7.2.22".into());
        report.runs[0].git_dirty = Some(true);
        report
    }

    #[test]
    fn round_trips_through_json() {
        let report = sample();
        let text = to_json(&report);
        assert_eq!(from_json(&text).unwrap(), report);
    }

    #[test]
    fn has_the_documented_shape() {
        let text = to_json(&sample());
        let doc: Value = serde_json::from_str(&text).unwrap();
        let keys: Vec<&String> = doc["results"][0].as_object().unwrap().keys().collect();
        let order = [
            "op", "mode", "n", "min", "mean", "max", "sd", "unit", "desc",
        ];
        assert_eq!(keys, order, "{text}");
        assert_eq!(doc["schema"], SCHEMA);
        assert_eq!(doc["unit"], UNIT);
        let r = &doc["results"][0];
        assert_eq!(r["op"], "null_syscall");
        assert_eq!(r["mode"], "micro");
        assert_eq!(r["n"], 10);
        assert_eq!(r["min"], 409);
        assert_eq!(r["mean"], 409.5);
        assert_eq!(r["max"], 411);
        assert_eq!(r["sd"], 0.71);
        assert_eq!(r["unit"], "guest instructions");
        assert_eq!(r["desc"], "null \"syscall\" \\ x");
        assert_eq!(doc["runs"][0]["settings"]["overhead"], 2);
        assert_eq!(doc["runs"][0]["date"], Value::Null);
        assert_eq!(doc["runs"][0]["git_dirty"], true);
        assert_eq!(doc["skipped"][0]["reason"], "one thread per task");
        assert_eq!(doc["failed"][0]["op"], "fs_read_4k");
    }

    #[test]
    fn refuses_what_it_did_not_write() {
        assert!(from_json("[1, 2").unwrap_err().starts_with("not JSON"));
        assert!(from_json("{}").unwrap_err().contains("schema"));
        let good = to_json(&sample());
        let bad_unit = good.replace("\"unit\": \"guest instructions\"", "\"unit\": \"ns\"");
        assert_ne!(bad_unit, good);
        assert!(from_json(&bad_unit).unwrap_err().contains("\"ns\""));
        let bad_min = good.replace("\"min\": 409", "\"min\": -1");
        assert!(from_json(&bad_min).unwrap_err().contains("min"));
    }
}
