//! File commands: ls, cat, echo, write, crc32, touch, mkdir, rmdir, rm, mv, stat, cd, pwd.

extern crate alloc;

use crate::commands::usage;
use crate::ctx::Ctx;
use crate::{errln, outln};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use proto::file::{FileKind, OpenFlags, Stat, MAX_IO_BYTES};
use shell::fmt::{duration, mode_string, Table};
use shell::path::{base_name, join};
use ulib::file::{self, File};

/// CRC-32 as zlib, Ethernet and `crc32` compute it (ISO-HDLC).
const CRC32: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);

/// Ctrl-C and Ctrl-D: what ends `cat` of a device.
const END_KEYS: [u8; 2] = [0x03, 0x04];

/// Runs `f` on each path argument; an error on one is reported and the rest still run.
fn each(
    ctx: &mut Ctx,
    name: &str,
    args: &[&str],
    mut f: impl FnMut(&mut Ctx, &str, String) -> Result<(), String>,
) -> Result<(), String> {
    if args.is_empty() {
        return Err(usage(name));
    }
    let mut failed = 0;
    for typed in args {
        let path = ctx.path(typed);
        if let Err(e) = f(ctx, typed, path) {
            errln!(ctx, "{name}: {e}");
            failed += 1;
        }
    }
    // Each failure has been reported with its path; an empty error adds nothing.
    if failed == 0 {
        Ok(())
    } else {
        Err(String::new())
    }
}

/// `ls [-l] [PATH...]`.
pub fn ls(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    let mut long = false;
    let mut paths = Vec::new();
    for a in args {
        match *a {
            "-l" => long = true,
            opt if opt.starts_with('-') && opt.len() > 1 => {
                return Err(format!("unknown option {opt} (ls knows -l)"));
            }
            p => paths.push(p),
        }
    }
    let cwd = ctx.cwd.clone();
    if paths.is_empty() {
        paths.push(&cwd);
    }
    let many = paths.len() > 1;
    each(ctx, "ls", &paths, |ctx, typed, path| {
        let st = file::stat(&path).map_err(|e| format!("{typed}: {e}"))?;
        if st.kind != FileKind::Dir {
            return list(ctx, long, &[(String::from(typed), st)]);
        }
        let mut dir = File::open(&path, OpenFlags::READ.union(OpenFlags::DIRECTORY), 0)
            .map_err(|e| format!("{typed}: {e}"))?;
        let mut entries = Vec::new();
        while let Some(entry) = dir.readdir().map_err(|e| format!("{typed}: {e}"))? {
            let st = if long {
                file::stat(&join(&path, &entry.name)).map_err(|e| format!("{}: {e}", entry.name))?
            } else {
                Stat {
                    kind: entry.kind,
                    mode: 0,
                    major: 0,
                    minor: 0,
                    size_bytes: 0,
                    atime_ns: 0,
                    mtime_ns: 0,
                    ctime_ns: 0,
                }
            };
            entries.push((entry.name, st));
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        if many {
            outln!(ctx, "{typed}:");
        }
        list(ctx, long, &entries)
    })
}

fn list(ctx: &mut Ctx, long: bool, entries: &[(String, Stat)]) -> Result<(), String> {
    if !long {
        let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
        if !names.is_empty() {
            outln!(ctx, "{}", names.join("  "));
        }
        return Ok(());
    }
    let mut table = Table::new(&["mode", "size", "modified", "name"]);
    for (name, st) in entries {
        let size = match st.kind {
            FileKind::CharDev | FileKind::BlockDev => format!("{}, {}", st.major, st.minor),
            _ => format!("{}", st.size_bytes),
        };
        table.row(&[
            &mode_string(st.kind, st.mode),
            &size,
            &duration(st.mtime_ns),
            name,
        ]);
    }
    outln!(ctx, "{table}");
    Ok(())
}

/// `cat FILE...`.
pub fn cat(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    each(ctx, "cat", args, |ctx, typed, path| {
        let mut f = File::open(&path, OpenFlags::READ, 0).map_err(|e| format!("{typed}: {e}"))?;
        let is_device = f
            .stat()
            .map(|s| s.kind == FileKind::CharDev)
            .unwrap_or(false);
        let mut buf = [0u8; MAX_IO_BYTES];
        loop {
            let n = f.read(&mut buf).map_err(|e| format!("{typed}: {e}"))?;
            if n == 0 {
                return Ok(());
            }
            let data = &buf[..n];
            if is_device {
                if let Some(end) = data.iter().position(|b| END_KEYS.contains(b)) {
                    ctx.out_bytes(&data[..end]);
                    return Ok(());
                }
            }
            ctx.out_bytes(data);
        }
    })
}

/// `echo [-n] [WORD...]`.
pub fn echo(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    let (newline, words) = match args.first() {
        Some(&"-n") => (false, &args[1..]),
        _ => (true, args),
    };
    ctx.out(format_args!("{}", words.join(" ")));
    if newline {
        outln!(ctx);
    }
    Ok(())
}

/// `write FILE [SIZE]`: typed lines up to a lone `.`, or SIZE bytes of the test pattern.
pub fn write(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    let (typed, size) = match args {
        [f] => (*f, None),
        [f, s] => (
            *f,
            Some(
                shell::data::parse_size(s)
                    .ok_or_else(|| format!("bad size '{s}' (digits, optionally K or M)"))?,
            ),
        ),
        _ => return Err(usage("write")),
    };
    let path = ctx.path(typed);
    let flags = OpenFlags::WRITE
        .union(OpenFlags::CREATE)
        .union(OpenFlags::TRUNCATE);
    let mut f = File::open(&path, flags, 0o644).map_err(|e| format!("{typed}: {e}"))?;
    let mut crc = CRC32.digest();
    let mut written = 0u64;
    match size {
        Some(total) => {
            let mut buf = [0u8; MAX_IO_BYTES];
            while written < total {
                let n = (total - written).min(buf.len() as u64) as usize;
                shell::data::fill_pattern(written, &mut buf[..n]);
                f.write_all(&buf[..n])
                    .map_err(|e| format!("{typed}: {e} after {written} bytes"))?;
                crc.update(&buf[..n]);
                written += n as u64;
            }
        }
        None => {
            ctx.flush();
            ctx.console_write(b"(type lines; a line with only '.' ends)\n");
            while let Some(line) = ctx.read_line()? {
                if line == "." {
                    break;
                }
                let mut bytes = line.into_bytes();
                bytes.push(b'\n');
                f.write_all(&bytes).map_err(|e| format!("{typed}: {e}"))?;
                crc.update(&bytes);
                written += bytes.len() as u64;
            }
        }
    }
    outln!(
        ctx,
        "wrote {written} bytes to {path} (crc32 {:08x})",
        crc.finalize()
    );
    Ok(())
}

/// `crc32 FILE...`.
pub fn crc32(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    each(ctx, "crc32", args, |ctx, typed, path| {
        let mut f = File::open(&path, OpenFlags::READ, 0).map_err(|e| format!("{typed}: {e}"))?;
        let mut crc = CRC32.digest();
        let mut total = 0u64;
        let mut buf = [0u8; MAX_IO_BYTES];
        loop {
            let n = f.read(&mut buf).map_err(|e| format!("{typed}: {e}"))?;
            if n == 0 {
                break;
            }
            crc.update(&buf[..n]);
            total += n as u64;
        }
        outln!(ctx, "{:08x} {total} {typed}", crc.finalize());
        Ok(())
    })
}

/// `touch FILE...`.
pub fn touch(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    each(ctx, "touch", args, |_, typed, path| {
        File::open(&path, OpenFlags::WRITE.union(OpenFlags::CREATE), 0o644)
            .map(drop)
            .map_err(|e| format!("{typed}: {e}"))
    })
}

/// `mkdir DIR...`.
pub fn mkdir(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    each(ctx, "mkdir", args, |_, typed, path| {
        file::mkdir(&path, 0o755).map_err(|e| format!("{typed}: {e}"))
    })
}

/// `rmdir DIR...`.
pub fn rmdir(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    each(ctx, "rmdir", args, |_, typed, path| {
        file::rmdir(&path).map_err(|e| format!("{typed}: {e}"))
    })
}

/// `rm FILE...`.
pub fn rm(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    each(ctx, "rm", args, |_, typed, path| {
        file::unlink(&path).map_err(|e| format!("{typed}: {e}"))
    })
}

/// `mv FROM TO`: into TO if it is a directory.
pub fn mv(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    let [from, to] = args else {
        return Err(usage("mv"));
    };
    let (src, mut dst) = (ctx.path(from), ctx.path(to));
    if file::stat(&dst).is_ok_and(|s| s.kind == FileKind::Dir) {
        dst = join(&dst, base_name(&src));
    }
    file::rename(&src, &dst).map_err(|e| format!("{from} -> {to}: {e}"))
}

/// `stat PATH...`.
pub fn stat(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    each(ctx, "stat", args, |ctx, typed, path| {
        let st = file::stat(&path).map_err(|e| format!("{typed}: {e}"))?;
        let kind = match st.kind {
            FileKind::File => "regular file",
            FileKind::Dir => "directory",
            FileKind::CharDev => "character device",
            FileKind::BlockDev => "block device",
        };
        outln!(ctx, "  File: {path}");
        outln!(
            ctx,
            "  Type: {kind}  Mode: {} ({:04o})",
            mode_string(st.kind, st.mode),
            st.mode
        );
        match st.kind {
            FileKind::CharDev | FileKind::BlockDev => {
                outln!(ctx, "Device: {}:{}", st.major, st.minor)
            }
            _ => outln!(ctx, "  Size: {}", st.size_bytes),
        }
        outln!(
            ctx,
            "Access: {}  Modify: {}  Change: {} (since boot)",
            duration(st.atime_ns),
            duration(st.mtime_ns),
            duration(st.ctime_ns)
        );
        Ok(())
    })
}

/// `cd [DIR]`.
pub fn cd(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    let target = match args {
        [] => String::from("/"),
        [d] => ctx.path(d),
        _ => return Err(usage("cd")),
    };
    let st = file::stat(&target).map_err(|e| format!("{target}: {e}"))?;
    if st.kind != FileKind::Dir {
        return Err(format!("{target}: not a directory"));
    }
    ctx.cwd = target;
    Ok(())
}

/// `pwd`.
pub fn pwd(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    if !args.is_empty() {
        return Err(usage("pwd"));
    }
    let cwd = ctx.cwd.clone();
    outln!(ctx, "{cwd}");
    Ok(())
}
