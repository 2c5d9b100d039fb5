//! The file server as the namespace, through `ulib::file`: the boot archive at `/boot`, drivers at `/dev`.

use crate::{check, step, Env, Outcome};
use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use proto::file::Request;
use proto::ioctl::{GPIO_GET_FUNCTION, GPIO_SET_FUNCTION};
use ulib::file::{self, Errno, File, FileKind, OpenFlags};
use ulib::{registry, sys_endpoint_create, sys_handle_close, sys_handle_dup, sys_sleep, Rights};

/// Handle 1 of this test program: the boot archive's region (utest is init).
const BOOT_ARCHIVE: u32 = 1;

const RW: OpenFlags = OpenFlags::READ.union(OpenFlags::WRITE);

fn failed(what: &str) -> impl Fn(Errno) -> String + '_ {
    move |e| format!("{what}: {e}")
}

/// Waits (at most 1 s) until the registry lists `name`.
fn wait_registered(reg: u32, name: &str) -> Outcome {
    for _ in 0..100 {
        let mut found = false;
        registry::for_each(reg, |d| found |= d.name.as_str() == name).map_err(failed("list"))?;
        if found {
            return Ok(());
        }
        step("sleep", sys_sleep(10_000_000))?;
    }
    Err(format!("{name} never registered"))
}

/// Every name in directory `path`, with its kind.
fn list(path: &str) -> Result<Vec<(String, FileKind)>, String> {
    let mut dir =
        File::open(path, OpenFlags::READ | OpenFlags::DIRECTORY, 0).map_err(failed(path))?;
    let mut out = Vec::new();
    while let Some(e) = dir.readdir().map_err(failed("readdir"))? {
        out.push((e.name, e.kind));
    }
    Ok(out)
}

pub fn namespace(env: &Env) -> Outcome {
    let reg = step("endpoint", sys_endpoint_create())?;
    let (devreg, _) = env.start("devreg", "", &[reg], 0)?;
    let gpio_ep = step("endpoint", sys_endpoint_create())?;
    let rights = Rights::SEND.union(Rights::GRANT).union(Rights::DUP);
    let for_gpio = step("dup", sys_handle_dup(reg, rights, 77))?;
    let (gpio, _) = env.start("gpio", "", &[gpio_ep, for_gpio], 0)?;
    wait_registered(reg, "gpiochip0")?;
    let fs_ep = step("endpoint", sys_endpoint_create())?;
    let for_fs = step(
        "dup",
        sys_handle_dup(reg, Rights::SEND.union(Rights::DUP), 88),
    )?;
    let args = "max_kib=64 max_files=16";
    let (fs, _) = env.start("fs", args, &[fs_ep, for_fs, BOOT_ARCHIVE], 0)?;
    file::set_root(fs_ep);
    let outcome = boot_checks(env).and_then(|()| dev_checks(fs_ep));
    file::set_root(0);
    for task in [fs, gpio, devreg] {
        env.stop(task);
    }
    for h in [fs_ep, for_fs, for_gpio, gpio_ep, reg] {
        step("close", sys_handle_close(h))?;
    }
    outcome
}

/// `/boot` is the archive this program was started from, byte for byte, and refuses every change.
fn boot_checks(env: &Env) -> Outcome {
    let want = env.elf("uecho")?;
    let mut f =
        File::open("/boot/uecho", OpenFlags::READ, 0).map_err(failed("open /boot/uecho"))?;
    let mut got = Vec::new();
    f.read_to_end(&mut got)
        .map_err(failed("read /boot/uecho"))?;
    check!(
        got == want,
        "/boot/uecho: {} bytes, the archive's {}",
        got.len(),
        want.len()
    );
    let mut middle = [0u8; 100];
    let at = want.len() / 2;
    let n = f
        .read_at(at as u64, &mut middle)
        .map_err(failed("read_at"))?;
    check!(
        n == 100 && middle[..] == want[at..at + 100],
        "read_at {at} gave {n} bytes"
    );
    let size = file::stat("/boot/uecho").map(|s| s.size_bytes);
    check!(size == Ok(want.len() as u64), "stat size {size:?}");
    let names: BTreeSet<String> = list("/boot")?.into_iter().map(|(n, _)| n).collect();
    let archive: BTreeSet<String> = env.archive.iter().map(|e| String::from(e.name)).collect();
    check!(
        names == archive,
        "/boot lists {names:?}, the archive holds {archive:?}"
    );
    let rofs = Err(Errno::ReadOnly);
    let opened = File::open("/boot/uecho", RW, 0).map(drop);
    check!(
        opened == rofs,
        "opening /boot/uecho for writing: {opened:?}"
    );
    let created = File::open("/boot/new", RW | OpenFlags::CREATE, 0o644).map(drop);
    check!(created == rofs, "creating /boot/new: {created:?}");
    check!(file::mkdir("/boot/d", 0o755) == rofs, "mkdir under /boot");
    check!(file::unlink("/boot/uecho") == rofs, "unlink under /boot");
    check!(
        file::rename("/boot/uecho", "/uecho") == rofs,
        "rename out of /boot"
    );
    check!(file::rmdir("/boot") == Err(Errno::Busy), "rmdir /boot");
    // The writable tree beside it still works, and the archive did not use its budget.
    let mut t = File::open("/t", RW | OpenFlags::CREATE, 0o644).map_err(failed("create /t"))?;
    t.write_all(&[7u8; 40 * 1024]).map_err(failed("write /t"))?;
    check!(
        t.read_at(40 * 1024 - 1, &mut middle) == Ok(1),
        "read back /t"
    );
    drop(t);
    file::unlink("/t").map_err(failed("unlink /t"))
}

/// `/dev` lists the registry, stats its devices, and opens them at their driver.
fn dev_checks(fs_ep: u32) -> Outcome {
    let listed = list("/dev")?;
    check!(
        listed
            .iter()
            .any(|(n, k)| n == "gpiochip0" && *k == FileKind::CharDev),
        "/dev lists {listed:?}"
    );
    let st = file::stat("/dev/gpiochip0").map_err(failed("stat /dev/gpiochip0"))?;
    check!(
        (st.kind, st.major, st.minor) == (FileKind::CharDev, 254, 0),
        "stat /dev/gpiochip0: {st:?}"
    );
    let missing = File::open("/dev/nosuch", RW, 0).map(drop);
    check!(missing == Err(Errno::NoEntry), "/dev/nosuch: {missing:?}");
    check!(
        file::stat("/dev/nosuch") == Err(Errno::NoEntry),
        "stat /dev/nosuch"
    );
    let made = File::open("/dev/new", RW | OpenFlags::CREATE, 0o644).map(drop);
    check!(made == Err(Errno::ReadOnly), "creating /dev/new: {made:?}");
    let mut a = File::open("/dev/gpiochip0", RW, 0).map_err(failed("open /dev/gpiochip0"))?;
    check!(a.server() != fs_ep, "no redirect: still at the file server");
    const OUTPUT: u64 = 1;
    let set = a.ioctl(GPIO_SET_FUNCTION, 17 | OUTPUT << 8, &[], &mut []);
    check!(set == Ok(0), "set pin 17 to output: {set:?}");
    let function = a.ioctl(GPIO_GET_FUNCTION, 17, &[], &mut []);
    check!(
        function == Ok(OUTPUT),
        "pin 17's function through /dev: {function:?}"
    );
    let dev_stat = a.stat().map(|s| (s.major, s.minor));
    check!(dev_stat == Ok((254, 0)), "the driver's stat: {dev_stat:?}");
    // A second open gets its own badge: the driver will not take a's fd from it.
    let b = File::open("/dev/gpiochip0", RW, 0).map_err(failed("second open"))?;
    let foreign = Request::Ioctl {
        fd: a.fd(),
        cmd: GPIO_GET_FUNCTION,
        arg: 17,
        data: &[],
    };
    let crossed = crate::fileclient::call(b.server(), &foreign, &mut []);
    check!(
        crossed == Err(Errno::BadFd),
        "a's fd through b's handle: {crossed:?}"
    );
    let reset = a.ioctl(GPIO_SET_FUNCTION, 17, &[], &mut []);
    check!(reset == Ok(0), "pin 17 back to input: {reset:?}");
    check!(a.close() == Ok(()), "release at the driver");
    drop(b);
    Ok(())
}
