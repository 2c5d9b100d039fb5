//! Creating a task from an ELF image: checked load plan, address space, stack, IPC buffer, handles.

use crate::arena::Id;
use crate::cap::table::Cap;
use crate::cap::table::HandleTable;
use crate::kstate::Kernel;
use crate::loader::elf::{self, LoadPlan, Perms};
use crate::mem::ctx_box::CtxBox;
use crate::mem::kernel_space::FRAMES;
use crate::mem::pte::Attrs;
use crate::mem::{write_frame, zero_frame, PAGE_SIZE};
use crate::object::KObj;
use crate::task::space::{AddressSpace, Backing, SpaceError};
use crate::task::{State, Task, TaskId, UserContext};
use abi::Error;
use alloc::string::String;

/// Most tasks (zombies included) alive at once: bounds what tasks can make the
/// kernel heap hold for them, so a task that spawns in a loop gets an error,
/// not a kernel out of heap.
pub const MAX_TASKS: usize = 1024;

/// What a new task starts with besides its program.
pub struct SpawnSpec<'a> {
    /// Its name (at most `abi::MAX_NAME_BYTES`).
    pub name: &'a str,
    /// Its `key=value` arguments (at most `abi::MAX_ARGS_BYTES`).
    pub args: &'a [u8],
    /// Its priority (at most `abi::MAX_PRIORITY`).
    pub priority: u8,
    /// Where its fault and exit messages go (endpoint, badge).
    pub fault_ep: Option<(Id, u64)>,
}

fn segment_attrs(p: Perms) -> Attrs {
    if p.exec {
        Attrs::USER_CODE
    } else if p.write {
        Attrs::USER_DATA
    } else {
        Attrs::USER_RODATA
    }
}

fn space_error(e: SpaceError) -> Error {
    match e {
        SpaceError::OutOfMemory => Error::OutOfMemory,
        SpaceError::AlreadyMapped => Error::AlreadyMapped,
        SpaceError::NotMapped => Error::NotMapped,
        SpaceError::InvalidRange => Error::BadElf,
    }
}

/// Maps the plan's segments and copies the file bytes into them.
fn load(space: &mut AddressSpace, image: &[u8], plan: &LoadPlan) -> Result<(), Error> {
    for seg in &plan.segments {
        let pages = (seg.mem_len_bytes as usize).div_ceil(PAGE_SIZE);
        let va = seg.vaddr as usize;
        space
            .map_anon(Some(va), pages, segment_attrs(seg.perms))
            .map_err(space_error)?;
        let file_start = seg.file_offset as usize;
        let bytes = &image[file_start..file_start + seg.file_len_bytes as usize];
        let mut dst = va + seg.offset_in_page as usize;
        let mut rest = bytes;
        while !rest.is_empty() {
            let offset = dst % PAGE_SIZE;
            let chunk = rest.len().min(PAGE_SIZE - offset);
            let (pa, _) = space.translate(dst - offset).ok_or(Error::OutOfMemory)?;
            write_frame(pa, offset, &rest[..chunk]);
            rest = &rest[chunk..];
            dst += chunk;
        }
    }
    Ok(())
}

impl Kernel {
    /// Starts a task running `image`, holding `caps` (their objects' counts are
    /// raised here). On any error nothing of the task remains.
    pub fn spawn(
        &mut self,
        image: &[u8],
        spec: &SpawnSpec,
        caps: &[Cap<KObj>],
    ) -> Result<TaskId, Error> {
        if spec.name.len() > abi::MAX_NAME_BYTES || spec.args.len() > abi::MAX_ARGS_BYTES {
            return Err(Error::TooLarge);
        }
        if spec.priority > abi::MAX_PRIORITY {
            return Err(Error::InvalidArgument);
        }
        if self.tasks.len() >= MAX_TASKS {
            return Err(Error::OutOfMemory);
        }
        // Room in its priority's run queue for every task there will be, so
        // waking it (or any task of its priority) never allocates and cannot
        // fail: a task that could not be queued would never run again.
        self.run
            .make_room(spec.priority, self.tasks.len() + 1)
            .map_err(|_| Error::OutOfMemory)?;
        let plan = elf::plan(image).map_err(|e| {
            crate::pr_warn!("spawn {}: refused: {e}", spec.name);
            Error::BadElf
        })?;
        let mut ctx = UserContext {
            pc: plan.entry,
            sp: abi::STACK_TOP as u64,
            ..Default::default()
        };
        ctx.x[0] = abi::IPC_BUFFER_VA as u64;
        ctx.x[1] = spec.args.len() as u64;
        let ctx = CtxBox::new(ctx).map_err(|_| Error::OutOfMemory)?;
        let mut space = AddressSpace::new().map_err(|_| Error::OutOfMemory)?;
        let ipc_frame = match FRAMES.lock().alloc_one() {
            Ok(pa) => pa,
            Err(_) => {
                space.destroy();
                return Err(Error::OutOfMemory);
            }
        };
        zero_frame(ipc_frame);
        write_frame(ipc_frame, 0, spec.args);
        let built = load(&mut space, image, &plan)
            .and_then(|()| {
                let stack = abi::STACK_TOP - abi::STACK_BYTES;
                space
                    .map_anon(Some(stack), abi::STACK_BYTES / PAGE_SIZE, Attrs::USER_DATA)
                    .map_err(space_error)
            })
            .and_then(|_| {
                space
                    .map_frames(
                        Some(abi::IPC_BUFFER_VA),
                        &[ipc_frame],
                        Attrs::USER_DATA,
                        Backing::Kernel,
                    )
                    .map_err(space_error)
            });
        if let Err(e) = built {
            space.destroy();
            FRAMES.lock().free(ipc_frame, 1);
            return Err(e);
        }
        let mut handles = HandleTable::new();
        // Only the handles that went in are counted below (a full table drops the rest).
        let mut given = 0;
        for cap in caps {
            if handles.insert(cap.clone()).is_err() {
                break;
            }
            given += 1;
        }
        let task = Task {
            pid: self.next_pid,
            name: String::from(spec.name),
            priority: spec.priority,
            state: State::Ready,
            ctx,
            space: Some(space),
            asid: None,
            handles,
            ipc_frame,
            fault_ep: spec.fault_ep,
            reply_to: None,
            bound_ntfn: None,
            kmsg: None,
            cpu_counts: 0,
        };
        let id = match self.tasks.insert(task) {
            Ok(id) => id,
            Err(task) => {
                if let Some(space) = task.space {
                    space.destroy();
                }
                FRAMES.lock().free(ipc_frame, 1);
                return Err(Error::OutOfMemory);
            }
        };
        self.next_pid += 1;
        for cap in &caps[..given] {
            self.retain(cap.object, cap.rights);
        }
        self.wake(id);
        Ok(id)
    }
}

/// Reads the `SpawnArgs` block (twelve little-endian u64s) from user memory.
fn read_spawn_args(k: &mut Kernel, ptr: u64) -> Result<abi::SpawnArgs, Error> {
    let mut raw = [0u8; 96];
    let space = k.cur().space.as_ref().ok_or(Error::BadAddress)?;
    crate::umem::UserSlice::new(ptr, raw.len() as u64)?.read(space, &mut raw)?;
    let mut w = [0u64; 12];
    for (i, chunk) in raw.chunks_exact(8).enumerate() {
        let mut b = [0u8; 8];
        b.copy_from_slice(chunk);
        w[i] = u64::from_le_bytes(b);
    }
    Ok(abi::SpawnArgs {
        elf_ptr: w[0],
        elf_len: w[1],
        name_ptr: w[2],
        name_len: w[3],
        args_ptr: w[4],
        args_len: w[5],
        priority: w[6],
        fault_ep: w[7],
        handles: [w[8], w[9], w[10], w[11]],
    })
}

/// Largest ELF image `task_spawn` accepts.
const MAX_ELF_BYTES: u64 = 16 << 20;

impl Kernel {
    /// `task_spawn`: copies the image, name and arguments in, checks the
    /// handles to pass, starts the task and gives the caller a handle to it.
    pub fn sys_task_spawn(&mut self, args_ptr: u64) -> Result<(), Error> {
        use crate::cap::table::Handle;
        let sa = read_spawn_args(self, args_ptr)?;
        if sa.elf_len == 0 || sa.elf_len > MAX_ELF_BYTES {
            return Err(Error::TooLarge);
        }
        if sa.name_len > abi::MAX_NAME_BYTES as u64 || sa.args_len > abi::MAX_ARGS_BYTES as u64 {
            return Err(Error::TooLarge);
        }
        let priority = u8::try_from(sa.priority).map_err(|_| Error::InvalidArgument)?;
        let fault_ep = match sa.fault_ep {
            0 => None,
            h => {
                let cap = self
                    .cur()
                    .handles
                    .get_with(Handle::from_raw(h as u32), abi::Rights::SEND)?;
                let KObj::Endpoint(ep) = cap.object else {
                    return Err(Error::WrongType);
                };
                Some((ep, cap.badge))
            }
        };
        let mut caps = alloc::vec::Vec::new();
        for &h in sa.handles.iter().take_while(|&&h| h != 0) {
            let cap = self
                .cur()
                .handles
                .get_with(Handle::from_raw(h as u32), abi::Rights::DUP)?
                .clone();
            caps.try_reserve(1).map_err(|_| Error::OutOfMemory)?;
            caps.push(cap);
        }
        let space = self.cur().space.as_ref().ok_or(Error::BadAddress)?;
        let mut name = [0u8; abi::MAX_NAME_BYTES];
        let name = &mut name[..sa.name_len as usize];
        crate::umem::UserSlice::new(sa.name_ptr, sa.name_len)?.read(space, name)?;
        let name = core::str::from_utf8(name).map_err(|_| Error::InvalidArgument)?;
        let mut args = [0u8; abi::MAX_ARGS_BYTES];
        let args = &mut args[..sa.args_len as usize];
        crate::umem::UserSlice::new(sa.args_ptr, sa.args_len)?.read(space, args)?;
        let mut image = crate::mem::vmalloc::vmalloc((sa.elf_len as usize).div_ceil(PAGE_SIZE))
            .map_err(|_| Error::OutOfMemory)?;
        let elf_bytes = &mut image.as_mut_slice()[..sa.elf_len as usize];
        crate::umem::UserSlice::new(sa.elf_ptr, sa.elf_len)?.read(space, elf_bytes)?;
        let spec = SpawnSpec {
            name,
            args,
            priority,
            fault_ep,
        };
        let child = self.spawn(&image.as_slice()[..sa.elf_len as usize], &spec, &caps)?;
        let pid = self.tasks.get(child).map_or(0, |t| t.pid);
        let rights = abi::Rights::CONTROL.union(abi::Rights::DUP);
        if let Err(e) = self.give(KObj::Task(child), rights) {
            self.kill(child);
            return Err(e);
        }
        self.cur().ctx.x[2] = pid;
        Ok(())
    }
}
