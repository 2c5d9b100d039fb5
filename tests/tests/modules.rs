//! Modules through the shell: insmod, rmmod, lsmod, modinfo, modprobe and every
//! refusal; a module loaded from a file; load/unload cycles that give all memory
//! back; crashes of the UART, GPIO and file servers that the system survives
//! (the microkernel build) or that take the kernel down (the monolithic build).

use std::time::Duration;
use systest::{image, monolithic, BootOptions, Failure, Shell, PROMPT};

fn boot() -> Result<Shell, Failure> {
    Shell::boot(&image("kernel8.img")?, BootOptions::default())
}

/// The lsmod row of `name`, split into columns (the "Used by" names are one column).
fn lsmod_row(sh: &mut Shell, name: &str) -> Result<Option<Vec<String>>, Failure> {
    let out = sh.run("lsmod")?;
    Ok(out
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name))
        .map(|l| l.split_whitespace().map(String::from).collect()))
}

/// Free frames and kernel heap bytes in use, from meminfo.
fn memory(sh: &mut Shell) -> Result<(u64, u64), Failure> {
    let out = sh.run("meminfo")?;
    let number_in = |prefix: &str| {
        out.lines()
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.rsplit('(').next())
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse::<u64>().ok())
    };
    match (number_in("MemFree:"), number_in("KernelHeap:")) {
        (Some(frames), Some(heap)) => Ok((frames, heap)),
        _ => Err(sh.fail(format!("no MemFree frames or KernelHeap bytes in {out:?}"))),
    }
}

/// Polls lsmod until `name` shows `restarts` restarts and is live (a restart takes a back-off first).
fn wait_for_restarts(sh: &mut Shell, name: &str, restarts: u32) -> Result<(), Failure> {
    let want = restarts.to_string();
    for _ in 0..100 {
        let row = lsmod_row(sh, name)?.unwrap_or_default();
        let n = row.len();
        if n >= 3 && row[n - 2] == want && row[n - 3] == "live" {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Err(sh.fail(format!("{name} did not come back with {restarts} restarts")))
}

#[test]
fn the_boot_set_is_loaded_and_listed_like_linux() -> Result<(), Failure> {
    let mut sh = boot()?;
    let out = sh.check(
        "lsmod",
        &["Module", "Size", "Used by", "State", "Restarts", "Pid"],
    )?;
    for name in ["devreg", "uart", "gpio", "fs", "hello"] {
        if lsmod_row(&mut sh, name)?.is_none() {
            return Err(sh.fail(format!("lsmod lacks {name}: {out:?}")));
        }
    }
    let devreg = lsmod_row(&mut sh, "devreg")?.unwrap_or_default();
    if !devreg
        .iter()
        .any(|c| c.contains("uart") && c.contains("gpio") && c.contains("fs"))
    {
        return Err(sh.fail(format!(
            "devreg should be used by uart, gpio and fs: {devreg:?}"
        )));
    }
    sh.check(
        "modinfo hello",
        &[
            "filename:       /boot/hello",
            "name:           hello",
            "license:",
            "author:",
            "description:",
            "vermagic:       mica-abi-",
            "parm:           howmany:",
            "(int, default",
            "parm:           whom:",
            "loaded:         yes",
            // etc/modprobe.conf sets howmany=2 for the boot set.
            "parameter:      howmany=2",
        ],
    )?;
    sh.check(
        "modinfo uart",
        &["depends:        devreg", "parm:           port:"],
    )?;
    // The hello module greeted as often as modprobe.conf said.
    let log = sh.run("dmesg")?;
    let greetings = log.matches("hello, world").count();
    if greetings != 2 {
        return Err(sh.fail(format!("hello greeted {greetings} times, not 2: {log:?}")));
    }
    Ok(())
}

#[test]
fn insmod_and_rmmod_refuse_what_they_must() -> Result<(), Failure> {
    let mut sh = boot()?;
    sh.check("insmod hello", &["hello: already loaded (pid "])?;
    sh.check("insmod nosuch", &["nosuch: no such module in /boot"])?;
    sh.check("insmod /boot/shell", &["not a mica module"])?;
    sh.check("insmod /tmp/none", &["no such file or directory"])?;
    sh.check("rmmod nosuch", &["nosuch: not loaded"])?;
    sh.check("rmmod devreg", &["devreg: in use by: uart, gpio, fs"])?;
    // The shell holds the console open.
    sh.check("rmmod uart", &["uart: in use: ", "open files"])?;
    sh.check("insmod", &["usage: insmod"])?;
    sh.run("rmmod hello")?;
    sh.check(
        "insmod hello bogus=1",
        &[
            "unknown parameter 'bogus'",
            "howmany (int)",
            "whom (string)",
        ],
    )?;
    sh.check("insmod hello howmany=lots", &["howmany", "int"])?;
    sh.check(
        "insmod /boot/extra/hello-abi0",
        &["mica-abi-0", "mica-abi-2"],
    )?;
    if lsmod_row(&mut sh, "hello")?.is_some() {
        return Err(sh.fail("a refused insmod left hello behind"));
    }
    // The module's own init function refuses this one; nothing stays behind.
    sh.check(
        "insmod hello howmany=500",
        &["hello: init failed", "howmany=500: must be 0 to 100"],
    )?;
    if lsmod_row(&mut sh, "hello")?.is_some() {
        return Err(sh.fail("a module whose init failed is listed"));
    }
    sh.check("insmod hello howmany=3 whom=mica", &["hello: loaded (pid "])?;
    sh.check(
        "modinfo hello",
        &["parameter:      howmany=3", "parameter:      whom=mica"],
    )?;
    let log = sh.run("dmesg")?;
    if log.matches("hello, mica").count() != 3 {
        return Err(sh.fail(format!("expected 3 greetings of mica: {log:?}")));
    }
    sh.check("rmmod hello", &["hello: removed"])?;
    sh.check("dmesg", &["goodbye, mica"])?;
    Ok(())
}

#[test]
fn a_module_from_a_file_and_modprobe_with_dependencies() -> Result<(), Failure> {
    let mut sh = boot()?;
    // A module built outside the tree, copied into the writable file system and loaded from there.
    sh.run("cat /boot/extra/hello-ext > /tmp-hello-ext")?;
    sh.check(
        "modinfo /tmp-hello-ext",
        &["name:           hello-ext", "depends:        gpio"],
    )?;
    sh.check("rmmod gpio", &["gpio: removed"])?;
    sh.check(
        "insmod /tmp-hello-ext",
        &["needs gpio, which is not loaded"],
    )?;
    sh.check("modprobe hello-ext", &["gpio: loaded", "hello-ext: loaded"])?;
    sh.check("rmmod gpio", &["gpio: in use by: hello-ext"])?;
    // devreg stays: uart and fs still need it.
    sh.check(
        "modprobe -r hello-ext",
        &["hello-ext: removed", "gpio: removed"],
    )?;
    if lsmod_row(&mut sh, "devreg")?.is_none() || lsmod_row(&mut sh, "gpio")?.is_some() {
        return Err(sh.fail("modprobe -r should remove gpio and keep devreg"));
    }
    sh.check("insmod /tmp-hello-ext", &["needs gpio"])?;
    sh.run("modprobe gpio")?;
    sh.check("insmod /tmp-hello-ext", &["hello-ext: loaded"])?;
    sh.check("lsmod", &["hello-ext"])?;
    sh.check("rmmod hello-ext", &["hello-ext: removed"])?;
    Ok(())
}

#[test]
fn two_hundred_load_cycles_give_back_every_frame_and_heap_byte() -> Result<(), Failure> {
    let mut sh = boot()?;
    sh.run("rmmod hello")?;
    // One cycle first, so lazily grown tables (init's own heap) are in place.
    sh.run("insmod hello")?;
    sh.run("rmmod hello")?;
    let before = memory(&mut sh)?;
    for i in 0..200 {
        let out = sh.run("insmod hello")?;
        if !out.contains("hello: loaded") {
            return Err(sh.fail(format!("cycle {i}: {out:?}")));
        }
        sh.run("rmmod hello")?;
    }
    let after = memory(&mut sh)?;
    if before != after {
        return Err(sh.fail(format!(
            "(free frames, kernel heap bytes) went from {before:?} to {after:?} over 200 cycles"
        )));
    }
    Ok(())
}

/// The microkernel build: a server that faults is a task that ends; init starts it again.
#[test]
fn crashed_servers_come_back_and_the_shell_keeps_answering() -> Result<(), Failure> {
    if monolithic() {
        // The same faults panic the monolithic kernel: see the next test.
        return Ok(());
    }
    let mut sh = boot()?;
    sh.run("echo before > /kept")?;
    // GPIO: restarted with back-off; its pins answer again.
    sh.check("crash gpio", &["gpio: told to crash"])?;
    wait_for_restarts(&mut sh, "gpio", 1)?;
    sh.run("gpio mode 17 out")?;
    sh.check("gpio get 17", &["pin 17:"])?;
    let row = lsmod_row(&mut sh, "gpio")?.unwrap_or_default();
    if row.get(row.len().saturating_sub(2)).map(String::as_str) != Some("1") {
        return Err(sh.fail(format!("gpio should show 1 restart: {row:?}")));
    }
    // UART: the console itself goes and comes back.
    sh.qemu.send("crash uart\r")?;
    sh.qemu.expect("[console reconnected]", sh.timeout)?;
    sh.qemu.expect(PROMPT, sh.timeout)?;
    sh.check("echo still here", &["still here"])?;
    // The file server: the in-memory files go with it; /boot comes back.
    sh.check("crash fs", &["fs: told to crash"])?;
    wait_for_restarts(&mut sh, "fs", 1)?;
    sh.check("ls /boot", &["hello"])?;
    if !sh
        .qemu
        .transcript()
        .contains("[reconnected to the file server]")
    {
        return Err(sh.fail("the shell did not say it reconnected to the file server"));
    }
    sh.check("cat /kept", &["no such file or directory"])?;
    sh.run("echo after > /kept")?;
    sh.check("cat /kept", &["after"])?;
    sh.check(
        "dmesg",
        &[
            "module gpio faulted: data abort",
            "module uart restarted",
            "module fs restarted",
        ],
    )?;
    Ok(())
}

/// The monolithic build: the same fault inside a built-in server is the
/// kernel's own. It ends in a kernel panic report naming the fault and the
/// kernel code that took it, and nothing answers afterwards.
#[test]
fn a_crash_inside_the_kernel_is_a_kernel_panic() -> Result<(), Failure> {
    if !monolithic() {
        // The servers are tasks here: see the previous test.
        return Ok(());
    }
    for server in ["fs", "uart", "gpio"] {
        let mut sh = boot()?;
        sh.qemu.send(&format!("crash {server}\r"))?;
        sh.qemu.expect(
            &format!("{server}: told to crash: faulting inside the kernel"),
            sh.timeout,
        )?;
        sh.qemu
            .expect("KERNEL PANIC: Data Abort from the current EL", sh.timeout)?;
        sh.qemu.expect("fault_in_kernel", sh.timeout)?;
        sh.qemu.expect("builtin_manage", sh.timeout)?;
        sh.qemu.send("echo still here\r")?;
        std::thread::sleep(Duration::from_millis(500));
        if sh.qemu.transcript().contains("\nstill here") {
            return Err(sh.fail(format!(
                "the shell answered after {server} panicked the kernel"
            )));
        }
    }
    Ok(())
}

/// A module that keeps crashing (a task in both builds) is held after the limit.
#[test]
fn a_module_that_keeps_crashing_is_held() -> Result<(), Failure> {
    let mut sh = boot()?;
    for restarts in 1..=5 {
        sh.check("crash hello", &["hello: told to crash"])?;
        wait_for_restarts(&mut sh, "hello", restarts)?;
    }
    sh.check("crash hello", &["hello: told to crash"])?;
    let mut held = false;
    for _ in 0..100 {
        let row = lsmod_row(&mut sh, "hello")?.unwrap_or_default();
        held = row.iter().any(|c| c == "held");
        if held {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    if !held {
        return Err(sh.fail("hello should be held after its sixth crash"));
    }
    sh.check("crash hello", &["hello is not running"])?;
    sh.check("dmesg", &["module hello held after 5 restarts"])?;
    Ok(())
}
