//! `recv`: a file pushed over the console (by `micaload push`), in acknowledged chunks, checked by CRC-32.
//!
//! The sender types `recv PATH SIZE CRC32` at the prompt and waits for
//! `recv: ready`. It then sends the bytes in chunks of [`CHUNK_BYTES`]; after
//! each chunk is stored the shell answers `.` (or `!` and a reason, and
//! stops). At the end the shell compares the CRC and says `ok` or
//! `mismatch`; a mismatched file is removed. The console is in raw mode, so
//! every byte value passes unchanged.

extern crate alloc;

use crate::commands::usage;
use crate::ctx::Ctx;
use crate::outln;
use alloc::format;
use alloc::string::String;
use proto::file::OpenFlags;
use shell::fmt::parse_int;
use ulib::file::File;

/// Bytes per acknowledged chunk: well inside the UART driver's 1 KiB read queue.
pub const CHUNK_BYTES: usize = 512;
/// Largest file `recv` takes.
const MAX_BYTES: u64 = 16 << 20;
/// A sender silent this long has gone away.
const IDLE_TIMEOUT_NS: u64 = 10_000_000_000;

/// CRC-32 as zlib computes it, the same as `crc32` and the host tool.
const CRC32: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);

/// `recv PATH SIZE CRC32`.
pub fn recv(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    let [typed, size, crc] = args else {
        return Err(usage("recv"));
    };
    let size = parse_int(size).map_err(|e| format!("size '{size}': {e}"))?;
    if size > MAX_BYTES {
        return Err(format!(
            "{size} bytes is more than the {MAX_BYTES} recv takes"
        ));
    }
    let want =
        u32::from_str_radix(crc, 16).map_err(|_| format!("crc '{crc}': not 8 hex digits"))?;
    let path = ctx.path(typed);
    let flags = OpenFlags::WRITE
        .union(OpenFlags::CREATE)
        .union(OpenFlags::TRUNCATE);
    let mut f = File::open(&path, flags, 0o644).map_err(|e| format!("{typed}: {e}"))?;
    ctx.flush();
    ctx.console_write(b"recv: ready\n");
    let result = receive(ctx, &mut f, size);
    drop(f);
    let failed = match result {
        Ok(got) if got == want => {
            outln!(ctx, "recv: {size} bytes to {path}, crc32 {got:08x} ok");
            return Ok(());
        }
        Ok(got) => format!("crc32 mismatch (expected {want:08x}, got {got:08x})"),
        Err(why) => why,
    };
    let _ = ulib::file::unlink(&path);
    Err(format!("{failed}; {path} removed"))
}

/// Reads `size` bytes into `f`, acknowledging each chunk; the CRC of what arrived.
fn receive(ctx: &mut Ctx, f: &mut File, size: u64) -> Result<u32, String> {
    let mut crc = CRC32.digest();
    let mut buf = [0u8; CHUNK_BYTES];
    let mut done = 0u64;
    while done < size {
        let n = (size - done).min(CHUNK_BYTES as u64) as usize;
        for slot in &mut buf[..n] {
            *slot = match ctx.next_key_within(IDLE_TIMEOUT_NS) {
                Ok(Some(b)) => b,
                Ok(None) => {
                    return Err(format!(
                        "no data for {} s after {done} bytes",
                        IDLE_TIMEOUT_NS / 1_000_000_000
                    ))
                }
                Err(e) => return Err(format!("console: {e}")),
            };
        }
        if let Err(e) = f.write_all(&buf[..n]) {
            ctx.console_write(format!("!{e}\n").as_bytes());
            return Err(format!("after {done} bytes: {e}"));
        }
        crc.update(&buf[..n]);
        done += n as u64;
        ctx.console_write(b".");
    }
    ctx.console_write(b"\n");
    Ok(crc.finalize())
}
