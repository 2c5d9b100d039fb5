//! Fast byte copy for message bytes, shared by the kernel and `ulib`: 64-byte blocks with `ldp`/`stp` of general registers, then a short tail.
//!
//! The compiler's `memcpy` for `aarch64-unknown-none-softfloat` is
//! `compiler_builtins`' portable one: one 8-byte `ldr`/`str` pair per loop
//! (four instructions per 8 bytes, 2,048 for a 4 KiB IPC buffer), and a
//! byte-shuffling loop when source and destination disagree in alignment.
//! The block loop here moves 64 bytes in ten instructions (640 for 4 KiB)
//! whatever the alignment: the kernel runs with SCTLR_EL1.A clear and copies
//! only Normal memory (the linear map; user programs, their own memory),
//! where unaligned `ldp`/`stp` are allowed. General registers only: the kernel is soft-float and never
//! touches the FP/SIMD registers (they belong to the user task).

#![no_std]

/// Bytes moved by one turn of the block loop: four `ldp`/`stp` pairs of x registers.
pub const BLOCK_BYTES: usize = 64;

/// Copies `src` into `dst`; both must be the same length (a shorter one
/// clips the copy to its length, and debug builds assert).
#[inline]
pub fn copy_bytes(dst: &mut [u8], src: &[u8]) {
    debug_assert_eq!(dst.len(), src.len(), "copy_bytes between unequal slices");
    let len = dst.len().min(src.len());
    let bulk = len - len % BLOCK_BYTES;
    let (dst_bulk, dst_tail) = dst[..len].split_at_mut(bulk);
    let (src_bulk, src_tail) = src[..len].split_at(bulk);
    copy_blocks(dst_bulk, src_bulk);
    // At most 63 bytes: the portable memcpy's word loop is as good as anything here.
    dst_tail.copy_from_slice(src_tail);
}

/// Copies whole blocks: `dst.len() == src.len()`, a multiple of [`BLOCK_BYTES`].
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
#[inline]
fn copy_blocks(dst: &mut [u8], src: &[u8]) {
    debug_assert!(dst.len() == src.len() && dst.len().is_multiple_of(BLOCK_BYTES));
    let blocks_bytes = dst.len() - dst.len() % BLOCK_BYTES;
    if blocks_bytes == 0 {
        return;
    }
    // Unaligned ldp/stp are fine: SCTLR_EL1.A is clear and slices live in Normal memory.
    // SAFETY: the loop reads/writes exactly `blocks_bytes` (nonzero, a multiple of 64)
    // of `src`/`dst`, which `&`/`&mut` make valid and disjoint; no stack, no kept flags.
    unsafe {
        core::arch::asm!(
            "2:",
            "ldp {a}, {b}, [{src}], #64",
            "ldp {c}, {d}, [{src}, #-48]",
            "ldp {e}, {f}, [{src}, #-32]",
            "ldp {g}, {h}, [{src}, #-16]",
            "stp {a}, {b}, [{dst}], #64",
            "stp {c}, {d}, [{dst}, #-48]",
            "stp {e}, {f}, [{dst}, #-32]",
            "stp {g}, {h}, [{dst}, #-16]",
            "subs {n}, {n}, #64",
            "b.ne 2b",
            src = inout(reg) src.as_ptr() => _,
            dst = inout(reg) dst.as_mut_ptr() => _,
            n = inout(reg) blocks_bytes => _,
            a = out(reg) _,
            b = out(reg) _,
            c = out(reg) _,
            d = out(reg) _,
            e = out(reg) _,
            f = out(reg) _,
            g = out(reg) _,
            h = out(reg) _,
            options(nostack),
        );
    }
}

/// Copies whole blocks (host model of the loop above: eight 8-byte words per block).
#[cfg(not(all(target_arch = "aarch64", target_os = "none")))]
#[inline]
fn copy_blocks(dst: &mut [u8], src: &[u8]) {
    debug_assert!(dst.len() == src.len() && dst.len().is_multiple_of(BLOCK_BYTES));
    for (d, s) in dst
        .chunks_exact_mut(BLOCK_BYTES)
        .zip(src.chunks_exact(BLOCK_BYTES))
    {
        for (dw, sw) in d.chunks_exact_mut(8).zip(s.chunks_exact(8)) {
            dw.copy_from_slice(sw);
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::vec::Vec;

    /// The naive model: one byte at a time.
    fn naive(dst: &mut [u8], src: &[u8]) {
        for (d, s) in dst.iter_mut().zip(src) {
            *d = *s;
        }
    }

    /// Deterministic, non-repeating-ish bytes so a misplaced byte shows.
    fn pattern(len: usize, seed: u8) -> Vec<u8> {
        (0..len)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed) ^ (i >> 8) as u8)
            .collect()
    }

    #[test]
    fn matches_naive_for_odd_lengths_and_alignments() {
        let lengths = [
            0, 1, 7, 8, 15, 16, 63, 64, 65, 127, 128, 129, 1000, 4095, 4096,
        ];
        for &len in &lengths {
            for src_off in 0..9 {
                for dst_off in 0..9 {
                    let src = pattern(len + src_off, 3);
                    let mut got = pattern(len + dst_off + 16, 200);
                    let mut want = got.clone();
                    copy_bytes(
                        &mut got[dst_off..dst_off + len],
                        &src[src_off..src_off + len],
                    );
                    naive(
                        &mut want[dst_off..dst_off + len],
                        &src[src_off..src_off + len],
                    );
                    assert_eq!(got, want, "len {len} src+{src_off} dst+{dst_off}");
                }
            }
        }
    }

    #[test]
    fn leaves_bytes_outside_the_range_alone() {
        let src = [0xAA; 200];
        let mut dst = [0x11; 300];
        copy_bytes(&mut dst[50..250], &src);
        assert!(dst[..50].iter().all(|&b| b == 0x11));
        assert!(dst[50..250].iter().all(|&b| b == 0xAA));
        assert!(dst[250..].iter().all(|&b| b == 0x11));
    }
}
