//! The chainloader image: moves itself to 0x2000000, takes a kernel over the PL011 into 0x80000, jumps to it.
//!
//! `start.s` copies the image to its link address and calls [`loader_main`]
//! with the firmware's x0-x3; the transfer itself is the host-tested
//! `chainload::session`. Unsafe code is limited to the MMIO constructors
//! (`serial`, `mailbox`, `timer`), the view of the load area and the jump.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod mailbox;
#[cfg(target_os = "none")]
mod serial;
#[cfg(target_os = "none")]
mod timer;

#[cfg(target_os = "none")]
mod image {
    use chainload::proto::{LOADER_ADDR, LOAD_ADDR};
    use chainload::session;

    /// The spin table: core N waits for an entry address at `SPIN_TABLE + 8 * N`.
    const SPIN_TABLE: usize = 0xd8;

    core::arch::global_asm!(
        include_str!("start.s"),
        LOADER_ADDR = const LOADER_ADDR,
        SPIN_TABLE = const SPIN_TABLE,
        TIMER_CONTROL = const crate::timer::CORE0_TIMER_CONTROL,
        CNTV_IRQ = const crate::timer::CNTV_IRQ,
        MAIN = sym loader_main,
    );

    /// The room for the image: from the load address up to the loader, or up to
    /// the device tree if the firmware put it in between (`dtb` is x0).
    fn room_bytes(dtb: u64) -> usize {
        let top = match usize::try_from(dtb) {
            Ok(addr) if addr > LOAD_ADDR && addr < LOADER_ADDR => addr,
            _ => LOADER_ADDR,
        };
        top - LOAD_ADDR
    }

    /// Core 0 from `start.s`, running from the copy with a stack: receive, check, boot.
    extern "C" fn loader_main(x0: u64, x1: u64, x2: u64, x3: u64) -> ! {
        let mut serial = crate::serial::Serial::init(crate::timer::Timer::init());
        let room = room_bytes(x0);
        // The loader runs from its copy above the load area (code, data and
        // stack), and no other core runs there (start.s).
        // SAFETY: [LOAD_ADDR, LOAD_ADDR + room) is RAM nothing else uses now (the
        // device tree in x0 is not below its end, see room_bytes); only this slice touches it.
        let dest = unsafe { core::slice::from_raw_parts_mut(LOAD_ADDR as *mut u8, room) };
        session::receive_image(&mut serial, dest);
        // The last line must leave before the kernel reprograms the UART.
        serial.finish();
        boot(x0, x1, x2, x3)
    }

    /// Enters the received image at the load address with the firmware's registers.
    fn boot(x0: u64, x1: u64, x2: u64, x3: u64) -> ! {
        // The instruction cache is invalidated first: the loader itself ran from
        // that address before its copy.
        // SAFETY: the image at LOAD_ADDR arrived whole and passed its CRC check; control
        // passes to it for good, at our exception level and with the firmware's x0-x3.
        unsafe {
            core::arch::asm!(
                "ic iallu",
                "dsb sy",
                "isb",
                "br {entry}",
                entry = in(reg) LOAD_ADDR,
                in("x0") x0,
                in("x1") x1,
                in("x2") x2,
                in("x3") x3,
                options(noreturn),
            )
        }
    }

    /// Nothing in the loader panics on input (the session bounds every index); if
    /// an internal invariant breaks, stop here rather than jump anywhere.
    #[panic_handler]
    fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
        loop {
            aarch64_cpu::asm::wfe();
        }
    }
}

/// On the host the loader is an empty program: `cargo test -p chainload` tests the library.
#[cfg(not(target_os = "none"))]
fn main() {}
