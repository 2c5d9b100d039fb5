//! The file server module: the system's namespace. An in-memory tree (`fs::MemFs`), the boot archive read-only at `/boot`, the device registry's names at `/dev`.
//!
//! Handles as every module gets them (`proto::modctl::handles`): 1, the
//! endpoint clients call; 2 (optional), the device registry, for `/dev`; 3
//! (optional), the boot archive's memory region, for `/boot`. A missing
//! handle leaves its mount out, and the log says so (handles arrive
//! numbered without gaps: `/boot` needs a handle 2 as well).
//!
//! `open("/dev/NAME")` looks NAME up in the registry and answers with a
//! `Redirect` carrying the driver's endpoint (badged for this open by the
//! registry) and the empty path; with `PATH` it opens the node here, for
//! `Stat`. Readdir of `/dev` lists the registry; `/dev` is read-only (`EROFS`).
//!
//! Parameters: `max_kib=` (total file bytes, default 16384), `max_files=`
//! (inodes, default 4096). The boot archive counts against neither. The
//! tree lives in this task's memory: unloading the module drops it.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
#[path = "fs/dev.rs"]
mod dev;

#[cfg(target_os = "none")]
mod server {
    extern crate alloc;

    use crate::dev;
    use alloc::format;
    use alloc::string::String;
    use fs::{Ino, Limits, MemFs, Opened, StaticFile};
    use proto::devreg::MAX_NAME_BYTES;
    use proto::file::{OpenFlags, Reply, Request, Stat, Whence, REDIRECT_LABEL};
    use proto::{Errno, OpenTable};
    use ulib::abi::{label, FOREVER, MAX_MSG_BYTES};
    use ulib::module::{self, handles, Handled, Stop};
    use ulib::{eprintln, ipc, println, sys_handle_close, Handle, InfoKind, Msg};

    ulib::entry!(main);

    ulib::module! {
        name: "fs",
        version: env!("CARGO_PKG_VERSION"),
        license: "MIT OR Apache-2.0",
        author: "mica developers",
        description: "The file server: an in-memory tree, the boot archive at /boot, the device registry at /dev",
        depends: "devreg",
        params: [
            ("max_kib", "int", "16384", "total bytes of file contents, in KiB"),
            ("max_files", "int", "4096", "most files and directories at once"),
        ],
    }

    /// The endpoint clients call.
    const SERVICE: Handle = handles::SERVICE;
    /// The device registry (optional), whose names are `/dev`.
    const REGISTRY: Handle = handles::REGISTRY;
    /// The boot archive's memory region (optional), mounted at `/boot`.
    const BOOT_ARCHIVE: Handle = handles::ARCHIVE;
    /// Most open files at once, over all clients.
    const MAX_OPEN: usize = 256;
    /// `max_kib` when not given: 16 MiB of file contents.
    const DEFAULT_MAX_KIB: i64 = 16 * 1024;
    /// `max_files` when not given.
    const DEFAULT_MAX_FILES: i64 = 4096;

    /// What an fd names: an inode of the tree, or (opened with `PATH`) a device node.
    enum Node {
        Inode(Ino),
        Device(Stat),
    }

    /// One open file: what it names, where the next read or write goes, how it was opened.
    struct Open {
        node: Node,
        offset: u64,
        flags: OpenFlags,
    }

    /// The server's state: the tree, the open files, the registry (when `/dev` is mounted).
    struct Server {
        fs: MemFs,
        opens: OpenTable<Open>,
        registry: Option<Handle>,
    }

    /// A reply and the handle it moves to the client (0: none).
    type Answer<'d> = (Reply<'d>, Handle);

    /// Parameter `key`, a whole number from 0 up, `default` when not given.
    fn count_param(key: &str, default: i64) -> Result<u64, String> {
        let value = module::param_int_or(key, default).map_err(|e| format!("{e}"))?;
        u64::try_from(value).map_err(|_| format!("parameter {key}={value}: must not be negative"))
    }

    fn uptime_ns() -> u64 {
        ulib::sys_info(InfoKind::Uptime).unwrap_or(0)
    }

    fn main() -> i32 {
        module::run(fs_init, Server::run, fs_exit)
    }

    /// `module_init`: the limits from the parameters, an empty tree, `/boot` and `/dev`.
    fn fs_init() -> Result<Server, String> {
        let max_bytes = count_param("max_kib", DEFAULT_MAX_KIB)?.saturating_mul(1024);
        let max_inodes = count_param("max_files", DEFAULT_MAX_FILES)?;
        let limits = Limits {
            max_bytes,
            max_inodes: usize::try_from(max_inodes).unwrap_or(usize::MAX),
            max_file_bytes: max_bytes,
        };
        let mut fs = MemFs::new(limits);
        fs.set_clock(uptime_ns());
        mount_boot(&mut fs);
        let registry = dev::mount(&mut fs, REGISTRY);
        println!(
            "serving the namespace: {} KiB, {} files in memory",
            limits.max_bytes / 1024,
            limits.max_inodes
        );
        Ok(Server {
            fs,
            opens: OpenTable::new(MAX_OPEN),
            registry,
        })
    }

    /// `module_exit`: the tree goes with the task; say how much of it.
    fn fs_exit(server: Server) {
        let usage = server.fs.usage();
        // The root is not a file the clients made.
        let dropped = usage.inodes.saturating_sub(1);
        println!(
            "goodbye: {dropped} files and directories ({} bytes) dropped, {} fds were open",
            usage.bytes,
            server.opens.count()
        );
    }

    /// Mounts the boot archive (handle 3) read-only at `/boot`, served from its mapping.
    fn mount_boot(fs: &mut MemFs) {
        let bytes = match ulib::mapping::boot_archive(BOOT_ARCHIVE) {
            Ok(bytes) => bytes,
            Err(e) => {
                println!("no boot archive (handle 3: {e}): running without /boot");
                return;
            }
        };
        let archive = match newc::Archive::new(bytes) {
            Ok(archive) => archive,
            Err(e) => {
                eprintln!("the boot archive is malformed ({e}): running without /boot");
                return;
            }
        };
        let files = archive.iter().map(|e| StaticFile {
            name: e.name,
            data: e.data,
            mode: e.mode,
        });
        match fs.mount_static("/boot", files) {
            Ok(m) => println!(
                "/boot: the boot archive, read-only ({} files, {} bytes, {} skipped)",
                m.files, m.bytes, m.skipped
            ),
            Err(e) => eprintln!("cannot mount /boot: {e}"),
        }
    }

    impl Server {
        /// Receives, answers, repeats until the manager says STOP (or receiving fails).
        fn run(&mut self) -> Stop {
            let mut owed: Option<Msg> = None;
            let mut request = [0u8; MAX_MSG_BYTES];
            loop {
                let received = match owed.take() {
                    Some(reply) => ulib::sys_reply_recv(SERVICE, &reply, FOREVER),
                    None => ulib::sys_recv(SERVICE, FOREVER),
                };
                let (msg, badge) = match received {
                    Ok(m) => m,
                    Err(e) => {
                        eprintln!("receive failed: {e}");
                        return Stop::ReceiveFailed(e);
                    }
                };
                match module::handle_manager(&msg, badge) {
                    Handled::Stop => return Stop::Requested,
                    Handled::Reply(reply) => {
                        owed = Some(reply);
                        continue;
                    }
                    Handled::NotManager => {}
                }
                if msg.info.handle != 0 {
                    // No request carries a handle: do not keep one sent anyway.
                    let _ = sys_handle_close(msg.info.handle);
                }
                if msg.label() == label::NOTIFICATION {
                    continue;
                }
                // Copied out first: answering may call the registry, which reuses the buffer.
                let n = ipc::read_buffer(msg.info.len_bytes, &mut request);
                self.fs.set_clock(uptime_ns());
                let mut name = [0u8; MAX_NAME_BYTES];
                let (reply, handle) =
                    match Request::decode(msg.info.label, msg.words, &request[..n]) {
                        Ok(req) => self
                            .answer(&req, badge, &mut name)
                            .unwrap_or_else(|e| (Reply::Error(e), 0)),
                        Err(e) => (Reply::Error(e.errno()), 0),
                    };
                let mut out = ipc::with_buffer(|buf| match reply {
                    // A read's bytes go from the file straight into the buffer, with the fast copy.
                    Reply::Read { data } => ulib::server::encode_read(data, buf),
                    _ => ulib::server::encode(&reply, buf),
                });
                module::publish_usage(&self.opens);
                if handle != 0 {
                    if out.info.label == REDIRECT_LABEL {
                        out.info = out.info.with_handle(handle);
                    } else {
                        let _ = sys_handle_close(handle);
                    }
                }
                owed = Some(out);
            }
        }

        /// One request for the client with `badge`; a `/dev` entry's name goes through `name`.
        fn answer<'d>(
            &'d mut self,
            req: &Request<'d>,
            badge: u64,
            name: &'d mut [u8; MAX_NAME_BYTES],
        ) -> Result<Answer<'d>, Errno> {
            let Server {
                fs,
                opens,
                registry,
            } = self;
            let reply = match *req {
                Request::Open { path, flags, mode } => {
                    return open(fs, opens, *registry, path, flags, mode, badge)
                }
                Request::Release { fd } => {
                    if let Node::Inode(ino) = opens.release(fd, badge)?.node {
                        fs.unpin(ino)?;
                    }
                    Reply::Released
                }
                Request::Stat { fd } => match opens.get(fd, badge)?.node {
                    Node::Inode(ino) => Reply::Stat(fs.stat(ino)?),
                    Node::Device(stat) => Reply::Stat(stat),
                },
                Request::Read {
                    fd,
                    len_bytes,
                    offset,
                } => {
                    let (open, ino) = file_open(opens, fd, badge)?;
                    let at = offset.unwrap_or(open.offset);
                    // Straight from where the bytes live (for /boot, the archive mapping).
                    let data = fs.read_ref(ino, at, len_bytes as usize)?;
                    if offset.is_none() {
                        open.offset = at + data.len() as u64;
                    }
                    Reply::Read { data }
                }
                Request::Write { fd, offset, data } => {
                    let (open, ino) = file_open(opens, fd, badge)?;
                    if !open.flags.contains(OpenFlags::WRITE) {
                        return Err(Errno::BadFd);
                    }
                    let at = match offset {
                        Some(at) => at,
                        None if open.flags.contains(OpenFlags::APPEND) => fs.stat(ino)?.size_bytes,
                        None => open.offset,
                    };
                    let n = fs.write(ino, at, data)?;
                    if offset.is_none() {
                        open.offset = at + n as u64;
                    }
                    Reply::Written {
                        len_bytes: n as u32,
                    }
                }
                Request::Seek { fd, offset, whence } => {
                    let (open, ino) = file_open(opens, fd, badge)?;
                    let base = match whence {
                        Whence::Set => 0,
                        Whence::Cur => open.offset as i64,
                        Whence::End => fs.stat(ino)?.size_bytes as i64,
                    };
                    let to = base
                        .checked_add(offset)
                        .filter(|&t| t >= 0)
                        .ok_or(Errno::Invalid)?;
                    open.offset = to as u64;
                    Reply::Seeked {
                        offset: open.offset,
                    }
                }
                Request::Readdir { fd, index } => {
                    let (_, ino) = file_open(opens, fd, badge)?;
                    let index = usize::try_from(index).map_err(|_| Errno::Invalid)?;
                    if fs.is_devices(ino)? {
                        dev::entry(*registry, index, name)?
                    } else {
                        match fs.readdir(ino, index)? {
                            Some(e) => Reply::Entry {
                                name: e.name,
                                kind: e.kind,
                                ino: e.ino.raw(),
                            },
                            None => Reply::End,
                        }
                    }
                }
                Request::Mkdir { path, mode } => fs.mkdir(path, mode).map(|_| Reply::Done)?,
                Request::Unlink { path } => fs.unlink(path).map(|()| Reply::Done)?,
                Request::Rmdir { path } => fs.rmdir(path).map(|()| Reply::Done)?,
                Request::Rename { from, to } => fs.rename(from, to).map(|()| Reply::Done)?,
                Request::Poll { fd, events } => {
                    file_open(opens, fd, badge)?;
                    Reply::Polled { revents: events } // a file is always ready
                }
                Request::Ioctl { fd, .. } => {
                    file_open(opens, fd, badge)?;
                    return Err(Errno::NotTty);
                }
            };
            Ok((reply, 0))
        }
    }

    /// Opens `path`: an fd here, or for `/dev/NAME` a redirect to its driver.
    fn open<'d>(
        fs: &mut MemFs,
        opens: &mut OpenTable<Open>,
        registry: Option<Handle>,
        path: &'d str,
        flags: OpenFlags,
        mode: u32,
        badge: u64,
    ) -> Result<Answer<'d>, Errno> {
        let node = match fs.open(path, flags, mode)? {
            Opened::Inode(ino) => Node::Inode(ino),
            Opened::Device(dev) if flags.contains(OpenFlags::PATH) => {
                Node::Device(dev::device_node(registry, &dev, flags)?)
            }
            Opened::Device(dev) => {
                let driver = dev::driver_handle(registry, &dev, flags)?;
                return Ok((Reply::Redirect { path: "" }, driver));
            }
        };
        let pinned = match node {
            Node::Inode(ino) => Some(ino),
            Node::Device(_) => None,
        };
        let open = Open {
            node,
            offset: 0,
            flags,
        };
        match opens.open(badge, open) {
            Ok(fd) => Ok((Reply::Opened { fd }, 0)),
            Err(e) => {
                if let Some(ino) = pinned {
                    let _ = fs.unpin(ino);
                }
                Err(e)
            }
        }
    }

    /// The open file `fd` of `badge` if it is a file or directory opened for use (`EBADF` for a `PATH` fd).
    fn file_open(
        opens: &mut OpenTable<Open>,
        fd: u32,
        badge: u64,
    ) -> Result<(&mut Open, Ino), Errno> {
        let open = opens.get_mut(fd, badge)?;
        match open.node {
            Node::Inode(ino) if !open.flags.contains(OpenFlags::PATH) => Ok((open, ino)),
            _ => Err(Errno::BadFd),
        }
    }
}

/// On the host the server binary is empty: `cargo test -p fs` tests the library.
#[cfg(not(target_os = "none"))]
fn main() {}
