//! The kernel log: eight printk levels, a ring buffer for `dmesg`, fed through the `log` facade.

pub mod level;
#[cfg(target_os = "none")]
mod printk;
pub mod ring;

#[cfg(target_os = "none")]
pub use printk::{console_level, init, printk, set_console_level, with_ring, LOG_BYTES};

/// The host has no console or ring: records go to stderr (each test's output is captured).
#[cfg(not(target_os = "none"))]
pub fn printk(level: level::Level, args: core::fmt::Arguments) {
    std::eprintln!("{level}: {args}");
}

/// Logs at a printk level: `pr!(Level::Notice, "...")`.
#[macro_export]
macro_rules! pr {
    ($level:expr, $($arg:tt)*) => {
        $crate::klog::printk($level, format_args!($($arg)*))
    };
}
/// Logs at KERN_EMERG: the system is unusable.
#[macro_export]
macro_rules! pr_emerg { ($($arg:tt)*) => { $crate::pr!($crate::klog::level::Level::Emerg, $($arg)*) }; }
/// Logs at KERN_ALERT: action must be taken at once.
#[macro_export]
macro_rules! pr_alert { ($($arg:tt)*) => { $crate::pr!($crate::klog::level::Level::Alert, $($arg)*) }; }
/// Logs at KERN_CRIT: critical conditions.
#[macro_export]
macro_rules! pr_crit { ($($arg:tt)*) => { $crate::pr!($crate::klog::level::Level::Crit, $($arg)*) }; }
/// Logs at KERN_ERR: error conditions.
#[macro_export]
macro_rules! pr_err { ($($arg:tt)*) => { $crate::pr!($crate::klog::level::Level::Err, $($arg)*) }; }
/// Logs at KERN_WARNING.
#[macro_export]
macro_rules! pr_warn { ($($arg:tt)*) => { $crate::pr!($crate::klog::level::Level::Warning, $($arg)*) }; }
/// Logs at KERN_NOTICE: normal but significant.
#[macro_export]
macro_rules! pr_notice { ($($arg:tt)*) => { $crate::pr!($crate::klog::level::Level::Notice, $($arg)*) }; }
/// Logs at KERN_INFO.
#[macro_export]
macro_rules! pr_info { ($($arg:tt)*) => { $crate::pr!($crate::klog::level::Level::Info, $($arg)*) }; }
/// Logs at KERN_DEBUG (kept in the ring, not printed by default).
#[macro_export]
macro_rules! pr_debug { ($($arg:tt)*) => { $crate::pr!($crate::klog::level::Level::Debug, $($arg)*) }; }
