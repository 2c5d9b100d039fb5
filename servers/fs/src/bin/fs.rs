//! The file server: an in-memory file system (`fs::MemFs`) served over the file protocol on handle 1.
//!
//! Parameters: `max_kib=` (total file bytes, default 16384), `max_files=` (inodes, default 4096).
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod server {
    use core::cell::RefCell;
    use fs::{Ino, Limits, MemFs};
    use proto::file::{OpenFlags, Reply, Request, Whence, MAX_IO_BYTES};
    use proto::{Errno, OpenTable};
    use ulib::{println, InfoKind};

    ulib::entry!(main);

    /// Handle 1: the endpoint clients call.
    const SERVICE: u32 = 1;

    /// One open file: what it names, where the next read or write goes, how it was opened.
    struct Open {
        ino: Ino,
        offset: u64,
        flags: OpenFlags,
    }

    fn arg(key: &str, default: u64) -> u64 {
        ulib::arg(key)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }

    fn main() -> i32 {
        let limits = Limits {
            max_bytes: arg("max_kib", 16 * 1024) * 1024,
            max_inodes: arg("max_files", 4096) as usize,
            max_file_bytes: arg("max_kib", 16 * 1024) * 1024,
        };
        println!(
            "serving an in-memory file system ({} KiB, {} files)",
            limits.max_bytes / 1024,
            limits.max_inodes
        );
        let state = RefCell::new((MemFs::new(limits), OpenTable::<Open>::new(256)));
        ulib::server::serve(
            SERVICE,
            |_| {},
            |req, badge, buf| {
                let (fs, opens) = &mut *state.borrow_mut();
                fs.set_clock(ulib::sys_info(InfoKind::Uptime).unwrap_or(0));
                let mut data = [0u8; MAX_IO_BYTES];
                let reply = answer(fs, opens, req, badge, &mut data).unwrap_or_else(Reply::Error);
                Some(ulib::server::encode(&reply, buf))
            },
        )
    }

    /// One request; read data and directory names go through `data`.
    fn answer<'d>(
        fs: &mut MemFs,
        opens: &mut OpenTable<Open>,
        req: &Request,
        badge: u64,
        data: &'d mut [u8; MAX_IO_BYTES],
    ) -> Result<Reply<'d>, Errno> {
        Ok(match *req {
            Request::Open { path, flags, mode } => {
                let ino = match fs.lookup(path) {
                    Ok(ino) => ino,
                    Err(Errno::NoEntry) if flags.contains(OpenFlags::CREATE) => {
                        fs.create(path, mode)?
                    }
                    Err(e) => return Err(e),
                };
                let is_dir = fs.stat(ino)?.kind == proto::file::FileKind::Dir;
                if flags.contains(OpenFlags::DIRECTORY) && !is_dir {
                    return Err(Errno::NotDir);
                }
                if is_dir && flags.contains(OpenFlags::WRITE) {
                    return Err(Errno::IsDir);
                }
                if flags.contains(OpenFlags::TRUNCATE) && flags.contains(OpenFlags::WRITE) {
                    fs.truncate(ino, 0)?;
                }
                fs.pin(ino)?;
                match opens.open(
                    badge,
                    Open {
                        ino,
                        offset: 0,
                        flags,
                    },
                ) {
                    Ok(fd) => Reply::Opened { fd },
                    Err(e) => {
                        let _ = fs.unpin(ino);
                        return Err(e);
                    }
                }
            }
            Request::Release { fd } => {
                let open = opens.release(fd, badge)?;
                fs.unpin(open.ino)?;
                Reply::Released
            }
            Request::Read {
                fd,
                len_bytes,
                offset,
            } => {
                let open = opens.get_mut(fd, badge)?;
                let at = offset.unwrap_or(open.offset);
                let n = fs.read(
                    open.ino,
                    at,
                    &mut data[..(len_bytes as usize).min(MAX_IO_BYTES)],
                )?;
                if offset.is_none() {
                    open.offset = at + n as u64;
                }
                Reply::Read { data: &data[..n] }
            }
            Request::Write {
                fd,
                offset,
                data: bytes,
            } => {
                let open = opens.get_mut(fd, badge)?;
                if !open.flags.contains(OpenFlags::WRITE) {
                    return Err(Errno::BadFd);
                }
                let at = match offset {
                    Some(at) => at,
                    None if open.flags.contains(OpenFlags::APPEND) => fs.stat(open.ino)?.size_bytes,
                    None => open.offset,
                };
                let n = fs.write(open.ino, at, bytes)?;
                if offset.is_none() {
                    open.offset = at + n as u64;
                }
                Reply::Written {
                    len_bytes: n as u32,
                }
            }
            Request::Seek { fd, offset, whence } => {
                let open = opens.get_mut(fd, badge)?;
                let base = match whence {
                    Whence::Set => 0,
                    Whence::Cur => open.offset as i64,
                    Whence::End => fs.stat(open.ino)?.size_bytes as i64,
                };
                let to = base
                    .checked_add(offset)
                    .filter(|&t| t >= 0)
                    .ok_or(Errno::Invalid)?;
                open.offset = to as u64;
                Reply::Seeked {
                    offset: open.offset,
                }
            }
            Request::Stat { fd } => Reply::Stat(fs.stat(opens.get(fd, badge)?.ino)?),
            Request::Readdir { fd, index } => {
                let ino = opens.get(fd, badge)?.ino;
                match fs.readdir(ino, usize::try_from(index).map_err(|_| Errno::Invalid)?)? {
                    Some(entry) => {
                        let n = entry.name.len().min(data.len());
                        data[..n].copy_from_slice(&entry.name.as_bytes()[..n]);
                        let (kind, ino) = (entry.kind, entry.ino.raw());
                        let name = core::str::from_utf8(&data[..n]).map_err(|_| Errno::Io)?;
                        Reply::Entry { name, kind, ino }
                    }
                    None => Reply::End,
                }
            }
            Request::Mkdir { path, mode } => fs.mkdir(path, mode).map(|_| Reply::Done)?,
            Request::Unlink { path } => fs.unlink(path).map(|()| Reply::Done)?,
            Request::Rmdir { path } => fs.rmdir(path).map(|()| Reply::Done)?,
            Request::Rename { from, to } => fs.rename(from, to).map(|()| Reply::Done)?,
            Request::Poll { fd, events } => {
                opens.get(fd, badge)?;
                Reply::Polled { revents: events } // a file is always ready
            }
            Request::Ioctl { .. } => return Err(Errno::NotTty),
        })
    }
}

/// On the host the server binary is empty: `cargo test -p fs` tests the library.
#[cfg(not(target_os = "none"))]
fn main() {}
