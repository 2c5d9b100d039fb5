//! Test helpers: the arena invariant check, a deterministic PRNG, and a roomy `MemFs`.

use crate::tree::{Body, MemFs};
use crate::{Ino, Limits};

impl MemFs {
    /// Checks the arena's invariants: counts, sorted entries, parents, links, free-list room.
    pub(crate) fn check_invariants(&self) {
        let mut bytes = 0u64;
        let (mut live, mut mounted) = (0, 0);
        for (index, slot) in self.slots.iter().enumerate() {
            let Some(inode) = &slot.inode else { continue };
            live += 1;
            mounted += usize::from(inode.read_only);
            let ino = Ino::new(index as u32, slot.generation);
            assert!(
                inode.linked || inode.pins > 0,
                "{ino:?} neither linked nor pinned"
            );
            assert!(
                !inode.devices || inode.read_only,
                "a device directory is read-only"
            );
            match &inode.body {
                Body::File(data) => {
                    assert!(!inode.read_only, "a read-only file is static");
                    bytes += data.len() as u64;
                }
                Body::Static(_) => assert!(inode.read_only, "a static file is read-only"),
                Body::Dir { entries, .. } => {
                    assert!(
                        !inode.devices || entries.is_empty(),
                        "a device directory stores nothing"
                    );
                    for pair in entries.windows(2) {
                        assert!(pair[0].name < pair[1].name, "entries sorted and unique");
                    }
                    for e in entries {
                        let child = self.node(e.ino).expect("entries name live inodes");
                        assert!(child.linked);
                        assert!(
                            !inode.read_only || child.read_only,
                            "read-only is inherited"
                        );
                        if let Body::Dir { parent, .. } = child.body {
                            assert_eq!(parent, ino, "a directory's parent holds it");
                        }
                    }
                }
            }
        }
        assert_eq!(bytes, self.used_bytes);
        assert_eq!(live, self.used_inodes + self.mounted_inodes);
        assert_eq!(mounted, self.mounted_inodes);
        assert_eq!(live + self.free.len(), self.slots.len());
        assert!(self.free.capacity() >= self.slots.len());
        assert!(self.used_bytes <= self.limits.max_bytes);
    }
}

/// Limits roomy enough that no test meets them by accident.
pub(crate) const ROOMY: Limits = Limits {
    max_bytes: 64 << 20,
    max_inodes: 10_000,
    max_file_bytes: 16 << 20,
};

/// A fresh file system with [`ROOMY`] limits.
pub(crate) fn roomy() -> MemFs {
    MemFs::new(ROOMY)
}

/// A small deterministic PRNG (xorshift64*): the same sequence every run.
pub(crate) struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    /// The next 64 random bits.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (`n > 0`).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// An index below `n` (`n > 0`).
    pub(crate) fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }
}

/// Reads all of file `ino`.
pub(crate) fn read_all(fs: &mut MemFs, ino: Ino) -> alloc::vec::Vec<u8> {
    let size = fs.stat(ino).unwrap().size_bytes as usize;
    let mut buf = alloc::vec![0u8; size + 1];
    let n = fs.read(ino, 0, &mut buf).unwrap();
    assert_eq!(n, size, "a read from 0 returns the whole file");
    buf.truncate(n);
    buf
}
