//! What the shell's `dmesg`, `slabinfo` and `poweroff` ask the kernel: the log ring, the object caches, power.
//!
//! Answers go to the caller's IPC buffer and registers as `abi::Sysnum`
//! documents; nothing here changes kernel state but `power`, which ends it.

use crate::kstate::Kernel;
use crate::mem::{write_frame, PAGE_SIZE};
use abi::logrec::{encode_header, HEADER_BYTES};
use abi::{Error, PowerAction};

/// How long the console gets to send the last line before the reset (the
/// PL011's 16-byte FIFO takes 1.4 ms at 115200 baud).
const CONSOLE_DRAIN_MS: u64 = 5;

impl Kernel {
    /// `log_read`: whole records from `from_seq` on into the IPC buffer, as many as fit.
    pub fn sys_log_read(&mut self, from_seq: u64) -> Result<(), Error> {
        let frame = self.cur().ipc_frame;
        let (len_bytes, next_seq) = crate::klog::with_ring(|ring| {
            let (mut at, mut next_seq) = (0, from_seq);
            for record in ring.iter_from(from_seq) {
                let Ok(text_len) = u16::try_from(record.text.len()) else {
                    break; // cannot happen: records are at most 1 KiB
                };
                let end = at + HEADER_BYTES + record.text.len();
                if end > PAGE_SIZE {
                    break;
                }
                let header =
                    encode_header(record.seq, record.time_ns, record.level.as_u8(), text_len);
                write_frame(frame, at, &header);
                write_frame(frame, at + HEADER_BYTES, record.text.as_bytes());
                (at, next_seq) = (end, record.seq + 1);
            }
            (at, next_seq)
        });
        let me = self.cur();
        me.ctx.x[1] = len_bytes as u64;
        me.ctx.x[2] = next_seq;
        Ok(())
    }

    /// `slab_info`: one line of `slabinfo` for object cache `index`.
    pub fn sys_slab_info(&mut self, index: u64) -> Result<(), Error> {
        let stats = usize::try_from(index)
            .ok()
            .and_then(crate::mem::cache_stats)
            .ok_or(Error::NotFound)?;
        let slabs = stats.slabs_full + stats.slabs_partial + stats.slabs_empty;
        let me = self.cur();
        write_frame(me.ipc_frame, 0, stats.name.as_bytes());
        let regs = [
            stats.object_size,
            stats.active_objects,
            stats.total_objects,
            slabs,
            stats.name.len(),
        ];
        for (x, value) in me.ctx.x[1..6].iter_mut().zip(regs) {
            *x = value as u64;
        }
        Ok(())
    }

    /// `power`: logs why, then halts or restarts the machine through the watchdog.
    pub fn sys_power(&mut self, action: u64) -> Result<(), Error> {
        let action = PowerAction::from_raw(action).ok_or(Error::InvalidArgument)?;
        let halt = action == PowerAction::Off;
        let what = if halt { "powering off" } else { "restarting" };
        let who = self.cur();
        crate::pr_notice!("mica: {what} (asked by {}[{}])", who.name, who.pid);
        crate::time::mdelay(CONSOLE_DRAIN_MS);
        crate::dev::power::reset(halt)
    }
}
