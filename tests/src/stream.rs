//! `Stream`: the bytes one of QEMU's pipes has produced, filled by a reader thread.

use std::io::{self, Read};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use crate::matcher;

/// Bytes one pipe has produced so far.
#[derive(Debug, Default)]
pub(crate) struct Output {
    /// Everything read from the pipe, in order; only ever appended to.
    pub(crate) bytes: Vec<u8>,
    /// The pipe reached end of file: no more bytes will come.
    pub(crate) closed: bool,
}

/// A pipe's output shared between its reader thread and the [`Qemu`](crate::Qemu) handle.
#[derive(Debug, Default)]
pub(crate) struct Stream {
    output: Mutex<Output>,
    /// Signalled whenever `output` grows or closes.
    grew: Condvar,
}

impl Stream {
    /// Locks the output; a reader thread that panicked leaves valid bytes behind, so
    /// poisoning is ignored.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Output> {
        self.output.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sleeps until the output grows or closes, or `timeout` passes; returns the lock again.
    pub(crate) fn wait<'a>(
        &self,
        output: MutexGuard<'a, Output>,
        timeout: Duration,
    ) -> MutexGuard<'a, Output> {
        match self.grew.wait_timeout(output, timeout) {
            Ok((guard, _)) => guard,
            Err(poisoned) => poisoned.into_inner().0,
        }
    }

    /// Everything read so far, as text.
    pub(crate) fn text(&self) -> String {
        matcher::lossy(&self.lock().bytes)
    }

    /// Starts a thread that copies `source` into this stream until end of file.
    pub(crate) fn pump(
        self: &Arc<Self>,
        name: &str,
        mut source: impl Read + Send + 'static,
    ) -> io::Result<()> {
        let stream = Arc::clone(self);
        thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                let mut chunk = [0u8; 4096];
                loop {
                    match source.read(&mut chunk) {
                        Ok(0) => break,
                        Ok(len) => {
                            stream.lock().bytes.extend_from_slice(&chunk[..len]);
                            stream.grew.notify_all();
                        }
                        Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                        Err(_) => break,
                    }
                }
                stream.lock().closed = true;
                stream.grew.notify_all();
            })?;
        Ok(())
    }

    /// Waits up to `timeout` for the pipe to close, so a transcript taken afterwards is complete.
    pub(crate) fn wait_closed(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        let mut output = self.lock();
        while !output.closed {
            let now = Instant::now();
            if now >= deadline {
                return;
            }
            output = self.wait(output, deadline - now);
        }
    }
}
