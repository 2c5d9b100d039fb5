//! micaload: sends a kernel to mica's UART chainloader, then is a serial terminal (see docs/chainload.md).
//!
//! Commands, each on a `Port` opened from DEVICE (`port::Port::open`):
//!
//! - `boot`: `boot::send_image`, then `term::run`;
//! - `term`: `term::run`;
//! - `push`: `push::run(&mut port, local, remote) -> Result<(), String>` with the
//!   port as opened (no timeouts set; set them with `Port::set_read_timeout` /
//!   `set_write_timeout`). It runs against a booted mica, not the loader, and
//!   micaload exits after it: `Ok` with status 0, `Err(message)` prints
//!   `micaload: message` and exits with status 1.

mod boot;
mod port;
mod push;
mod term;

use std::path::Path;
use std::process::ExitCode;

use boot::BootOptions;
use port::Port;

/// The image `boot` sends when none is named (as `make` leaves it).
const DEFAULT_IMAGE: &str = "build/kernel8.img";

const USAGE: &str = "\
usage: micaload boot [--corrupt N] DEVICE [IMAGE]
       micaload term DEVICE
       micaload push DEVICE LOCAL REMOTE

Talks to mica's UART chainloader (build/chainload.img, installed as kernel8.img
on the SD card) and to the system it boots. See docs/chainload.md.

commands:
  boot   wait for the loader, send IMAGE (default build/kernel8.img) with a
         progress bar, retry up to 3 times on a bad CRC or a timeout, then
         be a terminal on DEVICE
  term   be a terminal on DEVICE: its output to stdout, stdin to it. On a
         terminal, keys go through raw and Ctrl-] quits; from a pipe, input
         is sent as it comes and output shown until DEVICE closes
  push   copy the file LOCAL to REMOTE on a running mica

DEVICE is a serial device (e.g. /dev/ttyUSB0; set to raw 115200 8N1) or
unix:PATH, a Unix socket such as QEMU's -serial unix:PATH,server=on,wait=off.

options:
  --corrupt N  test hook: flip one bit of image byte N in the first attempt,
               so the loader must refuse it (bad CRC) and micaload send again
  -h, --help   show this help";

/// A parsed command line.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Help,
    Boot {
        device: String,
        image: String,
        corrupt_byte: Option<usize>,
    },
    Term {
        device: String,
    },
    Push {
        device: String,
        local: String,
        remote: String,
    },
}

/// Parses the arguments after the program name.
fn parse(args: &[String]) -> Result<Command, String> {
    if args.iter().any(|a| a == "-h" || a == "--help") || args.first().is_some_and(|a| a == "help")
    {
        return Ok(Command::Help);
    }
    let mut positional = Vec::new();
    let mut corrupt_byte = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if arg == "--corrupt" {
            let value = rest.next().ok_or("--corrupt needs a byte offset")?;
            let at = value
                .parse()
                .map_err(|_| format!("--corrupt {value}: not a byte offset"))?;
            corrupt_byte = Some(at);
        } else if arg.starts_with("--") {
            return Err(format!("unknown option {arg}"));
        } else {
            positional.push(arg.clone());
        }
    }
    let command = match positional.as_slice() {
        [] => return Err("no command".into()),
        [cmd, device] if cmd == "boot" => Command::Boot {
            device: device.clone(),
            image: DEFAULT_IMAGE.into(),
            corrupt_byte,
        },
        [cmd, device, image] if cmd == "boot" => Command::Boot {
            device: device.clone(),
            image: image.clone(),
            corrupt_byte,
        },
        [cmd, device] if cmd == "term" => Command::Term {
            device: device.clone(),
        },
        [cmd, device, local, remote] if cmd == "push" => Command::Push {
            device: device.clone(),
            local: local.clone(),
            remote: remote.clone(),
        },
        [cmd, ..] if ["boot", "term", "push"].contains(&cmd.as_str()) => {
            return Err(format!("wrong arguments for {cmd}"))
        }
        [cmd, ..] => return Err(format!("unknown command {cmd}")),
    };
    if corrupt_byte.is_some() && !matches!(command, Command::Boot { .. }) {
        return Err("--corrupt applies to boot only".into());
    }
    Ok(command)
}

fn run(command: Command) -> Result<(), String> {
    let open = |device: &str| Port::open(device).map_err(|e| e.to_string());
    match command {
        Command::Help => {
            println!("{USAGE}");
            Ok(())
        }
        Command::Boot {
            device,
            image,
            corrupt_byte,
        } => {
            let bytes = std::fs::read(&image).map_err(|e| format!("{image}: {e}"))?;
            let mut port = open(&device)?;
            let opts = BootOptions {
                corrupt_byte,
                ..BootOptions::default()
            };
            boot::send_image(
                &mut port,
                &bytes,
                &opts,
                &mut std::io::stdout(),
                &mut std::io::stderr(),
            )?;
            term::run(port)
        }
        Command::Term { device } => term::run(open(&device)?),
        Command::Push {
            device,
            local,
            remote,
        } => push::run(&mut open(&device)?, Path::new(&local), &remote),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = parse(&args)
        .map_err(|e| format!("{e}\n{USAGE}"))
        .and_then(run);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("micaload: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn commands_parse_with_defaults_and_options() {
        assert_eq!(
            parse(&args("boot /dev/ttyUSB0")),
            Ok(Command::Boot {
                device: "/dev/ttyUSB0".into(),
                image: DEFAULT_IMAGE.into(),
                corrupt_byte: None
            })
        );
        assert_eq!(
            parse(&args("boot --corrupt 1000 unix:/tmp/s k.img")),
            Ok(Command::Boot {
                device: "unix:/tmp/s".into(),
                image: "k.img".into(),
                corrupt_byte: Some(1000)
            })
        );
        assert_eq!(
            parse(&args("term unix:/tmp/s")),
            Ok(Command::Term {
                device: "unix:/tmp/s".into()
            })
        );
        assert_eq!(
            parse(&args("push /dev/ttyAMA0 a.txt /tmp/a.txt")),
            Ok(Command::Push {
                device: "/dev/ttyAMA0".into(),
                local: "a.txt".into(),
                remote: "/tmp/a.txt".into()
            })
        );
        assert_eq!(parse(&args("term x --help")), Ok(Command::Help));
        assert_eq!(parse(&args("help")), Ok(Command::Help));
    }

    #[test]
    fn bad_command_lines_say_what_is_wrong() {
        assert_eq!(parse(&[]), Err("no command".into()));
        assert_eq!(parse(&args("flash x")), Err("unknown command flash".into()));
        assert_eq!(parse(&args("term")), Err("wrong arguments for term".into()));
        assert_eq!(
            parse(&args("boot a b c")),
            Err("wrong arguments for boot".into())
        );
        assert_eq!(
            parse(&args("boot --corrupt")),
            Err("--corrupt needs a byte offset".into())
        );
        assert_eq!(
            parse(&args("boot --corrupt x dev")),
            Err("--corrupt x: not a byte offset".into())
        );
        assert_eq!(
            parse(&args("boot --fast dev")),
            Err("unknown option --fast".into())
        );
        assert_eq!(
            parse(&args("term --corrupt 3 dev")),
            Err("--corrupt applies to boot only".into())
        );
    }

    #[test]
    fn usage_documents_every_command_and_the_test_hook() {
        for needle in [
            "micaload boot",
            "micaload term",
            "micaload push",
            "--corrupt N",
            "test hook",
            "Ctrl-]",
            "unix:PATH",
        ] {
            assert!(USAGE.contains(needle), "{needle}");
        }
    }
}
