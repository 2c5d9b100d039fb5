//! mica's user-space GPIO driver core: the BCM2837 GPIO registers, pin claims and the request handler.
//!
//! The GPIO server's `main` maps the block, builds a [`Gpio`] over it and
//! answers file-protocol requests with a [`GpioServer`]; everything here is
//! safe code and runs on the host against an in-memory model.
//!
//! # Modules
//!
//! - [`regs`]: the register block (`register_structs!`) and pure bit helpers.
//! - [`driver`]: [`Gpio`], the operations on the registers, and [`GpioOps`],
//!   the same operations as a trait; also what QEMU's model implements.
//! - [`pins`]: [`PinClaims`]: pins held by other drivers (console UART, SD card).
//! - [`events`]: event records and their bounded queue.
//! - [`server`]: [`GpioServer`]: ioctls, interrupts, event `Read` and `Poll`.
#![no_std]
#![forbid(unsafe_code)]

pub mod driver;
pub mod events;
pub mod pins;
pub mod regs;
pub mod server;

pub use driver::{Gpio, GpioOps};
pub use events::{EventQueue, EventRecord};
pub use pins::{Busy, PinClaims};
pub use regs::RegisterBlock;
pub use server::{GpioServer, Serviced};
