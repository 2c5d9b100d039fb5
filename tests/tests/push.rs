//! `micaload push` into a running mica: a module ELF crosses the serial console into the file server, checked by CRC-32, and loads with insmod.
//!
//! QEMU runs build/kernel8.img with its console on a Unix socket; micaload
//! (build/micaload) pushes build/user/hello-ext, then a second micaload
//! session is the terminal the test types into.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use systest::{image, BootOptions, Failure, Qemu, PROMPT};

const STEP: Duration = Duration::from_secs(60);

/// mica in QEMU with its console on a Unix socket (removed on drop).
struct Mica {
    _qemu: Qemu,
    socket: PathBuf,
}

impl Mica {
    fn boot(tag: &str) -> Result<Mica, Failure> {
        let socket =
            std::env::temp_dir().join(format!("mica-push-{}-{tag}.sock", std::process::id()));
        let _ = std::fs::remove_file(&socket);
        let opts = BootOptions {
            serial: Some(format!("unix:{},server=on,wait=off", socket.display())),
            ..BootOptions::default()
        };
        let qemu = Qemu::boot(&image("kernel8.img")?, opts)?;
        Ok(Mica {
            _qemu: qemu,
            socket,
        })
    }

    fn device(&self) -> String {
        format!("unix:{}", self.socket.display())
    }
}

impl Drop for Mica {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.socket);
    }
}

/// Runs `micaload ARGS` to its end: exit status and everything it printed.
fn micaload(args: &[&str]) -> Result<(bool, String), Failure> {
    let out = Command::new(image("micaload")?).args(args).output()?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok((out.status.success(), text))
}

#[test]
fn a_pushed_module_loads_with_insmod() -> Result<(), Failure> {
    let mica = Mica::boot("insmod")?;
    let module = image("user/hello-ext")?;
    let module = module.to_string_lossy();
    // The shell needs a moment to reach its prompt; push waits for it.
    let (ok, out) = micaload(&["push", &mica.device(), &module, "/tmp-pushed"])?;
    if !ok || !out.contains("crc32") || !out.contains("checked") {
        return Err(Failure::from(std::io::Error::other(format!(
            "push failed: {out}"
        ))));
    }
    let mut term = Qemu::run_command({
        let mut c = Command::new(image("micaload")?);
        c.args(["term", &mica.device()]);
        c
    })?;
    term.send("\r")?;
    term.expect(PROMPT, STEP)?;
    term.send("crc32 /tmp-pushed\r")?;
    term.expect("/tmp-pushed", STEP)?;
    term.expect(PROMPT, STEP)?;
    term.send("insmod /tmp-pushed upto=2\r")?;
    term.expect("hello-ext: loaded (pid ", STEP)?;
    term.expect(PROMPT, STEP)?;
    term.send("rmmod hello-ext\r")?;
    term.expect("hello-ext: removed", STEP)?;
    Ok(())
}

#[test]
fn a_push_the_shell_refuses_is_reported() -> Result<(), Failure> {
    let mica = Mica::boot("refused")?;
    let module = image("user/hello-ext")?;
    let module = module.to_string_lossy();
    // /boot is read-only: the shell refuses, and micaload says why.
    let (ok, out) = micaload(&["push", &mica.device(), &module, "/boot/new"])?;
    if ok || !out.contains("read-only file system") {
        return Err(Failure::from(std::io::Error::other(format!(
            "push into /boot should fail with EROFS: {out}"
        ))));
    }
    Ok(())
}
