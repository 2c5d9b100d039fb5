//! Scheduling: priority run queues, time slices and CPU-time accounting.

pub mod cpu_time;
pub mod queue;
