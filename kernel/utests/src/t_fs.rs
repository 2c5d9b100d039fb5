//! The file server: files and directories through the file protocol, a 1 MiB round trip, a full disk.

use crate::fileclient::call;
use crate::{check, step, Env, Outcome};
use alloc::format;
use alloc::string::String;
use proto::file::{OpenFlags, Request, Whence};
use proto::Errno;
use ulib::{sys_endpoint_create, sys_handle_close};

fn open(ep: u32, path: &str, flags: OpenFlags) -> Result<u32, Errno> {
    call(
        ep,
        &Request::Open {
            path,
            flags,
            mode: 0o644,
        },
        &mut [],
    )
    .map(|fd| fd as u32)
}

fn write(ep: u32, fd: u32, data: &[u8]) -> Result<u64, Errno> {
    call(
        ep,
        &Request::Write {
            fd,
            offset: None,
            data,
        },
        &mut [],
    )
}

fn read_at(ep: u32, fd: u32, offset: u64, out: &mut [u8]) -> Result<usize, Errno> {
    let len_bytes = out.len() as u32;
    call(
        ep,
        &Request::Read {
            fd,
            len_bytes,
            offset: Some(offset),
        },
        out,
    )
    .map(|n| n as usize)
}

fn fnv(data: &[u8], mut h: u64) -> u64 {
    for &b in data {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    h
}

pub fn file_server(env: &Env) -> Outcome {
    let ep = step("endpoint", sys_endpoint_create())?;
    let (server, _) = env.start("fs", "max_kib=1100 max_files=32", &[ep], 0)?;
    let e = |what: &str, err: Errno| format!("{what}: {err}");
    let rw = OpenFlags::READ | OpenFlags::WRITE;
    // A small file: write, read back, stat.
    let fd = open(ep, "/notes", rw | OpenFlags::CREATE).map_err(|x| e("create /notes", x))?;
    check!(write(ep, fd, b"hello mica") == Ok(10), "write");
    let mut buf = [0u8; 32];
    let n = read_at(ep, fd, 0, &mut buf).map_err(|x| e("read", x))?;
    check!(
        &buf[..n] == b"hello mica",
        "read back {:?}",
        String::from_utf8_lossy(&buf[..n])
    );
    let end = call(
        ep,
        &Request::Seek {
            fd,
            offset: 0,
            whence: Whence::End,
        },
        &mut [],
    );
    check!(end == Ok(10), "seek to the end gave {end:?}");
    check!(
        call(ep, &Request::Release { fd }, &mut []) == Ok(0),
        "release"
    );
    // Directories and rename.
    check!(
        call(
            ep,
            &Request::Mkdir {
                path: "/dir",
                mode: 0o755
            },
            &mut []
        ) == Ok(0),
        "mkdir"
    );
    check!(
        call(
            ep,
            &Request::Rename {
                from: "/notes",
                to: "/dir/kept"
            },
            &mut []
        ) == Ok(0),
        "rename"
    );
    check!(
        open(ep, "/notes", OpenFlags::READ) == Err(Errno::NoEntry),
        "the old name still opens"
    );
    let dir =
        open(ep, "/dir", OpenFlags::READ | OpenFlags::DIRECTORY).map_err(|x| e("open /dir", x))?;
    let mut name = [0u8; 64];
    let n = call(ep, &Request::Readdir { fd: dir, index: 0 }, &mut name)
        .map_err(|x| e("readdir", x))? as usize;
    check!(
        &name[..n] == b"kept",
        "first entry {:?}",
        String::from_utf8_lossy(&name[..n])
    );
    check!(
        call(ep, &Request::Readdir { fd: dir, index: 1 }, &mut name) == Ok(0),
        "a second entry"
    );
    check!(
        call(ep, &Request::Release { fd: dir }, &mut []) == Ok(0),
        "release dir"
    );
    // 1 MiB in 4 KiB writes, read back with a checksum.
    let big = open(ep, "/big", rw | OpenFlags::CREATE).map_err(|x| e("create /big", x))?;
    let mut sum_in = 0xcbf2_9ce4_8422_2325;
    let mut chunk = [0u8; 4096];
    for i in 0..256u32 {
        for (j, b) in chunk.iter_mut().enumerate() {
            *b = (i as usize * 31 + j * 7) as u8;
        }
        sum_in = fnv(&chunk, sum_in);
        check!(write(ep, big, &chunk) == Ok(4096), "write chunk {i}");
    }
    let mut sum_out = 0xcbf2_9ce4_8422_2325;
    for i in 0..256u64 {
        let n = read_at(ep, big, i * 4096, &mut chunk).map_err(|x| e("read chunk", x))?;
        check!(n == 4096, "chunk {i} read {n} bytes");
        sum_out = fnv(&chunk, sum_out);
    }
    check!(sum_in == sum_out, "1 MiB came back different");
    // Fill the disk: ENOSPC, and what was stored before is intact.
    let mut full = Ok(0);
    for _ in 0..64 {
        full = write(ep, big, &chunk);
        if full.is_err() {
            break;
        }
    }
    check!(
        full == Err(Errno::NoSpace),
        "filling the disk ended with {full:?}"
    );
    let kept = open(ep, "/dir/kept", OpenFlags::READ).map_err(|x| e("open /dir/kept", x))?;
    let n = read_at(ep, kept, 0, &mut buf).map_err(|x| e("read kept", x))?;
    check!(&buf[..n] == b"hello mica", "a full disk changed /dir/kept");
    // Removal and its refusals.
    check!(
        call(ep, &Request::Rmdir { path: "/dir" }, &mut []) == Err(Errno::NotEmpty),
        "rmdir of a full dir"
    );
    check!(
        call(ep, &Request::Unlink { path: "/dir/kept" }, &mut []) == Ok(0),
        "unlink"
    );
    check!(
        call(ep, &Request::Rmdir { path: "/dir" }, &mut []) == Ok(0),
        "rmdir"
    );
    check!(
        call(ep, &Request::Unlink { path: "/missing" }, &mut []) == Err(Errno::NoEntry),
        "unlink of nothing"
    );
    env.stop(server);
    step("close", sys_handle_close(ep))
}
