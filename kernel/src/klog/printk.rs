//! printk: records go into the ring with a timestamp and, at or above the console level, to the console.

use super::level::Level;
use super::ring::{format_line, LogRing};
use crate::sync::IrqMutex;
use core::fmt::Write;
use core::sync::atomic::{AtomicU8, Ordering};

/// Bytes of the log ring (Linux's default __LOG_BUF_LEN is 128 KiB on larger systems).
pub const LOG_BYTES: usize = 64 * 1024;

static RING: IrqMutex<LogRing<LOG_BYTES>> = IrqMutex::new(LogRing::new());
static CONSOLE_LEVEL: AtomicU8 = AtomicU8::new(Level::Info as u8);

/// Logs one message: stored in the ring, and echoed to the console when its
/// level is at or above the console level (numerically at or below it).
pub fn printk(level: Level, args: core::fmt::Arguments) {
    let time_ns = crate::time::monotonic_ns();
    let mut ring = RING.lock();
    let seq = ring.push_fmt(level, time_ns, args);
    if level <= console_level() {
        if let Some(record) = ring.get(seq) {
            let mut line = LineBuffer::new();
            let _ = format_line(&record, false, &mut line); // LineBuffer truncates, never fails
            line.finish();
            crate::console::write_str(line.as_str());
        }
    }
}

/// Runs `f` with the ring locked (for `dmesg` and tests).
pub fn with_ring<R>(f: impl FnOnce(&mut LogRing<LOG_BYTES>) -> R) -> R {
    f(&mut RING.lock())
}

/// The most verbose level the console prints.
pub fn console_level() -> Level {
    Level::from_u8(CONSOLE_LEVEL.load(Ordering::Relaxed)).unwrap_or(Level::Info)
}

/// Sets the most verbose level the console prints (`dmesg -n`).
pub fn set_console_level(level: Level) {
    CONSOLE_LEVEL.store(level as u8, Ordering::Relaxed);
}

/// The `log` facade's sink: other crates' `log::info!` land in the same ring.
struct KernelLogger;

impl log::Log for KernelLogger {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        printk(Level::from(record.level()), *record.args());
    }
    fn flush(&self) {}
}

static LOGGER: KernelLogger = KernelLogger;

/// Connects the `log` facade to printk.
pub fn init() {
    // A second call finds the logger already set, which is what it wants.
    let _ = log::set_logger(&LOGGER);
    log::set_max_level(log::LevelFilter::Trace);
}

/// A fixed line buffer: console lines are formatted without the heap.
struct LineBuffer {
    bytes: [u8; 1100],
    len: usize,
}

impl LineBuffer {
    fn new() -> Self {
        Self {
            bytes: [0; 1100],
            len: 0,
        }
    }
    /// Ends the line with a newline, even if the text filled the buffer.
    fn finish(&mut self) {
        if self.len == self.bytes.len() {
            self.len -= 1;
        }
        self.bytes[self.len] = b'\n';
        self.len += 1;
    }
    fn as_str(&self) -> &str {
        // Only whole `&str` pieces are copied in, so this cannot fail; be safe anyway.
        core::str::from_utf8(&self.bytes[..self.len]).unwrap_or("<log line not UTF-8>\n")
    }
}

impl Write for LineBuffer {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let room = self.bytes.len() - 1 - self.len;
        let mut take = s.len().min(room);
        while !s.is_char_boundary(take) {
            take -= 1;
        }
        self.bytes[self.len..self.len + take].copy_from_slice(&s.as_bytes()[..take]);
        self.len += take;
        Ok(())
    }
}
