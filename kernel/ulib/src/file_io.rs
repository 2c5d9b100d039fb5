//! `File`'s data and control requests: read, write, seek, stat, ioctl, poll and readdir, each one message.

#[cfg(not(target_os = "none"))]
extern crate alloc;

use super::{exchange, exchange_into, transport, unexpected, DirEntry, File, POLL_INTERVAL_NS};
use alloc::string::String;
use alloc::vec::Vec;
use proto::file::{PollEvents, Reply, Request, Stat, Whence, MAX_IO_BYTES};
use proto::Errno;

impl File {
    /// Reads up to `buf.len()` bytes (at most [`MAX_IO_BYTES`]) at the position, moving it: one request; 0 at the end.
    pub fn read(&mut self, buf: &mut [u8]) -> Result<usize, Errno> {
        self.read_request(buf, None)
    }

    /// Reads up to `buf.len()` bytes (at most [`MAX_IO_BYTES`]) at `offset`, leaving the position (`pread`).
    pub fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        self.read_request(buf, Some(offset))
    }

    fn read_request(&self, buf: &mut [u8], offset: Option<u64>) -> Result<usize, Errno> {
        let len = buf.len().min(MAX_IO_BYTES);
        let req = Request::Read {
            fd: self.fd,
            len_bytes: len as u32,
            offset,
        };
        // The slice is the call's receive window: the data is in it already.
        exchange_into(self.server, &req, &mut buf[..len], |reply| match reply {
            Reply::Read { data } if data.len() <= len => Ok(data.len()),
            other => Err(unexpected(other)),
        })
    }

    /// Reads until `buf` is full or the file ends: the bytes read (short only at the end). An error loses the count.
    pub fn read_full(&mut self, buf: &mut [u8]) -> Result<usize, Errno> {
        let mut done = 0;
        while done < buf.len() {
            match self.read(&mut buf[done..])? {
                0 => break,
                n => done += n,
            }
        }
        Ok(done)
    }

    /// Appends everything up to the end of the file to `out`: the bytes added (`ENOMEM` if `out` cannot grow).
    pub fn read_to_end(&mut self, out: &mut Vec<u8>) -> Result<usize, Errno> {
        let start = out.len();
        loop {
            let at = out.len();
            out.try_reserve(MAX_IO_BYTES).map_err(|_| Errno::NoMemory)?;
            out.resize(at + MAX_IO_BYTES, 0);
            let got = self.read(&mut out[at..]);
            // Keep only what arrived (nothing on an error: the bytes before stay).
            out.truncate(at + got.unwrap_or(0));
            if got? == 0 {
                return Ok(out.len() - start);
            }
        }
    }

    /// Writes up to [`MAX_IO_BYTES`] of `data` at the position, moving it: one request; the bytes taken.
    pub fn write(&mut self, data: &[u8]) -> Result<usize, Errno> {
        self.write_request(data, None)
    }

    /// Writes up to [`MAX_IO_BYTES`] of `data` at `offset`, leaving the position (`pwrite`).
    pub fn write_at(&self, offset: u64, data: &[u8]) -> Result<usize, Errno> {
        self.write_request(data, Some(offset))
    }

    fn write_request(&self, data: &[u8], offset: Option<u64>) -> Result<usize, Errno> {
        let chunk = &data[..data.len().min(MAX_IO_BYTES)];
        let req = Request::Write {
            fd: self.fd,
            offset,
            data: chunk,
        };
        exchange(self.server, &req, |reply| match reply {
            Reply::Written { len_bytes } if len_bytes as usize <= chunk.len() => {
                Ok(len_bytes as usize)
            }
            other => Err(unexpected(other)),
        })
    }

    /// Writes all of `data`, in requests of at most [`MAX_IO_BYTES`]; a server that takes nothing is `EIO`.
    pub fn write_all(&mut self, data: &[u8]) -> Result<(), Errno> {
        let mut rest = data;
        while !rest.is_empty() {
            match self.write(rest)? {
                0 => return Err(Errno::Io),
                n => rest = &rest[n..],
            }
        }
        Ok(())
    }

    /// Moves the position (`lseek`): the new offset from the start.
    pub fn seek(&mut self, offset: i64, whence: Whence) -> Result<u64, Errno> {
        let req = Request::Seek {
            fd: self.fd,
            offset,
            whence,
        };
        exchange(self.server, &req, |reply| match reply {
            Reply::Seeked { offset } => Ok(offset),
            other => Err(unexpected(other)),
        })
    }

    /// Describes the open file (`fstat`).
    pub fn stat(&self) -> Result<Stat, Errno> {
        exchange(
            self.server,
            &Request::Stat { fd: self.fd },
            |reply| match reply {
                Reply::Stat(stat) => Ok(stat),
                other => Err(unexpected(other)),
            },
        )
    }

    /// A device command (see `proto::ioctl`): its value; reply bytes go to the start of `data_out`, as many as fit.
    pub fn ioctl(
        &mut self,
        cmd: u32,
        arg: u64,
        data_in: &[u8],
        data_out: &mut [u8],
    ) -> Result<u64, Errno> {
        let req = Request::Ioctl {
            fd: self.fd,
            cmd,
            arg,
            data: data_in,
        };
        exchange(self.server, &req, |reply| match reply {
            Reply::Ioctl { value, data } => {
                let n = data.len().min(data_out.len());
                data_out[..n].copy_from_slice(&data[..n]);
                Ok(value)
            }
            other => Err(unexpected(other)),
        })
    }

    /// Which of `events` hold now (plus error, hang-up, invalid whenever they hold): one request, no waiting.
    pub fn poll(&self, events: PollEvents) -> Result<PollEvents, Errno> {
        let req = Request::Poll {
            fd: self.fd,
            events,
        };
        exchange(self.server, &req, |reply| match reply {
            Reply::Polled { revents } => Ok(revents),
            other => Err(unexpected(other)),
        })
    }

    /// Polls every [`POLL_INTERVAL_NS`] until something holds or `timeout_ns` passes; what held (maybe nothing).
    pub fn poll_wait(&self, events: PollEvents, timeout_ns: u64) -> Result<PollEvents, Errno> {
        let always = PollEvents::ERROR | PollEvents::HANGUP | PollEvents::INVALID;
        let deadline = transport::now_ns().saturating_add(timeout_ns);
        loop {
            let ready = self.poll(events)?;
            let now = transport::now_ns();
            if !(ready & (events | always)).is_empty() || now >= deadline {
                return Ok(ready);
            }
            transport::sleep_ns(POLL_INTERVAL_NS.min(deadline - now));
        }
    }

    /// The next entry of an open directory, `None` after the last.
    pub fn readdir(&mut self) -> Result<Option<DirEntry>, Errno> {
        let req = Request::Readdir {
            fd: self.fd,
            index: self.next_entry,
        };
        let entry = exchange(self.server, &req, |reply| match reply {
            Reply::Entry { name, kind, ino } => Ok(Some(DirEntry {
                name: String::from(name),
                kind,
                ino,
            })),
            Reply::End => Ok(None),
            other => Err(unexpected(other)),
        })?;
        self.next_entry += u64::from(entry.is_some());
        Ok(entry)
    }

    /// Makes the next [`readdir`](Self::readdir) start again from the first entry.
    pub fn rewind_dir(&mut self) {
        self.next_entry = 0;
    }
}
