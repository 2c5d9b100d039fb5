//! `reply_recv_from`: a server's reply whose bytes the kernel reads straight from the server's memory, not from its IPC buffer.

use crate::svc_asm::svc_asm;
use crate::sys::ptr_arg;
use crate::{ipc, Msg};
use abi::{Error, Handle, Sysnum};

/// [`crate::sys_reply_recv`] whose reply bytes are `bytes` (at most 4,096),
/// read by the kernel from where they are instead of from the IPC buffer:
/// a server answers a read without copying the data into its buffer first.
/// `msg`'s byte count is set to their length. `BadAddress` if the kernel
/// cannot read them (then nothing was sent).
pub fn sys_reply_recv_from(
    ep: Handle,
    msg: &Msg,
    bytes: &[u8],
    timeout_ns: u64,
) -> Result<(Msg, u64), Error> {
    let len = u16::try_from(bytes.len()).map_err(|_| Error::TooLarge)?;
    let msg = Msg {
        info: msg.info.with_bytes(len),
        words: msg.words,
    };
    let args = msg.to_regs(ep, timeout_ns);
    let _claim = ipc::claim("sys_reply_recv_from");
    // SAFETY: `svc #0` changes only x0..x6, never the stack. The kernel reads
    // `bytes` (x7), which the slice keeps alive through the call, and reads and
    // writes the IPC buffer, whose guard `_claim` holds.
    let regs = unsafe {
        svc_asm!(
            Sysnum::ReplyRecvFrom as u64,
            args,
            x7 = ptr_arg(bytes.as_ptr())
        )
    };
    Msg::from_regs(&regs)
}
