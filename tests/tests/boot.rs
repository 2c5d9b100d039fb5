//! Boots build/kernel8.img in QEMU and checks the boot log, line by line and in order.

use std::time::Duration;

use systest::text::{first_number, number_after, number_before, strip_timestamp};
use systest::{image, loaded_as, BootOptions, Failure, Qemu, Shell, PROMPT};

/// QEMU boots in about a second; this leaves room for a loaded machine.
const STEP_TIMEOUT: Duration = Duration::from_secs(20);

/// The CNTFRQ_EL0 value QEMU's raspi3b model reports (the BCM2837's 19.2 MHz crystal
/// is not modelled).
const QEMU_TIMER_HZ: u64 = 62_500_000;

/// Whether `text` starts with a version like `0.1.0` (digits and dots, at least one dot).
fn starts_with_version(text: &str) -> bool {
    let version = text.split_whitespace().next().unwrap_or("");
    let mut parts = version.split('.');
    let numeric = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    // Allow a suffix such as `-dev` on the last part.
    let last_ok = |part: &str| numeric(part.split('-').next().unwrap_or(""));
    let (Some(major), Some(minor)) = (parts.next(), parts.next()) else {
        return false;
    };
    let rest: Vec<&str> = parts.collect();
    numeric(major)
        && match rest.split_last() {
            None => last_ok(minor),
            Some((last, middle)) => {
                numeric(minor) && middle.iter().all(|part| numeric(part)) && last_ok(last)
            }
        }
}

#[test]
fn kernel_boots_and_logs_each_stage_in_order() -> Result<(), Failure> {
    let mut qemu = Qemu::boot(&image("kernel8.img")?, BootOptions::default())?;

    let banner = qemu.expect_line("mica ", STEP_TIMEOUT)?;
    let after_name = strip_timestamp(&banner)
        .strip_prefix("mica ")
        .ok_or_else(|| qemu.fail(format!("banner does not start with `mica `: {banner:?}")))?;
    if !starts_with_version(after_name) {
        return Err(qemu.fail(format!("no version after `mica ` in {banner:?}")));
    }

    let levels = qemu.expect_line("entered at EL2", STEP_TIMEOUT)?;
    if !levels.contains("running at EL1") {
        return Err(qemu.fail(format!("no `running at EL1` in {levels:?}")));
    }

    let mem = qemu.expect_line("MiB of ARM memory", STEP_TIMEOUT)?;
    if !strip_timestamp(&mem).starts_with("mem: ") {
        return Err(qemu.fail(format!("memory line does not start with `mem: `: {mem:?}")));
    }
    match number_before(&mem, "MiB of ARM memory") {
        Some(mib) if mib > 0 => {}
        _ => return Err(qemu.fail(format!("no positive MiB count in {mem:?}"))),
    }

    let frames = qemu.expect_line("free frames", STEP_TIMEOUT)?;
    match first_number(strip_timestamp(&frames)) {
        Some(count) if count > 0 => {}
        _ => return Err(qemu.fail(format!("no positive count in {frames:?}"))),
    }

    qemu.expect_line("W^X", STEP_TIMEOUT)?;

    let timer = qemu.expect_line("timer: ", STEP_TIMEOUT)?;
    let hz = number_after(&timer, "timer: ");
    if hz != Some(QEMU_TIMER_HZ) || !timer.contains(" Hz") {
        return Err(qemu.fail(format!(
            "expected `timer: {QEMU_TIMER_HZ} Hz`, got {timer:?}"
        )));
    }

    qemu.expect_line("boot complete", STEP_TIMEOUT)?;
    if qemu.transcript().contains("KERNEL PANIC") {
        return Err(qemu.fail("the kernel panicked during boot"));
    }
    Ok(())
}

/// User space comes up: init loads the boot set of /etc/modules (the device
/// registry, the UART driver, which takes the console over, the GPIO driver,
/// the file server and the `hello` module, which greets with the parameters
/// modprobe.conf gives it), lists the devices and starts the shell. After the
/// handover the kernel log no longer reaches the console; `dmesg` in the
/// shell shows it, in order.
#[test]
fn init_starts_the_boot_set_and_the_log_shows_it_in_order() -> Result<(), Failure> {
    let mut qemu = Qemu::boot(&image("kernel8.img")?, BootOptions::default())?;
    let line = qemu.expect_line("started init (pid ", STEP_TIMEOUT)?;
    if number_after(&line, "(pid ") != Some(1) {
        return Err(qemu.fail(format!("init should be pid 1: {line:?}")));
    }
    qemu.expect_line("console: the UART driver has the console now", STEP_TIMEOUT)?;
    qemu.expect("type 'help'", STEP_TIMEOUT)?;
    qemu.expect(PROMPT, STEP_TIMEOUT)?;
    let mut sh = Shell {
        qemu,
        timeout: STEP_TIMEOUT,
    };
    let log = sh.run("dmesg")?;
    let mut rest = log.as_str();
    let loads =
        ["devreg", "uart", "gpio", "fs", "hello"].map(|m| format!("init[1]: {}", loaded_as(m)));
    let needles = [
        "init[1]: mica user space is up",
        &loads[0],
        &loads[1],
        &loads[2],
        &loads[3],
        &loads[4],
        "init[1]: devices: Character devices:",
        "init[1]: iomem: 3f200000-3f200fff gpio ",
        "init[1]: started shell (pid ",
    ];
    for needle in needles {
        let Some(at) = rest.find(needle) else {
            return Err(sh.fail(format!("dmesg lacks {needle:?} (in order): {log:?}")));
        };
        rest = &rest[at + needle.len()..];
    }
    // The module's own lines come from its own task, around init's.
    for needle in [
        "hello, world",
        "loaded with howmany=2 whom=world",
        "registered gpiochip0 (254, 0)",
    ] {
        if !log.contains(needle) {
            return Err(sh.fail(format!("dmesg lacks {needle:?}: {log:?}")));
        }
    }
    Ok(())
}

#[test]
fn version_check_accepts_versions_only() {
    assert!(starts_with_version(
        "0.1.0 booting on Raspberry Pi 3 (BCM2837)"
    ));
    assert!(starts_with_version("1.2"));
    assert!(starts_with_version("0.1.0-dev booting"));
    assert!(!starts_with_version("booting"));
    assert!(!starts_with_version("1 booting"));
    assert!(!starts_with_version("1..0"));
    assert!(!starts_with_version(""));
}
