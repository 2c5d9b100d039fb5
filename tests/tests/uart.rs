//! The UART driver in user space: typed bytes reach a reading client through its
//! interrupt, line editing and raw mode work, and the kernel hands the console over.

use std::time::Duration;

use systest::{image, BootOptions, Failure, Qemu};

const STEP: Duration = Duration::from_secs(20);

#[test]
fn typed_lines_reach_a_reader_through_the_uart_driver() -> Result<(), Failure> {
    let opts = BootOptions {
        semihosting: true,
        ..BootOptions::default()
    };
    let mut qemu = Qemu::boot(&image("ktest-uart.img")?, opts)?;
    qemu.expect("console: the UART driver has the console now", STEP)?;
    qemu.expect("utty: type a line", STEP)?;
    qemu.send("hello mica\r")?;
    qemu.expect("utty: got [hello mica]", STEP)?;
    // A burst far larger than the PL011's 16-byte FIFO arrives intact.
    qemu.expect("utty: type a long line", STEP)?;
    let burst: String = (0..200)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let sum: u32 = burst.bytes().map(u32::from).sum::<u32>() + u32::from(b'\n');
    qemu.send(&format!("{burst}\r"))?;
    qemu.expect(&format!("utty: got 201 bytes, sum {sum}"), STEP)?;
    // Raw mode: each key is delivered as is, without echo.
    qemu.expect("utty: raw mode, type 3 keys", STEP)?;
    qemu.send("a\x7fc")?;
    qemu.expect("utty: raw keys 61 7f 63", STEP)?;
    let (code, transcript) = qemu.wait_exit(STEP)?;
    if code != 0 {
        return Err(qemu.fail(format!("utty exited with {code}")));
    }
    let after = transcript.split("has the console now").nth(1).unwrap_or("");
    if after.contains("uart[") || after.contains("] utty") {
        return Err(qemu.fail("kernel log lines still reach the console after the handover"));
    }
    Ok(())
}
