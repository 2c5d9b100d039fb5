//! The file server's `/dev`: the host's device registry asked for names, numbers and driver endpoints.

use crate::devfs::{device_ino, device_kind, device_stat};
use crate::server::Host;
use crate::DevicePath;
use proto::devreg::{Device, MAX_NAME_BYTES};
use proto::file::{OpenFlags, Reply, Stat};
use proto::Errno;

/// `/dev/NAME` opened with `PATH`: the node's stat, with the registry's numbers.
pub(crate) fn device_node<H: Host>(
    host: &mut H,
    dev: &DevicePath,
    flags: OpenFlags,
) -> Result<Stat, Errno> {
    let found = find(host, |d| d.name.as_str() == dev.name)?;
    dev.open_check(found.is_some(), flags)?;
    let d = found.ok_or(Errno::NoEntry)?;
    Ok(device_stat(d.kind, d.major, d.minor))
}

/// `/dev/NAME` opened for use: the driver's endpoint to redirect to (the registry badges it for this open).
pub(crate) fn driver_handle<H: Host>(
    host: &mut H,
    dev: &DevicePath,
    flags: OpenFlags,
) -> Result<H::Handle, Errno> {
    let found = match host.lookup_device(dev.name) {
        Ok(handle) => Some(handle),
        // A name the registry could never hold is a name it does not hold.
        Err(Errno::NoEntry | Errno::Invalid | Errno::NameTooLong) => None,
        Err(e) => return Err(e),
    };
    match (dev.open_check(found.is_some(), flags), found) {
        (Ok(()), Some(handle)) => Ok(handle),
        (result, handle) => {
            if let Some(h) = handle {
                host.close(h);
            }
            Err(result.err().unwrap_or(Errno::NoEntry))
        }
    }
}

/// The first registered device that `pick` accepts (none without a registry).
fn find<H: Host>(
    host: &mut H,
    mut pick: impl FnMut(&Device) -> bool,
) -> Result<Option<Device>, Errno> {
    let mut found = None;
    host.for_each_device(&mut |d| {
        if found.is_none() && pick(d) {
            found = Some(*d);
        }
    })?;
    Ok(found)
}

/// Entry `index` of `/dev`: the registry's device at that place in its listing; its name goes through `name`.
pub(crate) fn entry<'n, H: Host>(
    host: &mut H,
    index: usize,
    name: &'n mut [u8; MAX_NAME_BYTES],
) -> Result<Reply<'n>, Errno> {
    let mut seen = 0;
    let found = find(host, |_| {
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
