//! Tests of the `Qemu` harness with shell scripts standing in for QEMU (no emulator needed).

use super::*;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;

const LONG: Duration = Duration::from_secs(10);

/// A fake "QEMU": `sh -c script`.
fn fake(script: &str) -> Qemu {
    fake_with_delay(script, Duration::ZERO)
}

fn fake_with_delay(script: &str, send_byte_delay: Duration) -> Qemu {
    let mut command = Command::new("sh");
    command.arg("-c").arg(script);
    Qemu::spawn(command, send_byte_delay).expect("spawning sh")
}

/// Whether process `pid` exists (running or zombie) on this Linux host.
fn process_exists(pid: u32) -> bool {
    PathBuf::from(format!("/proc/{pid}")).exists()
}

#[test]
fn expect_advances_through_output_then_reports_exit_status() {
    let mut qemu = fake("echo hello; echo '[ 0.5] world wide'; sleep 1; exit 3");
    assert_eq!(qemu.expect("hello", LONG).unwrap(), "hello");
    assert_eq!(qemu.expect_line("wor", LONG).unwrap(), "[ 0.5] world wide");
    // Already consumed text is not found again.
    let timeout = qemu
        .expect("hello", Duration::from_millis(100))
        .unwrap_err();
    assert!(
        matches!(timeout.kind(), FailureKind::Timeout { .. }),
        "{timeout}"
    );
    assert_eq!(timeout.transcript(), "hello\n[ 0.5] world wide\n");

    let started = Instant::now();
    let exited = qemu.expect("never printed", LONG).unwrap_err();
    assert!(started.elapsed() < LONG, "exit must end the wait early");
    assert_eq!(
        exited.kind(),
        &FailureKind::Exited {
            expected: "`never printed`".into(),
            code: Some(3)
        }
    );
    assert!(exited.to_string().contains("hello\n[ 0.5] world wide\n"));

    let (code, transcript) = qemu.wait_exit(LONG).unwrap();
    assert_eq!(code, 3);
    assert_eq!(transcript, "hello\n[ 0.5] world wide\n");
    assert_eq!(qemu.transcript(), transcript);
}

#[test]
fn timeout_is_honoured_and_carries_transcript() {
    let mut qemu = fake("echo booting; sleep 30");
    qemu.expect("booting", LONG).unwrap();
    let started = Instant::now();
    let failure = qemu
        .expect("boot complete", Duration::from_millis(300))
        .unwrap_err();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(300) && waited < Duration::from_secs(5));
    assert_eq!(
        failure.kind(),
        &FailureKind::Timeout {
            expected: "`boot complete`".into(),
            waited: Duration::from_millis(300)
        }
    );
    assert_eq!(failure.transcript(), "booting\n");
    let exit = qemu.wait_exit(Duration::from_millis(200)).unwrap_err();
    assert!(matches!(exit.kind(), FailureKind::Timeout { .. }), "{exit}");
}

#[test]
fn output_arriving_later_wakes_the_waiter() {
    let mut qemu = fake("sleep 0.3; printf 'ready> '; sleep 0.3; echo done");
    assert_eq!(qemu.expect("ready> ", LONG).unwrap(), "ready> ");
    assert_eq!(
        qemu.expect_any(&["fail", "done"], LONG).unwrap(),
        (1, "done".into())
    );
    assert_eq!(qemu.wait_exit(LONG).unwrap(), (0, "ready> done\n".into()));
}

#[test]
fn send_types_into_the_console() {
    let mut qemu = fake("read line; echo \"got:$line\"; read again; echo \"then:$again\"");
    qemu.send("first\n").unwrap();
    assert_eq!(qemu.expect_line("got:", LONG).unwrap(), "got:first");
    qemu.send("second\n").unwrap();
    assert_eq!(qemu.expect_line("then:", LONG).unwrap(), "then:second");
    assert_eq!(qemu.wait_exit(LONG).unwrap().0, 0);
}

#[test]
fn send_with_byte_delay_paces_the_bytes() {
    let mut qemu = fake_with_delay("read line; echo \"got:$line\"", Duration::from_millis(20));
    let started = Instant::now();
    qemu.send("abcde\n").unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(120),
        "6 bytes x 20 ms"
    );
    assert_eq!(qemu.expect_line("got:", LONG).unwrap(), "got:abcde");
}

#[test]
fn send_after_exit_is_a_failure_not_a_panic() {
    let mut qemu = fake("echo bye");
    qemu.wait_exit(LONG).unwrap();
    // The pipe may take a moment to report the closed reader; a few tries make it certain.
    let failed = (0..50).any(|_| {
        thread::sleep(Duration::from_millis(10));
        qemu.send("x\n").is_err()
    });
    assert!(failed);
}

#[test]
fn stderr_and_partial_last_line_are_captured() {
    let mut qemu = fake("echo 'qemu: no such image' >&2; printf 'no newline'; exit 1");
    assert_eq!(qemu.expect_line("newline", LONG).unwrap(), "no newline");
    let failure = qemu.expect("boot", LONG).unwrap_err();
    assert!(matches!(
        failure.kind(),
        FailureKind::Exited { code: Some(1), .. }
    ));
    assert_eq!(failure.stderr(), "qemu: no such image\n");
    assert!(failure
        .to_string()
        .contains("--- qemu stderr ---\nqemu: no such image"));
}

#[test]
fn killed_by_signal_is_a_failure() {
    let mut qemu = fake("kill -9 $$");
    let failure = qemu.wait_exit(LONG).unwrap_err();
    assert!(
        matches!(failure.kind(), FailureKind::Exited { code: None, .. }),
        "{failure}"
    );
}

#[test]
fn drop_kills_a_long_running_child() {
    let mut command = Command::new("sleep");
    command.arg("60");
    let qemu = Qemu::spawn(command, Duration::ZERO).unwrap();
    let pid = qemu.id();
    assert!(process_exists(pid));
    let started = Instant::now();
    drop(qemu);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(!process_exists(pid), "process {pid} survived Drop");
}

#[test]
fn a_panicking_test_still_kills_its_child() {
    let mut command = Command::new("sleep");
    command.arg("60");
    let qemu = Qemu::spawn(command, Duration::ZERO).unwrap();
    let pid = qemu.id();
    let outcome = panic::catch_unwind(AssertUnwindSafe(move || {
        let _qemu = qemu;
        panic!("a failing test");
    }));
    assert!(outcome.is_err());
    assert!(!process_exists(pid), "process {pid} survived a panic");
}

#[test]
fn missing_emulator_gives_a_clear_error() {
    let image = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let err = Qemu::boot_with(
        "qemu-system-does-not-exist",
        &image,
        &BootOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
    let message = err.to_string();
    assert!(
        message.contains("qemu-system-does-not-exist not found on PATH"),
        "{message}"
    );
    assert!(
        message.contains("apt-get install qemu-system-arm"),
        "{message}"
    );
}

#[test]
fn missing_image_gives_a_clear_error() {
    let err = Qemu::boot(
        Path::new("/nonexistent/kernel8.img"),
        BootOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
    assert!(err
        .to_string()
        .contains("/nonexistent/kernel8.img is missing"));
}

#[test]
fn qemu_args_follow_the_options() {
    let image = Path::new("build/kernel8.img");
    let plain = BootOptions::default().qemu_args(image);
    assert_eq!(
        shell_words(&plain),
        "-M raspi3b -display none -monitor none -serial stdio -kernel build/kernel8.img"
    );
    let full = BootOptions {
        semihosting: true,
        icount_shift: Some(0),
        extra_args: vec!["-smp".into(), "4".into()],
        send_byte_delay: Duration::ZERO,
        second_serial: false,
        serial: None,
    };
    assert_eq!(
        shell_words(&full.qemu_args(image)),
        "-M raspi3b -display none -monitor none -serial stdio -semihosting \
         -icount shift=0 -kernel build/kernel8.img -smp 4"
    );
    let mini = BootOptions {
        second_serial: true,
        ..BootOptions::default()
    };
    assert_eq!(
        shell_words(&mini.qemu_args(image)),
        "-M raspi3b -display none -monitor none -serial null -serial stdio -kernel build/kernel8.img"
    );
    let socket = BootOptions {
        serial: Some("unix:/tmp/s.sock,server=on,wait=off".into()),
        ..BootOptions::default()
    };
    assert_eq!(
        shell_words(&socket.qemu_args(image)),
        "-M raspi3b -display none -monitor none -serial unix:/tmp/s.sock,server=on,wait=off \
         -kernel build/kernel8.img"
    );
    let socket_mini = BootOptions {
        second_serial: true,
        ..socket
    };
    assert_eq!(
        shell_words(&socket_mini.qemu_args(image)),
        "-M raspi3b -display none -monitor none -serial null \
         -serial unix:/tmp/s.sock,server=on,wait=off -kernel build/kernel8.img"
    );
}

#[test]
fn run_command_drives_any_program_like_qemu() {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg("echo ready; read line; echo \"got $line\"; echo oops >&2");
    let mut tool = Qemu::run_command(command).unwrap();
    tool.expect("ready", LONG).unwrap();
    tool.send("typed\n").unwrap();
    assert_eq!(tool.expect_line("got", LONG).unwrap(), "got typed");
    let (code, _) = tool.wait_exit(LONG).unwrap();
    assert_eq!(code, 0);
    assert_eq!(tool.stderr(), "oops\n");

    let missing = Qemu::run_command(Command::new("/nonexistent/micaload")).unwrap_err();
    assert_eq!(missing.kind(), io::ErrorKind::NotFound);
    assert!(missing
        .to_string()
        .contains("starting /nonexistent/micaload failed"));
}
