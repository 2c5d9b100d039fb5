//! systest: boots mica kernel images in QEMU and drives their serial console for whole-system tests.
//!
//! ```no_run
//! use std::time::Duration;
//! use systest::{image, BootOptions, Failure, Qemu};
//!
//! fn boots() -> Result<(), Failure> {
//!     let mut qemu = Qemu::boot(&image("kernel8.img")?, BootOptions::default())?;
//!     let line = qemu.expect_line("boot complete", Duration::from_secs(20))?;
//!     println!("{line}");
//!     Ok(())
//! }
//! ```
//!
//! Every `expect*` searches the console output after a read position and moves it
//! forward, so a sequence of expectations checks that lines appear in order. A failed
//! expectation returns a [`Failure`] whose `Debug` output is the whole transcript.
#![forbid(unsafe_code)]

mod failure;
mod matcher;
mod qemu;
mod shell;
mod stream;
pub mod text;

use std::io;
use std::path::{Path, PathBuf};

pub use failure::{Failure, FailureKind};
pub use qemu::{BootOptions, Qemu, QEMU_PROGRAM};
pub use shell::{Shell, PROMPT};

/// The environment variable that says which build the images are: `monolithic`
/// (`make MODE=monolithic`), else the microkernel build.
pub const MODE_ENV: &str = "MICA_MODE";

/// The modules the monolithic build runs inside the kernel.
pub const BUILT_IN: [&str; 4] = ["devreg", "uart", "gpio", "fs"];

/// Whether the images under test are the monolithic build (`MICA_MODE=monolithic`).
pub fn monolithic() -> bool {
    std::env::var(MODE_ENV).is_ok_and(|m| m == "monolithic")
}

/// Whether `module` runs inside the kernel in the build under test.
pub fn built_in(module: &str) -> bool {
    monolithic() && BUILT_IN.contains(&module)
}

/// The start of init's report that `module` loaded: `"fs: loaded (pid "` for a
/// task, `"fs: loaded (built into the kernel)"` for a built-in server.
pub fn loaded_as(module: &str) -> String {
    match built_in(module) {
        true => format!("{module}: loaded (built into the kernel)"),
        false => format!("{module}: loaded (pid "),
    }
}

/// The environment variable that overrides where built images are found.
pub const BUILD_DIR_ENV: &str = "MICA_BUILD_DIR";

/// The workspace root: the parent of this crate's directory.
fn workspace_root() -> &'static Path {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir)
}

/// Where `make` puts kernel images: `$MICA_BUILD_DIR` if set (a relative path is taken
/// from the workspace root), else `<workspace root>/build`.
pub fn build_dir() -> PathBuf {
    build_dir_from(std::env::var_os(BUILD_DIR_ENV).map(PathBuf::from))
}

fn build_dir_from(configured: Option<PathBuf>) -> PathBuf {
    match configured {
        Some(dir) if !dir.as_os_str().is_empty() => workspace_root().join(dir),
        _ => workspace_root().join("build"),
    }
}

/// The path of image `name` (e.g. `kernel8.img`) in [`build_dir`]; a `NotFound` error
/// saying how to build it if it is not there.
pub fn image(name: &str) -> io::Result<PathBuf> {
    image_in(&build_dir(), name)
}

fn image_in(dir: &Path, name: &str) -> io::Result<PathBuf> {
    let path = dir.join(name);
    if path.is_file() {
        Ok(path)
    } else {
        Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!(
                "{} is missing: run `make` (or `make test`, which builds it)",
                path.display()
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_dir_defaults_to_workspace_build() {
        let default = build_dir_from(None);
        assert!(default.ends_with("build"));
        assert!(default.parent().unwrap().join("Cargo.toml").is_file());
        assert_eq!(build_dir_from(Some(PathBuf::new())), default);
    }

    #[test]
    fn build_dir_override_is_absolute_or_workspace_relative() {
        assert_eq!(build_dir_from(Some("/tmp/b".into())), Path::new("/tmp/b"));
        assert_eq!(
            build_dir_from(Some("out".into())),
            workspace_root().join("out")
        );
    }

    #[test]
    fn image_reports_missing_file_with_a_remedy() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert_eq!(image_in(dir, "Cargo.toml").unwrap(), dir.join("Cargo.toml"));
        let err = image_in(dir, "kernel8.img").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert_eq!(
            err.to_string(),
            format!(
                "{}/kernel8.img is missing: run `make` (or `make test`, which builds it)",
                dir.display()
            )
        );
    }
}
