//! A client of the file protocol, for the test programs: one request, one decoded answer.

use proto::file::{Reply, Request};
use proto::Errno;
use ulib::abi::FOREVER;
use ulib::{ipc, sys_call, Msg};

/// Sends `req` to the server on `ep`. Returns the reply's value (an fd, an ioctl
/// value, a byte count, an offset; for `stat` the device numbers as
/// `major << 32 | minor`) and copies any data it carried into `out` (the count
/// copied is the value for reads).
pub fn call(ep: u32, req: &Request, out: &mut [u8]) -> Result<u64, Errno> {
    let msg = ipc::with_buffer(|buf| {
        let e = req.encode(buf)?;
        Ok::<Msg, Errno>(Msg {
            info: e.info(),
            words: e.words,
        })
    })?;
    let reply = sys_call(ep, &msg, FOREVER).map_err(Errno::from)?;
    if reply.info.handle != 0 {
        // Only a redirect carries one; this client does not follow redirects (ulib::file does).
        let _ = ulib::sys_handle_close(reply.info.handle);
    }
    ipc::with_buffer(|buf| {
        let bytes = &buf[..usize::from(reply.info.len_bytes).min(buf.len())];
        match Reply::decode(req.op(), reply.info.label, reply.words, bytes) {
            Ok(Reply::Opened { fd }) => Ok(u64::from(fd)),
            Ok(Reply::Redirect { .. }) => Err(Errno::Io),
            Ok(Reply::Ioctl { value, .. }) => Ok(value),
            Ok(Reply::Written { len_bytes }) => Ok(u64::from(len_bytes)),
            Ok(Reply::Read { data }) => {
                let n = data.len().min(out.len());
                out[..n].copy_from_slice(&data[..n]);
                Ok(n as u64)
            }
            Ok(Reply::Polled { revents }) => Ok(u64::from(revents.bits())),
            Ok(Reply::Released | Reply::Done | Reply::End) => Ok(0),
            // An entry's name goes to `out`, like read data.
            Ok(Reply::Entry { name, .. }) => {
                let n = name.len().min(out.len());
                out[..n].copy_from_slice(&name.as_bytes()[..n]);
                Ok(n as u64)
            }
            Ok(Reply::Seeked { offset }) => Ok(offset),
            // A device's numbers, packed: major in the high word, minor in the low.
            Ok(Reply::Stat(st)) => Ok(u64::from(st.major) << 32 | u64::from(st.minor)),
            Ok(Reply::Error(e)) => Err(e),
            Err(e) => Err(e.errno()),
        }
    })
}
