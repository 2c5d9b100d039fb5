//! `Qemu`: one QEMU process running a mica image, its serial console captured and scriptable.

use std::ffi::OsString;
use std::fmt;
use std::io::{self, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use crate::failure::{Failure, FailureKind};
use crate::matcher::{self, Match};
use crate::stream::Stream;

/// The emulator binary, looked up on `PATH`.
pub const QEMU_PROGRAM: &str = "qemu-system-aarch64";

/// How long to wait for the console pipe to drain, or the process to be reaped,
/// once QEMU is known to be exiting.
const EXIT_GRACE: Duration = Duration::from_secs(2);

/// How often [`Qemu::wait_exit`] polls for the process to end.
const EXIT_POLL: Duration = Duration::from_millis(10);

/// How to start QEMU. `BootOptions::default()` is a plain boot: no semihosting,
/// no `-icount`, no extra arguments, console input sent at full speed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BootOptions {
    /// Pass `-semihosting`, so the guest can end QEMU with an exit status of its choice.
    pub semihosting: bool,
    /// Pass `-icount shift=N`: a deterministic virtual clock of 2^N ns per instruction.
    pub icount_shift: Option<u32>,
    /// Further QEMU arguments, appended after all others.
    pub extra_args: Vec<String>,
    /// Pause after each byte [`Qemu::send`] writes. Zero sends the text at once.
    ///
    /// A byte that reaches the UART before the guest has set it up (or while the
    /// guest resets its FIFO) is lost; when a test types before a prompt guarantees
    /// the driver is ready, a delay of about a millisecond per byte avoids that.
    pub send_byte_delay: Duration,
    /// Put the console on QEMU's second serial port (the mini UART) and send
    /// the first (the PL011, the kernel's console) to nowhere.
    pub second_serial: bool,
    /// The console's QEMU backend instead of stdio, as `-serial` takes it (e.g.
    /// `unix:/tmp/mica.sock,server=on,wait=off`); the output `expect*` reads is
    /// then whatever else QEMU prints. `None` keeps stdio.
    pub serial: Option<String>,
}

impl BootOptions {
    /// The QEMU arguments (after the program name) that boot `image` with these options.
    pub fn qemu_args(&self, image: &Path) -> Vec<OsString> {
        let console = self.serial.as_deref().unwrap_or("stdio");
        let serials: &[&str] = if self.second_serial {
            &["-serial", "null", "-serial", console]
        } else {
            &["-serial", console]
        };
        let mut args: Vec<OsString> = ["-M", "raspi3b", "-display", "none", "-monitor", "none"]
            .iter()
            .chain(serials)
            .map(OsString::from)
            .collect();
        if self.semihosting {
            args.push("-semihosting".into());
        }
        if let Some(shift) = self.icount_shift {
            args.push("-icount".into());
            args.push(format!("shift={shift}").into());
        }
        args.push("-kernel".into());
        args.push(image.as_os_str().to_owned());
        args.extend(self.extra_args.iter().map(OsString::from));
        args
    }
}

/// A running QEMU whose serial console the test reads with `expect*` and types into
/// with [`send`](Qemu::send). Dropping it kills QEMU (also when a test panics).
pub struct Qemu {
    child: Child,
    /// QEMU's console input; `None` once closed.
    stdin: Option<ChildStdin>,
    stdout: Arc<Stream>,
    stderr: Arc<Stream>,
    /// Offset into the console output where the next `expect*` starts searching.
    /// Invariant: at most the number of bytes received so far (output only grows).
    read_pos: usize,
    send_byte_delay: Duration,
}

impl Qemu {
    /// Boots `image` in `qemu-system-aarch64 -M raspi3b` with the console on stdio.
    ///
    /// Fails with `NotFound` and a message saying what to do if the image or
    /// `qemu-system-aarch64` is missing.
    pub fn boot(image: &Path, opts: BootOptions) -> io::Result<Qemu> {
        Qemu::boot_with(QEMU_PROGRAM, image, &opts)
    }

    /// [`Qemu::boot`] with another emulator binary, so the missing-binary path is testable.
    pub(crate) fn boot_with(program: &str, image: &Path, opts: &BootOptions) -> io::Result<Qemu> {
        if !image.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("kernel image {} is missing", image.display()),
            ));
        }
        let mut command = Command::new(program);
        command.args(opts.qemu_args(image));
        // Shown with the test's output if it fails: the command to reproduce by hand.
        eprintln!(
            "systest: running {program} {}",
            shell_words(&opts.qemu_args(image))
        );
        Qemu::spawn(command, opts.send_byte_delay).map_err(|err| {
            if err.kind() == io::ErrorKind::NotFound {
                io::Error::new(
                    io::ErrorKind::NotFound,
                    format!(
                        "{program} not found on PATH: install QEMU's ARM system emulator \
                         (Debian/Ubuntu: `sudo apt-get install qemu-system-arm`)"
                    ),
                )
            } else {
                io::Error::new(err.kind(), format!("starting {program} failed: {err}"))
            }
        })
    }

    /// Runs any `command` in QEMU's place, driven the same way: `expect*` reads its
    /// stdout, [`stderr`](Qemu::stderr) holds its stderr, [`send`](Qemu::send)
    /// writes to its stdin, and dropping the handle kills it. For host tools that
    /// talk to a guest, such as micaload on QEMU's serial socket.
    pub fn run_command(command: Command) -> io::Result<Qemu> {
        let program = command.get_program().to_owned();
        let args: Vec<OsString> = command.get_args().map(OsString::from).collect();
        eprintln!(
            "systest: running {} {}",
            program.to_string_lossy(),
            shell_words(&args)
        );
        Qemu::spawn(command, Duration::ZERO).map_err(|err| {
            io::Error::new(
                err.kind(),
                format!("starting {} failed: {err}", program.to_string_lossy()),
            )
        })
    }

    /// Starts any `command` as the "QEMU": stdio piped and captured. The harness's
    /// own tests use this with a shell script standing in for the emulator.
    pub(crate) fn spawn(mut command: Command, send_byte_delay: Duration) -> io::Result<Qemu> {
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn()?;
        let stdin = child.stdin.take();
        let stdout_pipe = child.stdout.take();
        let stderr_pipe = child.stderr.take();
        // From here on `Drop` owns the child, so any early return below still kills it.
        let qemu = Qemu {
            child,
            stdin,
            stdout: Arc::default(),
            stderr: Arc::default(),
            read_pos: 0,
            send_byte_delay,
        };
        let missing = || io::Error::other("child process has no piped stdout/stderr");
        qemu.stdout
            .pump("qemu-stdout", stdout_pipe.ok_or_else(missing)?)?;
        qemu.stderr
            .pump("qemu-stderr", stderr_pipe.ok_or_else(missing)?)?;
        Ok(qemu)
    }

    /// Waits until `needle` appears after the read position; returns the text from the
    /// read position up to and including it, and moves the read position past it.
    pub fn expect(&mut self, needle: &str, timeout: Duration) -> Result<String, Failure> {
        self.wait_for(format!("`{needle}`"), timeout, |buf, pos, _| {
            matcher::match_needle(buf, pos, needle)
        })
    }

    /// Waits until a complete line containing `needle` appears after the read position;
    /// returns that whole line (timestamp included, line ending removed).
    ///
    /// The read position moves just past the needle, not to the end of the line, so a
    /// following expectation may still match later on the same line.
    pub fn expect_line(&mut self, needle: &str, timeout: Duration) -> Result<String, Failure> {
        self.wait_for(
            format!("a line containing `{needle}`"),
            timeout,
            |buf, pos, closed| matcher::match_line(buf, pos, needle, closed),
        )
    }

    /// Waits for whichever of `needles` appears first after the read position; returns
    /// its index in `needles` and the text up to and including it.
    pub fn expect_any(
        &mut self,
        needles: &[&str],
        timeout: Duration,
    ) -> Result<(usize, String), Failure> {
        self.wait_for(format!("one of {needles:?}"), timeout, |buf, pos, _| {
            matcher::match_any(buf, pos, needles)
        })
    }

    /// Waits until `matcher(output, read_pos, closed)` matches, QEMU closes its console,
    /// or `timeout` passes.
    fn wait_for<T>(
        &mut self,
        expected: String,
        timeout: Duration,
        mut matcher: impl FnMut(&[u8], usize, bool) -> Option<Match<T>>,
    ) -> Result<T, Failure> {
        // A timeout too large for the clock means "wait as long as it takes".
        let deadline = Instant::now().checked_add(timeout);
        let stream = Arc::clone(&self.stdout);
        let mut output = stream.lock();
        loop {
            debug_assert!(self.read_pos <= output.bytes.len());
            if let Some(found) = matcher(&output.bytes, self.read_pos, output.closed) {
                debug_assert!(found.next_pos <= output.bytes.len());
                self.read_pos = found.next_pos;
                return Ok(found.value);
            }
            if output.closed {
                drop(output);
                let code = self.exit_code_within(EXIT_GRACE);
                // QEMU's last words (e.g. "could not load kernel") are on stderr.
                self.stderr.wait_closed(EXIT_GRACE);
                return Err(self.failure(FailureKind::Exited { expected, code }));
            }
            let remaining = match deadline {
                Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                    Some(remaining) if !remaining.is_zero() => remaining,
                    _ => {
                        drop(output);
                        let waited = timeout;
                        return Err(self.failure(FailureKind::Timeout { expected, waited }));
                    }
                },
                None => Duration::from_secs(3600),
            };
            output = stream.wait(output, remaining);
        }
    }

    /// Types `text` into the console (see [`BootOptions::send_byte_delay`]).
    pub fn send(&mut self, text: &str) -> Result<(), Failure> {
        let result = match self.stdin.as_mut() {
            None => Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "console input is closed",
            )),
            Some(stdin) if self.send_byte_delay.is_zero() => stdin
                .write_all(text.as_bytes())
                .and_then(|()| stdin.flush()),
            Some(stdin) => text.bytes().try_for_each(|byte| {
                stdin.write_all(&[byte])?;
                stdin.flush()?;
                thread::sleep(self.send_byte_delay);
                Ok(())
            }),
        };
        result.map_err(|err| {
            self.failure(FailureKind::Io(format!(
                "typing {text:?} into the console failed: {err}"
            )))
        })
    }

    /// Waits up to `timeout` for QEMU to exit; returns its exit status and the whole
    /// console transcript. Killed by a signal is a failure, as is the timeout.
    pub fn wait_exit(&mut self, timeout: Duration) -> Result<(i32, String), Failure> {
        let deadline = Instant::now().checked_add(timeout);
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) => {}
                Err(err) => {
                    let message = format!("waiting for QEMU failed: {err}");
                    return Err(self.failure(FailureKind::Io(message)));
                }
            }
            if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
                return Err(self.failure(FailureKind::Timeout {
                    expected: "QEMU to exit".into(),
                    waited: timeout,
                }));
            }
            thread::sleep(EXIT_POLL);
        };
        self.stdout.wait_closed(EXIT_GRACE);
        self.stderr.wait_closed(EXIT_GRACE);
        match status.code() {
            Some(code) => Ok((code, self.transcript())),
            None => Err(self.failure(FailureKind::Exited {
                expected: "an exit status".into(),
                code: None,
            })),
        }
    }

    /// Polls for up to `grace` for the process to end; its exit code if it did.
    fn exit_code_within(&mut self, grace: Duration) -> Option<i32> {
        let deadline = Instant::now() + grace;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return status.code(),
                Ok(None) if Instant::now() < deadline => thread::sleep(EXIT_POLL),
                _ => return None,
            }
        }
    }

    /// Everything QEMU has written to the console so far.
    pub fn transcript(&self) -> String {
        self.stdout.text()
    }

    /// Everything QEMU has written to its stderr so far (its own warnings and errors).
    pub fn stderr(&self) -> String {
        self.stderr.text()
    }

    /// The process id of QEMU.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// A [`Failure`] for a test's own check on the output, carrying the transcript.
    pub fn fail(&self, message: impl Into<String>) -> Failure {
        self.failure(FailureKind::Check(message.into()))
    }

    fn failure(&self, kind: FailureKind) -> Failure {
        Failure::new(kind, self.transcript(), self.stderr())
    }
}

impl fmt::Debug for Qemu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Qemu")
            .field("pid", &self.child.id())
            .field("read_pos", &self.read_pos)
            .finish_non_exhaustive()
    }
}

impl Drop for Qemu {
    fn drop(&mut self) {
        drop(self.stdin.take());
        if let Ok(None) = self.child.try_wait() {
            // Ignored: the only failure is that the process is already gone.
            let _ = self.child.kill();
        }
        // Reap it so no zombie is left; SIGKILL cannot be caught, so this returns promptly.
        let _ = self.child.wait();
    }
}

/// `args` joined for display, with arguments that contain blanks quoted.
fn shell_words(args: &[OsString]) -> String {
    args.iter()
        .map(|arg| {
            let arg = arg.to_string_lossy();
            if arg.contains(char::is_whitespace) {
                format!("'{arg}'")
            } else {
                arg.into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests;
