//! `micaload boot`: wait for the loader's request, send header and image with a progress bar, retry on a bad CRC or a timeout.
//!
//! Everything the loader says is passed on to `echo` (the terminal's stdout)
//! as it arrives, and also read line by line for its replies
//! (`chainload::proto::Reply`); micaload's own messages go to `log` (stderr).

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

use chainload::proto::{Header, Reply};

use crate::port::Port;

/// Lines longer than this are not replies; they are cut so noise cannot grow the buffer.
const MAX_LINE_BYTES: usize = 512;
/// Image bytes per write (and per progress step at most).
const CHUNK_BYTES: usize = 1024;
/// Width of the progress bar in characters.
const BAR_WIDTH: usize = 30;

/// How a boot behaves; [`BootOptions::default`] is what `micaload boot` does.
#[derive(Clone, Debug)]
pub struct BootOptions {
    /// Test hook: flip the lowest bit of this image byte in the first attempt.
    pub corrupt_byte: Option<usize>,
    /// How many times to send again after a bad CRC or a timeout.
    pub retries: u32,
    /// How long to wait for each answer of the loader (the first request excepted:
    /// for that micaload waits until the Pi is reset), and for room to write.
    pub reply_timeout: Duration,
}

impl Default for BootOptions {
    fn default() -> Self {
        BootOptions {
            corrupt_byte: None,
            retries: 3,
            reply_timeout: Duration::from_secs(15),
        }
    }
}

/// Why waiting for a reply ended without one.
#[derive(Debug)]
enum Waited {
    Timeout,
    Closed,
    Failed(io::Error),
}

/// The loader's replies, read from everything the port delivers.
struct Replies<'a> {
    echo: &'a mut dyn Write,
    /// Bytes read but not yet split into lines.
    pending: VecDeque<u8>,
    /// The line being assembled (without its `\n`).
    line: Vec<u8>,
}

impl Replies<'_> {
    /// The next reply that `wanted` accepts (others are skipped), within `timeout`
    /// (`None`: as long as it takes).
    fn expect(
        &mut self,
        port: &mut Port,
        timeout: Option<Duration>,
        wanted: impl Fn(&Reply) -> bool,
    ) -> Result<Reply, Waited> {
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            while let Some(byte) = self.pending.pop_front() {
                if byte != b'\n' {
                    if self.line.len() < MAX_LINE_BYTES {
                        self.line.push(byte);
                    }
                    continue;
                }
                let line = String::from_utf8_lossy(&self.line).into_owned();
                self.line.clear();
                match Reply::parse(&line) {
                    Some(reply) if wanted(&reply) => return Ok(reply),
                    _ => {}
                }
            }
            let left = match deadline {
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => Some(left),
                    _ => return Err(Waited::Timeout),
                },
                None => None,
            };
            port.set_read_timeout(left);
            let mut buf = [0u8; 256];
            let n = match port.read(&mut buf) {
                Ok(0) => return Err(Waited::Closed),
                Ok(n) => n,
                Err(err) if err.kind() == io::ErrorKind::TimedOut => return Err(Waited::Timeout),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(Waited::Failed(err)),
            };
            // The echo is the user's view of the line; failing to show it is no reason to stop.
            let _ = self
                .echo
                .write_all(&buf[..n])
                .and_then(|()| self.echo.flush());
            self.pending.extend(&buf[..n]);
        }
    }
}

/// How an attempt that did not boot ended.
enum Retry {
    /// The loader said why and asks for the image again by itself.
    Asked(&'static str),
    /// micaload waited in vain: poke the loader so it says whether it still listens.
    Poke(String),
}

/// One transfer: the loader's port, its replies, and where micaload reports.
struct Transfer<'a> {
    port: &'a mut Port,
    replies: Replies<'a>,
    log: &'a mut dyn Write,
    opts: &'a BootOptions,
}

impl Transfer<'_> {
    fn io_error(&self, err: io::Error) -> String {
        format!("{}: {err}", self.port.name())
    }

    fn waited_error(&self, waited: Waited) -> String {
        let name = self.port.name();
        match waited {
            Waited::Timeout => format!("{name}: timed out"),
            Waited::Closed => format!("{name} closed the connection"),
            Waited::Failed(err) => format!("{name}: {err}"),
        }
    }

    /// Sends a CR, on which a loader waiting for a header says it is ready again.
    fn poke(&mut self) -> Result<(), String> {
        self.port.write_all(b"\r").map_err(|e| self.io_error(e))
    }

    /// The next reply among `wanted` within the reply timeout (`None`: no limit).
    fn expect(
        &mut self,
        timeout: Option<Duration>,
        wanted: impl Fn(&Reply) -> bool,
    ) -> Result<Result<Reply, Retry>, String> {
        match self.replies.expect(self.port, timeout, wanted) {
            Ok(reply) => Ok(Ok(reply)),
            Err(Waited::Timeout) => Ok(Err(Retry::Poke(format!(
                "no answer from the loader within {:?}",
                timeout.unwrap_or_default()
            )))),
            Err(other) => Err(self.waited_error(other)),
        }
    }

    /// One attempt: request, header, acknowledgement, bytes, verdict. `Ok(Ok(()))`
    /// when the loader boots the image; `Err` when trying again cannot help.
    fn attempt(
        &mut self,
        image: &[u8],
        header: Header,
        first: bool,
    ) -> Result<Result<(), Retry>, String> {
        // The first request may take until someone resets the Pi.
        let request_timeout = (!first).then_some(self.opts.reply_timeout);
        if let Err(retry) = self.expect(request_timeout, |r| *r == Reply::Request)? {
            return Ok(Err(retry));
        }
        self.port
            .write_all(&header.encode())
            .map_err(|e| self.io_error(e))?;
        let ack = self.expect(Some(self.opts.reply_timeout), |r| {
            matches!(r, Reply::Receiving { .. } | Reply::Refused { .. })
        })?;
        match ack {
            Err(retry) => return Ok(Err(retry)),
            Ok(Reply::Receiving { size_bytes }) if size_bytes == header.size_bytes => {}
            Ok(Reply::Refused {
                size_bytes,
                max_bytes,
            }) if size_bytes == header.size_bytes => {
                return Err(format!(
                    "the loader refused the image: it is {size_bytes} bytes, the loader takes 1 to {max_bytes}"
                ));
            }
            // A header damaged on the way: the loader times out on it and asks again.
            Ok(_) => return Ok(Err(Retry::Asked("the loader misread the header"))),
        }
        let corrupt = self.opts.corrupt_byte.filter(|_| first);
        match send_bytes(self.port, image, corrupt, self.log) {
            Ok(()) => {}
            Err(err) if err.kind() == io::ErrorKind::TimedOut => {
                let _ = writeln!(self.log);
                return Ok(Err(Retry::Poke("the loader stopped taking bytes".into())));
            }
            Err(err) => return Err(self.io_error(err)),
        }
        let verdict = self.expect(Some(self.opts.reply_timeout), |r| {
            matches!(
                r,
                Reply::Booting { .. }
                    | Reply::BadCrc { .. }
                    | Reply::Timeout { .. }
                    | Reply::HeaderTimeout
            )
        })?;
        Ok(match verdict {
            Err(retry) => Err(retry),
            Ok(Reply::Booting { .. }) => Ok(()),
            Ok(Reply::BadCrc { .. }) => Err(Retry::Asked("the loader got a bad CRC")),
            Ok(_) => Err(Retry::Asked("the loader timed out")),
        })
    }
}

/// Sends `image` to the loader on `port` until it says it boots it.
///
/// Waits for the loader's request token (poking it once, in case it asked before
/// we listened), then for each attempt: header, the loader's acknowledgement,
/// the bytes with a progress bar on `log`, the verdict. A bad CRC, a timeout on
/// either side, or a garbled acknowledgement costs one retry; a refused size
/// ends it at once.
pub fn send_image(
    port: &mut Port,
    image: &[u8],
    opts: &BootOptions,
    echo: &mut dyn Write,
    log: &mut dyn Write,
) -> Result<(), String> {
    let header = Header::for_image(image).ok_or_else(|| {
        format!(
            "the image is {} bytes, more than the protocol can say",
            image.len()
        )
    })?;
    if let Some(at) = opts.corrupt_byte.filter(|&at| at >= image.len()) {
        return Err(format!(
            "--corrupt {at}: the image has only {} bytes",
            image.len()
        ));
    }
    port.set_write_timeout(Some(opts.reply_timeout));
    let _ = writeln!(
        log,
        "micaload: waiting for mica-loader on {} (reset the Pi if it runs something else)",
        port.name()
    );
    let mut transfer = Transfer {
        port,
        replies: Replies {
            echo,
            pending: VecDeque::new(),
            line: Vec::new(),
        },
        log,
        opts,
    };
    transfer.poke()?;
    let attempts = opts.retries + 1;
    for attempt in 1..=attempts {
        let retry = match transfer.attempt(image, header, attempt == 1)? {
            Ok(()) => return Ok(()),
            Err(retry) => retry,
        };
        let again = if attempt < attempts {
            "; sending again"
        } else {
            ""
        };
        let why = match &retry {
            Retry::Asked(why) => why,
            Retry::Poke(why) => why.as_str(),
        };
        let _ = writeln!(
            transfer.log,
            "micaload: {why} (attempt {attempt} of {attempts}){again}"
        );
        if let Retry::Poke(_) = retry {
            transfer.poke()?;
        }
    }
    Err(format!("gave up after {attempts} attempts"))
}

/// Writes `image` (with byte `corrupt` flipped, if any), drawing a progress bar on `log`.
fn send_bytes(
    port: &mut Port,
    image: &[u8],
    corrupt: Option<usize>,
    log: &mut dyn Write,
) -> io::Result<()> {
    let started = Instant::now();
    let mut shown = None;
    let mut chunk = [0u8; CHUNK_BYTES];
    for (i, piece) in image.chunks(CHUNK_BYTES).enumerate() {
        let start = i * CHUNK_BYTES;
        let chunk = &mut chunk[..piece.len()];
        chunk.copy_from_slice(piece);
        if let Some(at) = corrupt
            .and_then(|at| at.checked_sub(start))
            .filter(|&at| at < piece.len())
        {
            chunk[at] ^= 1;
        }
        port.write_all(chunk)?;
        let done = start + piece.len();
        let percent = done * 100 / image.len();
        if shown != Some(percent) {
            shown = Some(percent);
            let _ = write!(log, "\r{}", progress_bar(done, image.len()));
            let _ = log.flush();
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let _ = writeln!(log, " in {secs:.1} s");
    Ok(())
}

/// `micaload: [#####.....]  50%  512/1024 KiB` for `done` of `total` bytes.
pub fn progress_bar(done: usize, total: usize) -> String {
    debug_assert!(done <= total && total > 0);
    let filled = done * BAR_WIDTH / total.max(1);
    format!(
        "micaload: [{}{}] {:3}% {}/{} KiB",
        "#".repeat(filled),
        ".".repeat(BAR_WIDTH - filled),
        done * 100 / total.max(1),
        done.div_ceil(1024),
        total.div_ceil(1024),
    )
}

#[cfg(test)]
#[path = "boot_tests.rs"]
mod tests;
