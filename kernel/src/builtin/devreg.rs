//! The device registry built into the kernel (monolithic build): the rules of `proto::devreg::Registry`, over capabilities rather than a task's handles.

use super::{Grant, Service};
use crate::kstate::Kernel;
use crate::object::KObj;
use abi::{Rights, MAX_MSG_BYTES};
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use proto::devreg::{DevKind, DevName, Device, Reply, Request};
use proto::serve::{Answer, Call};
use proto::Errno;

/// Set in every badge a lookup mints, as the task devreg does: never 0, never an id.
const LOOKUP_BADGE: u64 = 1 << 63;
/// The owner recorded for devices a built-in driver registers (no task id).
pub const KERNEL_OWNER: u64 = 0;

/// The registry's state lives in `Kernel::devices`, where the built-in file
/// server and drivers reach it too.
struct Devreg;

/// Starts the registry (it takes no parameters).
pub fn start(
    _k: &mut Kernel,
    args: &str,
    _me: crate::arena::Id,
) -> Result<(Box<dyn Service>, alloc::vec::Vec<u32>), String> {
    if !args.trim().is_empty() {
        return Err(format!("devreg takes no parameters, got {args:?}"));
    }
    Ok((Box::new(Devreg), vec![]))
}

/// Encodes `reply` into `out` (an error reply if it does not encode).
fn answer(reply: &Reply, out: &mut [u8; MAX_MSG_BYTES], grant: Option<Grant>) -> Answer<Grant> {
    match reply.encode(out) {
        Ok(e) => Answer::Reply(e, grant),
        Err(errno) => match Reply::Error(errno).encode(out) {
            Ok(e) => Answer::reply(e),
            Err(_) => Answer::reply(proto::Encoded {
                label: Errno::Io.code(),
                ..Default::default()
            }),
        },
    }
}

/// Registers a built-in driver's device: `name` served by built-in server `server`.
pub fn register_builtin(
    k: &mut Kernel,
    name: &str,
    major: u32,
    minor: u32,
    server: crate::arena::Id,
) -> Result<Device, Errno> {
    let device = Device {
        name: DevName::new(name)?,
        kind: DevKind::Char,
        major,
        minor,
        owner: KERNEL_OWNER,
    };
    let grant = Grant {
        object: KObj::Builtin(server),
        badge: 0,
        rights: Rights::SEND,
    };
    let registered = k
        .devices
        .registry
        .register(device, grant)
        .map_err(|e| e.errno())?;
    let by = k.builtins.get(server).map_or("?", |i| i.name);
    crate::pr_info!("{by}: registered {name} ({major}, {minor})");
    Ok(registered)
}

/// Takes a built-in driver's device out again.
pub fn unregister_builtin(k: &mut Kernel, name: &str) {
    if let Ok(name) = DevName::new(name) {
        let _ = k.devices.registry.unregister(&name, KERNEL_OWNER);
    }
}

/// A capability for one client of `g`'s server: send only, with a badge of its own.
pub fn lookup_grant(k: &mut Kernel, g: Grant) -> Grant {
    k.devices.lookups = k.devices.lookups.wrapping_add(1) & !LOOKUP_BADGE;
    Grant {
        object: g.object,
        // A driver that registered a badged capability keeps that badge for every client.
        badge: if g.badge == 0 {
            LOOKUP_BADGE | k.devices.lookups
        } else {
            g.badge
        },
        rights: Rights::SEND,
    }
}

impl Service for Devreg {
    fn takes_handles(&self) -> bool {
        true // Register carries the driver's endpoint
    }

    fn call(
        &mut self,
        k: &mut Kernel,
        call: &Call,
        handle: Option<Grant>,
        out: &mut [u8; MAX_MSG_BYTES],
    ) -> Answer<Grant> {
        let request = Request::decode(call.label, call.words, call.bytes);
        // Only Register keeps a passed capability; any other is dropped here.
        let keep = matches!(request, Ok(Request::Register { .. }));
        let passed = match handle {
            Some(g) if !keep => {
                k.release(g.object, g.rights);
                None
            }
            other => other,
        };
        let req = match request {
            Ok(r) => r,
            Err(e) => return answer(&Reply::Error(e.errno()), out, None),
        };
        match req {
            Request::Register {
                name,
                kind,
                major,
                minor,
            } => {
                let Some(g) = passed else {
                    return answer(&Reply::Error(Errno::Invalid), out, None);
                };
                let device = Device {
                    name,
                    kind,
                    major,
                    minor,
                    owner: call.badge,
                };
                match k.devices.registry.register(device, g) {
                    Ok(d) => {
                        crate::pr_info!(
                            "devreg: registered {} (major {}, minor {}) for {}",
                            d.name,
                            d.major,
                            d.minor,
                            call.badge
                        );
                        let reply = Reply::Registered {
                            major: d.major,
                            minor: d.minor,
                        };
                        answer(&reply, out, None)
                    }
                    Err(e) => {
                        k.release(g.object, g.rights);
                        answer(&e.reply(), out, None)
                    }
                }
            }
            Request::Unregister { name } => {
                match k.devices.registry.unregister(&name, call.badge) {
                    Ok((_, g)) => {
                        k.release(g.object, g.rights);
                        answer(&Reply::Unregistered, out, None)
                    }
                    Err(e) => answer(&Reply::Error(e), out, None),
                }
            }
            Request::Lookup { name } => {
                let Some((device, &g)) = k.devices.registry.lookup(&name) else {
                    return answer(&Reply::Error(Errno::NoEntry), out, None);
                };
                let device = *device;
                let copy = lookup_grant(k, g);
                answer(&Reply::Found(device), out, Some(copy))
            }
            Request::RemoveOwner { owner } => {
                if call.badge != 0 {
                    return answer(&Reply::Error(Errno::NotPermitted), out, None);
                }
                for (device, g) in k.devices.registry.remove_owner(owner) {
                    k.release(g.object, g.rights);
                    crate::pr_info!("devreg: removed {} (its server {owner} ended)", device.name);
                }
                answer(&Reply::Unregistered, out, None)
            }
            Request::List { start } => {
                let mut page = vec![0u8; MAX_MSG_BYTES];
                match k.devices.registry.list(start, &mut page) {
                    Ok(reply) => answer(&reply, out, None),
                    Err(e) => answer(&Reply::Error(e), out, None),
                }
            }
        }
    }

    fn usage(&self) -> (u64, u64) {
        (0, 0)
    }

    fn stop(&mut self, k: &mut Kernel) -> String {
        let count = k.devices.registry.len();
        let owners: alloc::vec::Vec<u64> = k
            .devices
            .registry
            .devices()
            .iter()
            .map(|d| d.owner)
            .collect();
        for owner in owners {
            for (_, g) in k.devices.registry.remove_owner(owner) {
                k.release(g.object, g.rights);
            }
        }
        format!("goodbye: {count} devices dropped")
    }
}
