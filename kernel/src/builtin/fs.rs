//! The file server built into the kernel (monolithic build): `fs::server::FsServer` answering in the caller's syscall, `/dev` from the kernel's registry, `/boot` straight from the kernel's copy of the boot archive.

use super::{devreg, Grant, Service};
use crate::arena::Id;
use crate::kstate::Kernel;
use abi::MAX_MSG_BYTES;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use fs::boot::{DEFAULT_MAX_FILES, DEFAULT_MAX_KIB};
use fs::server::{FsServer, Host};
use proto::devreg::{DevName, Device};
use proto::serve::{Answer, Call};
use proto::Errno;

/// The file server's state from start to stop.
struct BuiltinFs {
    server: FsServer,
}

/// What the file server asks of the kernel: the clock and the registry.
struct KernelHost<'k> {
    k: &'k mut Kernel,
}

impl Host for KernelHost<'_> {
    type Handle = Grant;

    fn now_ns(&mut self) -> u64 {
        crate::platform::monotonic_ns()
    }

    fn lookup_device(&mut self, name: &str) -> Result<Grant, Errno> {
        let name = DevName::new(name)?;
        let found = self.k.devices.registry.lookup(&name).map(|(_, &g)| g);
        let g = found.ok_or(Errno::NoEntry)?;
        Ok(devreg::lookup_grant(self.k, g))
    }

    fn for_each_device(&mut self, visit: &mut dyn FnMut(&Device)) -> Result<(), Errno> {
        self.k.devices.registry.devices().iter().for_each(visit);
        Ok(())
    }

    fn close(&mut self, _handle: Grant) {
        // A grant lookup_grant made holds nothing until a reply installs it.
    }
}

/// A whole number from 0 up for parameter `key`, `default` when not given.
fn count(args: &str, key: &str, default: u64) -> Result<u64, String> {
    match super::pairs(args).find(|(k, _)| *k == key) {
        None => Ok(default),
        Some((_, v)) => v
            .parse()
            .map_err(|_| format!("parameter {key}={v}: expected a whole number from 0 up")),
    }
}

/// `module_init`: limits from `max_kib` and `max_files`, `/boot`, `/dev`.
pub fn start(k: &mut Kernel, args: &str, _me: Id) -> Result<(Box<dyn Service>, Vec<u32>), String> {
    let limits = fs::boot::limits(
        count(args, "max_kib", DEFAULT_MAX_KIB)?,
        count(args, "max_files", DEFAULT_MAX_FILES)?,
    );
    let mut server = FsServer::new(limits);
    server.fs_mut().set_clock(crate::platform::monotonic_ns());
    match crate::arch::aarch64::sections::boot_archive() {
        Some(bytes) => match fs::boot::mount_archive(server.fs_mut(), bytes) {
            Ok((_, line)) => crate::pr_info!("fs: {line}"),
            Err(why) => crate::pr_err!("fs: {why}"),
        },
        None => crate::pr_info!("fs: no boot archive: running without /boot"),
    }
    if k.builtins.iter().any(|(_, i)| i.name == "devreg") {
        match server.fs_mut().mount_devices("/dev") {
            Ok(_) => crate::pr_info!("fs: /dev: the kernel registry's names"),
            Err(e) => crate::pr_err!("fs: cannot make /dev: {e}"),
        }
    }
    crate::pr_info!(
        "fs: serving the namespace inside the kernel: {} KiB, {} files in memory",
        limits.max_bytes / 1024,
        limits.max_inodes
    );
    Ok((Box::new(BuiltinFs { server }), Vec::new()))
}

impl Service for BuiltinFs {
    fn call(
        &mut self,
        k: &mut Kernel,
        call: &Call,
        _handle: Option<Grant>,
        out: &mut [u8; MAX_MSG_BYTES],
    ) -> Answer<Grant> {
        // One path through the server's logic (`call_direct`): a second
        // inlined copy of it would not be inlined as well.
        let (answer, direct) = self.call_direct(k, call, None, out);
        if let Some(bytes) = direct {
            out[..bytes.len()].copy_from_slice(bytes);
        }
        answer
    }

    fn call_direct<'s>(
        &'s mut self,
        k: &mut Kernel,
        call: &Call<'s>,
        _handle: Option<Grant>,
        out: &mut [u8; MAX_MSG_BYTES],
    ) -> (Answer<Grant>, Option<&'s [u8]>) {
        self.server.call_direct(&mut KernelHost { k }, call, out)
    }

    fn usage(&self) -> (u64, u64) {
        self.server.opens().usage()
    }

    fn stop(&mut self, _k: &mut Kernel) -> String {
        let usage = self.server.fs().usage();
        format!(
            "goodbye: {} files and directories ({} bytes) dropped, {} fds were open",
            usage.inodes.saturating_sub(1),
            usage.bytes,
            self.server.opens().count()
        )
    }
}
