//! The UART driver in user space: typed bytes reach a reading client through its
//! interrupt, line editing and raw mode work, the kernel hands the console over,
//! and the mini UART works on QEMU's second serial port.

use std::time::Duration;

use systest::{image, BootOptions, Failure, Qemu};

const STEP: Duration = Duration::from_secs(20);

/// Runs utty's conversation on `qemu`'s console; returns QEMU and its transcript.
fn converse(mut qemu: Qemu) -> Result<(Qemu, String), Failure> {
    qemu.expect("utty: type a line", STEP)?;
    qemu.send("hello mica\r")?;
    qemu.expect("utty: got [hello mica]", STEP)?;
    // A burst far larger than the UART's FIFO arrives intact.
    qemu.expect("utty: type a long line", STEP)?;
    let burst: String = (0..200)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let sum: u32 = burst.bytes().map(u32::from).sum::<u32>() + u32::from(b'\n');
    qemu.send(&format!("{burst}\r"))?;
    qemu.expect(&format!("utty: got 201 bytes, sum {sum}"), STEP)?;
    // Raw mode: each key is delivered as is, without echo or editing.
    qemu.expect("utty: raw mode, type 3 keys", STEP)?;
    qemu.send("a\x7fc")?;
    qemu.expect("utty: raw keys 61 7f 63", STEP)?;
    qemu.expect("utty: nonblocking read: EAGAIN", STEP)?;
    qemu.expect("utty: poll revents 0x4", STEP)?; // WRITABLE, not READABLE
    let (code, transcript) = qemu.wait_exit(STEP)?;
    if code != 0 {
        return Err(qemu.fail(format!("utty exited with {code}")));
    }
    Ok((qemu, transcript))
}

#[test]
fn typed_lines_reach_a_reader_through_the_uart_driver() -> Result<(), Failure> {
    let opts = BootOptions {
        semihosting: true,
        ..BootOptions::default()
    };
    let mut qemu = Qemu::boot(&image("ktest-uart.img")?, opts)?;
    qemu.expect("console: the UART driver has the console now", STEP)?;
    let (qemu, transcript) = converse(qemu)?;
    let after = transcript.split("has the console now").nth(1).unwrap_or("");
    if after.contains("uart[") || after.contains("] utty") {
        return Err(qemu.fail("kernel log lines still reach the console after the handover"));
    }
    Ok(())
}

/// The same conversation on the mini UART, QEMU's second serial port; the
/// kernel keeps the PL011 (sent to nowhere here) for its log.
#[test]
fn the_mini_uart_works_on_the_second_serial_port() -> Result<(), Failure> {
    let opts = BootOptions {
        semihosting: true,
        second_serial: true,
        ..BootOptions::default()
    };
    let qemu = Qemu::boot(&image("ktest-mini.img")?, opts)?;
    let (qemu, transcript) = converse(qemu)?;
    if transcript.contains("booting on Raspberry Pi") {
        return Err(qemu.fail("the kernel's log reached the second serial port"));
    }
    Ok(())
}
