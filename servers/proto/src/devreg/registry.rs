//! `Registry`: the registry server's rules as a pure data structure, and the `/proc/devices` text.

extern crate alloc;

use super::{DevKind, DevName, Device, ListEntries, Reply, MAX_MAJOR, MAX_MINOR};
use crate::Errno;
use alloc::vec::Vec;
use core::fmt;
use core::ops::RangeInclusive;

/// Most devices the registry holds.
pub const MAX_DEVICES: usize = 256;
/// Majors handed out for a `Register` with major 0, highest first (Linux's 234..=254).
pub const DYNAMIC_MAJORS: RangeInclusive<u32> = 234..=254;

/// Why a registration was refused with `EBUSY`: the device already holding the name or number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Conflict {
    /// The registered device (its owner task id included).
    pub existing: Device,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.existing;
        write!(
            f,
            "{} (major {}, minor {}) is registered by task {}",
            d.name, d.major, d.minor, d.owner
        )
    }
}

/// Why [`Registry::register`] refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegisterError {
    /// `EBUSY`: the name or the (kind, major, minor) is taken.
    Busy(Conflict),
    /// Another errno: `EINVAL` (numbers out of range), `ENOSPC` (registry or dynamic majors full).
    Refused(Errno),
}

impl RegisterError {
    /// The errno of the reply.
    pub const fn errno(&self) -> Errno {
        match self {
            RegisterError::Busy(_) => Errno::Busy,
            RegisterError::Refused(errno) => *errno,
        }
    }

    /// The reply a registry server sends.
    pub const fn reply(&self) -> Reply<'static> {
        match *self {
            RegisterError::Busy(conflict) => Reply::Busy(conflict),
            RegisterError::Refused(errno) => Reply::Error(errno),
        }
    }
}

/// The registered devices, with the endpoint `E` the registry keeps for each.
///
/// Rules: names are unique; (kind, major, minor) is unique; only the owner
/// unregisters; an exiting server's devices all go ([`Registry::remove_owner`]).
#[derive(Debug)]
pub struct Registry<E> {
    /// Sorted by (kind, major, minor), names unique; same length as `endpoints`.
    devices: Vec<Device>,
    /// `endpoints[i]` is the server endpoint of `devices[i]`.
    endpoints: Vec<E>,
}

impl<E> Default for Registry<E> {
    fn default() -> Self {
        Self::new()
    }
}

/// The order of the registry and of listings.
fn order(d: &Device) -> (DevKind, u32, u32) {
    (d.kind, d.major, d.minor)
}

impl<E> Registry<E> {
    /// An empty registry.
    pub const fn new() -> Self {
        Registry {
            devices: Vec::new(),
            endpoints: Vec::new(),
        }
    }

    /// Registers `device` (its `owner` is the caller's task id) served at `endpoint`.
    ///
    /// Major 0 picks the highest free major of [`DYNAMIC_MAJORS`] (free: no
    /// device of that kind uses it). Returns the device as registered. On
    /// failure `endpoint` is dropped: a server holding a handle closes it.
    pub fn register(&mut self, mut device: Device, endpoint: E) -> Result<Device, RegisterError> {
        use RegisterError::{Busy, Refused};
        if device.major > MAX_MAJOR || device.minor > MAX_MINOR {
            return Err(Refused(Errno::Invalid));
        }
        if let Some(existing) = self.devices.iter().find(|d| d.name == device.name) {
            return Err(Busy(Conflict {
                existing: *existing,
            }));
        }
        if self.devices.len() >= MAX_DEVICES {
            return Err(Refused(Errno::NoSpace));
        }
        if device.major == 0 {
            let kind = device.kind;
            let used = |major: u32| {
                self.devices
                    .iter()
                    .any(|d| d.kind == kind && d.major == major)
            };
            device.major = DYNAMIC_MAJORS
                .rev()
                .find(|&m| !used(m))
                .ok_or(Refused(Errno::NoSpace))?;
        }
        let at = self.devices.partition_point(|d| order(d) < order(&device));
        if let Some(existing) = self.devices.get(at).filter(|d| order(d) == order(&device)) {
            return Err(Busy(Conflict {
                existing: *existing,
            }));
        }
        self.devices.insert(at, device);
        self.endpoints.insert(at, endpoint);
        debug_assert_eq!(self.devices.len(), self.endpoints.len());
        Ok(device)
    }

    /// Removes device `name` if task `owner` registered it: `ENOENT` if none, `EPERM` if not theirs.
    pub fn unregister(&mut self, name: &DevName, owner: u64) -> Result<(Device, E), Errno> {
        let at = self.index_of(name).ok_or(Errno::NoEntry)?;
        if self.devices.get(at).map(|d| d.owner) != Some(owner) {
            return Err(Errno::NotPermitted);
        }
        Ok(self.remove_at(at))
    }

    /// The device called `name` and its server's endpoint.
    pub fn lookup(&self, name: &DevName) -> Option<(&Device, &E)> {
        let at = self.index_of(name)?;
        Some((self.devices.get(at)?, self.endpoints.get(at)?))
    }

    /// Removes every device of task `owner` (it exited), returning them with their endpoints.
    pub fn remove_owner(&mut self, owner: u64) -> Vec<(Device, E)> {
        let mut removed = Vec::new();
        let mut at = 0;
        while let Some(device) = self.devices.get(at) {
            if device.owner == owner {
                removed.push(self.remove_at(at));
            } else {
                at += 1;
            }
        }
        removed
    }

    /// The devices, in (kind, major, minor) order.
    pub fn devices(&self) -> &[Device] {
        &self.devices
    }

    /// Devices registered.
    pub fn len(&self) -> usize {
        self.devices.len()
    }

    /// Whether none are.
    pub fn is_empty(&self) -> bool {
        self.devices.is_empty()
    }

    /// The reply to `List { start }`: the devices from `start` that fit, packed into `buf`.
    pub fn list<'a>(&self, start: u32, buf: &'a mut [u8]) -> Result<Reply<'a>, Errno> {
        let from = self.devices.get(start as usize..).unwrap_or(&[]);
        Ok(Reply::Listed {
            total: self.devices.len() as u32,
            entries: ListEntries::pack(from, buf)?,
        })
    }

    /// The `/proc/devices`-like listing (see [`ProcDevices`]).
    pub fn proc_devices(&self) -> ProcDevices<'_> {
        ProcDevices(&self.devices)
    }

    /// Where device `name` is.
    fn index_of(&self, name: &DevName) -> Option<usize> {
        self.devices.iter().position(|d| d.name == *name)
    }

    /// Removes entry `at` (which exists) from both vectors.
    fn remove_at(&mut self, at: usize) -> (Device, E) {
        debug_assert!(at < self.devices.len() && self.devices.len() == self.endpoints.len());
        (self.devices.remove(at), self.endpoints.remove(at))
    }
}

/// Devices as text, like Linux's `/proc/devices` plus the minor.
///
/// Each kind gets a header and one line per device, `major` right-aligned
/// in 3 columns, a space, `minor` right-aligned in 3 columns, a space, the
/// name; a blank line separates the kinds, and both headers always appear:
///
/// ```text
/// Character devices:
///   4  64 serial0
/// 254   0 gpiochip0
///
/// Block devices:
/// 179   0 mmcblk0
/// ```
///
/// Devices print in the slice's order (the registry's and `List`'s order:
/// kind, major, minor), so a client that collected `List` replies prints the
/// same text as the registry.
#[derive(Clone, Copy, Debug)]
pub struct ProcDevices<'a>(pub &'a [Device]);

impl fmt::Display for ProcDevices<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (kind, header) in [
            (DevKind::Char, "Character devices:\n"),
            (DevKind::Block, "\nBlock devices:\n"),
        ] {
            f.write_str(header)?;
            for d in self.0.iter().filter(|d| d.kind == kind) {
                writeln!(f, "{:>3} {:>3} {}", d.major, d.minor, d.name)?;
            }
        }
        Ok(())
    }
}
