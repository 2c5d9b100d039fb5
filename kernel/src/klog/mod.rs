//! The kernel log: eight printk levels, a ring buffer for `dmesg`, fed through the `log` facade.

pub mod level;
pub mod ring;
