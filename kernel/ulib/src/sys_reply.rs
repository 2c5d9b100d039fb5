//! `reply_recv_from`: a server's reply whose bytes the kernel reads straight from the server's memory, not from its IPC buffer.

use crate::sys::ptr_arg;
use crate::{ipc, Msg};
use abi::{Error, Handle, Sysnum};
use core::arch::asm;

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
    let [mut x0, mut x1, mut x2, mut x3, mut x4, mut x5, mut x6] = msg.to_regs(ep, timeout_ns);
    let _claim = ipc::claim("sys_reply_recv_from");
    // SAFETY: `svc #0` changes only x0..x6 (declared inout), never the stack.
    // The kernel reads `bytes` (x7), which the slice keeps alive through the
    // call, and reads and writes the IPC buffer, whose guard `_claim` holds.
    unsafe {
        asm!(
            "svc #0",
            inout("x0") x0,
            inout("x1") x1,
            inout("x2") x2,
            inout("x3") x3,
            inout("x4") x4,
            inout("x5") x5,
            inout("x6") x6,
            in("x7") ptr_arg(bytes.as_ptr()),
            in("x8") Sysnum::ReplyRecvFrom as u64,
            options(nostack),
        );
    }
    Msg::from_regs(&[x0, x1, x2, x3, x4, x5, x6])
}
