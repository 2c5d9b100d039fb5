//! ASID allocation with generations (the arm64 Linux scheme, for one core).
//!
//! Every user address space runs with an ASID in TTBR0, so the TLB can keep the entries of
//! many tasks at once. ASIDs are 16 bits (TCR_EL1.AS = 1); value 0 is reserved for "no user
//! space" and never handed out. A task stores its [`Asid`] with the generation it was
//! taken in. On each switch to a task, [`AsidAllocator::assign`] keeps the task's ASID if
//! its generation is current, and otherwise takes a free value. When no value is free the
//! generation is bumped, every value becomes free again and the caller flushes all TLBs;
//! tasks still holding an older generation get a fresh value lazily, on their next switch.
//!
//! Within a generation, values are handed out from a bitmap starting after the last one
//! taken, and [`AsidAllocator::release`] returns a dying task's value to the pool.
#![forbid(unsafe_code)]

use core::fmt;
use core::num::NonZeroU64;

/// ASID width of the Cortex-A53 with TCR_EL1.AS set.
pub const MAX_ASID_BITS: u8 = 16;

/// Words of the bitmap: one bit per possible value.
const WORDS: usize = (1 << MAX_ASID_BITS) / 64;

/// An address-space id as a task stores it: the TTBR0 value (low 16 bits,
/// never 0) and the generation it belongs to (above), in one word, so an
/// `Option<Asid>` is one word too and the IPC fast path checks it in a few
/// instructions. (2^48 generations would take 2^64 allocations.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Asid(NonZeroU64);

impl Asid {
    /// The value for TTBR0_EL1 bits 63:48 (only valid while its generation is current).
    #[inline(always)]
    pub const fn value(self) -> u16 {
        self.0.get() as u16
    }

    /// The allocator generation this value was taken in.
    #[inline(always)]
    pub const fn generation(self) -> u64 {
        self.0.get() >> 16
    }

    /// The TTBR0 value of `asid` if it belongs to `generation`. `None` is
    /// read as all bits 0, whose generation 0 is never current (the
    /// allocator's generations start at 1): one shift and one compare, no
    /// test for `None`.
    #[inline(always)]
    pub fn current_value(asid: Option<Asid>, generation: u64) -> Option<u16> {
        let raw = asid.map_or(0, |a| a.0.get());
        (raw >> 16 == generation).then_some(raw as u16)
    }
}

/// Why an ASID operation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AsidError {
    /// The width asked for is 0 or more than [`MAX_ASID_BITS`].
    InvalidWidth(u8),
    /// The ASID is not one this allocator handed out in this generation and still holds.
    NotAllocated,
}

impl fmt::Display for AsidError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AsidError::InvalidWidth(bits) => {
                write!(f, "ASID width of {bits} bits not in 1..={MAX_ASID_BITS}")
            }
            AsidError::NotAllocated => f.write_str("ASID not allocated in this generation"),
        }
    }
}

/// Hands out ASIDs for one core.
///
/// Invariants: bit 0 of `used` is always set (value 0 is reserved); no bit at or above
/// `1 << bits` is set; `live` counts the set bits other than bit 0; `generation >= 1`, so a
/// zeroed [`Asid`] is never current.
pub struct AsidAllocator {
    /// Bit `v` set: value `v` belongs to a task in the current generation.
    used: [u64; WORDS],
    bits: u8,
    generation: u64,
    /// Where the next search for a free value starts (values wrap to 1).
    next_value: u32,
    live: u32,
}

impl AsidAllocator {
    /// An allocator for full 16-bit ASIDs; `const` so it can live in a `static`.
    pub const fn new() -> Self {
        Self::fresh(MAX_ASID_BITS)
    }

    /// An allocator for `bits`-wide ASIDs (8 for cores without 16-bit ASIDs, small for tests).
    pub const fn with_bits(bits: u8) -> Result<Self, AsidError> {
        if bits == 0 || bits > MAX_ASID_BITS {
            return Err(AsidError::InvalidWidth(bits));
        }
        Ok(Self::fresh(bits))
    }

    /// The first generation of a `bits`-wide allocator (`bits` already checked).
    const fn fresh(bits: u8) -> Self {
        let mut used = [0; WORDS];
        used[0] = 1;
        Self {
            used,
            bits,
            generation: 1,
            next_value: 1,
            live: 0,
        }
    }

    /// Values a generation can hand out (all but 0).
    pub const fn values_per_generation(&self) -> u32 {
        (1 << self.bits) - 1
    }

    /// The current generation.
    pub const fn generation(&self) -> u64 {
        self.generation
    }

    /// Values handed out in the current generation and not released.
    pub const fn live(&self) -> u32 {
        self.live
    }

    /// The ASID to run a task with, given the one it stored (`None` for a new task).
    ///
    /// Returns the ASID (the task stores it) and whether the caller must invalidate every
    /// TLB entry of every ASID before running it: true exactly when the generation rolled over.
    pub fn assign(&mut self, current: Option<Asid>) -> (Asid, bool) {
        if let Some(asid) = current {
            if asid.generation() == self.generation {
                debug_assert!(self.is_used(asid.value()), "current ASID not marked used");
                return (asid, false);
            }
        }
        if let Some(value) = self.take_free() {
            return (self.asid(value), false);
        }
        self.roll_over();
        match self.take_free() {
            Some(value) => (self.asid(value), true),
            None => unreachable!("a fresh generation has free values"),
        }
    }

    /// Gives a dying task's ASID back, so this generation can hand the value out again.
    ///
    /// The caller must first invalidate the TLB entries of that value (TLBI ASIDE1), as it
    /// does when it tears down the address space. An ASID from an older generation is
    /// accepted and needs nothing: the rollover already freed and flushed it.
    pub fn release(&mut self, asid: Asid) -> Result<(), AsidError> {
        if asid.generation() < self.generation {
            return Ok(());
        }
        if asid.generation() > self.generation || asid.value() == 0 || !self.is_used(asid.value()) {
            return Err(AsidError::NotAllocated);
        }
        let value = usize::from(asid.value());
        self.used[value / 64] &= !(1 << (value % 64));
        self.live -= 1;
        Ok(())
    }

    fn asid(&self, value: u16) -> Asid {
        debug_assert!(value != 0, "value 0 is never handed out");
        let raw = (self.generation << 16) | u64::from(value);
        Asid(NonZeroU64::new(raw).unwrap_or(NonZeroU64::MIN))
    }

    fn is_used(&self, value: u16) -> bool {
        let value = usize::from(value);
        self.used[value / 64] & (1 << (value % 64)) != 0
    }

    /// Marks and returns the first free value at or after `next_value` (wrapping), if any.
    fn take_free(&mut self) -> Option<u16> {
        let limit = 1u32 << self.bits;
        if self.live >= self.values_per_generation() {
            return None;
        }
        // A free value exists, so at most one pass over the values finds it.
        let mut value = self.next_value;
        for _ in 0..limit {
            if value >= limit {
                value = 1;
            }
            let (word, bit) = (value as usize / 64, value % 64);
            if self.used[word] & (1 << bit) == 0 {
                self.used[word] |= 1 << bit;
                self.live += 1;
                self.next_value = value + 1;
                debug_assert!(value != 0 && value < limit);
                return Some(value as u16);
            }
            // Skip a whole full word at once.
            value = if self.used[word] == u64::MAX {
                (value | 63) + 1
            } else {
                value + 1
            };
        }
        None
    }

    /// Starts a new generation with every value free (but 0).
    fn roll_over(&mut self) {
        self.generation += 1;
        self.used = [0; WORDS];
        self.used[0] = 1;
        self.next_value = 1;
        self.live = 0;
    }
}

impl Default for AsidAllocator {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
#[path = "asid_tests.rs"]
mod tests;
