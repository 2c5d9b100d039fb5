//! mkimage: host build steps: embeds the kernel symbol table (and writes System.map), writes modules.dep, the boot archive and the SD-card disk image.

mod cpio;
mod depmod;
mod disk;
mod elf;
mod embed;
mod map;
mod pack;
#[cfg(test)]
#[path = "../tests/common/mod.rs"]
mod testelf;

use std::ffi::OsString;
use std::process::ExitCode;

const USAGE: &str = "\
usage: mkimage symbols <kernel.elf> [--map <System.map>]
       mkimage cpio <out.cpio> <name>=<path> ...
       mkimage depmod <out.dep> <program> ...
       mkimage pack <kernel.elf> <kernel.bin> <archive.cpio> <out.img>
       mkimage disk <out.img> <part.img>

  symbols   encode the text symbols of <kernel.elf> into its .ksyms section (in place)
            and, with --map, write every symbol to <System.map> in Linux's format
  cpio      write the boot archive <out.cpio> (cpio newc): each <path> becomes the
            regular file <name> (mode 0755, mtime 0), in the order given
  depmod    write <out.dep> (modules.dep: `NAME: DEPS` per line) from the .modinfo
            sections of the programs; programs without one are skipped with a note,
            a dependency on a module not among them is an error
  pack      write the bootable <out.img>: the flat <kernel.bin> (llvm-objcopy -O binary of
            <kernel.elf>), zeros up to __kernel_end, then the boot archive
  disk      write the SD-card image <out.img>: an MBR whose one partition (type 0x0C,
            FAT32 with LBA) starts at 1 MiB and holds <part.img>, a FAT32 file system
            of 512-byte sectors (mkfs.vfat -F 32 -h 2048)";

/// A parsed command line.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    /// Print the usage and succeed.
    Help,
    /// `mkimage symbols <elf> [--map <path>]`.
    Symbols { elf: String, map: Option<String> },
    /// `mkimage cpio <out> <name>=<path> ...`: (name, path) pairs in order.
    Cpio {
        out: String,
        members: Vec<(String, String)>,
    },
    /// `mkimage depmod <out> <program> ...`.
    Depmod { out: String, programs: Vec<String> },
    /// `mkimage pack <elf> <flat> <archive> <out>`.
    Pack { paths: [String; 4] },
    /// `mkimage disk <out> <part>`.
    Disk { out: String, part: String },
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
        Some("cpio") => {
            let args: Vec<String> = args.collect();
            if args.iter().any(|arg| arg == "-h" || arg == "--help") {
                return Ok(Command::Help);
            }
            let (out, specs) = args.split_first().ok_or("missing <out.cpio>")?;
            if out.starts_with('-') {
                return Err(format!("unknown option {out}"));
            }
            let members = specs
                .iter()
                .map(|spec| cpio::parse_spec(spec))
                .collect::<Result<Vec<_>, String>>()?;
            Ok(Command::Cpio {
                out: out.clone(),
                members,
            })
        }
        Some("depmod") => {
            let args: Vec<String> = args.collect();
            if args.iter().any(|arg| arg == "-h" || arg == "--help") {
                return Ok(Command::Help);
            }
            let (out, programs) = args.split_first().ok_or("missing <out.dep>")?;
            if let Some(option) = args.iter().find(|arg| arg.starts_with('-')) {
                return Err(format!("unknown option {option}"));
            }
            Ok(Command::Depmod {
                out: out.clone(),
                programs: programs.to_vec(),
            })
        }
        Some("pack") => {
            let args: Vec<String> = args.collect();
            match <[String; 4]>::try_from(args) {
                Ok(paths) => Ok(Command::Pack { paths }),
                Err(_) => {
                    Err("pack takes <kernel.elf> <kernel.bin> <archive.cpio> <out.img>".to_string())
                }
            }
        }
        Some("disk") => Ok(match disk::parse_args(args.collect())? {
            Some([out, part]) => Command::Disk { out, part },
            None => Command::Help,
        }),
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

/// Runs `cpio`: reads every input first, so a missing file writes nothing.
fn run_cpio(out: &str, members: &[(String, String)]) -> Result<String, String> {
    let members = members
        .iter()
        .map(|(name, path)| {
            let data = std::fs::read(path).map_err(|e| format!("{path}: cannot read: {e}"))?;
            Ok(cpio::Member {
                name: name.clone(),
                data,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let archive = cpio::write(&members)?;
    std::fs::write(out, &archive).map_err(|e| format!("{out}: cannot write: {e}"))?;
    Ok(format!(
        "mkimage: {} files in {out} ({} bytes)",
        members.len(),
        archive.len()
    ))
}

/// Runs `depmod`: reads every program first, so a failure writes nothing.
fn run_depmod(out: &str, programs: &[String]) -> Result<String, String> {
    let inputs = programs
        .iter()
        .map(|path| {
            let data = std::fs::read(path).map_err(|e| format!("{path}: cannot read: {e}"))?;
            Ok((path.clone(), data))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let result = depmod::depmod(&inputs)?;
    std::fs::write(out, &result.text).map_err(|e| format!("{out}: cannot write: {e}"))?;
    let mut summary: String = result
        .notes
        .iter()
        .map(|note| format!("mkimage: note: {note}\n"))
        .collect();
    summary.push_str(&format!(
        "mkimage: {} modules in {out}: {}",
        result.modules.len(),
        result.modules.join(" ")
    ));
    Ok(summary)
}

/// Runs `pack`: the archive goes where the kernel's BSS ends.
fn run_pack([elf_path, flat_path, archive_path, out]: &[String; 4]) -> Result<String, String> {
    let read = |p: &str| std::fs::read(p).map_err(|e| format!("{p}: cannot read: {e}"));
    let symbols = elf::read_symbols(&read(elf_path)?, elf_path)?;
    let span = pack::kernel_span(&symbols, elf_path)?;
    let archive = read(archive_path)?;
    let image = pack::pack(&read(flat_path)?, span, &archive)?;
    std::fs::write(out, &image).map_err(|e| format!("{out}: cannot write: {e}"))?;
    Ok(format!(
        "mkimage: {out}: {} bytes (kernel {span}, boot archive {})",
        image.len(),
        archive.len()
    ))
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
        Command::Symbols { elf, map } => report(run_symbols(&elf, map.as_deref())),
        Command::Cpio { out, members } => report(run_cpio(&out, &members)),
        Command::Depmod { out, programs } => report(run_depmod(&out, &programs)),
        Command::Pack { paths } => report(run_pack(&paths)),
        Command::Disk { out, part } => report(disk::run(&out, &part)),
    }
}

/// Prints a command's summary or error and turns it into the exit status.
fn report(result: Result<String, String>) -> ExitCode {
    match result {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("mkimage: error: {message}");
            ExitCode::FAILURE
        }
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
    fn parses_the_cpio_subcommand() {
        let pair = |name: &str, path: &str| (name.to_string(), path.to_string());
        assert_eq!(
            parse(&["cpio", "boot.cpio", "init=build/init.elf", "hello=h"]),
            Ok(Command::Cpio {
                out: "boot.cpio".to_string(),
                members: vec![pair("init", "build/init.elf"), pair("hello", "h")],
            })
        );
        assert_eq!(
            parse(&["cpio", "empty.cpio"]),
            Ok(Command::Cpio {
                out: "empty.cpio".to_string(),
                members: vec![],
            })
        );
        assert_eq!(parse(&["cpio", "--help"]), Ok(Command::Help));
        for args in [
            &["cpio"][..],
            &["cpio", "--out", "x=y"],
            &["cpio", "out.cpio", "no-equals"],
            &["cpio", "out.cpio", "/abs=path"],
        ] {
            assert!(parse(args).is_err(), "{args:?} should be a usage error");
        }
    }

    #[test]
    fn parses_the_depmod_subcommand() {
        assert_eq!(
            parse(&["depmod", "modules.dep", "user/fs", "user/uart"]),
            Ok(Command::Depmod {
                out: "modules.dep".to_string(),
                programs: vec!["user/fs".to_string(), "user/uart".to_string()],
            })
        );
        assert_eq!(parse(&["depmod", "--help"]), Ok(Command::Help));
        assert!(parse(&["depmod"]).is_err());
        assert!(parse(&["depmod", "out.dep", "-v"]).is_err());
    }

    #[test]
    fn parses_the_disk_subcommand() {
        let disk = |out: &str, part: &str| Command::Disk {
            out: out.to_string(),
            part: part.to_string(),
        };
        assert_eq!(
            parse(&["disk", "sd.img", "p.img"]),
            Ok(disk("sd.img", "p.img"))
        );
        assert_eq!(parse(&["disk", "--help"]), Ok(Command::Help));
        assert!(parse(&["disk", "sd.img"]).is_err());
    }

    #[test]
    fn a_missing_depmod_input_writes_nothing() {
        let out = std::env::temp_dir().join(format!("mkimage-{}-missing.dep", std::process::id()));
        let out = out.to_str().expect("utf-8 temp path");
        let err = run_depmod(out, &["/nonexistent/fs".to_string()]).expect_err("missing input");
        assert!(err.starts_with("/nonexistent/fs: cannot read"), "{err}");
        assert!(!std::path::Path::new(out).exists());
    }

    #[test]
    fn a_missing_cpio_input_writes_nothing() {
        let out = std::env::temp_dir().join(format!("mkimage-{}-missing.cpio", std::process::id()));
        let out = out.to_str().expect("utf-8 temp path");
        let members = [("init".to_string(), "/nonexistent/init.elf".to_string())];
        let err = run_cpio(out, &members).expect_err("missing input");
        assert!(
            err.starts_with("/nonexistent/init.elf: cannot read"),
            "{err}"
        );
        assert!(!std::path::Path::new(out).exists());
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
