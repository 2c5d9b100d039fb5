//! Frame-pointer stack walking for panic reports.

/// The most frames a backtrace shows.
pub const MAX_FRAMES: usize = 32;

/// Walks the frame-record chain from `fp`, calling `visit(index, return_address)`
/// for each frame. Stops at a null, misaligned or out-of-stack record, or when
/// the chain does not move up the stack, so a corrupt chain ends the walk
/// instead of faulting. `stack` is the `[bottom, top)` of the stack `fp` lives on.
pub fn walk(mut fp: usize, stack: (usize, usize), mut visit: impl FnMut(usize, usize)) {
    for index in 0..MAX_FRAMES {
        let record_fits = fp >= stack.0 && fp.checked_add(16).is_some_and(|end| end <= stack.1);
        if fp == 0 || !fp.is_multiple_of(8) || !record_fits {
            return;
        }
        // SAFETY: `[fp, fp + 16)` lies inside the given stack, which is mapped
        // readable memory; a frame record is two u64s and `fp` is 8-aligned.
        let (next_fp, return_addr) = unsafe {
            let record = fp as *const u64;
            (record.read() as usize, record.add(1).read() as usize)
        };
        if return_addr == 0 {
            return;
        }
        visit(index, return_addr);
        if next_fp <= fp {
            return;
        }
        fp = next_fp;
    }
}
