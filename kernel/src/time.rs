//! Time: the monotonic clock, busy-wait delays (`udelay`) and the periodic tick.

use crate::arch::aarch64::timer;
use core::sync::atomic::{AtomicU64, Ordering};

/// Timer interrupts per second.
pub const HZ: u64 = 100;

/// Counter frequency, read once from CNTFRQ_EL0 (0 until `init`).
static FREQ_HZ: AtomicU64 = AtomicU64::new(0);
/// Ticks since the timer started (Linux's `jiffies`).
static TICKS: AtomicU64 = AtomicU64::new(0);

/// Reads the counter frequency: from here on timestamps and delays work.
pub fn init_clock() -> u64 {
    let freq_hz = timer::frequency_hz();
    FREQ_HZ.store(freq_hz, Ordering::Relaxed);
    timer::allow_user_counter_reads();
    freq_hz
}

/// Starts the periodic tick (the interrupt arrives once IRQs are routed and unmasked).
pub fn start_tick() {
    let freq_hz = frequency_hz();
    if freq_hz != 0 {
        timer::arm(freq_hz / HZ);
    }
}

/// The counter frequency in Hz (0 before `init`).
pub fn frequency_hz() -> u64 {
    FREQ_HZ.load(Ordering::Relaxed)
}

/// Nanoseconds since the counter started (0 before `init`).
pub fn monotonic_ns() -> u64 {
    counter_to_ns(timer::counter(), frequency_hz())
}

/// The system counter's current value (CNTPCT_EL0), in periods of `frequency_hz`.
#[inline]
pub fn counter() -> u64 {
    timer::counter()
}

/// Converts a number of counter periods (e.g. CPU time) to nanoseconds.
pub fn counts_to_ns(counts: u64) -> u64 {
    counter_to_ns(counts, frequency_hz())
}

/// Converts counter ticks to nanoseconds without overflow. A frequency that
/// divides 1 GHz (62.5 MHz on the Pi 3 and in QEMU) needs no 128-bit
/// division, which is a library call of about a hundred instructions; tasks
/// convert the same way (`ulib::sysinfo::uptime_ns`), so both agree to the ns.
pub fn counter_to_ns(count: u64, freq_hz: u64) -> u64 {
    if freq_hz == 0 {
        return 0;
    }
    match 1_000_000_000 % freq_hz {
        0 => count.wrapping_mul(1_000_000_000 / freq_hz),
        _ => (u128::from(count) * 1_000_000_000 / u128::from(freq_hz)) as u64,
    }
}

/// Timer ticks since boot.
pub fn ticks() -> u64 {
    TICKS.load(Ordering::Relaxed)
}

/// Called from the IRQ handler: counts the tick and re-arms the timer.
pub fn on_tick() {
    TICKS.fetch_add(1, Ordering::Relaxed);
    timer::arm(frequency_hz() / HZ);
}

/// Busy-waits at least `us` microseconds (for short device delays; it never sleeps).
pub fn udelay(us: u64) {
    let freq_hz = frequency_hz().max(1);
    let wait = (u128::from(us) * u128::from(freq_hz)).div_ceil(1_000_000) as u64;
    let start = timer::counter();
    while timer::counter().wrapping_sub(start) < wait {
        core::hint::spin_loop();
    }
}

/// Busy-waits at least `ms` milliseconds.
pub fn mdelay(ms: u64) {
    udelay(ms.saturating_mul(1000));
}
