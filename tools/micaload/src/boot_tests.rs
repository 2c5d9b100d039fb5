//! Tests of `micaload boot` against the loader's own receiving logic (`chainload::session`) over a socket pair.

use super::*;
use crate::port::tests::pair;
use chainload::session::{self, Link};
use std::os::unix::net::UnixStream;
use std::thread::{self, JoinHandle};

/// The loader's side of the socket: what `session` needs from a serial line.
struct SocketLink {
    stream: UnixStream,
    buf: Vec<u8>,
    pos: usize,
}

impl Link for SocketLink {
    fn recv(&mut self, timeout_ms: Option<u32>) -> Option<u8> {
        if self.pos == self.buf.len() {
            let timeout = timeout_ms.map(|ms| Duration::from_millis(ms.into()));
            self.stream.set_read_timeout(timeout).unwrap();
            let mut chunk = [0u8; 4096];
            match self.stream.read(&mut chunk) {
                // micaload hung up: end this loader thread quietly (no panic message).
                Ok(0) => std::panic::resume_unwind(Box::new("host hung up")),
                Ok(n) => {
                    self.buf = chunk[..n].to_vec();
                    self.pos = 0;
                }
                Err(_) => return None,
            }
        }
        self.pos += 1;
        Some(self.buf[self.pos - 1])
    }

    fn send(&mut self, bytes: &[u8]) {
        // The host may be gone already; the test checks what it got.
        let _ = self.stream.write_all(bytes);
    }
}

/// Runs the loader logic on a thread with `room_bytes` of room; returns the image it booted.
fn loader(stream: UnixStream, room_bytes: usize) -> JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut link = SocketLink {
            stream,
            buf: Vec::new(),
            pos: 0,
        };
        let mut room = vec![0u8; room_bytes];
        let len = session::receive_image(&mut link, &mut room);
        room.truncate(len);
        // What a kernel would print first, to show the terminal keeps the line's output.
        link.send(b"kernel says hi\r\n");
        room
    })
}

fn image(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 + i / 251) as u8).collect()
}

fn quick() -> BootOptions {
    BootOptions {
        reply_timeout: Duration::from_secs(10),
        ..BootOptions::default()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn an_image_is_sent_whole_with_progress_and_the_loader_boots_it() {
    let (mut port, loader_end) = pair();
    let booted = loader(loader_end, 100_000);
    let image = image(50_000);
    let (mut echo, mut log) = (Vec::new(), Vec::new());
    send_image(&mut port, &image, &quick(), &mut echo, &mut log).unwrap();
    assert_eq!(booted.join().unwrap(), image);
    let echo = text(&echo);
    assert!(
        echo.contains("mica-loader: ready, up to 100000 bytes"),
        "{echo}"
    );
    assert!(
        echo.contains("mica-loader: receiving 50000 bytes"),
        "{echo}"
    );
    assert!(echo.contains("mica-loader: booting 50000 bytes"), "{echo}");
    let log = text(&log);
    assert!(
        log.contains("[##############################] 100% 49/49 KiB"),
        "{log}"
    );
    assert!(log.contains("   2% 1/49 KiB"), "{log}");
}

#[test]
fn a_corrupted_first_attempt_is_refused_by_crc_and_sent_again() {
    let (mut port, loader_end) = pair();
    let booted = loader(loader_end, 100_000);
    let image = image(5_000);
    let opts = BootOptions {
        corrupt_byte: Some(1000),
        ..quick()
    };
    let (mut echo, mut log) = (Vec::new(), Vec::new());
    send_image(&mut port, &image, &opts, &mut echo, &mut log).unwrap();
    assert_eq!(booted.join().unwrap(), image);
    let mut corrupt = image.clone();
    corrupt[1000] ^= 1;
    let echo = text(&echo);
    let bad_crc = format!(
        "mica-loader: bad CRC (expected {:#010x}, got {:#010x}); send again",
        chainload::proto::crc32(&image),
        chainload::proto::crc32(&corrupt)
    );
    assert!(echo.contains(&bad_crc), "{echo}");
    assert_eq!(
        echo.matches("mica-loader: receiving 5000 bytes").count(),
        2,
        "{echo}"
    );
    assert!(
        text(&log).contains("micaload: the loader got a bad CRC (attempt 1 of 4); sending again")
    );
}

#[test]
fn an_image_too_large_for_the_loader_is_refused_without_retries() {
    let (mut port, loader_end) = pair();
    let _loader = loader(loader_end, 100);
    let (mut echo, mut log) = (Vec::new(), Vec::new());
    let err = send_image(&mut port, &image(200), &quick(), &mut echo, &mut log).unwrap_err();
    assert_eq!(
        err,
        "the loader refused the image: it is 200 bytes, the loader takes 1 to 100"
    );
    assert!(text(&echo).contains("mica-loader: refused 200 bytes: an image must be 1 to 100 bytes"));
    let err = send_image(
        &mut port,
        &image(10),
        &BootOptions {
            corrupt_byte: Some(10),
            ..quick()
        },
        &mut echo,
        &mut log,
    )
    .unwrap_err();
    assert_eq!(err, "--corrupt 10: the image has only 10 bytes");
}

#[test]
fn a_loader_that_never_answers_is_retried_then_given_up() {
    let (mut port, mut fake) = pair();
    // Asks once, acknowledges the first header, then swallows everything in silence.
    let silent = thread::spawn(move || {
        fake.write_all(b"mica-loader: waiting for image\r\n")
            .unwrap();
        let mut header = [0u8; 12];
        fake.read_exact(&mut header).ok()?;
        fake.write_all(b"mica-loader: receiving 3000 bytes\r\n")
            .unwrap();
        let mut sink = Vec::new();
        fake.read_to_end(&mut sink).ok()
    });
    let opts = BootOptions {
        retries: 1,
        reply_timeout: Duration::from_millis(300),
        ..BootOptions::default()
    };
    let (mut echo, mut log) = (Vec::new(), Vec::new());
    let err = send_image(&mut port, &image(3000), &opts, &mut echo, &mut log).unwrap_err();
    assert_eq!(err, "gave up after 2 attempts");
    let log = text(&log);
    assert!(
        log.contains(
            "micaload: no answer from the loader within 300ms (attempt 1 of 2); sending again\n"
        ),
        "{log}"
    );
    assert!(
        log.contains("micaload: no answer from the loader within 300ms (attempt 2 of 2)\n"),
        "{log}"
    );
    drop(port);
    // After the 12 header bytes (the first poke among them): the rest of the header, the image, a poke per timeout.
    let swallowed = silent.join().unwrap().unwrap();
    assert_eq!(swallowed, 3000 + 3);
}

#[test]
fn a_loader_that_hangs_up_ends_the_boot() {
    let (mut port, fake) = pair();
    drop(fake);
    let err = send_image(
        &mut port,
        &image(10),
        &quick(),
        &mut Vec::new(),
        &mut Vec::new(),
    )
    .unwrap_err();
    assert!(err.starts_with("pair"), "{err}");
}

#[test]
fn the_progress_bar_fills_in_proportion() {
    assert_eq!(
        progress_bar(0, 2048),
        format!("micaload: [{}]   0% 0/2 KiB", ".".repeat(30))
    );
    assert_eq!(
        progress_bar(1024, 2048),
        format!(
            "micaload: [{}{}]  50% 1/2 KiB",
            "#".repeat(15),
            ".".repeat(15)
        )
    );
    assert_eq!(
        progress_bar(2048, 2048),
        format!("micaload: [{}] 100% 2/2 KiB", "#".repeat(30))
    );
}
