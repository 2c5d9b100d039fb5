//! The file server's transport side of `/dev`: the registry probed at start-up and asked, by IPC, for what `fs::server::Host` needs.

use fs::server::Host;
use fs::MemFs;
use proto::devreg::Device;
use proto::Errno;
use ulib::{ipc, println, registry, sys_handle_close, Handle, Msg};

/// How long the start-up check waits for the registry to answer.
const PROBE_TIMEOUT_NS: u64 = 2_000_000_000;

/// Now, in ns since boot, from the counter (no syscall per request).
pub(crate) fn uptime_ns() -> u64 {
    ulib::sysinfo::uptime_ns()
}

/// The server's host: the device registry's handle while `/dev` is mounted.
pub(crate) struct Registry(Option<Handle>);

impl Host for Registry {
    type Handle = Handle;

    fn now_ns(&mut self) -> u64 {
        uptime_ns()
    }

    fn lookup_device(&mut self, name: &str) -> Result<Handle, Errno> {
        let registry = self.0.ok_or(Errno::NoEntry)?;
        registry::lookup(registry, name).map(|(_, handle)| handle)
    }

    fn for_each_device(&mut self, visit: &mut dyn FnMut(&Device)) -> Result<(), Errno> {
        match self.0 {
            Some(registry) => registry::for_each(registry, visit),
            None => Ok(()),
        }
    }

    fn close(&mut self, handle: Handle) {
        let _ = sys_handle_close(handle);
    }
}

/// Makes `/dev` if `registry` is a registry that answers (or is slow to): the host that asks it.
pub(crate) fn mount(fs: &mut MemFs, registry: Handle) -> Registry {
    if let Err(e) = probe(registry) {
        println!("no device registry (handle {registry}: {e}): running without /dev");
        return Registry(None);
    }
    match fs.mount_devices("/dev") {
        Ok(_) => {
            println!("/dev: the device registry's names");
            Registry(Some(registry))
        }
        Err(e) => {
            ulib::eprintln!("cannot make /dev: {e}");
            Registry(None)
        }
    }
}

/// Asks the registry for its first page of devices; only a missing or wrong handle fails.
fn probe(registry: Handle) -> Result<(), Errno> {
    let req = proto::devreg::Request::List { start: 0 };
    let msg = ipc::with_buffer(|buf| {
        req.encode(buf).map(|e| Msg {
            info: e.info(),
            words: e.words,
        })
    })?;
    match ulib::sys_call(registry, &msg, PROBE_TIMEOUT_NS) {
        Ok(_) => Ok(()),
        Err(ulib::Error::TimedOut) => {
            println!("the device registry is slow to answer; /dev will wait for it");
            Ok(())
        }
        Err(e) => Err(Errno::from(e)),
    }
}
