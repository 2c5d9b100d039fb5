//! Checked access to user memory: `copy_from_user` / `copy_to_user` through `UserSlice`.
//!
//! Every byte is reached by walking the task's own page tables and checking the
//! page's user permissions first, so a bad pointer is an error, never a fault.

use crate::mem::{read_frame, write_frame, PAGE_SIZE};
use crate::task::space::AddressSpace;
use abi::Error;

/// A range of a task's memory that the task named in a syscall.
#[derive(Clone, Copy, Debug)]
pub struct UserSlice {
    va: usize,
    len_bytes: usize,
}

impl UserSlice {
    /// The range `[va, va + len_bytes)`, refused if it leaves the user half.
    /// An empty range is valid whatever its address (Rust's empty slices dangle).
    pub fn new(va: u64, len_bytes: u64) -> Result<Self, Error> {
        if len_bytes == 0 {
            return Ok(Self {
                va: abi::USER_MIN,
                len_bytes: 0,
            });
        }
        let va = usize::try_from(va).map_err(|_| Error::BadAddress)?;
        let len_bytes = usize::try_from(len_bytes).map_err(|_| Error::BadAddress)?;
        let end = va.checked_add(len_bytes).ok_or(Error::BadAddress)?;
        if va < abi::USER_MIN || end > abi::USER_END {
            return Err(Error::BadAddress);
        }
        Ok(Self { va, len_bytes })
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.len_bytes
    }

    /// True for an empty range.
    pub fn is_empty(&self) -> bool {
        self.len_bytes == 0
    }

    /// Visits the range page by page: (frame offset chunk, position in the slice).
    fn each_chunk(
        &self,
        space: &AddressSpace,
        writable: bool,
        mut f: impl FnMut(crate::mem::PhysAddr, usize, usize, usize),
    ) -> Result<(), Error> {
        // Check every page before touching any, so a failed copy changes nothing.
        let mut pos = 0;
        while pos < self.len_bytes {
            let va = self.va + pos;
            let (_, attrs) = space
                .translate(va & !(PAGE_SIZE - 1))
                .ok_or(Error::BadAddress)?;
            let ok = if writable {
                attrs.access.user_writable()
            } else {
                attrs.access.user_readable()
            };
            if !ok {
                return Err(Error::BadAddress);
            }
            pos += PAGE_SIZE - va % PAGE_SIZE;
        }
        let mut pos = 0;
        while pos < self.len_bytes {
            let va = self.va + pos;
            let offset = va % PAGE_SIZE;
            let chunk = (PAGE_SIZE - offset).min(self.len_bytes - pos);
            let (pa, _) = space.translate(va - offset).ok_or(Error::BadAddress)?;
            f(pa, offset, pos, chunk);
            pos += chunk;
        }
        Ok(())
    }

    /// copy_from_user: fills `out` (exactly `len()` bytes) from the task's memory.
    pub fn read(&self, space: &AddressSpace, out: &mut [u8]) -> Result<(), Error> {
        if out.len() != self.len_bytes {
            return Err(Error::InvalidArgument);
        }
        self.each_chunk(space, false, |pa, offset, pos, chunk| {
            read_frame(pa, offset, &mut out[pos..pos + chunk]);
        })
    }

    /// copy_to_user: writes `bytes` (exactly `len()` bytes) into the task's memory.
    pub fn write(&self, space: &AddressSpace, bytes: &[u8]) -> Result<(), Error> {
        if bytes.len() != self.len_bytes {
            return Err(Error::InvalidArgument);
        }
        self.each_chunk(space, true, |pa, offset, pos, chunk| {
            write_frame(pa, offset, &bytes[pos..pos + chunk]);
        })
    }
}
