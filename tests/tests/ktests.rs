//! Runs each in-kernel test image under QEMU semihosting and checks its exit status and report.

use std::time::Duration;

use systest::text::{
    last_nonempty_line, line_containing, line_starting_with, number_after, parse_backtrace_frame,
    strip_timestamp,
};
use systest::{image, BootOptions, Failure, Qemu};

/// A test kernel boots in about a second and runs for a few more.
const RUN_TIMEOUT: Duration = Duration::from_secs(30);

/// Boots `name` with semihosting and waits for the guest to exit QEMU.
fn run(name: &str) -> Result<(Qemu, i32, String), Failure> {
    let opts = BootOptions {
        semihosting: true,
        ..BootOptions::default()
    };
    let mut qemu = Qemu::boot(&image(name)?, opts)?;
    let (code, transcript) = qemu.wait_exit(RUN_TIMEOUT)?;
    Ok((qemu, code, transcript))
}

/// A passing test kernel: exit status 0, no `FAILED`, and a last line
/// `ktest: N passed, 0 failed` with N > 0.
fn expect_all_pass(name: &str) -> Result<(), Failure> {
    let (qemu, code, transcript) = run(name)?;
    if code != 0 {
        return Err(qemu.fail(format!("{name} exited with status {code}, expected 0")));
    }
    if let Some(line) = line_containing(&transcript, "FAILED") {
        return Err(qemu.fail(format!("{name} reported a failure: {line:?}")));
    }
    let last = last_nonempty_line(&transcript).unwrap_or("");
    let well_formed =
        last.starts_with("ktest: ") && last.contains(" passed, ") && last.ends_with(" failed");
    let passed = number_after(last, "ktest: ");
    let failed = number_after(last, " passed, ");
    match (well_formed, passed, failed) {
        (true, Some(passed), Some(0)) if passed > 0 => Ok(()),
        _ => Err(qemu.fail(format!(
            "expected a last line `ktest: N passed, 0 failed` with N > 0, got {last:?}"
        ))),
    }
}

#[test]
fn ktest_mem_passes() -> Result<(), Failure> {
    expect_all_pass("ktest-mem.img")
}

#[test]
fn ktest_timer_passes() -> Result<(), Failure> {
    expect_all_pass("ktest-timer.img")
}

#[test]
fn ktest_fault_panics_with_a_full_report() -> Result<(), Failure> {
    let (qemu, code, transcript) = run("ktest-fault.img")?;
    if code != 1 {
        return Err(qemu.fail(format!("ktest-fault exited with status {code}, expected 1")));
    }
    for needle in [
        "KERNEL PANIC",
        "Data Abort from the current EL",
        "translation fault",
    ] {
        if !transcript.contains(needle) {
            return Err(qemu.fail(format!("the panic report lacks `{needle}`")));
        }
    }
    // The test kernel reads this exact unmapped address (ktests/fault.rs).
    match line_starting_with(&transcript, "FAR") {
        Some(far) if far.contains("0xffffffc012345000") => {}
        other => {
            return Err(qemu.fail(format!("no `FAR 0xffffffc012345000` line; found {other:?}")))
        }
    }
    // The load itself is in the arch helper that `deliberate_fault` calls.
    match line_starting_with(&transcript, "ELR") {
        Some(elr) if elr.contains("read_u64_for_test+0x") => {}
        other => {
            return Err(qemu.fail(format!(
                "no `ELR` line naming `read_u64_for_test+0x..`; found {other:?}"
            )))
        }
    }

    if line_starting_with(&transcript, "backtrace:").is_none() {
        return Err(qemu.fail("the panic report has no `backtrace:` line"));
    }
    // The frames are the lines right after `backtrace:`; at least one must name a symbol.
    let frames: Vec<_> = transcript
        .lines()
        .skip_while(|line| !strip_timestamp(line).trim_start().starts_with("backtrace:"))
        .skip(1)
        .map_while(parse_backtrace_frame)
        .collect();
    if !frames.iter().any(|frame| frame.symbol.is_some()) {
        return Err(qemu.fail(format!(
            "no backtrace frame after `backtrace:` names a symbol; parsed {frames:?}"
        )));
    }
    // The walk must pass through the exception into the callers, in call order.
    let names: Vec<&str> = frames.iter().filter_map(|f| f.symbol_name()).collect();
    let caller = names.iter().position(|n| n.ends_with("deliberate_fault"));
    let main = names.iter().position(|n| n.ends_with("checks::main"));
    match (caller, main) {
        (Some(c), Some(m)) if c < m => Ok(()),
        _ => Err(qemu.fail(format!(
            "backtrace should show `deliberate_fault` and then `main`; got {names:?}"
        ))),
    }
}

/// The user-space test runner (init of ktest-user.img) runs real tasks against
/// the kernel: IPC, badges, rights, notifications, timeouts, faults, bad
/// arguments, preemption and 1000 tasks without a leaked frame.
#[test]
fn ktest_user_passes() -> Result<(), Failure> {
    let (qemu, code, transcript) = run("ktest-user.img")?;
    if let Some(line) = line_containing(&transcript, "FAILED") {
        return Err(qemu.fail(format!("a user-space test failed: {line:?}")));
    }
    if code != 0 {
        return Err(qemu.fail(format!("ktest-user exited with status {code}, expected 0")));
    }
    let summary = transcript
        .lines()
        .rev()
        .find(|l| l.contains("utest: ") && l.contains(" passed, "));
    let Some(summary) = summary else {
        return Err(qemu.fail("no `utest: N passed, 0 failed` line"));
    };
    let passed = number_after(summary, "utest: ");
    let failed = number_after(summary, " passed, ");
    match (passed, failed) {
        (Some(p), Some(0)) if p >= 21 => Ok(()),
        _ => Err(qemu.fail(format!(
            "expected at least 21 passed and 0 failed: {summary:?}"
        ))),
    }
}
