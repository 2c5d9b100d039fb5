//! Talking to the device registry (`devreg`): register a device, look one up, list them.

use crate::{ipc, sys_call, sys_handle_dup, Handle, Msg, Rights};
use abi::FOREVER;
use proto::devreg::{DevKind, DevName, Device, Op, Reply, Request};
use proto::Errno;

/// Sends `req` (carrying `handle`, 0 for none); returns the decoded reply's
/// essentials: the device (for Register/Lookup), the handle it carried.
fn call(
    registry: Handle,
    req: &Request,
    handle: Handle,
) -> Result<(Option<Device>, Handle, u32, u32), Errno> {
    let msg = ipc::with_buffer(|buf| {
        req.encode(buf).map(|e| Msg {
            info: e.info().with_handle(handle),
            words: e.words,
        })
    })?;
    let reply = sys_call(registry, &msg, FOREVER).map_err(Errno::from)?;
    ipc::with_buffer(|buf| {
        let bytes = &buf[..usize::from(reply.info.len_bytes).min(buf.len())];
        match Reply::decode(req.op(), reply.info.label, reply.words, bytes)? {
            Reply::Registered { major, minor } => Ok((None, 0, major, minor)),
            Reply::Found(d) => Ok((Some(d), reply.info.handle, d.major, d.minor)),
            Reply::Unregistered => Ok((None, 0, 0, 0)),
            Reply::Busy(conflict) => {
                crate::eprintln!("registry: {conflict}");
                Err(Errno::Busy)
            }
            Reply::Error(e) => Err(e),
            Reply::Listed { .. } => Err(Errno::Io),
        }
    })
}

/// Registers character device `name` (major 0: let the registry choose) served
/// on `service`; returns the (major, minor) it got.
pub fn register(
    registry: Handle,
    service: Handle,
    name: &str,
    major: u32,
    minor: u32,
) -> Result<(u32, u32), Errno> {
    let name = DevName::new(name)?;
    let copy = sys_handle_dup(
        service,
        Rights::SEND.union(Rights::DUP).union(Rights::GRANT),
        0,
    )
    .map_err(Errno::from)?;
    let req = Request::Register {
        name,
        kind: DevKind::Char,
        major,
        minor,
    };
    let (_, _, major, minor) = call(registry, &req, copy)?;
    Ok((major, minor))
}

/// Drops every device the server with registry badge `owner` registered
/// (init, when that server ended). Only the registry's creator may.
pub fn remove_owner(registry: Handle, owner: u64) -> Result<(), Errno> {
    call(registry, &Request::RemoveOwner { owner }, 0).map(drop)
}

/// Finds device `name`: its numbers and a handle to its server's endpoint.
pub fn lookup(registry: Handle, name: &str) -> Result<(Device, Handle), Errno> {
    let req = Request::Lookup {
        name: DevName::new(name)?,
    };
    match call(registry, &req, 0)? {
        (Some(device), handle, _, _) if handle != 0 => Ok((device, handle)),
        _ => Err(Errno::Io),
    }
}

/// Calls `f` with every registered device, in (kind, major, minor) order.
pub fn for_each(registry: Handle, mut f: impl FnMut(&Device)) -> Result<(), Errno> {
    let mut start = 0u32;
    loop {
        let req = Request::List { start };
        let msg = ipc::with_buffer(|buf| {
            req.encode(buf).map(|e| Msg {
                info: e.info(),
                words: e.words,
            })
        })?;
        let reply = sys_call(registry, &msg, FOREVER).map_err(Errno::from)?;
        let (total, got) = ipc::with_buffer(|buf| {
            let bytes = &buf[..usize::from(reply.info.len_bytes).min(buf.len())];
            match Reply::decode(Op::List, reply.info.label, reply.words, bytes)? {
                Reply::Listed { total, entries } => {
                    let mut got = 0u32;
                    for d in entries.iter() {
                        f(&d);
                        got += 1;
                    }
                    Ok((total, got))
                }
                Reply::Error(e) => Err(e),
                _ => Err(Errno::Io),
            }
        })?;
        start += got;
        if got == 0 || start >= total {
            return Ok(());
        }
    }
}
