//! What a command runs with: the console, the working directory, and its output (the console or a redirected file).

extern crate alloc;

use alloc::string::String;
use core::fmt::{self, Write};
use proto::Errno;
use ulib::file::File;

/// Output gathered before it goes out in one write (fewer IPC round trips).
const FLUSH_BYTES: usize = 2048;

/// The shell's state, lent to each command.
pub struct Ctx {
    /// The console.
    pub tty: File,
    /// The working directory (absolute).
    pub cwd: String,
    /// Bytes for the console, not yet written.
    console: String,
    /// Where standard output goes while a `>`/`>>` redirection is active.
    redirect: Option<(File, String, String)>,
    /// The first error writing to the redirected file.
    redirect_error: Option<Errno>,
    /// Keys read from the console; `keys[keys_at..keys_len]` are not used yet.
    keys: [u8; 64],
    keys_at: usize,
    keys_len: usize,
    /// What the prompt says (printed again after a reconnection).
    pub prompt: &'static str,
}

impl Ctx {
    /// A context on console `tty`, in `/`.
    pub fn new(tty: File) -> Ctx {
        Ctx {
            tty,
            cwd: String::from("/"),
            console: String::new(),
            redirect: None,
            redirect_error: None,
            keys: [0; 64],
            keys_at: 0,
            keys_len: 0,
            prompt: "",
        }
    }

    /// The absolute form of a typed path.
    pub fn path(&self, typed: &str) -> String {
        shell::path::resolve(&self.cwd, typed)
    }

    /// Writes bytes to the console now (echo, prompts). The driver turns
    /// `\n` into `\r\n` itself, so the editor's CR LF goes out as LF.
    pub fn console_write(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        if !bytes.windows(2).any(|w| w == b"\r\n") {
            let _ = self.tty.write_all(bytes);
            return;
        }
        let mut out = alloc::vec::Vec::with_capacity(bytes.len());
        for (i, &b) in bytes.iter().enumerate() {
            if !(b == b'\r' && bytes.get(i + 1) == Some(&b'\n')) {
                out.push(b);
            }
        }
        let _ = self.tty.write_all(&out);
    }

    /// Sends standard output to `file` (named `path`) until [`Ctx::end_redirect`].
    pub fn redirect_to(&mut self, file: File, path: String) {
        self.redirect = Some((file, path, String::new()));
        self.redirect_error = None;
    }

    /// Ends a redirection, writing what is left; the error if any write failed.
    pub fn end_redirect(&mut self) -> Result<(), String> {
        self.flush_redirect();
        let path = self.redirect.take().map(|(_, p, _)| p);
        match (self.redirect_error.take(), path) {
            (Some(e), Some(p)) => Err(alloc::format!("{p}: {e}")),
            _ => Ok(()),
        }
    }

    fn flush_redirect(&mut self) {
        if let Some((file, _, buf)) = &mut self.redirect {
            if !buf.is_empty() && self.redirect_error.is_none() {
                if let Err(e) = file.write_all(buf.as_bytes()) {
                    self.redirect_error = Some(e);
                }
            }
            buf.clear();
        }
    }

    /// Writes what the console buffer holds.
    pub fn flush(&mut self) {
        if !self.console.is_empty() {
            let bytes = core::mem::take(&mut self.console);
            let _ = self.tty.write_all(bytes.as_bytes());
        }
        self.flush_redirect();
    }

    /// Standard output (the console, or the redirected file).
    pub fn out(&mut self, args: fmt::Arguments) {
        let buf = match &mut self.redirect {
            Some((_, _, buf)) => buf,
            None => &mut self.console,
        };
        let _ = buf.write_fmt(args);
        if buf.len() >= FLUSH_BYTES {
            self.flush();
        }
    }

    /// Raw bytes to standard output (`cat`); text and binary alike.
    pub fn out_bytes(&mut self, bytes: &[u8]) {
        self.flush();
        match &mut self.redirect {
            Some((file, _, _)) => {
                if self.redirect_error.is_none() {
                    if let Err(e) = file.write_all(bytes) {
                        self.redirect_error = Some(e);
                    }
                }
            }
            None => {
                let _ = self.tty.write_all(bytes);
            }
        }
    }

    /// The next key, or `None` if none comes within `timeout_ns` (raw transfers).
    pub fn next_key_within(&mut self, timeout_ns: u64) -> Result<Option<u8>, Errno> {
        if self.keys_at >= self.keys_len {
            let ready = self
                .tty
                .poll_wait(proto::file::PollEvents::READABLE, timeout_ns)?;
            if !ready.contains(proto::file::PollEvents::READABLE) {
                return Ok(None);
            }
        }
        self.next_key().map(Some)
    }

    /// Reads one edited line from the console (for `write`); `None` on Ctrl-C or Ctrl-D.
    pub fn read_line(&mut self) -> Result<Option<String>, String> {
        self.flush();
        let mut editor = shell::editor::LineEditor::new(0);
        let mut echo = alloc::vec::Vec::new();
        loop {
            let key = self
                .next_key()
                .map_err(|e| alloc::format!("console: {e}"))?;
            echo.clear();
            let event = editor.feed(key, &mut |b: &[u8]| echo.extend_from_slice(b));
            self.console_write(&echo);
            match event {
                Some(shell::editor::Event::Line(line)) => return Ok(Some(line)),
                Some(_) => return Ok(None),
                None => {}
            }
        }
    }

    /// The next key typed: from what an earlier read brought, else read the
    /// console. If the console's driver went away (it crashed or was
    /// removed), waits for it to come back and opens it again.
    pub fn next_key(&mut self) -> Result<u8, Errno> {
        while self.keys_at >= self.keys_len {
            self.keys_at = 0;
            self.keys_len = match self.tty.read(&mut self.keys) {
                Ok(n) => n,
                Err(Errno::NoDevice | Errno::BadFd | Errno::Io) => {
                    self.tty = reopen_console()?;
                    self.console_write(b"\n[console reconnected]\n");
                    self.console_write(self.prompt.as_bytes());
                    0
                }
                Err(e) => return Err(e),
            };
        }
        self.keys_at += 1;
        Ok(self.keys[self.keys_at - 1])
    }

    /// Standard error: always the console, in order with the console's output.
    pub fn err(&mut self, args: fmt::Arguments) {
        let _ = self.console.write_fmt(args);
        if self.console.len() >= FLUSH_BYTES {
            self.flush();
        }
    }
}

/// `outln!(ctx, ...)`: a line to standard output.
#[macro_export]
macro_rules! outln {
    ($ctx:expr) => { $ctx.out(format_args!("\n")) };
    ($ctx:expr, $($arg:tt)*) => {{
        $ctx.out(format_args!($($arg)*));
        $ctx.out(format_args!("\n"));
    }};
}

/// `errln!(ctx, ...)`: a line to the console, whatever the redirection.
#[macro_export]
macro_rules! errln {
    ($ctx:expr, $($arg:tt)*) => {{
        $ctx.err(format_args!($($arg)*));
        $ctx.err(format_args!("\n"));
    }};
}

/// The console devices, in the order tried: the PL011 (ttyS0), then the
/// mini UART (ttyS1), whichever the uart module drives (`/etc/modules`).
pub const CONSOLES: [&str; 2] = ["/dev/ttyS0", "/dev/ttyS1"];

/// Opens the console in raw mode (the shell edits lines itself), waiting up
/// to about 5 s for its driver.
pub fn open_console() -> Result<File, Errno> {
    use proto::file::OpenFlags;
    use proto::ioctl::{TtyIoctl, TtyMode};
    let flags = OpenFlags::READ.union(OpenFlags::WRITE);
    let mut last = Errno::NoDevice;
    for _ in 0..100 {
        let opened = CONSOLES
            .iter()
            .map(|c| File::open(c, flags, 0))
            .find(|r| r.is_ok())
            .unwrap_or(Err(Errno::NoEntry));
        match opened {
            Ok(mut tty) => {
                let raw = TtyIoctl::SetMode(TtyMode {
                    raw: true,
                    echo: false,
                })
                .encode();
                return raw
                    .and_then(|(cmd, arg)| tty.ioctl(cmd, arg, &[], &mut []))
                    .map(|_| tty);
            }
            Err(e) => last = e,
        }
        crate::commands::reconnect_fs_if_gone();
        let _ = ulib::sys_sleep(50_000_000);
    }
    Err(last)
}

fn reopen_console() -> Result<File, Errno> {
    ulib::eprintln!("the console went away; opening it again");
    open_console()
}
