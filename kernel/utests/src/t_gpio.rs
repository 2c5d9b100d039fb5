//! The GPIO driver as a client sees it: open, ioctls that read back through the registers, refusals.

use crate::{check, step, Env, Outcome};
use alloc::format;
use alloc::string::String;
use proto::file::{OpenFlags, Request};
use proto::ioctl::{GPIO_CLEAR, GPIO_GET_FUNCTION, GPIO_GET_LEVEL, GPIO_SET, GPIO_SET_FUNCTION};
use proto::Errno;
use ulib::{sys_call, sys_handle_close, sys_sleep, Msg};

fn file_call(ep: u32, req: &Request) -> Result<u64, Errno> {
    crate::fileclient::call(ep, req, &mut [])
}

fn ioctl(ep: u32, fd: u32, cmd: u32, arg: u64) -> Result<u64, Errno> {
    file_call(
        ep,
        &Request::Ioctl {
            fd,
            cmd,
            arg,
            data: &[],
        },
    )
}

/// `pin` in the ioctl argument, with `value` in bits 8..16.
fn arg(pin: u64, value: u64) -> u64 {
    pin | value << 8
}

fn expect(what: &str, got: Result<u64, Errno>, want: Result<u64, Errno>) -> Outcome {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got:?}, expected {want:?}"))
    }
}

pub fn gpio_driver(env: &Env) -> Outcome {
    let ep = step("endpoint", ulib::sys_endpoint_create())?;
    let (driver, _) = env.start("gpio", "", &[ep], 0)?;
    let fd = file_call(
        ep,
        &Request::Open {
            path: "",
            flags: OpenFlags::READ | OpenFlags::WRITE,
            mode: 0,
        },
    )
    .map_err(|e| format!("open: {e}"))? as u32;
    const OUTPUT: u64 = 1;
    expect(
        "set pin 17 to output",
        ioctl(ep, fd, GPIO_SET_FUNCTION, arg(17, OUTPUT)),
        Ok(0),
    )?;
    expect(
        "pin 17's function",
        ioctl(ep, fd, GPIO_GET_FUNCTION, 17),
        Ok(OUTPUT),
    )?;
    expect("set pin 17", ioctl(ep, fd, GPIO_SET, 17), Ok(0))?;
    expect("pin 17 after set", ioctl(ep, fd, GPIO_GET_LEVEL, 17), Ok(1))?;
    expect("clear pin 17", ioctl(ep, fd, GPIO_CLEAR, 17), Ok(0))?;
    expect(
        "pin 17 after clear",
        ioctl(ep, fd, GPIO_GET_LEVEL, 17),
        Ok(0),
    )?;
    expect(
        "pin 4 keeps its own function",
        ioctl(ep, fd, GPIO_GET_FUNCTION, 4),
        Ok(0),
    )?;
    expect(
        "set pin 14 (the UART's)",
        ioctl(ep, fd, GPIO_SET, 14),
        Err(Errno::Busy),
    )?;
    expect(
        "set pin 60",
        ioctl(ep, fd, GPIO_SET, 60),
        Err(Errno::Invalid),
    )?;
    expect(
        "an unknown ioctl",
        ioctl(ep, fd, 0x4799, 1),
        Err(Errno::NotTty),
    )?;
    // No pin events yet: a read would block, and poll says nothing is readable.
    let read = file_call(
        ep,
        &Request::Read {
            fd,
            len_bytes: 8,
            offset: None,
        },
    );
    expect("read with no events", read, Err(Errno::WouldBlock))?;
    let events = proto::file::PollEvents::READABLE;
    expect(
        "poll with no events",
        file_call(ep, &Request::Poll { fd, events }),
        Ok(0),
    )?;
    let seek = file_call(
        ep,
        &Request::Seek {
            fd,
            offset: 0,
            whence: proto::file::Whence::Set,
        },
    );
    expect("seek on a device", seek, Err(Errno::IllegalSeek))?;
    expect(
        "stat: the device numbers",
        file_call(ep, &Request::Stat { fd }),
        Ok(254 << 32),
    )?;
    expect("release", file_call(ep, &Request::Release { fd }), Ok(0))?;
    expect(
        "ioctl after release",
        ioctl(ep, fd, GPIO_GET_LEVEL, 17),
        Err(Errno::BadFd),
    )?;
    // The driver holds the GPIO block; when it is gone, the block is free again.
    let busy = ulib::device::claim("gpio");
    check!(
        busy.is_err(),
        "the GPIO block was free while its driver ran"
    );
    env.stop(driver);
    step("sleep", sys_sleep(1_000_000))?;
    let (h, m) =
        ulib::device::claim("gpio").map_err(|e| format!("claim after the driver ended: {e}"))?;
    drop(m);
    step("close", sys_handle_close(h))?;
    // The endpoint outlives the driver (this task holds it too): a call waits
    // for a server that is not there, until its deadline.
    let gone = sys_call(
        ep,
        &Msg::new(proto::file::Op::Ioctl as u16, [u64::from(fd)]),
        20_000_000,
    );
    check!(gone.is_err(), "a call with no driver got {gone:?}");
    step("close", sys_handle_close(ep)).map_err(|e: String| e)
}
