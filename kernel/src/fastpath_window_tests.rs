//! Host tests of `reply_recv_from` on the fast path: bytes from the server's memory into the caller's receive window or IPC buffer.

use super::*;
use crate::kstate::Kernel;
use crate::platform::host;
use crate::test_kernel::*;
use abi::{MsgInfo, Window, REPLY_IN_WINDOW};
use alloc::vec::Vec;

/// Where the server keeps the bytes it answers with, and where the caller's window pages are.
const SRV_DATA: usize = 0x4000_0000;
const CLI_WINDOW: usize = 0x5000_0000;

/// One read answered by `reply_recv_from`, as the test sets it up.
struct Read {
    p: Pair,
    sent: Vec<u8>,
    /// The caller's two window frames (pages `CLI_WINDOW` and the next).
    window_frames: [PhysAddr; 2],
    srv_asid: u16,
    cli_asid: u16,
}

/// Gives `t` a current ASID; returns its value.
fn give_asid(k: &mut Kernel, t: TaskId) -> u16 {
    let (asid, _) = k.asids.assign(None);
    tk(k, t).asid = Some(asid);
    asid.value()
}

/// The server (its tables loaded) about to answer the caller's call with
/// `len` bytes at `SRV_DATA + srv_off` through `reply_recv_from`; the caller's
/// `x7` is `window` (raw). The caller's window pages are mapped `writable`.
fn read_rig(k: &mut Kernel, srv_off: usize, len: usize, window: u64, writable: bool) -> Read {
    let p = pair(k);
    assert_eq!(recv(k, p.srv, p.h_srv), Ok(()));
    let info = MsgInfo::new(3, 0);
    let x = &mut tk(k, p.cli).ctx.x;
    (x[0], x[1], x[6], x[7], x[8]) = (p.h_cli, info.to_raw(), FOREVER, window, Sysnum::Call as u64);
    run(k, p.cli);
    assert_eq!(fast(k), Some(p.srv), "the call went the fast way");

    let srv_asid = give_asid(k, p.srv);
    let cli_asid = give_asid(k, p.cli);
    let sent: Vec<u8> = (0..len)
        .map(|i| (i as u8).wrapping_mul(13) ^ 0x5A)
        .collect();
    let srv_frames = [host::alloc_frame(), host::alloc_frame()];
    for (i, f) in srv_frames.iter().enumerate() {
        host::map_user_page(srv_asid, SRV_DATA + i * PAGE, *f, false);
    }
    let first = len.min(PAGE - srv_off);
    host::write_frame(srv_frames[0], srv_off, &sent[..first]);
    host::write_frame(srv_frames[1], 0, &sent[first..]);
    let window_frames = [host::alloc_frame(), host::alloc_frame()];
    for (i, f) in window_frames.iter().enumerate() {
        host::write_frame(*f, 0, &[0xCC; PAGE]);
        host::map_user_page(cli_asid, CLI_WINDOW + i * PAGE, *f, writable);
    }
    host::write_frame(tk(k, p.cli).ipc_frame, 0, &[0xEE; PAGE]);

    let reply = MsgInfo::new(6, 0).with_bytes(len as u16);
    let x = &mut tk(k, p.srv).ctx.x;
    (x[0], x[1], x[6], x[7], x[8]) = (
        p.h_srv,
        reply.to_raw(),
        FOREVER,
        (SRV_DATA + srv_off) as u64,
        Sysnum::ReplyRecvFrom as u64,
    );
    host::switch_user_tables(0, srv_asid);
    k.loaded = Some(p.srv);
    Read {
        p,
        sent,
        window_frames,
        srv_asid,
        cli_asid,
    }
}

const PAGE: usize = crate::mem::PAGE_SIZE;

/// The caller's two window pages, as one byte string.
fn window_bytes(r: &Read) -> Vec<u8> {
    frames_bytes(&r.window_frames)
}

fn window(cli_off: usize, len: usize) -> u64 {
    Window {
        va: CLI_WINDOW + cli_off,
        len,
    }
    .to_raw()
}

#[test]
fn a_reply_lands_in_the_callers_window_wherever_the_pages_split() {
    for (srv_off, cli_off, len) in [
        (0, 0, 4096),
        (0xFF0, 0x10, 4096),
        (0x10, 0xFF0, 4096),
        (0x800, 0x800, 4096),
        (0xFFF, 0, 2),
        (0, 0xFFF, 2),
        (0x123, 0x456, 100),
        (0, 0, 1),
    ] {
        let mut k = kernel();
        let r = read_rig(&mut k, srv_off, len, window(cli_off, len), true);
        let what = alloc::format!("server at +{srv_off:#x}, window at +{cli_off:#x}, {len} bytes");
        assert_eq!(fast(&mut k), Some(r.p.cli), "{what}: the fast path took it");
        assert_eq!(tk(&mut k, r.p.cli).ctx.x[0], REPLY_IN_WINDOW, "{what}");
        let (info, _, _) = received(&mut k, r.p.cli);
        assert_eq!(info.len_bytes as usize, len, "{what}");
        let got = window_bytes(&r);
        assert_eq!(got[cli_off..cli_off + len], r.sent[..], "{what}: the bytes");
        assert!(
            got[..cli_off].iter().all(|&b| b == 0xCC),
            "{what}: before the window"
        );
        assert!(
            got[cli_off + len..].iter().all(|&b| b == 0xCC),
            "{what}: after it"
        );
        assert!(
            ipc_buffer(&mut k, r.p.cli).iter().all(|&b| b == 0xEE),
            "{what}: the IPC buffer"
        );
        assert_eq!(
            host::loaded_asid(),
            Some(r.cli_asid),
            "{what}: the caller's tables"
        );
        assert_eq!(k.loaded, Some(r.p.cli), "{what}");
        assert_eq!(state(&k, r.p.srv), State::Receiving { ep: r.p.ep });
    }
}

#[test]
fn a_reply_the_window_cannot_take_arrives_in_the_ipc_buffer() {
    let len = 300;
    let cases = [
        ("no window", 0, true),
        ("a window too small", window(0, len - 1), true),
        ("a read-only window", window(0, len), false),
        ("a window on unmapped pages", window(3 * PAGE, len), true),
        (
            "a window in kernel space",
            (0xFFFF_u64 << 48 >> 16) | (len as u64) << 48,
            true,
        ),
    ];
    for (what, raw, writable) in cases {
        let mut k = kernel();
        let r = read_rig(&mut k, 0x40, len, raw, writable);
        assert_eq!(fast(&mut k), Some(r.p.cli), "{what}: the fast path took it");
        assert_eq!(tk(&mut k, r.p.cli).ctx.x[0], 0, "{what}: plain success");
        assert_eq!(
            ipc_buffer(&mut k, r.p.cli)[..len],
            r.sent[..],
            "{what}: the bytes"
        );
        assert!(
            window_bytes(&r).iter().all(|&b| b == 0xCC),
            "{what}: the window untouched"
        );
    }
}

#[test]
fn a_caller_without_a_current_asid_is_left_to_the_general_path() {
    let mut k = kernel();
    let len = 64;
    let r = read_rig(&mut k, 0, len, window(0, len), true);
    tk(&mut k, r.p.cli).asid = None; // the switch to it needs the allocator
    assert_eq!(fast(&mut k), None, "declined");
    assert_eq!(state(&k, r.p.cli), State::AwaitingReply { server: r.p.srv });
    assert_eq!(
        k.loaded,
        Some(r.p.srv),
        "nothing loaded the caller's tables"
    );
    assert_eq!(host::loaded_asid(), Some(r.srv_asid));
    assert!(window_bytes(&r).iter().all(|&b| b == 0xCC));
    assert!(ipc_buffer(&mut k, r.p.cli).iter().all(|&b| b == 0xEE));
}

#[test]
fn unreadable_server_memory_leaves_the_reply_to_the_general_path() {
    let mut k = kernel();
    let r = read_rig(&mut k, 0, 64, window(0, 64), true);
    tk(&mut k, r.p.srv).ctx.x[7] = (SRV_DATA + 5 * PAGE) as u64;
    assert_eq!(fast(&mut k), None, "declined");
    assert_eq!(state(&k, r.p.cli), State::AwaitingReply { server: r.p.srv });
    assert!(window_bytes(&r).iter().all(|&b| b == 0xCC));
}
