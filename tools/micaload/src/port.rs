//! `Port`: the serial line micaload talks over: a tty set to raw 115200 8N1, or a Unix socket (QEMU's `-serial unix:`).

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use chainload::proto::BAUD;
use rustix::event::{poll, PollFd, PollFlags, Timespec};
use rustix::fs::{fcntl_getfl, fcntl_setfl, OFlags};
use rustix::termios::{
    tcflush, tcgetattr, tcsetattr, ControlModes, OptionalActions, QueueSelector, SpecialCodeIndex,
};

/// How long [`Port::open`] keeps trying a Unix socket that is not there yet
/// (QEMU creates it as it starts).
pub const UNIX_CONNECT_WAIT: Duration = Duration::from_secs(5);

/// The device name prefix that means a Unix socket.
pub const UNIX_PREFIX: &str = "unix:";

/// What a port is underneath.
#[derive(Debug)]
enum Line {
    Tty(File),
    Unix(UnixStream),
}

/// A byte stream to the Pi (or QEMU): `Read` and `Write`, with optional timeouts.
///
/// A read or write that cannot make progress within its timeout fails with
/// `io::ErrorKind::TimedOut`; a read returns 0 when the other side hung up.
#[derive(Debug)]
pub struct Port {
    line: Line,
    /// The device as the user named it, for messages.
    name: String,
    read_timeout: Option<Duration>,
    write_timeout: Option<Duration>,
}

impl Port {
    /// Opens `device`: `unix:PATH` connects to a Unix socket (retrying for
    /// [`UNIX_CONNECT_WAIT`]), anything else is a serial device set to raw
    /// [`BAUD`] 8N1 without flow control.
    pub fn open(device: &str) -> io::Result<Port> {
        match device.strip_prefix(UNIX_PREFIX) {
            Some(path) => Port::connect_unix(Path::new(path), UNIX_CONNECT_WAIT),
            None => Port::open_tty(Path::new(device)),
        }
        .map_err(|err| io::Error::new(err.kind(), format!("{device}: {err}")))
    }

    /// Opens the serial device at `path` and sets it to raw [`BAUD`] 8N1.
    pub fn open_tty(path: &Path) -> io::Result<Port> {
        // O_NONBLOCK: do not wait for a carrier before CLOCAL is set; cleared below.
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags((OFlags::NOCTTY | OFlags::NONBLOCK).bits() as i32)
            .open(path)?;
        let mut termios = tcgetattr(&file)?;
        termios.make_raw();
        termios.control_modes -= ControlModes::CSIZE
            | ControlModes::PARENB
            | ControlModes::CSTOPB
            | ControlModes::CRTSCTS;
        termios.control_modes |= ControlModes::CS8 | ControlModes::CREAD | ControlModes::CLOCAL;
        termios.special_codes[SpecialCodeIndex::VMIN] = 1;
        termios.special_codes[SpecialCodeIndex::VTIME] = 0;
        termios.set_speed(BAUD)?;
        tcsetattr(&file, OptionalActions::Now, &termios)?;
        fcntl_setfl(&file, fcntl_getfl(&file)? - OFlags::NONBLOCK)?;
        // Whatever arrived before we listened is stale.
        tcflush(&file, QueueSelector::IFlush)?;
        Ok(Port::new(Line::Tty(file), path.display().to_string()))
    }

    /// Connects to the Unix socket at `path`, retrying while it does not exist
    /// or refuses, for up to `wait`.
    pub fn connect_unix(path: &Path, wait: Duration) -> io::Result<Port> {
        let deadline = Instant::now() + wait;
        loop {
            match UnixStream::connect(path) {
                Ok(stream) => {
                    return Ok(Port::from_unix(
                        stream,
                        format!("{UNIX_PREFIX}{}", path.display()),
                    ))
                }
                Err(err)
                    if matches!(
                        err.kind(),
                        io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused
                    ) && Instant::now() < deadline =>
                {
                    thread::sleep(Duration::from_millis(50));
                }
                Err(err) => return Err(err),
            }
        }
    }

    /// A port over an already connected Unix stream (tests use a socket pair).
    pub fn from_unix(stream: UnixStream, name: String) -> Port {
        Port::new(Line::Unix(stream), name)
    }

    fn new(line: Line, name: String) -> Port {
        Port {
            line,
            name,
            read_timeout: None,
            write_timeout: None,
        }
    }

    /// The device as the user named it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A second handle on the same line (e.g. one thread reads, another writes);
    /// it starts with this one's timeouts.
    pub fn try_clone(&self) -> io::Result<Port> {
        let line = match &self.line {
            Line::Tty(file) => Line::Tty(file.try_clone()?),
            Line::Unix(stream) => Line::Unix(stream.try_clone()?),
        };
        Ok(Port {
            line,
            name: self.name.clone(),
            read_timeout: self.read_timeout,
            write_timeout: self.write_timeout,
        })
    }

    /// How long a read waits for a first byte; `None` waits as long as it takes.
    pub fn set_read_timeout(&mut self, timeout: Option<Duration>) {
        self.read_timeout = timeout;
    }

    /// How long a write waits for room; `None` waits as long as it takes.
    pub fn set_write_timeout(&mut self, timeout: Option<Duration>) {
        self.write_timeout = timeout;
    }

    /// Waits until the line is ready for `events` or `timeout` passes.
    fn wait(&self, events: PollFlags, timeout: Option<Duration>) -> io::Result<()> {
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            let spec = left
                .map(Timespec::try_from)
                .transpose()
                .map_err(io::Error::other)?;
            let mut fds = [PollFd::new(self, events)];
            match poll(&mut fds, spec.as_ref()) {
                Ok(0) => {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!(
                            "{}: no progress within {:?}",
                            self.name,
                            timeout.unwrap_or_default()
                        ),
                    ))
                }
                // Readable, writable, hung up or failed: the read or write says which.
                Ok(_) => return Ok(()),
                Err(rustix::io::Errno::INTR) => continue,
                Err(err) => return Err(err.into()),
            }
        }
    }
}

impl AsFd for Port {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match &self.line {
            Line::Tty(file) => file.as_fd(),
            Line::Unix(stream) => stream.as_fd(),
        }
    }
}

impl Read for Port {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.wait(PollFlags::IN, self.read_timeout)?;
        match &mut self.line {
            Line::Tty(file) => file.read(buf),
            Line::Unix(stream) => stream.read(buf),
        }
    }
}

impl Write for Port {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.wait(PollFlags::OUT, self.write_timeout)?;
        match &mut self.line {
            Line::Tty(file) => file.write(buf),
            Line::Unix(stream) => stream.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
#[path = "port_tests.rs"]
pub(crate) mod tests;
