//! Handle rights: what a capability lets its holder do with the object it names.

/// A set of rights. Rights only shrink: a duplicate has at most its source's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Rights(pub u32);

impl Rights {
    /// No rights.
    pub const NONE: Rights = Rights(0);
    /// Send on an endpoint, signal a notification.
    pub const SEND: Rights = Rights(1 << 0);
    /// Receive on an endpoint, wait on a notification.
    pub const RECV: Rights = Rights(1 << 1);
    /// Pass handles through an endpoint; pass a memory region on.
    pub const GRANT: Rights = Rights(1 << 2);
    /// Map a memory region.
    pub const MAP: Rights = Rights(1 << 3);
    /// Map a memory region writable.
    pub const WRITE: Rights = Rights(1 << 4);
    /// Duplicate the handle.
    pub const DUP: Rights = Rights(1 << 5);
    /// Control a task (kill it).
    pub const CONTROL: Rights = Rights(1 << 6);
    /// Every right.
    pub const ALL: Rights = Rights(0x7F);

    const NAMES: [(Rights, &'static str); 7] = [
        (Rights::SEND, "send"),
        (Rights::RECV, "recv"),
        (Rights::GRANT, "grant"),
        (Rights::MAP, "map"),
        (Rights::WRITE, "write"),
        (Rights::DUP, "dup"),
        (Rights::CONTROL, "control"),
    ];

    /// True when every right in `other` is in `self`.
    pub const fn contains(self, other: Rights) -> bool {
        self.0 & other.0 == other.0
    }

    /// The rights in both.
    pub const fn intersect(self, other: Rights) -> Rights {
        Rights(self.0 & other.0)
    }

    /// The rights in either.
    pub const fn union(self, other: Rights) -> Rights {
        Rights(self.0 | other.0)
    }

    /// Decodes a syscall argument, dropping bits no right has.
    pub const fn from_raw(raw: u64) -> Rights {
        Rights(raw as u32 & Self::ALL.0)
    }
}

impl core::fmt::Display for Rights {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.0 == 0 {
            return f.write_str("none");
        }
        let mut first = true;
        for (r, name) in Self::NAMES {
            if self.contains(r) {
                if !first {
                    f.write_str("|")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::string::ToString;

    #[test]
    fn rights_combine_and_print() {
        let sr = Rights::SEND.union(Rights::RECV);
        assert!(sr.contains(Rights::SEND));
        assert!(!sr.contains(Rights::GRANT));
        assert_eq!(sr.intersect(Rights::RECV), Rights::RECV);
        assert_eq!(sr.to_string(), "send|recv");
        assert_eq!(Rights::NONE.to_string(), "none");
        assert_eq!(Rights::from_raw(u64::MAX), Rights::ALL);
    }
}
