//! Starting user programs: the ELF load plan, and the boot archive (cpio "newc") they come from.

pub mod elf;

pub use newc as cpio;
