//! Files for programs: open, read, write, list and stat names at the file server, following its redirects to drivers.
//!
//! # The root
//!
//! A program reaches files through one handle: a send handle to the file
//! server's endpoint, passed by whoever started it. [`set_root`] makes it
//! the server every path goes to. Until then every call that needs it
//! fails with `ENODEV` ([`Errno::NoDevice`]: there is no file server to ask).
//!
//! # Files
//!
//! [`File::open`] sends `Open` to the root. The file server answers with an
//! fd, or, for `/dev/NAME`, with a redirect: a handle to the driver's
//! endpoint (badged by the registry for this open) and the name to open
//! there. `File` follows it (at most [`MAX_REDIRECTS`] hops), sends every
//! later request of the file to that handle, and closes the handle when
//! dropped, after `Release`. [`File::open_at`] opens at a server handle
//! given directly (a driver's, say).
//!
//! Data moves through the IPC buffer, at most [`MAX_IO_BYTES`] a request:
//! `read`, `write`, `read_at` and `write_at` make one request each (fewer
//! bytes than asked is not an error); `read_full`, `read_to_end` and
//! `write_all` loop. A read names the caller's slice as its receive window
//! ([`abi::Window`]), so the kernel can put the data straight there.
//!
//! # Errors
//!
//! Each call returns the server's errno, or the IPC failure as one (`ENODEV`
//! when the server is gone, `EBADF` for a bad handle); a reply that does
//! not decode, or answers something else, is `EIO`.
//!
//! ```text
//! ulib::file::set_root(FS_HANDLE);
//! let mut f = File::open("/boot/init.args", OpenFlags::READ, 0)?;
//! let mut text = Vec::new();
//! f.read_to_end(&mut text)?;
//! let gpio = File::open("/dev/gpiochip0", OpenFlags::READ | OpenFlags::WRITE, 0)?;
//! ```

#[cfg(not(target_os = "none"))]
extern crate alloc;

use crate::Handle;
use alloc::string::String;
use core::sync::atomic::{AtomicU32, Ordering};
use proto::file::{Reply, Request};

pub use proto::file::{FileKind, OpenFlags, PollEvents, Stat, Whence, MAX_IO_BYTES};
pub use proto::Errno;

#[cfg(target_os = "none")]
#[path = "file_ipc.rs"]
mod transport;

#[cfg(all(test, not(target_os = "none")))]
#[path = "file_fake.rs"]
mod transport;

#[path = "file_io.rs"]
mod io;

#[cfg(all(test, not(target_os = "none")))]
#[path = "file_tests.rs"]
mod tests;

/// Most redirects one `open` follows before giving up with `EIO`.
pub const MAX_REDIRECTS: usize = 4;
/// Pause between the tries of [`File::poll_wait`].
pub const POLL_INTERVAL_NS: u64 = 1_000_000;

/// The file server's endpoint handle; 0 while none is set.
static ROOT: AtomicU32 = AtomicU32::new(0);

/// Makes `server` (a send handle to the file server) the root every path goes to; 0 unsets it.
pub fn set_root(server: Handle) {
    ROOT.store(server, Ordering::Relaxed);
}

/// The handle [`set_root`] set, if any.
pub fn root() -> Option<Handle> {
    match ROOT.load(Ordering::Relaxed) {
        0 => None,
        h => Some(h),
    }
}

/// One entry of a directory, as [`File::readdir`] returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry {
    /// The name in its directory.
    pub name: String,
    /// File, directory or device.
    pub kind: FileKind,
    /// The server's number for it (equal numbers: the same file).
    pub ino: u64,
}

/// An open file, directory or device; released (and a redirect's handle closed) when dropped.
#[derive(Debug)]
pub struct File {
    /// Where the requests go: the root, a handle given to `open_at`, or a redirect's.
    server: Handle,
    /// The server's fd for it; 0 once released by [`File::close`].
    fd: u32,
    /// `server` came with a redirect: this value owns it and closes it when dropped.
    owns_server: bool,
    /// The index of the next `readdir` entry.
    next_entry: u64,
}

/// What one `Open` round gave.
enum Step {
    Opened(u32),
    Redirect(String),
    Failed(Errno),
}

impl File {
    /// Opens `path` at the file server ([`set_root`]), following a redirect to a driver.
    ///
    /// `mode` is the permission of a file `CREATE` makes (else ignored).
    /// Errors: `ENODEV` without a root, and whatever the servers answer.
    pub fn open(path: &str, flags: OpenFlags, mode: u32) -> Result<File, Errno> {
        Self::open_in(root(), path, flags, mode)
    }

    /// [`open`](Self::open) at the root `root`.
    fn open_in(
        root: Option<Handle>,
        path: &str,
        flags: OpenFlags,
        mode: u32,
    ) -> Result<File, Errno> {
        Self::open_at(root.ok_or(Errno::NoDevice)?, path, flags, mode)
    }

    /// Opens `path` at the server behind `server` (not taken over: the caller keeps it), following redirects.
    pub fn open_at(server: Handle, path: &str, flags: OpenFlags, mode: u32) -> Result<File, Errno> {
        let (mut target, mut owned) = (server, false);
        let mut redirected: Option<String> = None;
        for _ in 0..=MAX_REDIRECTS {
            let path = redirected.as_deref().unwrap_or(path);
            let req = Request::Open { path, flags, mode };
            let step = transport::call(target, &req, |reply| match reply {
                Reply::Opened { fd } => Step::Opened(fd),
                Reply::Redirect { path } => Step::Redirect(String::from(path)),
                other => Step::Failed(unexpected(other)),
            });
            let (step, handle) = match step {
                Ok(answer) => answer,
                Err(e) => {
                    release_owned(target, owned);
                    return Err(e);
                }
            };
            match step {
                Step::Opened(fd) => {
                    close_handle(handle);
                    return Ok(File {
                        server: target,
                        fd,
                        owns_server: owned,
                        next_entry: 0,
                    });
                }
                Step::Redirect(there) => {
                    release_owned(target, owned);
                    if handle == 0 {
                        return Err(Errno::Io);
                    }
                    (target, owned, redirected) = (handle, true, Some(there));
                }
                Step::Failed(e) => {
                    close_handle(handle);
                    release_owned(target, owned);
                    return Err(e);
                }
            }
        }
        release_owned(target, owned);
        Err(Errno::Io)
    }

    /// The server's fd (0 after [`close`](Self::close)).
    pub fn fd(&self) -> u32 {
        self.fd
    }

    /// The handle requests go to: the root's, or the driver's after a redirect.
    pub fn server(&self) -> Handle {
        self.server
    }

    /// Releases the fd now and says how that went (dropping releases too, quietly).
    pub fn close(mut self) -> Result<(), Errno> {
        self.release()
    }

    /// Sends `Release` once; the fd is 0 afterwards.
    fn release(&mut self) -> Result<(), Errno> {
        let fd = core::mem::replace(&mut self.fd, 0);
        if fd == 0 {
            return Ok(());
        }
        exchange(self.server, &Request::Release { fd }, |reply| match reply {
            Reply::Released => Ok(()),
            other => Err(unexpected(other)),
        })
    }
}

impl Drop for File {
    fn drop(&mut self) {
        let _ = self.release();
        if self.owns_server {
            transport::close(self.server);
        }
    }
}

/// Makes the directory `path` with permissions `mode` (`mkdir(2)`).
pub fn mkdir(path: &str, mode: u32) -> Result<(), Errno> {
    path_op(root(), &Request::Mkdir { path, mode })
}

/// Removes the file (or device name) `path` (`unlink(2)`).
pub fn unlink(path: &str) -> Result<(), Errno> {
    path_op(root(), &Request::Unlink { path })
}

/// Removes the empty directory `path` (`rmdir(2)`).
pub fn rmdir(path: &str) -> Result<(), Errno> {
    path_op(root(), &Request::Rmdir { path })
}

/// Gives `from` the name `to`, replacing what `to` named (`rename(2)`).
pub fn rename(from: &str, to: &str) -> Result<(), Errno> {
    path_op(root(), &Request::Rename { from, to })
}

/// Describes `path` (`stat(2)`): opened with `PATH` at the file server, so `/dev/NAME` is
/// described by the file server (a device node with its numbers), not opened at its driver.
pub fn stat(path: &str) -> Result<Stat, Errno> {
    stat_in(root(), path)
}

fn stat_in(root: Option<Handle>, path: &str) -> Result<Stat, Errno> {
    let node = File::open_in(root, path, OpenFlags::READ | OpenFlags::PATH, 0)?;
    node.stat()
}

/// A request on the root answered with `Done`.
fn path_op(root: Option<Handle>, req: &Request<'_>) -> Result<(), Errno> {
    exchange(root.ok_or(Errno::NoDevice)?, req, |reply| match reply {
        Reply::Done => Ok(()),
        other => Err(unexpected(other)),
    })
}

/// One request whose reply moves no handle to keep: `f` reads the reply (a handle that came anyway is closed).
fn exchange<R>(
    server: Handle,
    req: &Request<'_>,
    f: impl FnOnce(Reply<'_>) -> Result<R, Errno>,
) -> Result<R, Errno> {
    let (result, handle) = transport::call(server, req, f)?;
    close_handle(handle);
    result
}

/// [`exchange`] whose reply bytes go to `window` (see `transport::call_into`).
fn exchange_into<R>(
    server: Handle,
    req: &Request<'_>,
    window: &mut [u8],
    f: impl FnOnce(Reply<'_>) -> Result<R, Errno>,
) -> Result<R, Errno> {
    let (result, handle) = transport::call_into(server, req, window, f)?;
    close_handle(handle);
    result
}

/// Closes a redirect's handle (`owned`) that the open no longer needs.
fn release_owned(server: Handle, owned: bool) {
    if owned {
        transport::close(server);
    }
}

/// Closes a handle a reply brought that nothing will use.
fn close_handle(handle: Handle) {
    if handle != 0 {
        transport::close(handle);
    }
}

/// The error a reply stands for: its errno, or `EIO` for a success that answers something else.
fn unexpected(reply: Reply<'_>) -> Errno {
    match reply {
        Reply::Error(e) => e,
        _ => Errno::Io,
    }
}
