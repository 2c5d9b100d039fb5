//! The server side of a read: its reply encoded with the fast copy (`ipc::copy_bytes`) instead of `memcpy`.

use proto::file::MAX_IO_BYTES;
use proto::{Encoded, Errno, OK_LABEL};

/// Encodes the reply to a successful read of `data` into `buf` (the IPC
/// buffer) exactly as `proto::file::Reply::Read { data }.encode(buf)` does:
/// label [`OK_LABEL`], word 0 the count, the bytes from the start of `buf`.
/// A file server's reads are mostly this copy, so it takes the fast path.
pub fn encode_read_reply(data: &[u8], buf: &mut [u8]) -> Result<Encoded, Errno> {
    let n = data.len();
    if n > MAX_IO_BYTES {
        return Err(Errno::TooBig);
    }
    let dst = buf.get_mut(..n).ok_or(Errno::TooBig)?;
    crate::ipc::copy_bytes(dst, data);
    Ok(Encoded {
        label: OK_LABEL,
        words: [n as u64, 0, 0, 0],
        word_count: 1,
        len_bytes: n as u16,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proto::file::{Op, Reply};
    use std::vec::Vec;

    #[test]
    fn matches_the_protocol_encoder() {
        for len in [0usize, 1, 63, 64, 100, 4095, 4096] {
            let data: Vec<u8> = (0..len).map(|i| (i * 13) as u8).collect();
            let mut fast_buf = [0xEE; MAX_IO_BYTES];
            let mut proto_buf = [0xEE; MAX_IO_BYTES];
            let fast = encode_read_reply(&data, &mut fast_buf);
            let slow = Reply::Read { data: &data }.encode(&mut proto_buf);
            assert_eq!(fast, slow, "len {len}");
            assert_eq!(fast_buf[..], proto_buf[..], "len {len}");
            let e = fast.expect("a read of at most 4 KiB encodes");
            let decoded = Reply::decode(Op::Read, e.label, e.words, &fast_buf[..len]);
            assert_eq!(decoded, Ok(Reply::Read { data: &data }), "len {len}");
        }
    }

    #[test]
    fn refuses_what_the_protocol_encoder_refuses() {
        let big = [0u8; MAX_IO_BYTES + 1];
        let mut buf = [0u8; MAX_IO_BYTES + 8];
        assert_eq!(
            encode_read_reply(&big, &mut buf),
            Reply::Read { data: &big }.encode(&mut buf)
        );
        let mut small = [0u8; 10];
        assert_eq!(
            encode_read_reply(&[1; 20], &mut small),
            Reply::Read { data: &[1; 20] }.encode(&mut small)
        );
    }
}
