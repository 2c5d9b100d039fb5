//! The one question the loader asks the VideoCore firmware: the PL011's clock rate (property channel).
//!
//! The request buffer and the tag are as the kernel's `firmware` module uses
//! them (Raspberry Pi firmware wiki, "Mailbox property interface"). The MMU
//! is off, so memory is uncached and needs no maintenance around the call.

use core::sync::atomic::{fence, AtomicU32, Ordering};
use tock_registers::interfaces::{Readable, Writeable};
use tock_registers::register_structs;
use tock_registers::registers::{ReadOnly, WriteOnly};

/// ARM physical address of mailbox 0 on the BCM2837.
const MAILBOX_BASE: usize = 0x3F00_B880;
/// The VideoCore sees SDRAM through its uncached alias here.
const BUS_UNCACHED_ALIAS: u32 = 0xC000_0000;
const STATUS_FULL: u32 = 1 << 31;
const STATUS_EMPTY: u32 = 1 << 30;
const CHANNEL_PROPERTY: u32 = 8;
const RESPONSE_OK: u32 = 0x8000_0000;
const TAG_GET_CLOCK_RATE: u32 = 0x0003_0002;
const CLOCK_UART: u32 = 2;
/// How many status polls before giving up on the firmware.
const POLL_LIMIT: u32 = 10_000_000;

register_structs! {
    /// Mailbox 0 (read, status) and 1 (write), as the ARM sees them.
    Registers {
        (0x00 => read: ReadOnly<u32>),
        (0x04 => _reserved0),
        (0x18 => status: ReadOnly<u32>),
        (0x1c => _reserved1),
        (0x20 => write: WriteOnly<u32>),
        (0x24 => @END),
    }
}

/// The property request: the firmware requires 16-byte alignment. Atomics,
/// because the firmware writes the answer behind the compiler's back.
#[repr(C, align(16))]
struct Buffer([AtomicU32; 8]);

static BUFFER: Buffer = Buffer([const { AtomicU32::new(0) }; 8]);

/// The PL011's reference clock in Hz; `None` if the firmware does not answer.
pub fn uart_clock_hz() -> Option<u32> {
    // SAFETY: MAILBOX_BASE is mailbox 0's register block and the MMU is off;
    // the loader asks nothing else of the mailbox, so this is its only user.
    let regs: &Registers = unsafe { &*(MAILBOX_BASE as *const Registers) };
    // Buffer bytes, code, tag, value bytes, tag code, clock id, rate (answer), end tag.
    let request = [32, 0, TAG_GET_CLOCK_RATE, 8, 0, CLOCK_UART, 0, 0];
    for (word, value) in BUFFER.0.iter().zip(request) {
        word.store(value, Ordering::Relaxed);
    }
    fence(Ordering::SeqCst);
    // The buffer lies below 4 GiB (the loader is linked at 0x2000000).
    let message =
        (&BUFFER as *const Buffer as usize as u32 | BUS_UNCACHED_ALIAS) | CHANNEL_PROPERTY;
    wait(|| regs.status.get() & STATUS_FULL == 0)?;
    regs.write.set(message);
    loop {
        wait(|| regs.status.get() & STATUS_EMPTY == 0)?;
        if regs.read.get() == message {
            break;
        }
    }
    fence(Ordering::SeqCst);
    let word = |i: usize| BUFFER.0[i].load(Ordering::Relaxed);
    let answered = word(1) == RESPONSE_OK && word(4) & RESPONSE_OK != 0;
    let hz = word(6);
    (answered && hz != 0).then_some(hz)
}

/// Polls until `ready`; `None` after [`POLL_LIMIT`] tries.
fn wait(ready: impl Fn() -> bool) -> Option<()> {
    for _ in 0..POLL_LIMIT {
        if ready() {
            return Some(());
        }
        core::hint::spin_loop();
    }
    None
}
