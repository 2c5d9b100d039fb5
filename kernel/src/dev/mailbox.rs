//! The VideoCore mailbox property interface (channel 8): memory size, clock rates, board revision.
//!
//! The request is a 16-byte-aligned buffer of u32 words in memory; the ARM
//! writes its bus address (plus the channel) to mailbox 0's write register and
//! waits for the same value in the read register. See the Raspberry Pi
//! firmware wiki, "Mailbox property interface".

use tock_registers::interfaces::{Readable, Writeable};
use tock_registers::register_structs;
use tock_registers::registers::{ReadOnly, WriteOnly};

register_structs! {
    /// Mailbox 0 (VideoCore to ARM) and 1 (ARM to VideoCore) registers.
    pub RegisterBlock {
        (0x00 => read: ReadOnly<u32>),
        (0x04 => _reserved0),
        (0x18 => status: ReadOnly<u32>),
        (0x1c => _reserved1),
        (0x20 => write: WriteOnly<u32>),
        (0x24 => @END),
    }
}

const STATUS_FULL: u32 = 1 << 31;
const STATUS_EMPTY: u32 = 1 << 30;
const CHANNEL_PROPERTY: u32 = 8;
const REQUEST: u32 = 0;
const RESPONSE_OK: u32 = 0x8000_0000;
/// Tag: ARM memory base and size.
pub const TAG_GET_ARM_MEMORY: u32 = 0x0001_0005;
/// Tag: board revision code.
pub const TAG_GET_BOARD_REVISION: u32 = 0x0001_0002;
/// Tag: the current rate of a clock, by id.
pub const TAG_GET_CLOCK_RATE: u32 = 0x0003_0002;
/// Clock id of the PL011 UART clock.
pub const CLOCK_UART: u32 = 2;
/// How many status polls before giving up on the VideoCore.
const POLL_LIMIT: u32 = 10_000_000;

/// Why a property call failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailboxError {
    /// The VideoCore did not answer in time.
    Timeout,
    /// The firmware answered with something other than success.
    Refused(u32),
    /// The tag came back without its response bit.
    TagNotAnswered(u32),
}

/// A property-interface request buffer: the firmware requires 16-byte alignment.
#[repr(C, align(16))]
pub struct PropertyBuffer(pub [u32; 16]);

/// Mailbox 0.
pub struct Mailbox {
    regs: super::Mmio<RegisterBlock>,
}

impl Mailbox {
    /// The kernel's instance, on the linear-map device mapping of `board::MAILBOX_BASE`.
    pub fn kernel() -> &'static Self {
        static INSTANCE: spin::Once<Mailbox> = spin::Once::new();
        INSTANCE.call_once(|| {
            // SAFETY: `board::MAILBOX_BASE` is this block's base inside the peripheral
            // window, mapped as device memory for the kernel's life; `Once` makes
            // this the only instance. Only `firmware` uses the mailbox.
            let regs = unsafe { super::Mmio::kernel(crate::board::MAILBOX_BASE) };
            Self { regs }
        })
    }

    /// Sends one property tag with `request` words and returns its value words.
    ///
    /// `buf` is the request buffer, `buf_bus_addr` its address as the VideoCore
    /// sees it, and `sync` makes memory coherent between CPU and VideoCore (cache
    /// clean+invalidate over the buffer): called before sending and after the reply.
    pub fn property(
        &self,
        buf: &mut PropertyBuffer,
        buf_bus_addr: u32,
        sync: &dyn Fn(&PropertyBuffer),
        tag: u32,
        request: &[u32],
        value_words: usize,
    ) -> Result<[u32; 4], MailboxError> {
        debug_assert!(request.len() <= value_words && value_words <= 4);
        let words = &mut buf.0;
        words.fill(0);
        words[0] = ((6 + value_words) * 4) as u32; // header 2 + tag header 3 + values + end 1
        words[1] = REQUEST;
        words[2] = tag;
        words[3] = (value_words * 4) as u32;
        words[4] = 0;
        words[5..5 + request.len()].copy_from_slice(request);
        sync(buf);
        self.send(buf_bus_addr | CHANNEL_PROPERTY)?;
        sync(buf);
        let words = &buf.0;
        if words[1] != RESPONSE_OK {
            return Err(MailboxError::Refused(words[1]));
        }
        if words[4] & 0x8000_0000 == 0 {
            return Err(MailboxError::TagNotAnswered(tag));
        }
        let mut out = [0; 4];
        out[..value_words].copy_from_slice(&words[5..5 + value_words]);
        Ok(out)
    }

    fn send(&self, message: u32) -> Result<(), MailboxError> {
        self.wait(|s| s & STATUS_FULL == 0)?;
        self.regs.write.set(message);
        loop {
            self.wait(|s| s & STATUS_EMPTY == 0)?;
            if self.regs.read.get() == message {
                return Ok(());
            }
        }
    }

    fn wait(&self, ready: impl Fn(u32) -> bool) -> Result<(), MailboxError> {
        for _ in 0..POLL_LIMIT {
            if ready(self.regs.status.get()) {
                return Ok(());
            }
            core::hint::spin_loop();
        }
        Err(MailboxError::Timeout)
    }
}
