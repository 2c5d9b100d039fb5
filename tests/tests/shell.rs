//! The shell on the serial console: line editing, every command's transcript and
//! its error cases, files through the file server, devices, and power off.

use std::time::Duration;

use systest::{built_in, image, BootOptions, Failure, Shell, PROMPT};

const STEP: Duration = Duration::from_secs(30);

fn boot() -> Result<Shell, Failure> {
    Shell::boot(&image("kernel8.img")?, BootOptions::default())
}

/// Byte `i` of the pattern `write FILE SIZE` writes (documented in the shell's `data` module).
fn pattern_byte(i: u64) -> u8 {
    ((i as u32).wrapping_mul(2_654_435_761) >> 24) as u8
}

/// CRC-32 (IEEE, as zlib and `crc32fast`) of the first `len` pattern bytes, computed here.
fn pattern_crc(len: u64) -> u32 {
    let mut crc = !0u32;
    for i in 0..len {
        crc ^= u32::from(pattern_byte(i));
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn help_lists_every_command_and_bad_input_gets_a_clear_error() -> Result<(), Failure> {
    let mut sh = boot()?;
    let commands = [
        "help", "ls", "cat", "echo", "write", "crc32", "touch", "mkdir", "rmdir", "rm", "mv",
        "stat", "cd", "pwd", "ps", "kill", "dmesg", "devices", "iomem", "meminfo", "gpio",
        "uptime", "reboot", "poweroff",
    ];
    let help = sh.run("help")?;
    for c in commands {
        let listed = help
            .lines()
            .any(|l| l.trim_start().starts_with(&format!("{c} ")) && l.len() > c.len() + 12);
        if !listed {
            return Err(sh.fail(format!("help does not describe `{c}`: {help:?}")));
        }
    }
    sh.check("help mv", &["usage: mv FROM TO"])?;
    sh.check("lss", &["lss: command not found (did you mean 'ls'?)"])?;
    sh.check(
        "frobnicate",
        &["frobnicate: command not found (type 'help'"],
    )?;
    sh.check("cat", &["cat: usage: cat FILE..."])?;
    sh.check("mv onlyone", &["mv: usage: mv FROM TO"])?;
    sh.check("cat /nosuch", &["cat: /nosuch: no such file or directory"])?;
    sh.check("ls /boot/init/x", &["not a directory"])?;
    sh.check("echo \"open", &["unterminated"])?;
    sh.check("echo a > b > c", &["more than one redirection"])?;
    sh.check("ls -z", &["unknown option -z"])?;
    sh.check("kill 4000", &["kill: (4000): no such task"])?;
    sh.check("kill 1", &["kill: (1): init cannot be stopped"])?;
    sh.check("kill abc", &["kill: 'abc'"])?;
    sh.check(
        "dmesg -l loud",
        &["unknown level 'loud' (levels: emerg, alert, crit, err"],
    )?;
    sh.check("gpio set 99", &["bad pin '99'"])?;
    sh.check("gpio mode 17 sideways", &["unknown mode 'sideways'"])?;
    sh.check("gpio set 14", &["pin 14", "busy"])?;
    sh.check("cd /boot/init", &["not a directory"])?;
    let long = "n".repeat(300);
    sh.check(&format!("touch /{long}"), &["file name too long"])?;
    // The shell is still here after all that.
    sh.check("echo still alive", &["still alive"])?;
    Ok(())
}

#[test]
fn line_editing_moves_deletes_and_recalls() -> Result<(), Failure> {
    let mut sh = boot()?;
    // "eco hi", four lefts, insert 'h': "echo hi".
    sh.qemu.send("eco hi\x1b[D\x1b[D\x1b[D\x1b[Dh\r")?;
    sh.qemu.expect("\r\nhi\r\n", STEP)?;
    sh.qemu.expect(PROMPT, STEP)?;
    // Backspace and Ctrl-U.
    sh.qemu.send("echo abX\x7fc\r")?;
    sh.qemu.expect("\r\nabc\r\n", STEP)?;
    sh.qemu.expect(PROMPT, STEP)?;
    sh.qemu.send("garbage\x15echo clean\r")?;
    let out = sh.qemu.expect("\r\nclean\r\n", STEP)?;
    if out.contains("garbage: command not found") {
        return Err(sh.fail("Ctrl-U did not discard the line"));
    }
    sh.qemu.expect(PROMPT, STEP)?;
    // Ctrl-C abandons a line.
    sh.qemu.send("doomed\x03")?;
    sh.qemu.expect("^C", STEP)?;
    sh.qemu.expect(PROMPT, STEP)?;
    // Up recalls the last line; down comes back to an empty one.
    sh.run("echo first")?;
    sh.qemu.send("\x1b[A\r")?;
    sh.qemu.expect("\r\nfirst\r\n", STEP)?;
    sh.qemu.expect(PROMPT, STEP)?;
    sh.qemu.send("\x1b[A\x1b[B\r")?;
    let out = sh.qemu.expect(PROMPT, STEP)?;
    if out.contains("\r\nfirst\r\n") {
        return Err(sh.fail(format!("down did not return to an empty line: {out:?}")));
    }
    if sh.qemu.transcript().contains("doomed: command not found") {
        return Err(sh.fail("Ctrl-C ran the line"));
    }
    Ok(())
}

#[test]
fn files_are_written_read_renamed_and_removed() -> Result<(), Failure> {
    let mut sh = boot()?;
    sh.run("mkdir /tmp")?;
    sh.run("echo hello mica > /tmp/a")?;
    sh.check("cat /tmp/a", &["hello mica\n"])?;
    sh.run("echo more >> /tmp/a")?;
    sh.check("cat /tmp/a", &["hello mica\nmore\n"])?;
    sh.check("ls -l /tmp", &["-rw-r--r--", " 16 ", " a"])?;
    sh.check("stat /tmp/a", &["File: /tmp/a", "regular file", "Size: 16"])?;
    sh.run("mv /tmp/a /tmp/b")?;
    sh.check("cat /tmp/a", &["no such file or directory"])?;
    sh.check("cat /tmp/b", &["hello mica"])?;
    sh.check("rmdir /tmp", &["directory not empty"])?;
    sh.run("rm /tmp/b")?;
    let out = sh.run("ls /tmp")?;
    if !out.trim().is_empty() {
        return Err(sh.fail(format!("/tmp should be empty: {out:?}")));
    }
    sh.run("rmdir /tmp")?;
    sh.check("ls /tmp", &["no such file or directory"])?;
    // Typed lines, ended by a lone dot.
    sh.qemu.send("write /notes\r")?;
    sh.qemu.expect("a line with only '.' ends", STEP)?;
    sh.qemu.send("line one\rline two\r.\r")?;
    sh.qemu.expect("wrote 18 bytes to /notes", STEP)?;
    sh.qemu.expect(PROMPT, STEP)?;
    sh.check("cat /notes", &["line one\nline two\n"])?;
    // Relative paths and the working directory.
    sh.run("cd /boot")?;
    sh.check("pwd", &["/boot"])?;
    sh.check("ls", &["init", "shell", "fs", "uart"])?;
    sh.check("rm init", &["rm: init: read-only file system"])?;
    sh.check("echo x > /boot/new", &["read-only file system"])?;
    Ok(())
}

#[test]
fn a_mebibyte_round_trips_and_a_full_disk_keeps_earlier_files() -> Result<(), Failure> {
    let mut sh = boot()?;
    let mib = 1 << 20;
    let crc = format!("{:08x}", pattern_crc(mib));
    sh.check(
        "write /big 1M",
        &[&format!("wrote {mib} bytes to /big (crc32 {crc})")],
    )?;
    sh.check("crc32 /big", &[&format!("{crc} {mib} /big")])?;
    // The file server holds 16 MiB: the second 8 MiB cannot fit beside /big.
    sh.run("write /fill1 8M")?;
    sh.check("write /fill2 8M", &["no space left on device"])?;
    sh.check("crc32 /big", &[&format!("{crc} {mib} /big")])?;
    let eight = format!("{:08x} {} /fill1", pattern_crc(8 * mib), 8 * mib);
    sh.check("crc32 /fill1", &[&eight])?;
    // Room comes back when a file goes.
    sh.run("rm /fill2 /fill1")?;
    sh.check("write /again 8M", &["wrote 8388608 bytes"])?;
    Ok(())
}

#[test]
fn devices_are_files_under_dev() -> Result<(), Failure> {
    let mut sh = boot()?;
    sh.check("ls /dev", &["gpiochip0", "ttyS0"])?;
    sh.check("stat /dev/ttyS0", &["character device", "Device: 4:64"])?;
    sh.check("stat /dev/gpiochip0", &["Device: 254:0"])?;
    sh.check("ls -l /dev", &["crw", "4, 64", "ttyS0"])?;
    sh.check("echo hi there > /dev/ttyS0", &["hi there\n"])?;
    sh.check("cat /dev/nosuch", &["no such file or directory"])?;
    // GPIO pins read back through the GPIO server.
    sh.run("gpio mode 17 out")?;
    sh.run("gpio set 17")?;
    sh.check("gpio get 17", &["pin 17: level 1, mode out"])?;
    sh.run("gpio clear 17")?;
    sh.check("gpio get 17", &["pin 17: level 0, mode out"])?;
    sh.run("gpio mode 17 in")?;
    sh.check("gpio get 17", &["mode in"])?;
    Ok(())
}

#[test]
fn system_commands_show_tasks_log_memory_and_devices() -> Result<(), Failure> {
    let mut sh = boot()?;
    let ps = sh.check("ps", &["PID", "NAME", "STATE", "PRI", "MEM", "TIME"])?;
    // A module built into the kernel (the monolithic build) is no task.
    for name in ["init", "devreg", "uart", "gpio", "fs", "shell"] {
        let listed = ps
            .lines()
            .any(|l| l.split_whitespace().nth(1) == Some(name));
        if listed == built_in(name) {
            return Err(sh.fail(format!("ps lists {name}: {listed}: {ps:?}")));
        }
    }
    sh.check(
        "dmesg",
        &["mica user space is up", "started shell", "boot complete"],
    )?;
    let errs = sh.run("dmesg -l err,crit")?;
    if errs.contains("boot complete") {
        return Err(sh.fail(format!("dmesg -l err shows info lines: {errs:?}")));
    }
    sh.check("devices", &["Character devices:", "ttyS0", "gpiochip0"])?;
    let uart_holder = match built_in("uart") {
        true => "uart (in the kernel)",
        false => "uart (pid ",
    };
    sh.check("iomem", &["3f200000-3f200fff : gpio", "pl011", uart_holder])?;
    sh.check(
        "meminfo",
        &["MemTotal:", "MemFree:", "KernelHeap:", "cache", "active"],
    )?;
    sh.check("uptime", &["up ", " tasks"])?;
    // Killing the shell: init starts a new one, which prompts again.
    let shell_pid = ps
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some("shell"))
        .and_then(|l| l.split_whitespace().next())
        .ok_or_else(|| sh.fail("no shell pid in ps"))?
        .to_string();
    sh.qemu.send(&format!("kill {shell_pid}\r"))?;
    sh.qemu.expect("type 'help'", STEP)?;
    sh.qemu.expect(PROMPT, STEP)?;
    sh.check("dmesg", &["starting shell again (restart 1)"])?;
    Ok(())
}

#[test]
fn poweroff_ends_qemu_with_status_zero() -> Result<(), Failure> {
    let mut sh = boot()?;
    sh.qemu.send("poweroff\r")?;
    sh.qemu.expect("powering off", STEP)?;
    let (code, _) = sh.qemu.wait_exit(STEP)?;
    if code != 0 {
        return Err(sh.fail(format!("QEMU exited with {code}")));
    }
    Ok(())
}

#[test]
fn reboot_restarts_the_machine_into_a_fresh_shell() -> Result<(), Failure> {
    let mut sh = boot()?;
    sh.run("echo before > /mark")?;
    sh.qemu.send("reboot\r")?;
    sh.qemu.expect("restarting", STEP)?;
    sh.qemu.expect("mica: boot complete", STEP)?;
    sh.qemu.expect("type 'help'", STEP)?;
    sh.qemu.expect(PROMPT, STEP)?;
    // A new boot: the in-memory file system starts empty.
    sh.check("cat /mark", &["no such file or directory"])?;
    Ok(())
}
