//! benchreport: `report` turns ubench's console output into bench.{txt,json,svg}; `merge` joins two runs' JSON.
//!
//! ```text
//! benchreport report [CONSOLE|-] [-o DIR] [--qemu PROGRAM] [--qemu-args TEXT] [--repo DIR] [--no-probe]
//! benchreport merge A.json B.json [-o OUT]        writes OUT.json, OUT.svg and OUT.txt
//! ```
//!
//! `report` reads the transcript (a file, or standard input for `-` or no
//! name), writes DIR/bench.txt, bench.json and bench.svg (DIR defaults to
//! build/bench), prints the table, and exits 1 if the run had a problem (a
//! failed operation, no `done` line), after writing. Unless `--no-probe`,
//! it asks `PROGRAM --version` (default qemu-system-aarch64) and git in the
//! repository for the metadata.

use benchreport::json::{from_json, to_json};
use benchreport::meta::{git_commit, now_utc, qemu_version};
use benchreport::parse::parse_console;
use benchreport::{merge::merge, svg::to_svg, table::to_table, Report};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: benchreport report [CONSOLE|-] [-o DIR] [--qemu PROGRAM] [--qemu-args TEXT] [--repo DIR] [--no-probe]
       benchreport merge A.json B.json [-o OUT]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("report") => report(&args[1..]),
        Some("merge") => merge_runs(&args[1..]),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("benchreport: {e}");
            ExitCode::from(2)
        }
    }
}

/// Options and the words that are not options.
struct Args {
    words: Vec<String>,
    out: Option<String>,
    qemu: String,
    qemu_args: Option<String>,
    repo: String,
    probe: bool,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut a = Args {
        words: Vec::new(),
        out: None,
        qemu: "qemu-system-aarch64".to_string(),
        qemu_args: None,
        repo: ".".to_string(),
        probe: true,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or(format!("{name} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "-o" => a.out = Some(value("-o")?),
            "--qemu" => a.qemu = value("--qemu")?,
            "--qemu-args" => a.qemu_args = Some(value("--qemu-args")?),
            "--repo" => a.repo = value("--repo")?,
            "--no-probe" => a.probe = false,
            "-" => a.words.push(arg.clone()),
            other if other.starts_with('-') => {
                return Err(format!("unknown option {other}\n{USAGE}"))
            }
            _ => a.words.push(arg.clone()),
        }
    }
    Ok(a)
}

fn read_input(name: Option<&str>) -> Result<String, String> {
    match name {
        None | Some("-") => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| format!("standard input: {e}"))?;
            Ok(text)
        }
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
            // A console transcript may hold stray bytes; keep the text around them.
            Ok(String::from_utf8_lossy(&bytes).into_owned())
        }
    }
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes `base` + .json, .svg and .txt.
fn write_all(report: &Report, json: &Path, svg: &Path, txt: &Path) -> Result<(), String> {
    for path in [json, svg, txt] {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
    }
    write(json, &to_json(report))?;
    write(svg, &to_svg(report))?;
    write(txt, &to_table(report))
}

/// Prints `problems` to standard error; true if there were none.
fn say(problems: &[String]) -> bool {
    for p in problems {
        eprintln!("benchreport: {p}");
    }
    problems.is_empty()
}

fn report(args: &[String]) -> Result<bool, String> {
    let a = parse_args(args)?;
    if a.words.len() > 1 {
        return Err(format!("one transcript at most\n{USAGE}"));
    }
    let text = read_input(a.words.first().map(String::as_str))?;
    let mut parsed = parse_console(&text).map_err(|e| format!("the transcript, {e}"))?;
    for run in &mut parsed.report.runs {
        run.qemu_args = a.qemu_args.clone();
        run.date = Some(now_utc());
        if a.probe {
            run.qemu = qemu_version(&a.qemu);
            if let Some((commit, dirty)) = git_commit(Path::new(&a.repo)) {
                run.git_commit = Some(commit);
                run.git_dirty = Some(dirty);
            }
        }
    }
    let dir = PathBuf::from(a.out.as_deref().unwrap_or("build/bench"));
    write_all(
        &parsed.report,
        &dir.join("bench.json"),
        &dir.join("bench.svg"),
        &dir.join("bench.txt"),
    )?;
    print!("{}", to_table(&parsed.report));
    println!(
        "benchreport: wrote {}/bench.{{txt,json,svg}}",
        dir.display()
    );
    Ok(say(&parsed.problems()))
}

fn merge_runs(args: &[String]) -> Result<bool, String> {
    let a = parse_args(args)?;
    let [first, second] = a.words.as_slice() else {
        return Err(format!("merge takes two JSON files\n{USAGE}"));
    };
    let load = |path: &str| from_json(&read_input(Some(path))?).map_err(|e| format!("{path}: {e}"));
    let merged = merge(&load(first)?, &load(second)?)?;
    let out = a.out.unwrap_or_else(|| "build/bench/compare".to_string());
    let base = out.strip_suffix(".json").unwrap_or(&out);
    write_all(
        &merged,
        Path::new(&format!("{base}.json")),
        Path::new(&format!("{base}.svg")),
        Path::new(&format!("{base}.txt")),
    )?;
    print!("{}", to_table(&merged));
    println!("benchreport: wrote {base}.{{txt,json,svg}}");
    Ok(say(&merged.problems()))
}
