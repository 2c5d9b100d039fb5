//! Encoding the file server's replies: a read's bytes with the fast copy (`blockcopy`), every other reply with the protocol encoder.

use abi::MAX_MSG_BYTES;
use proto::file::{Reply, MAX_IO_BYTES};
use proto::{Encoded, Errno, OK_LABEL};

/// Encodes the reply to a successful read of `data` into `buf` (the IPC
/// buffer) exactly as `proto::file::Reply::Read { data }.encode(buf)` does:
/// label [`OK_LABEL`], word 0 the count, the bytes from the start of `buf`.
/// A file server's reads are mostly this copy, so it takes the fast path.
#[inline]
pub fn encode_read_reply(data: &[u8], buf: &mut [u8]) -> Result<Encoded, Errno> {
    let n = data.len();
    if n > MAX_IO_BYTES {
        return Err(Errno::TooBig);
    }
    let dst = buf.get_mut(..n).ok_or(Errno::TooBig)?;
    blockcopy::copy_bytes(dst, data);
    Ok(read_reply_header(n))
}

/// The registers of a successful read's reply of `n` bytes (at most
/// `MAX_IO_BYTES`), the bytes themselves sent from elsewhere.
pub fn read_reply_header(n: usize) -> Encoded {
    debug_assert!(n <= MAX_IO_BYTES);
    Encoded {
        label: OK_LABEL,
        words: [n as u64, 0, 0, 0],
        word_count: 1,
        len_bytes: n as u16,
    }
}

/// Encodes `reply` into `out` (a read with [`encode_read_reply`]); an error
/// reply when `reply` itself cannot be encoded.
#[inline]
pub fn encode_reply(reply: &Reply, out: &mut [u8; MAX_MSG_BYTES]) -> Encoded {
    let encoded = match *reply {
        Reply::Read { data } => encode_read_reply(data, out),
        _ => reply.encode(out),
    };
    match encoded.or_else(|errno| Reply::Error(errno).encode(out)) {
        Ok(e) => e,
        // An error reply always encodes; answer EIO by hand if it ever did not.
        Err(_) => Encoded {
            label: Errno::Io.code(),
            words: [0; 4],
            word_count: 0,
            len_bytes: 0,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;
    use proto::file::Op;

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

    #[test]
    fn a_reply_that_cannot_encode_becomes_its_error() {
        let mut out = [0u8; MAX_MSG_BYTES];
        let big = [7u8; MAX_IO_BYTES + 1];
        let e = encode_reply(&Reply::Read { data: &big }, &mut out);
        assert_eq!((e.label, e.len_bytes), (Errno::TooBig.code(), 0));
        let e = encode_reply(&Reply::Written { len_bytes: 5 }, &mut out);
        assert_eq!((e.label, e.words[0]), (OK_LABEL, 5));
    }
}
