//! Capabilities: per-task handle tables with rights and badges.

pub mod table;
