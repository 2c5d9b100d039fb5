//! System calls: decode the registers, check every argument, perform the operation on kernel state.
//!
//! Reached from the one unsafe entry (the exception vectors) through `trap`.
//! Before a handler runs, the caller's `x0` is set to 0 (success); a handler
//! that fails returns the error, which lands in `x0`; results go in `x1..`.

use crate::cap::table::{Cap, Handle};
use crate::kstate::Kernel;
use crate::mem::kernel_space::FRAMES;
use crate::mem::pte::{Access, Attrs};
use crate::mem::zero_frame;
use crate::object::{Endpoint, KObj, Notification, Region};
use crate::task::space::{Backing, SpaceError};
use crate::task::State;
use crate::umem::UserSlice;
use abi::{Error, InfoKind, Rights, Sysnum};
use alloc::vec::Vec;

/// Most pages one `map_anon` or `mem_create` may ask for (64 MiB).
const MAX_MAP_PAGES: u64 = 16 * 1024;
/// Longest `log` message.
const MAX_LOG_BYTES: u64 = 1024;
/// Rights of a freshly created endpoint or notification handle.
const IPC_RIGHTS: Rights =
    Rights(Rights::SEND.0 | Rights::RECV.0 | Rights::GRANT.0 | Rights::DUP.0);

fn space_err(e: SpaceError) -> Error {
    match e {
        SpaceError::InvalidRange => Error::InvalidArgument,
        SpaceError::AlreadyMapped => Error::AlreadyMapped,
        SpaceError::NotMapped => Error::NotMapped,
        SpaceError::OutOfMemory => Error::OutOfMemory,
    }
}

/// Performs the syscall the current task just made.
pub fn dispatch(k: &mut Kernel) {
    let Some(me) = k.current else { return };
    let regs = k.cur().ctx.x;
    let a = [
        regs[0], regs[1], regs[2], regs[3], regs[4], regs[5], regs[6],
    ];
    k.cur().ctx.x[0] = 0;
    let result = match Sysnum::from_raw(regs[8]) {
        Some(sys) => k.perform(sys, a),
        None => Err(Error::InvalidSyscall),
    };
    if let (Err(e), Some(task)) = (result, k.tasks.get_mut(me)) {
        task.ctx.x[0] = e as u64;
    }
}

impl Kernel {
    fn perform(&mut self, sys: Sysnum, a: [u64; 7]) -> Result<(), Error> {
        match sys {
            Sysnum::Log => self.sys_log(a[0], a[1], a[2]),
            Sysnum::Exit => {
                self.exit_current(a[0], a[1]);
                Ok(())
            }
            Sysnum::Yield => {
                while !self.quantum.is_expired() {
                    self.quantum.on_tick();
                }
                Ok(())
            }
            Sysnum::Sleep => {
                self.block_current(State::Sleeping, a[0]);
                Ok(())
            }
            Sysnum::SysInfo => self.sys_info(a[0]),
            Sysnum::MapAnon => self.sys_map_anon(a[0], a[1], a[2]),
            Sysnum::Unmap => self.sys_unmap(a[0], a[1]),
            Sysnum::MemCreate => self.sys_mem_create(a[0]),
            Sysnum::MemMap => self.sys_mem_map(a[0], a[1], a[2]),
            Sysnum::EndpointCreate => {
                let id = self
                    .endpoints
                    .insert(Endpoint::default())
                    .map_err(|_| Error::OutOfMemory)?;
                self.give(KObj::Endpoint(id), IPC_RIGHTS)
            }
            Sysnum::NotificationCreate => {
                let id = self
                    .notifications
                    .insert(Notification::default())
                    .map_err(|_| Error::OutOfMemory)?;
                self.give(KObj::Notification(id), IPC_RIGHTS)
            }
            Sysnum::HandleDup => self.sys_handle_dup(a[0], a[1], a[2]),
            Sysnum::HandleClose => self.close_handle(Handle::from_raw(a[0] as u32)),
            Sysnum::Call => self.sys_send(a[0], true, a[6]),
            Sysnum::Send => self.sys_send(a[0], false, a[6]),
            Sysnum::Recv => self.sys_recv(a[0], a[6]),
            Sysnum::Reply => self.sys_reply(),
            Sysnum::ReplyRecv => self.sys_reply_recv(a[0], a[6]),
            Sysnum::Signal => self.sys_signal(a[0], a[1]),
            Sysnum::Wait => self.sys_wait(a[0], a[6]),
            Sysnum::NotificationBind => self.sys_notification_bind(a[0]),
            Sysnum::TaskSpawn => self.sys_task_spawn(a[0]),
            Sysnum::TaskKill => self.sys_task_kill(a[0]),
            Sysnum::DeviceClaim => self.sys_device_claim(a[0], a[1]),
            Sysnum::DeviceInfo => self.sys_device_info(a[0]),
            Sysnum::IrqClaim => self.sys_irq_claim(a[0], a[1], a[2]),
            Sysnum::IrqAck => self.sys_irq_ack(a[0]),
            Sysnum::ReplySave => self.sys_reply_save(),
            Sysnum::ReplyTo => self.sys_reply_to(a[0]),
            Sysnum::LogRead => self.sys_log_read(a[0]),
            Sysnum::TaskInfo => self.sys_task_info(a[0]),
            Sysnum::SlabInfo => self.sys_slab_info(a[0]),
            Sysnum::Power => self.sys_power(a[0]),
            Sysnum::BuiltinStart => self.sys_builtin_start([a[0], a[1]], [a[2], a[3]]),
            Sysnum::ReplyRecvFrom => {
                self.reply_bytes_from_memory()?;
                self.sys_reply_recv(a[0], a[6])
            }
        }
    }

    /// `reply_recv_from` on the general path: the reply's bytes, at `x7` in the
    /// caller's memory, are copied into its IPC buffer first (through a
    /// kernel buffer: the range may be the IPC buffer itself).
    fn reply_bytes_from_memory(&mut self) -> Result<(), Error> {
        let task = self.cur();
        let info = abi::MsgInfo::from_raw(task.ctx.x[1]).ok_or(Error::InvalidArgument)?;
        let len = usize::from(info.len_bytes);
        if len == 0 {
            return Ok(());
        }
        let slice = UserSlice::new(task.ctx.x[7], len as u64)?;
        let mut bytes = Vec::new();
        bytes
            .try_reserve_exact(len)
            .map_err(|_| Error::OutOfMemory)?;
        bytes.resize(len, 0);
        slice.read(task.space.as_ref().ok_or(Error::BadAddress)?, &mut bytes)?;
        crate::platform::write_frame(task.ipc_frame, 0, &bytes);
        Ok(())
    }

    fn sys_log(&mut self, ptr: u64, len: u64, level: u64) -> Result<(), Error> {
        if len > MAX_LOG_BYTES {
            return Err(Error::TooLarge);
        }
        let level = u8::try_from(level)
            .ok()
            .and_then(crate::klog::level::Level::from_u8);
        let level = level.ok_or(Error::InvalidArgument)?;
        let slice = UserSlice::new(ptr, len)?;
        let mut buf = [0u8; MAX_LOG_BYTES as usize];
        let buf = &mut buf[..len as usize];
        let task = self.cur();
        slice.read(task.space.as_ref().ok_or(Error::BadAddress)?, buf)?;
        let text = core::str::from_utf8(buf).map_err(|_| Error::InvalidArgument)?;
        crate::pr!(
            level,
            "{}[{}]: {}",
            task.name,
            task.pid,
            text.trim_end_matches('\n')
        );
        Ok(())
    }

    fn sys_info(&mut self, kind: u64) -> Result<(), Error> {
        let value = match InfoKind::from_raw(kind).ok_or(Error::InvalidArgument)? {
            InfoKind::FreeFrames => FRAMES.lock().free_frames() as u64,
            InfoKind::Tasks => self.task_count() as u64,
            InfoKind::Uptime => crate::time::monotonic_ns(),
            InfoKind::TaskId => self.cur().pid,
            InfoKind::UartClockHz => u64::from(crate::console::uart_clock_hz()),
            InfoKind::TotalFrames => FRAMES.lock().total_frames() as u64,
            InfoKind::HeapBytes => {
                let (used, free) = crate::mem::heap::usage();
                (used + free) as u64
            }
            InfoKind::HeapUsedBytes => crate::mem::heap::usage().0 as u64,
            InfoKind::BuiltinServers => crate::builtin::count() as u64,
        };
        self.cur().ctx.x[1] = value;
        Ok(())
    }

    fn sys_map_anon(&mut self, addr: u64, pages: u64, writable: u64) -> Result<(), Error> {
        if pages == 0 || pages > MAX_MAP_PAGES || writable > 1 {
            return Err(Error::InvalidArgument);
        }
        let attrs = if writable == 1 {
            Attrs::USER_DATA
        } else {
            Attrs::USER_RODATA
        };
        let va = (addr != 0).then_some(addr as usize);
        let space = self.cur().space.as_mut().ok_or(Error::BadAddress)?;
        let at = space
            .map_anon(va, pages as usize, attrs)
            .map_err(space_err)?;
        self.cur().ctx.x[1] = at as u64;
        Ok(())
    }

    fn sys_unmap(&mut self, addr: u64, pages: u64) -> Result<(), Error> {
        let task = self.cur();
        let space = task.space.as_mut().ok_or(Error::BadAddress)?;
        let backing = space
            .unmap(addr as usize, pages as usize)
            .map_err(space_err)?;
        if let Some(asid) = task.asid {
            crate::arch::aarch64::mmu::flush_tlb_asid(asid.value());
        }
        if let Backing::Region(r) = backing {
            self.release(KObj::Region(r), Rights::NONE);
        }
        Ok(())
    }

    fn sys_mem_create(&mut self, pages: u64) -> Result<(), Error> {
        if pages == 0 || pages > MAX_MAP_PAGES {
            return Err(Error::InvalidArgument);
        }
        let mut frames = Vec::new();
        frames
            .try_reserve_exact(pages as usize)
            .map_err(|_| Error::OutOfMemory)?;
        let mut region = Region {
            refs: 0,
            frames,
            owned: true,
            device: None,
        };
        for _ in 0..pages {
            // On failure `region` drops and frees the frames taken so far.
            let pa = FRAMES.lock().alloc_one().map_err(|_| Error::OutOfMemory)?;
            zero_frame(pa);
            region.frames.push(pa);
        }
        let id = self
            .regions
            .insert(region)
            .map_err(|_| Error::OutOfMemory)?;
        let rights = Rights::MAP
            .union(Rights::WRITE)
            .union(Rights::DUP)
            .union(Rights::GRANT);
        self.give(KObj::Region(id), rights)
    }

    fn sys_mem_map(&mut self, h: u64, addr: u64, writable: u64) -> Result<(), Error> {
        let cap = self.cur().handles.get(Handle::from_raw(h as u32))?.clone();
        let KObj::Region(r) = cap.object else {
            return Err(Error::WrongType);
        };
        let needed = if writable == 1 {
            Rights::MAP.union(Rights::WRITE)
        } else {
            Rights::MAP
        };
        if writable > 1 {
            return Err(Error::InvalidArgument);
        }
        if !cap.rights.contains(needed) {
            return Err(Error::NoRights);
        }
        let region = self.regions.get(r).ok_or(Error::PeerGone)?;
        let attrs = match (region.device.is_some(), writable == 1) {
            (false, true) => Attrs::USER_DATA,
            (false, false) => Attrs::USER_RODATA,
            (true, true) => Attrs::USER_DEVICE, // registers: uncached, never executable
            (true, false) => Attrs {
                access: Access::UserRo,
                ..Attrs::USER_DEVICE
            },
        };
        let frames = region.frames.clone();
        let va = (addr != 0).then_some(addr as usize);
        let space = self.cur().space.as_mut().ok_or(Error::BadAddress)?;
        let at = space
            .map_frames(va, &frames, attrs, Backing::Region(r))
            .map_err(space_err)?;
        self.retain(KObj::Region(r), Rights::NONE);
        self.cur().ctx.x[1] = at as u64;
        self.cur().ctx.x[2] = frames.len() as u64;
        Ok(())
    }

    /// Puts a new handle to `obj` in the caller's table (`x1`), counting the reference.
    pub fn give(&mut self, obj: KObj, rights: Rights) -> Result<(), Error> {
        match self.cur().handles.insert(Cap::new(obj, rights)) {
            Ok(h) => {
                self.retain(obj, rights);
                self.cur().ctx.x[1] = u64::from(h.raw());
                Ok(())
            }
            Err(e) => {
                self.retain(obj, rights);
                self.release(obj, rights); // nothing else holds it: destroy it again
                Err(e.into())
            }
        }
    }

    fn sys_handle_dup(&mut self, h: u64, rights: u64, badge: u64) -> Result<(), Error> {
        let handle = Handle::from_raw(h as u32);
        let badge = (badge != 0).then_some(badge);
        let new = self.dup_handle(handle, Rights::from_raw(rights), badge)?;
        self.cur().ctx.x[1] = u64::from(new.raw());
        Ok(())
    }

    fn sys_task_kill(&mut self, h: u64) -> Result<(), Error> {
        let cap = self.cur().handles.get(Handle::from_raw(h as u32))?;
        let KObj::Task(t) = cap.object else {
            return Err(Error::WrongType);
        };
        if !cap.rights.contains(Rights::CONTROL) {
            return Err(Error::NoRights);
        }
        if self.tasks.get(t).is_none() {
            return Err(Error::PeerGone);
        }
        self.kill(t);
        Ok(())
    }
}
