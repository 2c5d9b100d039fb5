//! Device tests: exclusive claims of device registers and interrupt lines, released with their owner.

use crate::{check, step, Env, Outcome};
use ulib::device::{self, ClaimError};
use ulib::{sys_handle_close, sys_notification_create, sys_sleep, Error};

/// The owner `iomem` lists for `name` (0: free or held inside the kernel).
fn owner_of(name: &str) -> Result<u64, alloc::string::String> {
    for i in 0.. {
        match device::info(i) {
            Ok((n, _, _, device::Holder::Task(pid))) if n == name => return Ok(pid),
            Ok((n, _, _, _)) if n == name => return Ok(0),
            Ok(_) => {}
            Err(e) => return Err(alloc::format!("{name} not in the device table: {e}")),
        }
    }
    unreachable!()
}

pub fn device_claims(env: &Env) -> Outcome {
    let missing = device::claim("nonexistent");
    check!(
        missing.as_ref().err() == Some(&ClaimError::Other(Error::NotFound)),
        "claim of no device: {:?}",
        missing.err()
    );
    let (held, mut regs) = device::claim("gpio").map_err(|e| alloc::format!("claim gpio: {e}"))?;
    // GPFSEL0 (offset 0) reads back what was written: the mapping reaches the registers.
    let bytes = regs.bytes_mut().ok_or("register mapping is read-only")?;
    check!(bytes.len() == 4096, "gpio maps {} bytes", bytes.len());
    let me = ulib::sys_info(ulib::InfoKind::TaskId).unwrap_or(0);
    check!(
        owner_of("gpio")? == me,
        "iomem does not list this task as the owner"
    );
    let again = device::claim("gpio");
    check!(
        matches!(&again, Err(ClaimError::Busy { pid, .. }) if *pid == me),
        "second claim: {:?}",
        again.err()
    );
    drop(regs);
    step("close", sys_handle_close(held))?;
    check!(
        owner_of("gpio")? == 0,
        "the claim outlived its handle and mapping"
    );

    // Another task holds it: refused with its name; when it dies, the claim is free.
    let (child, pid) = env.start("upartner", "kind=claim device=gpio", &[], 0)?;
    step("sleep", sys_sleep(20_000_000))?;
    match device::claim("gpio") {
        Err(ClaimError::Busy { pid: p, name }) => {
            check!(p == pid && name == "upartner", "busy names {name} ({p})")
        }
        other => {
            return Err(alloc::format!(
                "claim while upartner holds it: {:?}",
                other.err()
            ))
        }
    }
    env.stop(child);
    let (h, m) =
        device::claim("gpio").map_err(|e| alloc::format!("claim after the owner died: {e}"))?;
    drop(m);
    step("close", sys_handle_close(h))
}

pub fn irq_claims(_env: &Env) -> Outcome {
    let n = step("notification", sys_notification_create())?;
    let bad_line = device::irq_claim(64, n, 1);
    check!(
        bad_line == Err(ClaimError::Other(Error::InvalidArgument)),
        "line 64: {bad_line:?}"
    );
    let bad_bit = device::irq_claim(57, n, 3);
    check!(
        bad_bit == Err(ClaimError::Other(Error::InvalidArgument)),
        "bit 3: {bad_bit:?}"
    );
    let irq = device::irq_claim(57, n, 1).map_err(|e| alloc::format!("claim IRQ 57: {e}"))?;
    let twice = device::irq_claim(57, n, 2);
    check!(
        matches!(twice, Err(ClaimError::Busy { .. })),
        "second claim of IRQ 57: {twice:?}"
    );
    step("ack", device::irq_ack(irq))?;
    step("close", sys_handle_close(irq))?;
    let again =
        device::irq_claim(57, n, 1).map_err(|e| alloc::format!("claim after close: {e}"))?;
    step("close", sys_handle_close(again))?;
    step("close", sys_handle_close(n))
}

/// The BCM2835 system timer: CS (match flags, write 1 to clear), CLO, and compare 1.
const ST_CS: usize = 0x00;
const ST_CLO: usize = 0x04;
const ST_C1: usize = 0x10;
/// The system timer's compare-1 line on the BCM2835 interrupt controller.
const IRQ_SYSTEM_TIMER_1: u32 = 1;

/// A real interrupt reaches its driver: the system timer's compare 1 fires,
/// the kernel masks the line and signals the bound notification bit, the
/// driver clears the source and acknowledges, and it can fire again.
pub fn interrupt_delivery(_env: &Env) -> Outcome {
    let (region, mut timer) =
        device::claim("systimer").map_err(|e| alloc::format!("claim systimer: {e}"))?;
    let n = step("notification", sys_notification_create())?;
    let irq = device::irq_claim(IRQ_SYSTEM_TIMER_1, n, 1 << 5)
        .map_err(|e| alloc::format!("claim IRQ 1: {e}"))?;
    for round in 0..3 {
        let now = timer.read32(ST_CLO).ok_or("CLO unreadable")?;
        check!(
            timer.write32(ST_C1, now.wrapping_add(2_000)),
            "cannot program C1"
        );
        let bits = step("wait", ulib::sys_wait(n, 1_000_000_000))?;
        check!(bits == 1 << 5, "round {round}: notification bits {bits:#x}");
        check!(
            timer.read32(ST_CS).is_some_and(|cs| cs & 0b10 != 0),
            "round {round}: M1 not set"
        );
        timer.write32(ST_CS, 0b10); // clear the match, then let the line through again
        step("ack", device::irq_ack(irq))?;
    }
    drop(timer);
    for h in [irq, n, region] {
        step("close", sys_handle_close(h))?;
    }
    Ok(())
}
