//! `builtin_start`: the syscall that starts a server built into the kernel (see the module docs).

use super::{table, Instance};
use crate::kstate::Kernel;
use crate::object::KObj;
use crate::umem::UserSlice;
use abi::{Error, Rights, MAX_MSG_BYTES};

/// Longest name or argument string `builtin_start` reads.
const MAX_START_BYTES: u64 = 1024;

impl Kernel {
    /// `builtin_start`: see `abi::Sysnum::BuiltinStart`.
    pub fn sys_builtin_start(&mut self, name: [u64; 2], args: [u64; 2]) -> Result<(), Error> {
        if name[1] > MAX_START_BYTES || args[1] > MAX_START_BYTES {
            return Err(Error::TooLarge);
        }
        let mut name_buf = [0u8; MAX_START_BYTES as usize];
        let mut args_buf = [0u8; MAX_START_BYTES as usize];
        let name = self.read_str(name, &mut name_buf)?;
        let args = self.read_str(args, &mut args_buf)?;
        if self.builtins.iter().any(|(_, i)| i.name == name) {
            return Err(Error::Busy);
        }
        let Some(start) = table::find(name) else {
            return Err(Error::NotFound);
        };
        let Some(name) = table::static_name(name) else {
            return Err(Error::NotFound);
        };
        // The slot first: the server registers devices under its own id.
        let placeholder = Instance {
            name,
            service: None,
            irqs: alloc::vec::Vec::new(),
        };
        let id = self
            .builtins
            .insert(placeholder)
            .map_err(|_| Error::OutOfMemory)?;
        match start(self, args, id) {
            Ok((service, irqs)) => {
                for &line in &irqs {
                    crate::platform::set_irq_bound(line, true);
                }
                if let Some(i) = self.builtins.get_mut(id) {
                    (i.service, i.irqs) = (Some(service), irqs);
                }
            }
            Err(why) => {
                self.release_builtin_devices(id);
                self.builtins.remove(id);
                return Err(self.refuse(&why));
            }
        }
        crate::pr_info!("builtin: {name} started in the kernel ({args:?})");
        let rights = Rights(Rights::SEND.0 | Rights::DUP.0 | Rights::GRANT.0);
        self.give(KObj::Builtin(id), rights)
    }

    /// Copies the user string `(ptr, len)` into `buf`.
    fn read_str<'b>(&mut self, ptr_len: [u64; 2], buf: &'b mut [u8]) -> Result<&'b str, Error> {
        let [ptr, len] = ptr_len;
        let n = len as usize;
        if n > 0 {
            let slice = UserSlice::new(ptr, len)?;
            slice.read(
                self.cur().space.as_ref().ok_or(Error::BadAddress)?,
                &mut buf[..n],
            )?;
        }
        core::str::from_utf8(&buf[..n]).map_err(|_| Error::InvalidArgument)
    }

    /// A refused start: the reason into the caller's IPC buffer, its length in `x1`.
    fn refuse(&mut self, why: &str) -> Error {
        let bytes = &why.as_bytes()[..why.len().min(MAX_MSG_BYTES)];
        crate::platform::write_frame(self.cur().ipc_frame, 0, bytes);
        self.cur().ctx.x[1] = bytes.len() as u64;
        Error::InvalidArgument
    }
}
