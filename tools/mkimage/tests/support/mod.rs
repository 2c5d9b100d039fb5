//! Helpers shared by mkimage's integration tests: scratch directories and running the tool.

use std::path::PathBuf;
use std::process::{Command, Output};

/// A scratch directory unique to this test process and test name, removed on drop.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(test: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("mkimage-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        Scratch(dir)
    }

    pub fn path(&self, name: &str) -> String {
        self.0
            .join(name)
            .to_str()
            .expect("utf-8 temp path")
            .to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the built mkimage with `args`.
pub fn mkimage(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mkimage"))
        .args(args)
        .output()
        .expect("run mkimage")
}
