//! The device registry: a driver registers itself, clients find it by name, duplicates are refused.

use crate::{check, step, Env, Outcome};
use alloc::format;
use alloc::vec::Vec;
use proto::file::{OpenFlags, Request};
use proto::ioctl::GPIO_GET_FUNCTION;
use proto::Errno;
use ulib::registry;
use ulib::{sys_endpoint_create, sys_handle_close, sys_handle_dup, sys_sleep, Rights};

pub fn device_registry(env: &Env) -> Outcome {
    let reg = step("endpoint", sys_endpoint_create())?;
    let (devreg, _) = env.start("devreg", "", &[reg], 0)?;
    let gpio_ep = step("endpoint", sys_endpoint_create())?;
    let rights = Rights::SEND.union(Rights::GRANT).union(Rights::DUP);
    let for_gpio = step("dup", sys_handle_dup(reg, rights, 77))?;
    let (gpio, _) = env.start("gpio", "", &[gpio_ep, for_gpio], 0)?;
    let mut found = Err(Errno::NoEntry);
    for _ in 0..100 {
        found = registry::lookup(reg, "gpiochip0");
        if found.is_ok() {
            break;
        }
        step("sleep", sys_sleep(10_000_000))?;
    }
    let (device, server) = found.map_err(|e| format!("gpiochip0 never registered: {e}"))?;
    check!(
        device.major == 254 && device.minor == 0 && device.owner == 77,
        "registered as {device:?}"
    );
    // The handle the registry gave reaches the driver.
    let flags = OpenFlags::READ | OpenFlags::WRITE;
    let fd = crate::fileclient::call(
        server,
        &Request::Open {
            path: "",
            flags,
            mode: 0,
        },
        &mut [],
    )
    .map_err(|e| format!("open through the looked-up handle: {e}"))? as u32;
    let function = crate::fileclient::call(
        server,
        &Request::Ioctl {
            fd,
            cmd: GPIO_GET_FUNCTION,
            arg: 4,
            data: &[],
        },
        &mut [],
    );
    check!(
        function == Ok(0),
        "GPIO 4's function through the registry: {function:?}"
    );
    // Taken names and numbers are refused.
    let mine = step(
        "dup",
        sys_handle_dup(reg, Rights::SEND.union(Rights::GRANT), 5),
    )?;
    let dummy = step("endpoint", sys_endpoint_create())?;
    let same_name = registry::register(mine, dummy, "gpiochip0", 200, 1);
    check!(
        same_name == Err(Errno::Busy),
        "a second gpiochip0 gave {same_name:?}"
    );
    let same_numbers = registry::register(mine, dummy, "gpiochip9", 254, 0);
    check!(
        same_numbers == Err(Errno::Busy),
        "a second (254, 0) gave {same_numbers:?}"
    );
    let bad_name = registry::register(mine, dummy, "tty/0", 4, 70);
    check!(
        bad_name == Err(Errno::Invalid),
        "a bad name gave {bad_name:?}"
    );
    let ok = registry::register(mine, dummy, "ttyS5", 4, 69);
    check!(ok == Ok((4, 69)), "a free name and number gave {ok:?}");
    let mut names = Vec::new();
    registry::for_each(reg, |d| {
        names.push((d.major, d.minor, format!("{}", d.name)))
    })
    .map_err(|e| format!("list: {e}"))?;
    check!(
        names == [(4, 69, "ttyS5".into()), (254, 0, "gpiochip0".into())],
        "listing: {names:?}"
    );
    env.stop(gpio);
    env.stop(devreg);
    for h in [server, mine, dummy, gpio_ep, reg] {
        step("close", sys_handle_close(h))?;
    }
    Ok(())
}
