//! `Msg`: one IPC message as it travels in registers (`x1` info, `x2..x5` words).

use abi::{Error, Handle, MsgInfo, MSG_REGS};

/// A message: its descriptor and the four register words.
///
/// Only the first `info.words` words mean anything; the rest travel too
/// (as whatever they hold) and are ignored by the receiver. Bytes beyond the
/// words are in the IPC buffer ([`crate::ipc`]), `info.len_bytes` of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Msg {
    /// Label, word and byte counts, transferred handle.
    pub info: MsgInfo,
    /// The register words `x2..x5`.
    pub words: [u64; MSG_REGS],
}

impl Msg {
    /// A message with `label` and the `N` words given (`N <= 4`, checked at compile time).
    pub const fn new<const N: usize>(label: u16, words: [u64; N]) -> Msg {
        const { assert!(N <= MSG_REGS, "a message has at most 4 register words") };
        let mut all = [0; MSG_REGS];
        let mut i = 0;
        while i < N {
            all[i] = words[i];
            i += 1;
        }
        Msg {
            info: MsgInfo::new(label, N as u8),
            words: all,
        }
    }

    /// The same message with `len_bytes` in the IPC buffer (see [`crate::ipc::write_buffer`]).
    pub const fn with_bytes(mut self, len_bytes: u16) -> Msg {
        self.info = self.info.with_bytes(len_bytes);
        self
    }

    /// The same message moving `handle` to the receiver.
    pub const fn with_handle(mut self, handle: Handle) -> Msg {
        self.info = self.info.with_handle(handle);
        self
    }

    /// The message's label.
    pub const fn label(&self) -> u16 {
        self.info.label
    }

    /// Word `i` if the message carries it (`i < info.words`), else `None`.
    pub fn word(&self, i: usize) -> Option<u64> {
        self.words
            .get(i)
            .copied()
            .filter(|_| i < usize::from(self.info.words))
    }

    /// The registers `x0..x6` for sending this message on `handle` with `timeout_ns`.
    #[inline]
    pub const fn to_regs(&self, handle: Handle, timeout_ns: u64) -> [u64; 7] {
        let w = self.words;
        [
            handle as u64,
            self.info.to_raw(),
            w[0],
            w[1],
            w[2],
            w[3],
            timeout_ns,
        ]
    }

    /// Decodes a received message from the registers `x0..x6` a syscall returned:
    /// the message and the badge in `x6`.
    ///
    /// Fails with the error in `x0`, or with [`Error::InvalidArgument`] if
    /// `x1` holds no valid [`MsgInfo`] (the kernel never sends one).
    #[inline]
    pub fn from_regs(regs: &[u64; 7]) -> Result<(Msg, u64), Error> {
        if regs[0] != 0 {
            Error::check(regs[0])?; // only errors take the call
        }
        let info = MsgInfo::from_raw(regs[1]).ok_or(Error::InvalidArgument)?;
        let msg = Msg {
            info,
            words: [regs[2], regs[3], regs[4], regs[5]],
        };
        Ok((msg, regs[6]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_round_trip() {
        let msg = Msg::new(7, [1, 2, 3]).with_bytes(100).with_handle(5);
        let regs = msg.to_regs(9, 1_000);
        assert_eq!(regs[0], 9);
        assert_eq!(
            regs[1],
            MsgInfo::new(7, 3).with_bytes(100).with_handle(5).to_raw()
        );
        assert_eq!(&regs[2..6], &[1, 2, 3, 0]);
        assert_eq!(regs[6], 1_000);
        let mut back = regs;
        back[0] = 0; // success
        back[6] = 0xBAD6E; // the badge
        assert_eq!(Msg::from_regs(&back), Ok((msg, 0xBAD6E)));
    }

    #[test]
    fn errors_and_garbage_info_are_refused() {
        let mut regs = Msg::new(1, []).to_regs(0, 0);
        regs[0] = Error::TimedOut as u64;
        assert_eq!(Msg::from_regs(&regs), Err(Error::TimedOut));
        regs[0] = 0;
        regs[1] = 5 << 16; // five words: no valid MsgInfo
        assert_eq!(Msg::from_regs(&regs), Err(Error::InvalidArgument));
    }

    #[test]
    fn words_beyond_the_count_are_absent() {
        let mut msg = Msg::new(3, [10, 20]);
        msg.words[3] = 99;
        assert_eq!(msg.label(), 3);
        assert_eq!(msg.word(1), Some(20));
        assert_eq!(msg.word(2), None);
        assert_eq!(msg.word(3), None);
        assert_eq!(msg.word(4), None);
        assert_eq!(Msg::new(0, [1, 2, 3, 4]).word(3), Some(4));
    }
}
