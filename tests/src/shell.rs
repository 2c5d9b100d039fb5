//! `Shell`: a booted mica whose shell prompt a test types commands into, one transcript per command.

use std::time::Duration;

use crate::failure::Failure;
use crate::qemu::{BootOptions, Qemu};

/// What the shell prints before each line it reads.
pub const PROMPT: &str = "mica> ";

/// Boot to the first prompt takes about a second; this leaves room for a loaded machine.
const BOOT_TIMEOUT: Duration = Duration::from_secs(30);

/// A mica booted to its shell.
pub struct Shell {
    /// The QEMU underneath (for raw expectations and the exit status).
    pub qemu: Qemu,
    /// How long one command may take before the test fails.
    pub timeout: Duration,
}

impl Shell {
    /// Boots `image` and waits for the first prompt.
    pub fn boot(image: &std::path::Path, opts: BootOptions) -> Result<Shell, Failure> {
        let qemu = Qemu::boot(image, opts)?;
        let mut shell = Shell {
            qemu,
            timeout: Duration::from_secs(30),
        };
        shell.qemu.expect("type 'help'", BOOT_TIMEOUT)?;
        shell.qemu.expect(PROMPT, BOOT_TIMEOUT)?;
        Ok(shell)
    }

    /// Types `line` and Enter; returns what the command printed (carriage
    /// returns removed), up to the next prompt.
    pub fn run(&mut self, line: &str) -> Result<String, Failure> {
        self.qemu.send(&format!("{line}\r"))?;
        // The shell echoes the line and ends it with CR LF before running it.
        self.qemu.expect(&format!("{line}\r\n"), self.timeout)?;
        let out = self.qemu.expect(PROMPT, self.timeout)?;
        let out = out.strip_suffix(PROMPT).unwrap_or(&out);
        Ok(out.replace('\r', ""))
    }

    /// Runs `line` and fails unless its output contains every one of `needles`.
    pub fn check(&mut self, line: &str, needles: &[&str]) -> Result<String, Failure> {
        let out = self.run(line)?;
        for n in needles {
            if !out.contains(n) {
                return Err(self
                    .qemu
                    .fail(format!("`{line}` printed {out:?}, without {n:?}")));
            }
        }
        Ok(out)
    }

    /// A failure naming the command and what was wrong.
    pub fn fail(&self, message: impl Into<String>) -> Failure {
        self.qemu.fail(message)
    }
}
