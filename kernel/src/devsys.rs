//! Device access for drivers: exclusive claims of the board's device regions and interrupt lines.
//!
//! The `request_mem_region` / `request_irq` of mica. A driver claims a device
//! by name and gets a memory region of its registers (mapped uncached); it binds
//! an interrupt line to a notification. Both are exclusive, refused with the
//! owner named, and end when the owner's handles go (exit, crash, removal).

use crate::board::DEVICES;
use crate::cap::table::Handle;
use crate::kstate::Kernel;
use crate::mem::{write_frame, PhysAddr, PAGE_SIZE};
use crate::object::{IrqBinding, KObj, Region};
use crate::task::TaskId;
use crate::umem::UserSlice;
use abi::{Error, Rights};
use alloc::vec::Vec;

/// The device the kernel's console prints on until a driver claims it.
pub const CONSOLE_DEVICE: &str = "pl011";

/// Longest device name a claim may give.
const MAX_DEVICE_NAME_BYTES: u64 = 16;
/// Where `device_info` puts the name of a built-in server that holds the device.
const BUILTIN_NAME_OFFSET: usize = 64;
/// Interrupt lines of the BCM2835 controller.
const IRQ_LINES: u64 = 64;

impl Kernel {
    /// Refuses with `Busy`: the owner's pid in `x1`, its name in the IPC buffer (`x2` bytes).
    fn busy(&mut self, owner: TaskId) -> Result<(), Error> {
        let (pid, name) = match self.tasks.get(owner) {
            Some(t) => (t.pid, t.name.clone()),
            None => (0, alloc::string::String::new()),
        };
        let me = self.cur();
        write_frame(me.ipc_frame, 0, name.as_bytes());
        me.ctx.x[1] = pid;
        me.ctx.x[2] = name.len() as u64;
        Err(Error::Busy)
    }

    /// Claims board device `name` for built-in server `server` (its
    /// `request_mem_region`); refused, with the holder, if anyone has it.
    pub fn claim_for_builtin(
        &mut self,
        name: &str,
        server: crate::arena::Id,
    ) -> Result<(), alloc::string::String> {
        let index = DEVICES
            .iter()
            .position(|d| d.name == name)
            .ok_or_else(|| alloc::format!("no device {name} on this board"))?;
        if let Some(t) = self.device_owner[index].and_then(|o| self.tasks.get(o)) {
            return Err(alloc::format!(
                "{name} is claimed by {} (pid {})",
                t.name,
                t.pid
            ));
        }
        if self.builtin_device_owner[index].is_some() {
            return Err(alloc::format!(
                "{name} is claimed inside the kernel already"
            ));
        }
        self.builtin_device_owner[index] = Some(server);
        let dev = DEVICES[index];
        let by = self.builtins.get(server).map_or("?", |i| i.name);
        crate::pr_info!(
            "iomem: {} ({:#x}-{:#x}) claimed by {by} (in the kernel)",
            dev.name,
            dev.base,
            dev.base + dev.len_bytes
        );
        Ok(())
    }

    /// `device_claim`: an exclusive memory region over a board device's registers.
    pub fn sys_device_claim(&mut self, name_ptr: u64, name_len: u64) -> Result<(), Error> {
        if name_len > MAX_DEVICE_NAME_BYTES {
            return Err(Error::TooLarge);
        }
        let mut buf = [0u8; MAX_DEVICE_NAME_BYTES as usize];
        let name = &mut buf[..name_len as usize];
        let space = self.cur().space.as_ref().ok_or(Error::BadAddress)?;
        UserSlice::new(name_ptr, name_len)?.read(space, name)?;
        let index = DEVICES
            .iter()
            .position(|d| d.name.as_bytes() == name)
            .ok_or(Error::NotFound)?;
        if let Some(owner) = self.device_owner[index] {
            return self.busy(owner);
        }
        if let Some(server) = self.builtin_device_owner[index] {
            let name = self.builtins.get(server).map_or("?", |i| i.name);
            let me = self.cur();
            write_frame(me.ipc_frame, 0, name.as_bytes());
            me.ctx.x[1] = 0;
            me.ctx.x[2] = name.len() as u64;
            return Err(Error::Busy);
        }
        let dev = DEVICES[index];
        let pages = dev.len_bytes / PAGE_SIZE;
        let mut frames = Vec::new();
        frames
            .try_reserve_exact(pages)
            .map_err(|_| Error::OutOfMemory)?;
        frames.extend((0..pages).map(|i| PhysAddr(dev.base + i * PAGE_SIZE)));
        let region = Region {
            refs: 0,
            frames,
            owned: false,
            device: Some(index),
        };
        let id = self
            .regions
            .insert(region)
            .map_err(|_| Error::OutOfMemory)?;
        self.give(KObj::Region(id), Rights::MAP.union(Rights::WRITE))?;
        self.device_owner[index] = self.current;
        if dev.name == CONSOLE_DEVICE {
            crate::console::hand_over(true);
        }
        self.cur().ctx.x[2] = pages as u64;
        crate::pr_info!(
            "iomem: {} ({:#x}-{:#x}) claimed by {}",
            dev.name,
            dev.base,
            dev.base + dev.len_bytes,
            self.cur().name
        );
        Ok(())
    }

    /// `device_info`: one line of the `iomem` listing.
    pub fn sys_device_info(&mut self, index: u64) -> Result<(), Error> {
        let dev = usize::try_from(index)
            .ok()
            .and_then(|i| DEVICES.get(i))
            .ok_or(Error::NotFound)?;
        let owner = self.device_owner[index as usize]
            .and_then(|o| self.tasks.get(o))
            .map_or(0, |t| t.pid);
        let server = self.builtin_device_owner[index as usize]
            .and_then(|b| self.builtins.get(b))
            .map_or("", |i| i.name);
        let me = self.cur();
        write_frame(me.ipc_frame, 0, dev.name.as_bytes());
        write_frame(me.ipc_frame, BUILTIN_NAME_OFFSET, server.as_bytes());
        me.ctx.x[1] = dev.base as u64;
        me.ctx.x[2] = dev.len_bytes as u64;
        me.ctx.x[3] = owner;
        me.ctx.x[4] = dev.name.len() as u64;
        me.ctx.x[5] = server.len() as u64;
        Ok(())
    }

    /// `irq_claim`: bind an interrupt line to a notification bit, exclusively.
    pub fn sys_irq_claim(&mut self, irq: u64, ntfn_h: u64, bit: u64) -> Result<(), Error> {
        if irq >= IRQ_LINES || !bit.is_power_of_two() {
            return Err(Error::InvalidArgument);
        }
        let cap = self.cur().handles.get(Handle::from_raw(ntfn_h as u32))?;
        let KObj::Notification(ntfn) = cap.object else {
            return Err(Error::WrongType);
        };
        if !cap.rights.contains(Rights::SEND) {
            return Err(Error::NoRights);
        }
        if let Some(b) = self.irq_bindings[irq as usize] {
            return self.busy(b.owner);
        }
        let me = self.current.ok_or(Error::InvalidArgument)?;
        self.give(KObj::Irq(irq as u32), Rights::CONTROL)?;
        self.irq_bindings[irq as usize] = Some(IrqBinding {
            owner: me,
            ntfn,
            bit,
        });
        crate::irq::set_bound(irq as u32, true);
        Ok(())
    }

    /// `irq_ack`: unmask the line after serving it.
    pub fn sys_irq_ack(&mut self, h: u64) -> Result<(), Error> {
        let cap = self.cur().handles.get(Handle::from_raw(h as u32))?;
        let KObj::Irq(line) = cap.object else {
            return Err(Error::WrongType);
        };
        crate::irq::ack(line);
        Ok(())
    }
}
