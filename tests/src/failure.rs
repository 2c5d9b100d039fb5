//! `Failure`: why a console check failed, carrying the whole transcript to print.

use std::fmt;
use std::io;
use std::time::Duration;

/// What went wrong in a console check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureKind {
    /// `expected` did not appear within `waited`.
    Timeout {
        /// What the harness was waiting for, in words.
        expected: String,
        /// How long it waited.
        waited: Duration,
    },
    /// QEMU exited (or closed its console) before `expected` appeared.
    Exited {
        /// What the harness was waiting for, in words.
        expected: String,
        /// QEMU's exit status; `None` if it was killed by a signal or is unknown.
        code: Option<i32>,
    },
    /// The output arrived but a test's own check on it failed.
    Check(String),
    /// Starting QEMU or talking to it failed.
    Io(String),
}

/// A failed console check: the reason plus everything the console showed.
///
/// `Debug` prints the same text as `Display`, so a test returning
/// `Result<(), Failure>` shows the transcript verbatim when it fails.
#[derive(Clone, PartialEq, Eq)]
pub struct Failure {
    kind: FailureKind,
    transcript: String,
    stderr: String,
}

impl Failure {
    /// A failure of `kind` with the console `transcript` and QEMU's `stderr`.
    pub fn new(kind: FailureKind, transcript: String, stderr: String) -> Failure {
        Failure {
            kind,
            transcript,
            stderr,
        }
    }

    /// Why the check failed.
    pub fn kind(&self) -> &FailureKind {
        &self.kind
    }

    /// Everything QEMU wrote to the console (its stdout) up to the failure.
    pub fn transcript(&self) -> &str {
        &self.transcript
    }

    /// Everything QEMU wrote to its stderr up to the failure.
    pub fn stderr(&self) -> &str {
        &self.stderr
    }
}

impl From<io::Error> for Failure {
    fn from(err: io::Error) -> Failure {
        Failure::new(
            FailureKind::Io(err.to_string()),
            String::new(),
            String::new(),
        )
    }
}

impl fmt::Display for FailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailureKind::Timeout { expected, waited } => write!(
                f,
                "timed out after {:.1} s waiting for {expected}",
                waited.as_secs_f64()
            ),
            FailureKind::Exited {
                expected,
                code: Some(code),
            } => write!(
                f,
                "QEMU exited with status {code} while waiting for {expected}"
            ),
            FailureKind::Exited {
                expected,
                code: None,
            } => write!(
                f,
                "QEMU was killed by a signal while waiting for {expected}"
            ),
            FailureKind::Check(message) => write!(f, "check failed: {message}"),
            FailureKind::Io(message) => write!(f, "{message}"),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        // An I/O failure before QEMU ran has no console to show.
        if matches!(self.kind, FailureKind::Io(_)) && self.transcript.is_empty() {
            return Ok(());
        }
        writeln!(f)?;
        writeln!(
            f,
            "--- console transcript ({} bytes) ---",
            self.transcript.len()
        )?;
        write!(f, "{}", self.transcript)?;
        if !self.transcript.is_empty() && !self.transcript.ends_with('\n') {
            writeln!(f)?;
        }
        write!(f, "--- end of transcript ---")?;
        if !self.stderr.is_empty() {
            writeln!(f)?;
            writeln!(f, "--- qemu stderr ---")?;
            write!(f, "{}", self.stderr.trim_end())?;
        }
        Ok(())
    }
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Failure {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_shows_reason_transcript_and_stderr() {
        let failure = Failure::new(
            FailureKind::Timeout {
                expected: "`boot complete`".into(),
                waited: Duration::from_millis(1500),
            },
            "line one\nline two".into(),
            "qemu: warning\n".into(),
        );
        let text = format!("{failure:?}");
        assert!(text.starts_with("timed out after 1.5 s waiting for `boot complete`\n"));
        assert!(text.contains("--- console transcript (17 bytes) ---\nline one\nline two\n"));
        assert!(text.contains("--- end of transcript ---\n--- qemu stderr ---\nqemu: warning"));
    }

    #[test]
    fn exit_status_is_reported() {
        let kind = FailureKind::Exited {
            expected: "`x`".into(),
            code: Some(3),
        };
        assert_eq!(
            kind.to_string(),
            "QEMU exited with status 3 while waiting for `x`"
        );
        let killed = FailureKind::Exited {
            expected: "`x`".into(),
            code: None,
        };
        assert!(killed.to_string().contains("killed by a signal"));
    }

    #[test]
    fn io_error_converts_without_transcript_section() {
        let failure = Failure::from(io::Error::new(io::ErrorKind::NotFound, "image missing"));
        assert_eq!(failure.to_string(), "image missing");
        assert_eq!(failure.kind(), &FailureKind::Io("image missing".into()));
    }
}
