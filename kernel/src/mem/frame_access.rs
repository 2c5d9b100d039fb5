//! Reading and writing whole frames through the linear map (for loaders, IPC buffers, zeroing).

use super::addr::{PhysAddr, PAGE_SIZE};
use blockcopy::copy_bytes;

/// The bytes of frame `pa`, shared.
///
/// The caller must own the frame (took it from the frame allocator and has not
/// freed it); the kernel is single-threaded under its big lock, so no other
/// reference to the frame's bytes exists while this one lives.
fn frame(pa: PhysAddr) -> &'static mut [u8; PAGE_SIZE] {
    debug_assert!(pa.is_page_aligned());
    // SAFETY: frames lie in RAM, which the linear map covers read-write; the
    // caller owns the frame (see above), so the reference aliases nothing.
    unsafe { &mut *(pa.to_virt().as_usize() as *mut [u8; PAGE_SIZE]) }
}

/// Runs `f` on the bytes of frame `pa` (a task's IPC buffer that a built-in
/// server answers into). The caller owns the frame, and `f` must not reach the
/// same frame through another of these functions while it runs.
pub fn with_frame<R>(pa: PhysAddr, f: impl FnOnce(&mut [u8; PAGE_SIZE]) -> R) -> R {
    f(frame(pa))
}

/// Fills frame `pa` with zeros.
pub fn zero_frame(pa: PhysAddr) {
    frame(pa).fill(0);
}

/// Copies `bytes` into frame `pa` at `offset` (clipped to the frame).
pub fn write_frame(pa: PhysAddr, offset: usize, bytes: &[u8]) {
    let f = frame(pa);
    let start = offset.min(PAGE_SIZE);
    let len = bytes.len().min(PAGE_SIZE - start);
    copy_bytes(&mut f[start..start + len], &bytes[..len]);
}

/// Copies from frame `pa` at `offset` into `out` (clipped to the frame); returns bytes copied.
pub fn read_frame(pa: PhysAddr, offset: usize, out: &mut [u8]) -> usize {
    let f = frame(pa);
    let start = offset.min(PAGE_SIZE);
    let len = out.len().min(PAGE_SIZE - start);
    copy_bytes(&mut out[..len], &f[start..start + len]);
    len
}

/// Copies `len_bytes` from physical address `src` (they must lie in one
/// frame, a task's page that the caller checked) into frame `dst` at `offset`
/// (clipped to the frame): a reply's bytes from where the server keeps them.
pub fn copy_into_frame(dst: PhysAddr, offset: usize, src: PhysAddr, len_bytes: usize) {
    let (src_page, src_offset) = (PhysAddr(src.0 & !(PAGE_SIZE - 1)), src.0 % PAGE_SIZE);
    let len = len_bytes
        .min(PAGE_SIZE - src_offset)
        .min(PAGE_SIZE - offset.min(PAGE_SIZE));
    if len == 0 {
        return;
    }
    if src_page == dst {
        frame(dst).copy_within(src_offset..src_offset + len, offset);
        return;
    }
    let (s, d) = (frame(src_page), frame(dst));
    copy_bytes(
        &mut d[offset..offset + len],
        &s[src_offset..src_offset + len],
    );
}

/// Copies the first `len_bytes` of frame `src` to frame `dst` (the IPC buffer copy).
pub fn copy_frame_prefix(src: PhysAddr, dst: PhysAddr, len_bytes: usize) {
    let len = len_bytes.min(PAGE_SIZE);
    if src == dst || len == 0 {
        return;
    }
    let s = frame(src);
    let d = frame(dst);
    copy_bytes(&mut d[..len], &s[..len]);
}
