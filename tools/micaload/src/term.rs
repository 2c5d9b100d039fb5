//! `micaload term`: a serial terminal: the line to stdout, stdin to the line; on a tty raw mode, and Ctrl-] quits.

use std::io::{self, IsTerminal, Read, Write};
use std::sync::mpsc;
use std::thread;

use rustix::termios::{tcgetattr, tcsetattr, OptionalActions, Termios};

use crate::port::Port;

/// Ctrl-] (GS): quits the terminal, as in telnet.
pub const QUIT_BYTE: u8 = 0x1d;

/// Why the terminal ends.
enum End {
    /// The other side hung up (QEMU exited, the adapter was unplugged).
    Closed,
    /// The user typed Ctrl-].
    Quit,
    /// Reading or writing failed.
    Failed(String),
}

/// Stdin in raw mode (no echo, no line editing, no signals) until dropped.
struct RawMode {
    stdin: io::Stdin,
    saved: Termios,
}

impl RawMode {
    fn enter() -> io::Result<RawMode> {
        let stdin = io::stdin();
        let saved = tcgetattr(&stdin)?;
        let mut raw = saved.clone();
        raw.make_raw();
        tcsetattr(&stdin, OptionalActions::Now, &raw)?;
        Ok(RawMode { stdin, saved })
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // Nothing more can be done if the terminal is gone.
        let _ = tcsetattr(&self.stdin, OptionalActions::Now, &self.saved);
    }
}

/// What of `input` goes to the line, and whether it asks to quit (a tty's Ctrl-]
/// ends the input there; from a pipe every byte is data).
pub fn split_input(input: &[u8], tty: bool) -> (&[u8], bool) {
    match input.iter().position(|&b| b == QUIT_BYTE).filter(|_| tty) {
        Some(at) => (&input[..at], true),
        None => (input, false),
    }
}

/// Runs the terminal on `port` until Ctrl-] (on a tty) or the line closes.
///
/// When stdin is not a tty its bytes are sent as they come; at its end the
/// output keeps coming until the line closes (or micaload is killed).
pub fn run(port: Port) -> Result<(), String> {
    let name = port.name().to_owned();
    let tty = io::stdin().is_terminal();
    let mut reader = port.try_clone().map_err(|e| format!("{name}: {e}"))?;
    let mut writer = port;
    reader.set_read_timeout(None);
    writer.set_write_timeout(None);
    if tty {
        eprintln!("micaload: terminal on {name}; Ctrl-] quits");
    }
    let raw = if tty {
        Some(RawMode::enter().map_err(|e| format!("cannot put the terminal in raw mode: {e}"))?)
    } else {
        None
    };
    let (done, ended) = mpsc::channel();
    let output_done = done.clone();
    thread::spawn(move || {
        let end = copy_output(&mut reader, &mut io::stdout());
        let _ = output_done.send(end);
    });
    thread::spawn(move || {
        if let Some(end) = copy_input(&mut io::stdin(), &mut writer, tty) {
            let _ = done.send(end);
        }
    });
    // Both senders live in the threads; if both vanished the line is as good as closed.
    let end = ended.recv().unwrap_or(End::Closed);
    drop(raw);
    match end {
        End::Closed => {
            eprintln!("micaload: {name} closed");
            Ok(())
        }
        End::Quit => Ok(()),
        End::Failed(err) => Err(format!("{name}: {err}")),
    }
}

/// Line to `out` until the line closes or fails.
fn copy_output(port: &mut Port, out: &mut impl Write) -> End {
    let mut buf = [0u8; 4096];
    loop {
        match port.read(&mut buf) {
            Ok(0) => return End::Closed,
            Ok(n) => {
                if let Err(err) = out.write_all(&buf[..n]).and_then(|()| out.flush()) {
                    return End::Failed(format!("writing to stdout: {err}"));
                }
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return End::Failed(err.to_string()),
        }
    }
}

/// `input` to the line until Ctrl-] (an end) or the input's end (no end: the output goes on).
fn copy_input(input: &mut impl Read, port: &mut Port, tty: bool) -> Option<End> {
    let mut buf = [0u8; 1024];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => return None,
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Some(End::Failed(format!("reading stdin: {err}"))),
        };
        let (data, quit) = split_input(&buf[..n], tty);
        if let Err(err) = port.write_all(data) {
            return Some(End::Failed(err.to_string()));
        }
        if quit {
            return Some(End::Quit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctrl_close_bracket_quits_only_on_a_tty() {
        assert_eq!(split_input(b"ls\r", true), (&b"ls\r"[..], false));
        assert_eq!(split_input(b"ab\x1dcd", true), (&b"ab"[..], true));
        assert_eq!(split_input(b"\x1d", true), (&b""[..], true));
        assert_eq!(split_input(b"ab\x1dcd", false), (&b"ab\x1dcd"[..], false));
    }
}
