//! `call` with a receive window: the reply's bytes may land straight in the caller's slice, not in its IPC buffer.

use crate::svc_asm::svc_asm;
use crate::sys::ptr_arg;
use crate::{ipc, Msg};
use abi::{Error, Handle, Sysnum, Window, REPLY_IN_WINDOW};

/// Where a reply's bytes arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Landed {
    /// In `window`, the slice passed to [`sys_call_into`].
    Window,
    /// In the IPC buffer, as for [`crate::sys_call`].
    Buffer,
}

/// [`crate::sys_call`] that names `window` (at most 4,096 bytes) for the
/// reply's bytes. The kernel writes them there when they fit and it can,
/// and says so: [`Landed::Window`]; otherwise they are in the IPC buffer as
/// usual ([`Landed::Buffer`], and `window` is unchanged).
pub fn sys_call_into(
    ep: Handle,
    msg: &Msg,
    window: &mut [u8],
    timeout_ns: u64,
) -> Result<(Msg, Landed), Error> {
    let raw_window = Window {
        va: ptr_arg(window.as_mut_ptr()) as usize,
        len: window.len(),
    }
    .to_raw();
    let args = msg.to_regs(ep, timeout_ns);
    let _claim = ipc::claim("sys_call_into");
    // SAFETY: the kernel writes at most `window.len()` bytes into `window`
    // (x7), which the exclusive borrow keeps alive and unaliased through the
    // call, and reads and writes the IPC buffer, whose guard `_claim` holds.
    let mut regs = unsafe { svc_asm!(Sysnum::Call as u64, args, x7 = raw_window) };
    let landed = match regs[0] {
        REPLY_IN_WINDOW => {
            regs[0] = 0;
            Landed::Window
        }
        _ => Landed::Buffer,
    };
    Msg::from_regs(&regs).map(|(reply, _)| (reply, landed))
}
