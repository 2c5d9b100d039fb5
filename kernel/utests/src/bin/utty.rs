//! utty: init of the UART test images. Starts the UART driver (on the PL011, or
//! the port `port=` names) and talks to whoever types on that serial line,
//! through the driver only.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

use core::fmt::Write;
use proto::file::{OpenFlags, PollEvents, Request};
use proto::ioctl::{TtyIoctl, TtyMode};
use ulib::task::{spawn, Spawn};

#[path = "../fileclient.rs"]
mod fileclient;

ulib::entry!(main);

/// A line of output, formatted on the stack.
struct Line {
    bytes: [u8; 256],
    len: usize,
}

impl Write for Line {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let n = s.len().min(self.bytes.len() - self.len);
        self.bytes[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

fn say(ep: u32, fd: u32, args: core::fmt::Arguments) -> Result<(), proto::Errno> {
    let mut line = Line {
        bytes: [0; 256],
        len: 0,
    };
    let _ = line.write_fmt(args);
    fileclient::call(
        ep,
        &Request::Write {
            fd,
            offset: None,
            data: &line.bytes[..line.len],
        },
        &mut [],
    )
    .map(drop)
}

fn read(ep: u32, fd: u32, out: &mut [u8]) -> Result<usize, proto::Errno> {
    let len_bytes = out.len() as u32;
    fileclient::call(
        ep,
        &Request::Read {
            fd,
            len_bytes,
            offset: None,
        },
        out,
    )
    .map(|n| n as usize)
}

fn main() -> i32 {
    match run() {
        Ok(()) => 0,
        Err(e) => {
            ulib::eprintln!("utty: {e}");
            1
        }
    }
}

fn run() -> Result<(), proto::Errno> {
    let archive = ulib::mapping::boot_archive(1).map_err(proto::Errno::from)?;
    let archive = newc::Archive::new(archive).map_err(|_| proto::Errno::Io)?;
    let elf = archive.find("uart").ok_or(proto::Errno::NoEntry)?;
    let ep = ulib::sys_endpoint_create().map_err(proto::Errno::from)?;
    // The port comes from init's arguments (`init.args` in the boot archive).
    let mut args = Line {
        bytes: [0; 256],
        len: 0,
    };
    let _ = write!(
        args,
        "port={} baud=115200",
        ulib::arg("port").unwrap_or("pl011")
    );
    let args = core::str::from_utf8(&args.bytes[..args.len]).unwrap_or("");
    let s = Spawn {
        elf,
        name: "uart",
        args,
        priority: 20,
        fault_ep: 0,
        handles: &[ep],
    };
    spawn(&s).map_err(proto::Errno::from)?;
    let fd = fileclient::call(
        ep,
        &Request::Open {
            path: "",
            flags: OpenFlags::READ | OpenFlags::WRITE,
            mode: 0,
        },
        &mut [],
    )? as u32;
    say(ep, fd, format_args!("utty: type a line\n"))?;
    let mut buf = [0u8; 512];
    let n = read(ep, fd, &mut buf)?;
    let line = core::str::from_utf8(&buf[..n])
        .unwrap_or("<not UTF-8>")
        .trim_end();
    say(ep, fd, format_args!("utty: got [{line}]\n"))?;
    say(ep, fd, format_args!("utty: type a long line\n"))?;
    let n = read(ep, fd, &mut buf)?;
    let sum: u32 = buf[..n].iter().map(|&b| u32::from(b)).sum();
    say(ep, fd, format_args!("utty: got {n} bytes, sum {sum}\n"))?;
    let (cmd, arg) = TtyIoctl::SetMode(TtyMode {
        raw: true,
        echo: false,
    })
    .encode()?;
    fileclient::call(
        ep,
        &Request::Ioctl {
            fd,
            cmd,
            arg,
            data: &[],
        },
        &mut [],
    )?;
    say(ep, fd, format_args!("utty: raw mode, type 3 keys\n"))?;
    let mut got = 0;
    let mut keys = [0u8; 3];
    while got < 3 {
        got += read(ep, fd, &mut keys[got..])?;
    }
    say(
        ep,
        fd,
        format_args!(
            "utty: raw keys {:02x} {:02x} {:02x}\n",
            keys[0], keys[1], keys[2]
        ),
    )?;
    // A second open, non-blocking: nothing typed, so a read says EAGAIN, and
    // poll says the line is writable but not readable.
    let flags = OpenFlags::READ | OpenFlags::WRITE | OpenFlags::NONBLOCK;
    let nb = fileclient::call(
        ep,
        &Request::Open {
            path: "",
            flags,
            mode: 0,
        },
        &mut [],
    )? as u32;
    let mut one = [0u8; 1];
    let r = fileclient::call(
        ep,
        &Request::Read {
            fd: nb,
            len_bytes: 1,
            offset: None,
        },
        &mut one,
    );
    say(
        ep,
        fd,
        format_args!(
            "utty: nonblocking read: {}\n",
            r.err().map_or("data", |e| e.name())
        ),
    )?;
    let events = PollEvents::READABLE | PollEvents::WRITABLE;
    let revents = fileclient::call(ep, &Request::Poll { fd: nb, events }, &mut [])?;
    say(ep, fd, format_args!("utty: poll revents {revents:#x}\n"))?;
    fileclient::call(ep, &Request::Release { fd: nb }, &mut [])?;
    say(ep, fd, format_args!("utty: done\n"))?;
    Ok(())
}
