//! Module metadata: the `.modinfo` section format and its parser, parameter checks, `modules.dep` and the module config files.
//!
//! A mica module is a user program whose ELF file carries a `.modinfo`
//! section (written by `ulib::module!`). init reads it to load, check and
//! list modules; `mkimage depmod` reads it to write `modules.dep`. Everything
//! here is pure, `no_std` + `alloc`, and host-tested.
//!
//! # The `.modinfo` section
//!
//! As in Linux, a sequence of NUL-terminated `key=value` strings, UTF-8,
//! in any order. Empty strings (runs of NULs) are padding and skipped; the
//! last entry must end in a NUL. Keys are lowercase letters and `_`;
//! values hold no NUL or line break.
//!
//! | key | value | |
//! |-----|-------|-|
//! | `name` | the module's name: 1 to 32 ASCII letters, digits, `_`, `-` | required |
//! | `vermagic` | `mica-abi-<N>`, N = the `abi::ABI_VERSION` it was built for | required |
//! | `version` | its own version, free text | |
//! | `license` | e.g. `MIT OR Apache-2.0` | |
//! | `author` | free text | |
//! | `description` | one line | |
//! | `depends` | module names separated by `,` (direct dependencies); may be empty | |
//! | `parm` | `NAME:DESCRIPTION` | per parameter |
//! | `parmtype` | `NAME:TYPE`, TYPE one of `int`, `bool`, `string`, `list` | per parameter, required |
//! | `parmdefault` | `NAME:VALUE`, a value of TYPE without whitespace | per parameter, required |
//!
//! Each key other than the `parm*` ones appears at most once; each parameter
//! has at most one entry of each `parm*` key. Parameters are listed in the
//! order they are first mentioned. Keys this reader does not know are
//! skipped, so tools keep working when new ones are added. [`ModInfo::parse`]
//! keeps any `vermagic` text (so `modinfo` can show it); [`vermagic_ok`]
//! accepts only `mica-abi-<N>` with the running kernel's N. For example:
//!
//! ```text
//! name=hello\0version=0.1.0\0vermagic=mica-abi-1\0license=MIT OR Apache-2.0\0
//! author=mica developers\0description=the example module\0depends=\0
//! parm=howmany:how many greetings\0parmtype=howmany:int\0parmdefault=howmany:1\0
//! ```
//!
//! Parameter values: `int` is decimal or `0x` hex with an optional `-`
//! (an `i64`); `bool` is `1/0 y/n yes/no true/false on/off`; `list` is
//! comma-separated non-empty items; `string` is anything. A module gets its
//! parameters as one `key=value key=value` argument string (ulib's `args`),
//! every parameter present, so it never needs to know its defaults twice.
//!
//! # Files
//!
//! - `modules.dep`: `NAME: DEP1 DEP2` per line ([`DepIndex`]).
//! - `/etc/modules`: the boot set, `NAME key=value ...` per line ([`parse_modules`]).
//! - `modprobe.conf`: `options NAME key=value ...` lines ([`ModprobeConf`]).
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod builder;
mod conf;
mod dep;
mod error;
mod info;
mod kind;
mod params;
#[cfg(any(test, feature = "test-elf"))]
pub mod test_elf;
#[cfg(test)]
mod test_rng;

pub use conf::{parse_modules, ConfError, ModprobeConf};
pub use dep::{DepError, DepIndex};
pub use error::ModError;
pub use info::{vermagic, vermagic_ok, ModInfo, ParamSpec, SECTION_NAME, VERMAGIC_PREFIX};
pub use kind::{
    is_module_name, is_param_name, is_passable, parse_bool, parse_int, ParamKind, MAX_NAME_BYTES,
};
pub use params::{
    check_params, describe_params, effective_args, effective_args_with, split_params, ParamError,
    MAX_ARGS_BYTES,
};
