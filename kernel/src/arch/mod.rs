//! Architecture support: the only place with assembly and system registers.

pub mod aarch64;
