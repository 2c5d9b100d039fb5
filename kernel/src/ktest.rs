//! The in-QEMU test runner: each test kernel runs a list of checks and exits QEMU with the verdict.

use crate::console;
use alloc::string::String;
use qemu_exit::QEMUExit;

/// One kernel test: a name and a check that returns why it failed.
pub struct Test {
    /// Shown in the output.
    pub name: &'static str,
    /// The check itself.
    pub run: fn() -> Result<(), String>,
}

/// Fails the enclosing test with a message unless `cond` holds.
#[macro_export]
macro_rules! kcheck {
    ($cond:expr, $($arg:tt)*) => {
        if !$cond {
            return Err(alloc::format!("{} ({}:{}): {}", stringify!($cond), file!(), line!(), alloc::format!($($arg)*)));
        }
    };
}

/// Runs every test, stops at the first failure, and exits QEMU: 0 if all passed, 1 if not.
pub fn run(tests: &[Test]) -> ! {
    let exit = qemu_exit::AArch64::new();
    let mut passed = 0;
    for t in tests {
        console::write_str("ktest: ");
        console::write_str(t.name);
        console::write_str(" ... ");
        match (t.run)() {
            Ok(()) => {
                console::write_str("ok\n");
                passed += 1;
            }
            Err(why) => {
                console::write_str("FAILED: ");
                console::write_str(&why);
                console::write_str(&alloc::format!("\nktest: {passed} passed, 1 failed\n"));
                exit.exit_failure();
            }
        }
    }
    console::write_str(&alloc::format!("ktest: {passed} passed, 0 failed\n"));
    exit.exit_success()
}

/// Exits QEMU with `code` (for test kernels that check an outcome other than pass/fail).
pub fn exit(code: u32) -> ! {
    qemu_exit::AArch64::new().exit(code)
}
