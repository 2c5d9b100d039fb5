//! mica's shell logic: line editing, command-line parsing, suggestions and output formatting, with no syscalls.
//!
//! The shell program (`src/bin/shell/`, built for the target only) reads
//! the terminal byte by byte and feeds a [`LineEditor`], which echoes and
//! hands back finished lines; [`parse`] splits a line into a [`Command`];
//! an unknown command name gets a [`suggest`]ion; the commands print with
//! the helpers in [`fmt`], [`path`] and [`data`]. Everything here is pure
//! and tested on the host.
//!
//! The editor speaks plain VT100 and ASCII only (see [`editor`]).
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod data;
pub mod editor;
pub mod fmt;
mod keys;
pub mod parse;
pub mod path;
pub mod suggest;

#[cfg(test)]
mod editor_prop_tests;
#[cfg(test)]
mod editor_tests;
#[cfg(test)]
mod term_model;

pub use editor::{Event, LineEditor, MAX_LINE_BYTES};
pub use parse::{parse, Command, ParseError, Redirect};
pub use suggest::suggest;
