//! Device access for drivers: claim a board device's registers, bind and acknowledge interrupts.

use crate::ipc;
use crate::mapping::Mapping;
use crate::sys::{handle, ok, svc};
use abi::{Error, Handle, Sysnum};
use alloc::string::String;

/// Why a claim failed: the kernel's error, and for `Busy` who holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClaimError {
    /// Another task holds it: its pid and name.
    Busy {
        /// The owner's pid.
        pid: u64,
        /// The owner's name.
        name: String,
    },
    /// Any other refusal.
    Other(Error),
}

impl core::fmt::Display for ClaimError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ClaimError::Busy { pid, name } => write!(f, "busy: held by {name} (pid {pid})"),
            ClaimError::Other(e) => write!(f, "{e}"),
        }
    }
}

/// Turns `Busy` into its owner, read from the IPC buffer the kernel filled.
fn claim_error(regs: &[u64; 7]) -> ClaimError {
    match Error::check(regs[0]) {
        Err(Error::Busy) => {
            let len = (regs[2] as usize).min(abi::MAX_MSG_BYTES);
            let name = ipc::with_buffer(|b| String::from_utf8_lossy(&b[..len]).into_owned());
            ClaimError::Busy { pid: regs[1], name }
        }
        Err(e) => ClaimError::Other(e),
        Ok(()) => ClaimError::Other(Error::InvalidSyscall),
    }
}

/// Claims device `name` of the board's table and maps its registers (uncached).
/// The claim lasts as long as the returned mapping and the handle (closing both
/// releases it; so does the task ending).
pub fn claim(name: &str) -> Result<(Handle, Mapping), ClaimError> {
    let args = [name.as_ptr() as u64, name.len() as u64, 0, 0, 0, 0, 0];
    let regs = {
        let _claim = ipc::claim("device_claim");
        // SAFETY: the kernel only reads `name` (checked against our tables) and
        // writes the IPC buffer, whose guard `_claim` holds.
        unsafe { svc(Sysnum::DeviceClaim, args) }
    };
    if regs[0] != 0 {
        return Err(claim_error(&regs));
    }
    let region = handle(regs[1]).map_err(ClaimError::Other)?;
    let mapping = Mapping::region(region, true).map_err(ClaimError::Other)?;
    Ok((region, mapping))
}

/// Who holds a device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Holder {
    /// Nobody: it can be claimed.
    Free,
    /// The task with this pid.
    Task(u64),
    /// The server of this name, built into the kernel (the monolithic build).
    Kernel(String),
}

impl core::fmt::Display for Holder {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Holder::Free => f.write_str("free"),
            Holder::Task(pid) => write!(f, "pid {pid}"),
            Holder::Kernel(name) => write!(f, "{name} (in the kernel)"),
        }
    }
}

/// One line of the `iomem` listing: name, physical base, length, holder.
pub fn info(index: usize) -> Result<(String, u64, u64, Holder), Error> {
    let args = [index as u64, 0, 0, 0, 0, 0, 0];
    let regs = {
        let _claim = ipc::claim("device_info");
        // SAFETY: no pointers; the kernel writes the IPC buffer, whose guard is held.
        ok(unsafe { svc(Sysnum::DeviceInfo, args) })?
    };
    let len = (regs[4] as usize).min(64);
    let server_len = (regs[5] as usize).min(64);
    let (name, server) = ipc::with_buffer(|b| {
        (
            String::from_utf8_lossy(&b[..len]).into_owned(),
            String::from_utf8_lossy(&b[64..64 + server_len]).into_owned(),
        )
    });
    let holder = match (regs[3], server_len) {
        (0, 0) => Holder::Free,
        (0, _) => Holder::Kernel(server),
        (pid, _) => Holder::Task(pid),
    };
    Ok((name, regs[1], regs[2], holder))
}

/// Binds interrupt line `irq` to notification `ntfn`, bit `bit`; returns the IRQ handle.
pub fn irq_claim(irq: u32, ntfn: Handle, bit: u64) -> Result<Handle, ClaimError> {
    let args = [u64::from(irq), u64::from(ntfn), bit, 0, 0, 0, 0];
    let regs = {
        let _claim = ipc::claim("irq_claim");
        // SAFETY: no pointers; on Busy the kernel writes the IPC buffer (guard held).
        unsafe { svc(Sysnum::IrqClaim, args) }
    };
    if regs[0] != 0 {
        return Err(claim_error(&regs));
    }
    handle(regs[1]).map_err(ClaimError::Other)
}

/// Unmasks the line of `irq` after the driver has served it.
pub fn irq_ack(irq: Handle) -> Result<(), Error> {
    // SAFETY: no pointers, no IPC buffer.
    ok(unsafe { svc(Sysnum::IrqAck, [u64::from(irq), 0, 0, 0, 0, 0, 0]) }).map(drop)
}
