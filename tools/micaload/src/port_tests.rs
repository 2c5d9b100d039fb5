//! Tests of `Port`: a pseudo-terminal stands in for the serial adapter, socket pairs and listeners for QEMU.

use super::*;
use rustix::pty::{grantpt, openpt, ptsname, unlockpt, OpenptFlags};
use rustix::termios::{InputModes, LocalModes};
use std::os::unix::net::UnixListener;

const SHORT: Duration = Duration::from_millis(100);

/// A pseudo-terminal: the master side as a file, and the path of its slave.
fn pty() -> (File, String) {
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
    grantpt(&master).unwrap();
    unlockpt(&master).unwrap();
    let path = ptsname(&master, Vec::new()).unwrap();
    (File::from(master), path.into_string().unwrap())
}

#[test]
fn a_tty_is_set_raw_at_115200_8n1_and_carries_bytes_both_ways() {
    let (mut master, path) = pty();
    let mut port = Port::open(&path).unwrap();
    assert_eq!(port.name(), path);
    let termios = tcgetattr(&port).unwrap();
    assert_eq!(termios.output_speed(), 115_200);
    assert_eq!(termios.input_speed(), 115_200);
    assert!(!termios
        .local_modes
        .intersects(LocalModes::ICANON | LocalModes::ECHO | LocalModes::ISIG));
    assert!(!termios
        .input_modes
        .intersects(InputModes::ICRNL | InputModes::IXON));
    let control = termios.control_modes;
    assert!(control.contains(ControlModes::CS8 | ControlModes::CLOCAL | ControlModes::CREAD));
    assert!(
        !control.intersects(ControlModes::PARENB | ControlModes::CSTOPB | ControlModes::CRTSCTS)
    );

    // Raw: a CR and a Ctrl-C arrive as they are.
    master.write_all(b"a\r\x03b").unwrap();
    let mut got = [0u8; 4];
    port.set_read_timeout(Some(Duration::from_secs(5)));
    port.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"a\r\x03b");
    port.write_all(b"MICA\n").unwrap();
    let mut echoed = [0u8; 5];
    master.read_exact(&mut echoed).unwrap();
    assert_eq!(&echoed, b"MICA\n");
}

#[test]
fn a_read_with_nothing_to_read_times_out() {
    let (mut port, _peer) = pair();
    port.set_read_timeout(Some(SHORT));
    let started = Instant::now();
    let err = port.read(&mut [0u8; 8]).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::TimedOut);
    assert!(started.elapsed() >= SHORT);
}

#[test]
fn a_closed_peer_reads_as_end_of_file_and_clones_share_the_line() {
    let (port, mut peer) = pair();
    let mut clone = port.try_clone().unwrap();
    peer.write_all(b"hi").unwrap();
    drop(peer);
    let mut got = Vec::new();
    clone.set_read_timeout(Some(Duration::from_secs(5)));
    clone.read_to_end(&mut got).unwrap();
    assert_eq!(got, b"hi");
}

#[test]
fn a_unix_socket_is_waited_for_until_it_appears() {
    let dir = std::env::temp_dir().join(format!("micaload-port-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("late.sock");
    let _ = std::fs::remove_file(&path);
    let listen_path = path.clone();
    let server = thread::spawn(move || {
        thread::sleep(Duration::from_millis(300));
        let listener = UnixListener::bind(&listen_path).unwrap();
        let (mut stream, _) = listener.accept().unwrap();
        stream.write_all(b"ready").unwrap();
    });
    let device = format!("unix:{}", path.display());
    let mut port = Port::open(&device).unwrap();
    assert_eq!(port.name(), device);
    let mut got = [0u8; 5];
    port.set_read_timeout(Some(Duration::from_secs(5)));
    port.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"ready");
    server.join().unwrap();

    let missing = dir.join("never.sock");
    let err = Port::connect_unix(&missing, SHORT).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_device_is_an_error_naming_it() {
    let err = Port::open("/dev/no-such-serial-adapter").unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
    assert!(
        err.to_string().starts_with("/dev/no-such-serial-adapter: "),
        "{err}"
    );
}

/// A port and the other end of its line.
pub(crate) fn pair() -> (Port, UnixStream) {
    let (a, b) = UnixStream::pair().unwrap();
    (Port::from_unix(a, "pair".into()), b)
}
