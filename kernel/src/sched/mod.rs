//! Scheduling: priority run queues and time slices.

pub mod queue;
