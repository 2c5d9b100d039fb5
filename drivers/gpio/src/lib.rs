//! mica's user-space GPIO driver core: the BCM2837 GPIO registers, pin claims and the request handler.
//!
//! The GPIO module's `main` maps the block, builds a [`Gpio`] over it and
//! hands every file-protocol request to a [`GpioService`] (so does the
//! kernel in the monolithic build); everything here is safe code, makes no
//! syscall and runs on the host against an in-memory model.
//!
//! # Modules
//!
//! - [`regs`]: the register block (`register_structs!`) and pure bit helpers.
//! - [`driver`]: [`Gpio`], the operations on the registers, and [`GpioOps`],
//!   the same operations as a trait; also what QEMU's model implements.
//! - [`pins`]: [`PinClaims`]: pins held by other drivers (console UART, SD card);
//!   [`route_uart_pins`] for the `uart=` parameter.
//! - [`events`]: event records and their bounded queue.
//! - [`server`]: [`GpioServer`]: ioctls, interrupts, event `Read` and `Poll`.
//! - [`service`]: [`GpioService`]: the whole file protocol over a [`GpioServer`]
//!   and the opens, one [`Call`](proto::serve::Call) at a time.
#![no_std]
#![forbid(unsafe_code)]

pub mod driver;
pub mod events;
pub mod pins;
pub mod regs;
pub mod server;
pub mod service;

pub use driver::{Gpio, GpioOps};
pub use events::{EventQueue, EventRecord};
pub use pins::{route_uart_pins, Busy, PinClaims, UartRoute};
pub use regs::RegisterBlock;
pub use server::{GpioServer, Serviced};
pub use service::GpioService;
