//! The UART chainloader in QEMU: micaload sends build/kernel8.img to build/chainload.img over a Unix socket and mica boots; bad transfers are refused.
//!
//! QEMU runs the loader with its PL011 on `-serial unix:SOCK,server=on,wait=off`;
//! micaload (built by `make chainboot` into build/micaload) is driven like a
//! console through systest's `Qemu::run_command`.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use chainload::proto::{Header, Reply, MAX_IMAGE_BYTES};
use systest::{image, BootOptions, Failure, Qemu, Shell};

/// Anything but the transfer: the banner, a shell command.
const STEP: Duration = Duration::from_secs(30);
/// QEMU hands its PL011 one byte per main-loop turn: a 1.4 MB kernel takes
/// 20-40 s on an idle two-core machine, and tests run side by side.
const TRANSFER: Duration = Duration::from_secs(300);

/// The loader in QEMU, its console on a Unix socket (removed on drop).
struct Loader {
    qemu: Qemu,
    socket: PathBuf,
}

impl Loader {
    fn start(tag: &str) -> Result<Loader, Failure> {
        let socket =
            std::env::temp_dir().join(format!("mica-chain-{}-{tag}.sock", std::process::id()));
        let _ = std::fs::remove_file(&socket);
        let opts = BootOptions {
            serial: Some(format!("unix:{},server=on,wait=off", socket.display())),
            ..BootOptions::default()
        };
        let qemu = Qemu::boot(&image("chainload.img")?, opts)?;
        Ok(Loader { qemu, socket })
    }

    /// The DEVICE argument for micaload.
    fn device(&self) -> String {
        format!("unix:{}", self.socket.display())
    }
}

impl Drop for Loader {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.socket);
    }
}

/// `micaload ARGS`, driven like a console.
fn micaload(args: &[&str]) -> Result<Qemu, Failure> {
    let mut command = Command::new(image("micaload")?);
    command.args(args);
    Ok(Qemu::run_command(command)?)
}

/// Waits for the kernel's shell on micaload's terminal and has it answer a command.
fn shell_answers(tool: Qemu) -> Result<(), Failure> {
    let mut sh = Shell {
        qemu: tool,
        timeout: STEP,
    };
    sh.qemu.expect("booting on Raspberry Pi 3", STEP)?;
    sh.qemu.expect("type 'help'", STEP)?;
    sh.qemu.expect(systest::PROMPT, STEP)?;
    sh.check("echo chained", &["chained"])?;
    Ok(())
}

fn kernel() -> Result<(PathBuf, u64), Failure> {
    let path = image("kernel8.img")?;
    let len = std::fs::metadata(&path)?.len();
    Ok((path, len))
}

#[test]
fn micaload_sends_a_kernel_that_boots_to_the_shell() -> Result<(), Failure> {
    let loader = Loader::start("boot")?;
    let (kernel, len) = kernel()?;
    let kernel = kernel.display().to_string();
    let mut tool = micaload(&["boot", &loader.device(), &kernel])?;
    tool.expect("mica-loader: ready", STEP)?;
    tool.expect(&format!("mica-loader: receiving {len} bytes"), STEP)?;
    tool.expect(&format!("mica-loader: booting {len} bytes"), TRANSFER)?;
    let progress = tool.stderr();
    if !progress.contains("] 100% ") || !progress.contains("KiB in ") {
        return Err(tool.fail(format!("no finished progress bar on stderr: {progress:?}")));
    }
    shell_answers(tool)?;
    drop(loader);
    Ok(())
}

#[test]
fn a_corrupted_transfer_is_refused_and_sent_again() -> Result<(), Failure> {
    let loader = Loader::start("corrupt")?;
    let (kernel, len) = kernel()?;
    let kernel = kernel.display().to_string();
    let mut tool = micaload(&["boot", "--corrupt", "1000", &loader.device(), &kernel])?;
    tool.expect(&format!("mica-loader: receiving {len} bytes"), STEP)?;
    let refused = tool.expect_line("mica-loader: bad CRC (expected 0x", TRANSFER)?;
    if !refused.ends_with("); send again") {
        return Err(tool.fail(format!("unexpected refusal: {refused:?}")));
    }
    tool.expect("mica-loader: waiting for image", STEP)?;
    tool.expect(&format!("mica-loader: receiving {len} bytes"), STEP)?;
    tool.expect(&format!("mica-loader: booting {len} bytes"), TRANSFER)?;
    if !tool
        .stderr()
        .contains("micaload: the loader got a bad CRC (attempt 1 of 4); sending again")
    {
        return Err(tool.fail(format!(
            "micaload did not say it retries: {:?}",
            tool.stderr()
        )));
    }
    shell_answers(tool)?;
    drop(loader);
    Ok(())
}

/// Reads from `stream` until `needle` has arrived; everything read so far.
fn read_until(stream: &mut UnixStream, seen: &mut String, needle: &str) -> Result<(), String> {
    let deadline = Instant::now() + STEP;
    while !seen.contains(needle) {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(format!("no {needle:?} from the loader; it said {seen:?}"));
        }
        stream
            .set_read_timeout(Some(left))
            .map_err(|e| e.to_string())?;
        let mut buf = [0u8; 256];
        match stream.read(&mut buf) {
            Ok(0) => return Err(format!("the loader hung up; it said {seen:?}")),
            Ok(n) => seen.push_str(&String::from_utf8_lossy(&buf[..n])),
            Err(err) => return Err(format!("reading the loader: {err}; it said {seen:?}")),
        }
    }
    Ok(())
}

#[test]
fn the_loader_refuses_an_empty_or_oversized_image() -> Result<(), Failure> {
    let loader = Loader::start("size")?;
    let deadline = Instant::now() + STEP;
    let mut stream = loop {
        match UnixStream::connect(&loader.socket) {
            Ok(stream) => break stream,
            Err(_) if Instant::now() < deadline => thread::sleep(Duration::from_millis(50)),
            Err(err) => return Err(loader.qemu.fail(format!("cannot connect: {err}"))),
        }
    };
    let mut seen = String::new();
    let mut talk = |bytes: &[u8], needle: &str| {
        stream
            .write_all(bytes)
            .map_err(|e| e.to_string())
            .and_then(|()| read_until(&mut stream, &mut seen, needle))
            .map_err(|e| loader.qemu.fail(e))
    };
    // A poke makes the loader say it is ready, whenever it started.
    talk(b"\r", &Reply::Request.to_string())?;
    let too_large = Header {
        size_bytes: u32::MAX,
        crc: 0,
    };
    let refused = Reply::Refused {
        size_bytes: u32::MAX,
        max_bytes: MAX_IMAGE_BYTES,
    };
    talk(
        &too_large.encode(),
        &format!("{refused}\r\n{}", Reply::Request),
    )?;
    let empty = Header {
        size_bytes: 0,
        crc: 0,
    };
    let refused = Reply::Refused {
        size_bytes: 0,
        max_bytes: MAX_IMAGE_BYTES,
    };
    talk(&empty.encode(), &format!("{refused}\r\n{}", Reply::Request))?;
    // After refusals it still takes an image: one byte, announced but not sent, times out.
    let one = Header {
        size_bytes: 1,
        crc: 0,
    };
    talk(
        &one.encode(),
        &Reply::Timeout {
            received_bytes: 0,
            size_bytes: 1,
        }
        .to_string(),
    )?;
    Ok(())
}
