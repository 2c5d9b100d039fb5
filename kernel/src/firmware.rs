//! Questions for the VideoCore firmware through the mailbox: how much RAM, which clocks, which board.

use crate::arch::aarch64::cpu;
use crate::dev::mailbox::{self, Mailbox, MailboxError, PropertyBuffer};
use crate::mem::{PhysAddr, VirtAddr};
use crate::sync::IrqMutex;

/// The VideoCore sees SDRAM through its uncached alias at 0xC000_0000.
const BUS_UNCACHED_ALIAS: u32 = 0xC000_0000;

static BUFFER: IrqMutex<PropertyBuffer> = IrqMutex::new(PropertyBuffer([0; 16]));

fn call(tag: u32, request: &[u32], value_words: usize) -> Result<[u32; 4], MailboxError> {
    let mailbox = Mailbox::kernel();
    let mut buf = BUFFER.lock();
    let va = VirtAddr(&*buf as *const PropertyBuffer as usize);
    let pa = va.linear_to_phys().ok_or(MailboxError::Refused(0))?;
    let bus = pa.as_usize() as u32 | BUS_UNCACHED_ALIAS;
    let sync = |b: &PropertyBuffer| {
        cpu::clean_invalidate_dcache(
            b as *const _ as usize,
            core::mem::size_of::<PropertyBuffer>(),
        )
    };
    mailbox.property(&mut buf, bus, &sync, tag, request, value_words)
}

/// The RAM the ARM cores own: (base, size in bytes).
pub fn arm_memory() -> Result<(PhysAddr, usize), MailboxError> {
    let v = call(mailbox::TAG_GET_ARM_MEMORY, &[], 2)?;
    Ok((PhysAddr(v[0] as usize), v[1] as usize))
}

/// The PL011's reference clock in Hz.
pub fn uart_clock_hz() -> Result<u32, MailboxError> {
    Ok(call(mailbox::TAG_GET_CLOCK_RATE, &[mailbox::CLOCK_UART], 2)?[1])
}

/// The board revision code (0xa02082 and friends for a Pi 3 B).
pub fn board_revision() -> Result<u32, MailboxError> {
    Ok(call(mailbox::TAG_GET_BOARD_REVISION, &[], 1)?[0])
}
