//! Host tests of receive windows on built-in servers: a reply's bytes left in the server go straight into the caller's window.

use super::{Grant, Instance, Service};
use crate::kstate::Kernel;
use crate::object::KObj;
use crate::platform::host;
use crate::task::TaskId;
use crate::test_kernel::*;
use abi::{Rights, Window, MAX_MSG_BYTES, REPLY_IN_WINDOW};
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use proto::serve::{Answer, Call};
use proto::Encoded;

/// Answers every call with `data` as the reply's bytes: written into `out`
/// by `call`, left in place (returned) by `call_direct`.
struct Store {
    data: Vec<u8>,
}

impl Store {
    fn reply(&self) -> Answer<Grant> {
        Answer::reply(Encoded {
            label: 0,
            words: [0; 4],
            word_count: 0,
            len_bytes: self.data.len() as u16,
        })
    }
}

impl Service for Store {
    fn call(
        &mut self,
        _k: &mut Kernel,
        _call: &Call,
        _handle: Option<Grant>,
        out: &mut [u8; MAX_MSG_BYTES],
    ) -> Answer<Grant> {
        out[..self.data.len()].copy_from_slice(&self.data);
        self.reply()
    }

    fn call_direct<'s>(
        &'s mut self,
        _k: &mut Kernel,
        _call: &Call<'s>,
        _handle: Option<Grant>,
        _out: &mut [u8; MAX_MSG_BYTES],
    ) -> (Answer<Grant>, Option<&'s [u8]>) {
        (self.reply(), Some(&self.data))
    }

    fn usage(&self) -> (u64, u64) {
        (0, 0)
    }

    fn stop(&mut self, _k: &mut Kernel) -> String {
        String::new()
    }
}

const PAGE: usize = crate::mem::PAGE_SIZE;
/// Where the caller's window pages are.
const WINDOW: usize = 0x5000_0000;

/// A caller holding a send handle to a `Store` of `len` bytes, its tables
/// loaded with two window pages (writable or not), 0xCC in them and 0xEE in
/// its IPC buffer: (kernel, caller, handle, data, window frames).
fn setup(len: usize, writable: bool) -> (Kernel, TaskId, u64, Vec<u8>, [crate::mem::PhysAddr; 2]) {
    let mut k = kernel();
    let client = task(&mut k, "client", 10);
    let data: Vec<u8> = (0..len)
        .map(|i| (i as u8).wrapping_mul(31) ^ 0x17)
        .collect();
    let instance = Instance {
        name: "store",
        service: Some(Box::new(Store { data: data.clone() })),
        irqs: Vec::new(),
    };
    let id = k.builtins.insert(instance).ok().expect("heap");
    let h = grant(&mut k, client, KObj::Builtin(id), Rights::SEND, 0);
    let (asid, _) = k.asids.assign(None);
    tk(&mut k, client).asid = Some(asid); // so switching to it loads these tables
    let frames = [host::alloc_frame(), host::alloc_frame()];
    for (i, f) in frames.iter().enumerate() {
        host::write_frame(*f, 0, &[0xCC; PAGE]);
        host::map_user_page(asid.value(), WINDOW + i * PAGE, *f, writable);
    }
    host::switch_user_tables(0, asid.value());
    host::write_frame(tk(&mut k, client).ipc_frame, 0, &[0xEE; PAGE]);
    (k, client, h, data, frames)
}

/// The caller's `call` with receive window `raw`.
fn call(k: &mut Kernel, client: TaskId, h: u64, raw: u64) -> u64 {
    load(k, client, words_msg(3, &[]), &[]);
    tk(k, client).ctx.x[7] = raw;
    assert_eq!(sys(k, client, |k| k.sys_send(h, true, FOREVER)), Ok(()));
    tk(k, client).ctx.x[0]
}

#[test]
fn a_reply_left_in_the_server_lands_in_the_callers_window() {
    for (offset, len) in [(0, 4096), (0xF00, 4096), (0x10, 100), (0xFFF, 2)] {
        let (mut k, client, h, data, frames) = setup(len, true);
        let raw = Window {
            va: WINDOW + offset,
            len,
        }
        .to_raw();
        assert_eq!(
            call(&mut k, client, h, raw),
            REPLY_IN_WINDOW,
            "+{offset:#x}, {len} bytes"
        );
        let got = frames_bytes(&frames);
        assert_eq!(
            got[offset..offset + len],
            data[..],
            "+{offset:#x}: the bytes"
        );
        assert!(got[..offset]
            .iter()
            .chain(&got[offset + len..])
            .all(|&b| b == 0xCC));
        assert!(
            ipc_buffer(&mut k, client).iter().all(|&b| b == 0xEE),
            "the IPC buffer"
        );
        let (info, _, _) = received(&mut k, client);
        assert_eq!(usize::from(info.len_bytes), len);
    }
}

#[test]
fn without_a_usable_window_the_bytes_arrive_in_the_ipc_buffer() {
    let len = 300;
    for (what, raw, writable) in [
        ("no window", 0, true),
        (
            "a window too small",
            Window {
                va: WINDOW,
                len: len - 1,
            }
            .to_raw(),
            true,
        ),
        (
            "a read-only window",
            Window { va: WINDOW, len }.to_raw(),
            false,
        ),
        (
            "an unmapped window",
            Window {
                va: WINDOW + 2 * PAGE,
                len,
            }
            .to_raw(),
            true,
        ),
    ] {
        let (mut k, client, h, data, frames) = setup(len, writable);
        assert_eq!(call(&mut k, client, h, raw), 0, "{what}: plain success");
        assert_eq!(
            ipc_buffer(&mut k, client)[..len],
            data[..],
            "{what}: the bytes"
        );
        assert!(
            frames_bytes(&frames).iter().all(|&b| b == 0xCC),
            "{what}: window untouched"
        );
    }
}
