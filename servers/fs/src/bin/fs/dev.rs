//! The file server's `/dev`: the device registry asked for names, numbers and driver endpoints.

use fs::devfs::{device_ino, device_kind, device_stat};
use fs::{DevicePath, MemFs};
use proto::devreg::{Device, MAX_NAME_BYTES};
use proto::file::{OpenFlags, Reply, Stat};
use proto::Errno;
use ulib::{ipc, println, registry, sys_handle_close, Handle, Msg};

/// How long the start-up check waits for the registry to answer.
const PROBE_TIMEOUT_NS: u64 = 2_000_000_000;

/// Makes `/dev` if `registry` is a registry that answers (or is slow to): the handle to ask, or `None`.
pub(crate) fn mount(fs: &mut MemFs, registry: Handle) -> Option<Handle> {
    if let Err(e) = probe(registry) {
        println!("no device registry (handle {registry}: {e}): running without /dev");
        return None;
    }
    match fs.mount_devices("/dev") {
        Ok(_) => {
            println!("/dev: the device registry's names");
            Some(registry)
        }
        Err(e) => {
            ulib::eprintln!("cannot make /dev: {e}");
            None
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

/// `/dev/NAME` opened with `PATH`: the node's stat, with the registry's numbers.
pub(crate) fn device_node(
    registry: Option<Handle>,
    dev: &DevicePath,
    flags: OpenFlags,
) -> Result<Stat, Errno> {
    let found = find(registry, |d| d.name.as_str() == dev.name)?;
    dev.open_check(found.is_some(), flags)?;
    let d = found.ok_or(Errno::NoEntry)?;
    Ok(device_stat(d.kind, d.major, d.minor))
}

/// `/dev/NAME` opened for use: the driver's endpoint to redirect to (the registry badges it for this open).
pub(crate) fn driver_handle(
    registry: Option<Handle>,
    dev: &DevicePath,
    flags: OpenFlags,
) -> Result<Handle, Errno> {
    let found = match registry.map(|r| registry::lookup(r, dev.name)) {
        Some(Ok((_, handle))) => Some(handle),
        // A name the registry could never hold is a name it does not hold.
        Some(Err(Errno::NoEntry | Errno::Invalid | Errno::NameTooLong)) | None => None,
        Some(Err(e)) => return Err(e),
    };
    match (dev.open_check(found.is_some(), flags), found) {
        (Ok(()), Some(handle)) => Ok(handle),
        (result, handle) => {
            if let Some(h) = handle {
                let _ = sys_handle_close(h);
            }
            Err(result.err().unwrap_or(Errno::NoEntry))
        }
    }
}

/// The first registered device that `pick` accepts (none without a registry).
fn find(
    registry: Option<Handle>,
    mut pick: impl FnMut(&Device) -> bool,
) -> Result<Option<Device>, Errno> {
    let Some(registry) = registry else {
        return Ok(None);
    };
    let mut found = None;
    registry::for_each(registry, |d| {
        if found.is_none() && pick(d) {
            found = Some(*d);
        }
    })?;
    Ok(found)
}

/// Entry `index` of `/dev`: the registry's device at that place in its listing; its name goes through `name`.
pub(crate) fn entry(
    registry: Option<Handle>,
    index: usize,
    name: &mut [u8; MAX_NAME_BYTES],
) -> Result<Reply<'_>, Errno> {
    let mut seen = 0;
    let found = find(registry, |_| {
        seen += 1;
        seen > index
    })?;
    let Some(d) = found else {
        return Ok(Reply::End);
    };
    let text = d.name.as_str().as_bytes();
    let n = text.len().min(name.len());
    name[..n].copy_from_slice(&text[..n]);
    Ok(Reply::Entry {
        name: core::str::from_utf8(&name[..n]).map_err(|_| Errno::Io)?,
        kind: device_kind(d.kind),
        ino: device_ino(d.major, d.minor),
    })
}
