//! The file server module: the system's namespace. An in-memory tree (`fs::MemFs`), the boot archive read-only at `/boot`, the device registry's names at `/dev`.
//!
//! The logic is the library's (`fs::server::FsServer`, which the kernel
//! can call directly as well); this program is its IPC loop: receive, copy
//! the request out, answer, reply with the redirect's handle attached.
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
    use fs::server::{FsServer, ReplyBuffer};
    use fs::MemFs;
    use proto::file::Op;
    use proto::serve::{Answer, Call};
    use proto::Errno;
    use ulib::abi::{label, FOREVER, MAX_MSG_BYTES};
    use ulib::module::{self, handles, Stop};
    use ulib::server::next_request;
    use ulib::{eprintln, ipc, println, sys_handle_close, Handle, Msg};

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
    use fs::boot::{DEFAULT_MAX_FILES, DEFAULT_MAX_KIB};

    /// The server: its logic (the tree, the open files) and the registry it asks for `/dev`.
    struct Server {
        fs: FsServer,
        host: dev::Registry,
    }

    /// The IPC buffer, lent to encode a reply only once the answer is known
    /// (answering may call the registry, whose messages use the buffer).
    struct IpcBuffer;

    impl ReplyBuffer for IpcBuffer {
        #[inline]
        fn with<R>(self, encode: impl FnOnce(&mut [u8; MAX_MSG_BYTES]) -> R) -> R {
            ipc::with_buffer(encode)
        }
    }

    /// Parameter `key`, a whole number from 0 up, `default` when not given.
    fn count_param(key: &str, default: u64) -> Result<u64, String> {
        let default = i64::try_from(default).unwrap_or(i64::MAX);
        let value = module::param_int_or(key, default).map_err(|e| format!("{e}"))?;
        u64::try_from(value).map_err(|_| format!("parameter {key}={value}: must not be negative"))
    }

    fn main() -> i32 {
        module::run(fs_init, Server::run, fs_exit)
    }

    /// `module_init`: the limits from the parameters, an empty tree, `/boot` and `/dev`.
    fn fs_init() -> Result<Server, String> {
        let limits = fs::boot::limits(
            count_param("max_kib", DEFAULT_MAX_KIB)?,
            count_param("max_files", DEFAULT_MAX_FILES)?,
        );
        let mut fs = FsServer::new(limits);
        fs.fs_mut().set_clock(dev::uptime_ns());
        mount_boot(fs.fs_mut());
        let host = dev::mount(fs.fs_mut(), REGISTRY);
        println!(
            "serving the namespace: {} KiB, {} files in memory",
            limits.max_bytes / 1024,
            limits.max_inodes
        );
        Ok(Server { fs, host })
    }

    /// `module_exit`: the tree goes with the task; say how much of it.
    fn fs_exit(server: Server) {
        let usage = server.fs.fs().usage();
        // The root is not a file the clients made.
        let dropped = usage.inodes.saturating_sub(1);
        println!(
            "goodbye: {dropped} files and directories ({} bytes) dropped, {} fds were open",
            usage.bytes,
            server.fs.opens().count()
        );
    }

    /// Mounts the boot archive (handle 3) read-only at `/boot`, served from its mapping.
    fn mount_boot(fs: &mut MemFs) {
        match ulib::mapping::boot_archive(BOOT_ARCHIVE) {
            Ok(bytes) => match fs::boot::mount_archive(fs, bytes) {
                Ok((_, line)) => println!("{line}"),
                Err(why) => eprintln!("{why}"),
            },
            Err(e) => println!("no boot archive (handle 3: {e}): running without /boot"),
        }
    }

    impl Server {
        /// Receives, answers, repeats until the manager says STOP (or receiving fails).
        fn run(&mut self) -> Stop {
            let mut owed: Option<Msg> = None;
            // What the last reply_recv_from received (a read answered from the tree).
            let mut next = None;
            let mut request = [0u8; MAX_MSG_BYTES];
            loop {
                let (msg, badge) = match next_request(SERVICE, &mut owed, next.take()) {
                    Ok(got) => got,
                    Err(stop) => return stop,
                };
                if msg.info.handle != 0 {
                    // No request carries a handle: do not keep one sent anyway.
                    let _ = sys_handle_close(msg.info.handle);
                }
                if msg.label() == label::NOTIFICATION {
                    continue;
                }
                // Copied out first: answering may call the registry, which reuses the buffer.
                let n = ipc::read_buffer(msg.info.len_bytes, &mut request);
                let call = Call {
                    label: msg.info.label,
                    words: msg.words,
                    bytes: &request[..n],
                    badge,
                };
                let (answer, direct) = self.fs.call_direct(&mut self.host, &call, IpcBuffer);
                if let (Answer::Reply(encoded, None), Some(data)) = (&answer, direct) {
                    // A read: the kernel takes the bytes straight from the file.
                    let reply = Msg::new(encoded.label, [encoded.words[0]]);
                    next = Some(ulib::sys_reply_recv_from(SERVICE, &reply, data, FOREVER));
                    continue;
                }
                let Answer::Reply(encoded, handle) = answer else {
                    // The file server never waits; were it to, fail the call rather than hold it.
                    owed = Some(Msg::new(Errno::Io.code(), []));
                    continue;
                };
                // Only opening and releasing change the use count init asks for.
                if matches!(Op::from_label(call.label), Some(Op::Open | Op::Release)) {
                    module::publish_usage(self.fs.opens());
                }
                let mut info = encoded.info();
                if let Some(handle) = handle {
                    info = info.with_handle(handle);
                }
                owed = Some(Msg {
                    info,
                    words: encoded.words,
                });
            }
        }
    }
}

/// On the host the server binary is empty: `cargo test -p fs` tests the library.
#[cfg(not(target_os = "none"))]
fn main() {}
