//! uecho: the test server. Serves handle 1 (an endpoint) until told to stop.
//!
//! Labels: 1 echo (words and buffer back), 2 reply with the caller's badge,
//! 3 signal the notification passed with the message (bits in word 0),
//! 4 reply then exit, 5 sum of the buffer bytes in word 0, 6 the buffer
//! reversed, 7 sum of the first word-0 bytes of the region passed with the message,
//! 8 word 0 plus one, answered through a saved reply (`reply_save`, `reply_to`).
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

use ulib::abi::FOREVER;
use ulib::{eprintln, ipc, sys_handle_close, sys_recv, sys_reply_recv, sys_signal, Msg};

ulib::entry!(main);

ulib::module! {
    name: "uecho",
    version: env!("CARGO_PKG_VERSION"),
    license: "MIT OR Apache-2.0",
    author: "mica developers",
    description: "test server: echoes, badges, signals and sums for the IPC tests",
    depends: "",
    params: [],
}

const EP: u32 = 1;

fn main() -> i32 {
    let Ok((mut msg, mut badge)) = sys_recv(EP, FOREVER) else {
        eprintln!("uecho: receive failed");
        return 1;
    };
    loop {
        let reply = match msg.label() {
            1 => msg,
            2 => Msg::new(2, [badge]),
            3 => {
                let h = msg.info.handle;
                let r = sys_signal(h, msg.words[0]);
                let _ = sys_handle_close(h);
                Msg::new(3, [u64::from(r.is_ok())])
            }
            4 => {
                let _ = ulib::sys_reply(&Msg::new(4, []));
                return 0;
            }
            8 => {
                // Park the caller's reply in a handle, then answer through it.
                let answered = ulib::sys_reply_save()
                    .and_then(|saved| ulib::sys_reply_to(saved, &Msg::new(8, [msg.words[0] + 1])));
                match answered.and_then(|()| sys_recv(EP, FOREVER)) {
                    Ok((m, b)) => {
                        (msg, badge) = (m, b);
                        continue;
                    }
                    Err(e) => {
                        eprintln!("uecho: saved reply failed: {e}");
                        return 1;
                    }
                }
            }
            5 => {
                let n = usize::from(msg.info.len_bytes);
                let sum = ipc::with_buffer(|b| b[..n].iter().map(|&x| u64::from(x)).sum::<u64>());
                Msg::new(5, [sum])
            }
            6 => {
                let n = usize::from(msg.info.len_bytes);
                ipc::with_buffer(|b| b[..n].reverse());
                Msg::new(6, []).with_bytes(msg.info.len_bytes)
            }
            7 => {
                let h = msg.info.handle;
                let sum = ulib::mapping::Mapping::region(h, false).map(|m| {
                    let n = (msg.words[0] as usize).min(m.bytes().len());
                    m.bytes()[..n].iter().map(|&x| u64::from(x)).sum::<u64>()
                });
                let _ = sys_handle_close(h);
                Msg::new(7, [sum.unwrap_or(u64::MAX)])
            }
            other => Msg::new(0xFFFF, [u64::from(other)]),
        };
        match sys_reply_recv(EP, &reply, FOREVER) {
            Ok((m, b)) => (msg, badge) = (m, b),
            Err(e) => {
                eprintln!("uecho: reply_recv failed: {e}");
                return 1;
            }
        }
    }
}
