//! mkimage: the host build step after linking: writes System.map and embeds the kernel symbol table.

mod elf;
mod embed;
mod map;
#[cfg(test)]
#[path = "../tests/common/mod.rs"]
mod testelf;

use std::ffi::OsString;
use std::process::ExitCode;

const USAGE: &str = "\
usage: mkimage symbols <kernel.elf> [--map <System.map>]

  symbols   encode the text symbols of <kernel.elf> into its .ksyms section (in place)
            and, with --map, write every symbol to <System.map> in Linux's format";

/// A parsed command line.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    /// Print the usage and succeed.
    Help,
    /// `mkimage symbols <elf> [--map <path>]`.
    Symbols { elf: String, map: Option<String> },
}

/// Parses the arguments after the program name; Err is a usage error.
fn parse_args(args: Vec<OsString>) -> Result<Command, String> {
    let args = args
        .into_iter()
        .map(|arg| {
            arg.into_string()
                .map_err(|arg| format!("argument {arg:?} is not UTF-8"))
        })
        .collect::<Result<Vec<String>, String>>()?;
    let mut args = args.into_iter();
    match args.next().as_deref() {
        None => Err("missing subcommand".to_string()),
        Some("-h" | "--help" | "help") => Ok(Command::Help),
        Some("symbols") => {
            let (mut elf, mut map) = (None, None);
            while let Some(arg) = args.next() {
                let map_path = if arg == "--map" {
                    Some(args.next().ok_or("--map needs a path")?)
                } else {
                    arg.strip_prefix("--map=").map(str::to_string)
                };
                if let Some(path) = map_path {
                    if map.replace(path).is_some() {
                        return Err("--map given twice".to_string());
                    }
                } else if arg == "-h" || arg == "--help" {
                    return Ok(Command::Help);
                } else if arg.starts_with('-') {
                    return Err(format!("unknown option {arg}"));
                } else if elf.replace(arg).is_some() {
                    return Err("more than one kernel ELF given".to_string());
                }
            }
            let elf = elf.ok_or("missing <kernel.elf>")?;
            Ok(Command::Symbols { elf, map })
        }
        Some(other) => Err(format!("unknown subcommand {other}")),
    }
}

/// Runs `symbols`: every check comes before the first write, so a failure changes no file.
fn run_symbols(elf_path: &str, map_path: Option<&str>) -> Result<String, String> {
    let data = std::fs::read(elf_path).map_err(|e| format!("{elf_path}: cannot read: {e}"))?;
    let symbols = elf::read_symbols(&data, elf_path)?;
    let section = elf::find_ksyms(&data, elf_path)?;
    let embedded = embed::build(&symbols, section.len_bytes)?;
    let mut summary = format!(
        "mkimage: {} text symbols in {}: {} of {} bytes used",
        embedded.symbol_count,
        elf::KSYMS_SECTION,
        embedded.used_bytes,
        section.len_bytes
    );
    if let Some(map_path) = map_path {
        std::fs::write(map_path, map::format(&symbols))
            .map_err(|e| format!("{map_path}: cannot write: {e}"))?;
        summary.push_str(&format!("; {} symbols in {map_path}", symbols.len()));
    }
    embed::patch_file(elf_path, section, &embedded.section_bytes)?;
    Ok(summary)
}

fn main() -> ExitCode {
    let command = match parse_args(std::env::args_os().skip(1).collect()) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("mkimage: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match command {
        Command::Help => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Command::Symbols { elf, map } => match run_symbols(&elf, map.as_deref()) {
            Ok(summary) => {
                println!("{summary}");
                ExitCode::SUCCESS
            }
            Err(message) => {
                eprintln!("mkimage: error: {message}");
                ExitCode::FAILURE
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        parse_args(args.iter().map(OsString::from).collect())
    }

    fn symbols(elf: &str, map: Option<&str>) -> Command {
        Command::Symbols {
            elf: elf.to_string(),
            map: map.map(str::to_string),
        }
    }

    #[test]
    fn accepts_the_documented_forms() {
        let expected = symbols("k.elf", Some("System.map"));
        assert_eq!(
            parse(&["symbols", "k.elf", "--map", "System.map"]),
            Ok(expected)
        );
        let expected = symbols("k.elf", Some("System.map"));
        assert_eq!(
            parse(&["symbols", "--map=System.map", "k.elf"]),
            Ok(expected)
        );
        assert_eq!(parse(&["symbols", "k.elf"]), Ok(symbols("k.elf", None)));
        assert_eq!(parse(&["--help"]), Ok(Command::Help));
        assert_eq!(parse(&["symbols", "-h"]), Ok(Command::Help));
    }

    #[test]
    fn rejects_malformed_command_lines() {
        for args in [
            &[][..],
            &["build"],
            &["symbols"],
            &["symbols", "k.elf", "--map"],
            &["symbols", "k.elf", "--map", "a", "--map", "b"],
            &["symbols", "a.elf", "b.elf"],
            &["symbols", "k.elf", "--verbose"],
        ] {
            assert!(parse(args).is_err(), "{args:?} should be a usage error");
        }
    }

    #[test]
    fn a_missing_file_is_a_failure_naming_it() {
        let err = run_symbols("/nonexistent/kernel.elf", None).expect_err("missing file");
        assert!(
            err.starts_with("/nonexistent/kernel.elf: cannot read"),
            "{err}"
        );
    }
}
