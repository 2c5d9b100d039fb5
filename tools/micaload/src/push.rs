//! `micaload push`: copies a local file into a running mica's file server over the console, checked by CRC-32.
//!
//! The shell's `recv PATH SIZE CRC32` command is the other side: it answers
//! `recv: ready`, then `.` after each stored chunk of [`CHUNK_BYTES`] (or `!`
//! and the reason), and at the end `ok` or `mismatch` (then it removes the
//! file). A mismatch is sent again, up to [`ATTEMPTS`] times.

use std::io::{self, Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::boot::progress_bar;
use crate::port::Port;

/// Bytes per acknowledged chunk: the shell's `recv` reads this many before it answers.
pub const CHUNK_BYTES: usize = 512;
/// How often a file is sent before giving up.
const ATTEMPTS: u32 = 3;
/// What the shell prints before each line it reads.
const PROMPT: &[u8] = b"mica> ";
/// How long the shell may take to answer anything.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(15);

/// Copies the file `local` to the path `remote` on the mica running on `port`.
pub fn run(port: &mut Port, local: &Path, remote: &str) -> Result<(), String> {
    let data = std::fs::read(local).map_err(|e| format!("{}: {e}", local.display()))?;
    if remote.is_empty() || remote.contains(char::is_whitespace) {
        return Err(format!(
            "remote path {remote:?}: give one path without spaces"
        ));
    }
    port.set_read_timeout(Some(Duration::from_millis(100)));
    let crc = chainload::proto::crc32(&data);
    for attempt in 1..=ATTEMPTS {
        match send_once(port, &data, remote, crc)? {
            Sent::Ok => {
                eprintln!(
                    "micaload: {} bytes to {remote}, crc32 {crc:08x} checked",
                    data.len()
                );
                return Ok(());
            }
            Sent::Mismatch(line) if attempt < ATTEMPTS => {
                eprintln!(
                    "micaload: {line}; sending again ({}/{ATTEMPTS})",
                    attempt + 1
                );
            }
            Sent::Mismatch(line) => {
                return Err(format!("gave up after {ATTEMPTS} attempts: {line}"))
            }
        }
    }
    unreachable!("the last attempt returns")
}

enum Sent {
    Ok,
    Mismatch(String),
}

/// One attempt: get a prompt, start `recv`, stream the chunks, read the verdict.
fn send_once(port: &mut Port, data: &[u8], remote: &str, crc: u32) -> Result<Sent, String> {
    // Ctrl-U drops anything half typed; the Enter brings a fresh prompt.
    write_all(port, b"\x15\r")?;
    read_until(port, PROMPT)?;
    write_all(
        port,
        format!("recv {remote} {} {crc:08x}\r", data.len()).as_bytes(),
    )?;
    let answer = read_until_any(port, &[b"recv: ready", PROMPT])?;
    if !answer.ends_with(b"recv: ready") {
        let said = &answer[..answer.len() - PROMPT.len()];
        return Err(format!("the shell refused: {}", last_line(said)));
    }
    let started = Instant::now();
    for (i, chunk) in data.chunks(CHUNK_BYTES).enumerate() {
        write_all(port, chunk)?;
        let ack = read_until_any(port, &[b".", b"!"])?;
        if ack.ends_with(b"!") {
            let why = read_until(port, b"\n")?;
            return Err(format!(
                "the file server refused: {}",
                String::from_utf8_lossy(&why).trim()
            ));
        }
        let done = (i * CHUNK_BYTES + chunk.len()).min(data.len());
        eprint!("\r{}", progress_bar(done, data.len().max(1)));
    }
    eprintln!(" in {:.1} s", started.elapsed().as_secs_f64());
    let verdict = read_until(port, PROMPT)?;
    let line = last_line(&verdict[..verdict.len() - PROMPT.len()]);
    if line.contains("ok") && line.contains(&format!("{crc:08x}")) {
        Ok(Sent::Ok)
    } else if line.contains("mismatch") {
        Ok(Sent::Mismatch(line))
    } else {
        Err(format!("the shell said: {line}"))
    }
}

fn write_all(port: &mut Port, bytes: &[u8]) -> Result<(), String> {
    port.write_all(bytes)
        .and_then(|()| port.flush())
        .map_err(|e| format!("{}: {e}", port.name()))
}

fn read_until(port: &mut Port, needle: &[u8]) -> Result<Vec<u8>, String> {
    read_until_any(port, &[needle])
}

/// Reads until the text ends with one of `needles`; returns all of it.
fn read_until_any(port: &mut Port, needles: &[&[u8]]) -> Result<Vec<u8>, String> {
    let deadline = Instant::now() + ANSWER_TIMEOUT;
    let mut got = Vec::new();
    let mut byte = [0u8; 1];
    while Instant::now() < deadline {
        match port.read(&mut byte) {
            Ok(0) => return Err(format!("{}: closed", port.name())),
            Ok(_) => {
                got.push(byte[0]);
                if needles.iter().any(|n| got.ends_with(n)) {
                    return Ok(got);
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(e) => return Err(format!("{}: {e}", port.name())),
        }
    }
    let wanted: Vec<String> = needles
        .iter()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect();
    Err(format!(
        "no {wanted:?} from mica within {} s (last: {:?})",
        ANSWER_TIMEOUT.as_secs(),
        last_line(&got)
    ))
}

/// The last non-empty line of `bytes`, without CR/LF.
fn last_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or("")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::last_line;

    #[test]
    fn last_line_skips_blank_lines_and_carriage_returns() {
        assert_eq!(last_line(b"a\r\nrecv: bad size\r\n\r\n"), "recv: bad size");
        assert_eq!(last_line(b""), "");
    }
}
