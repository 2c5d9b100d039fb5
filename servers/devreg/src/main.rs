//! devreg: the device registry, the `register_chrdev` and `/proc/devices` of mica.
//!
//! Serves handle 1. Drivers `Register` a name and major/minor with their
//! endpoint attached; clients `Lookup` a name and get a copy of that endpoint;
//! `List` pages through every device. A second registration of a taken name or
//! number is refused with the holder named. The caller's badge is its identity:
//! whoever starts a driver gives it a registry handle badged with its pid.
//!
//! Each `Lookup` gets its own copy of the driver's endpoint with a fresh
//! badge (top bit set, then a counter: never 0, never a pid), so the driver,
//! which tells clients apart by badge, sees every looked-up client (every
//! `/dev` open through the file server) as a different one. That needs the
//! registered endpoint handle to be unbadged, as a driver's own service
//! handle is; the kernel badges only unbadged handles, so a driver that
//! registered a badged copy gets copies with that one badge for all its
//! clients (the registry says so in its log when the driver registers).
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod server {
    use proto::devreg::{Registry, Reply, Request};
    use proto::{Encoded, Errno};
    use ulib::abi::FOREVER;
    use ulib::{
        eprintln, ipc, println, sys_handle_close, sys_handle_dup, sys_recv, sys_reply_recv, Handle,
        Msg, Rights,
    };

    ulib::entry!(main);

    /// Handle 1: the endpoint drivers and clients call.
    const SERVICE: Handle = 1;
    /// Set in every badge a lookup mints, so none is 0 (unbadged) or a pid.
    const LOOKUP_BADGE: u64 = 1 << 63;

    /// The badges given to looked-up copies: `LOOKUP_BADGE | n`, n counting from 1.
    struct Badges {
        next: u64,
    }

    impl Badges {
        /// The next fresh badge (2^63 lookups before it would repeat).
        fn mint(&mut self) -> u64 {
            self.next = self.next.wrapping_add(1) & !LOOKUP_BADGE;
            LOOKUP_BADGE | self.next
        }
    }

    fn main() -> i32 {
        let mut registry: Registry<Handle> = Registry::new();
        let mut badges = Badges { next: 0 };
        println!("device registry up");
        let Ok((mut msg, mut badge)) = sys_recv(SERVICE, FOREVER) else {
            return 1;
        };
        loop {
            let reply = ipc::with_buffer(|buf| {
                let n = usize::from(msg.info.len_bytes).min(buf.len());
                let mut copy = [0u8; 64];
                let len = n.min(copy.len());
                copy[..len].copy_from_slice(&buf[..len]);
                match Request::decode(msg.info.label, msg.words, &copy[..len]) {
                    Ok(req) => answer(
                        &mut registry,
                        &mut badges,
                        &req,
                        badge,
                        msg.info.handle,
                        buf,
                    ),
                    Err(e) => encode(&Reply::Error(e.errno()), buf, 0),
                }
            });
            match sys_reply_recv(SERVICE, &reply, FOREVER) {
                Ok((m, b)) => (msg, badge) = (m, b),
                Err(e) => {
                    eprintln!("reply_recv failed: {e}");
                    return 1;
                }
            }
        }
    }

    /// One request; `passed` is the handle the message carried (0: none).
    fn answer(
        registry: &mut Registry<Handle>,
        badges: &mut Badges,
        req: &Request,
        badge: u64,
        passed: Handle,
        buf: &mut [u8; 4096],
    ) -> Msg {
        match *req {
            Request::Register {
                name,
                kind,
                major,
                minor,
            } => {
                if passed == 0 {
                    return encode(&Reply::Error(Errno::Invalid), buf, 0);
                }
                let device = proto::devreg::Device {
                    name,
                    kind,
                    major,
                    minor,
                    owner: badge,
                };
                if !takes_badges(passed, badges) {
                    println!(
                        "{name}: registered with a badged endpoint, so its clients will share that badge"
                    );
                }
                match registry.register(device, passed) {
                    Ok(d) => {
                        println!(
                            "registered {} (major {}, minor {}) for {}",
                            d.name, d.major, d.minor, badge
                        );
                        encode(
                            &Reply::Registered {
                                major: d.major,
                                minor: d.minor,
                            },
                            buf,
                            0,
                        )
                    }
                    Err(e) => {
                        let _ = sys_handle_close(passed);
                        encode(&e.reply(), buf, 0)
                    }
                }
            }
            Request::Unregister { name } => {
                close_passed(passed);
                match registry.unregister(&name, badge) {
                    Ok((_, endpoint)) => {
                        let _ = sys_handle_close(endpoint);
                        encode(&Reply::Unregistered, buf, 0)
                    }
                    Err(e) => encode(&Reply::Error(e), buf, 0),
                }
            }
            Request::Lookup { name } => {
                close_passed(passed);
                let Some((device, &endpoint)) = registry.lookup(&name) else {
                    return encode(&Reply::Error(Errno::NoEntry), buf, 0);
                };
                let device = *device;
                // The registry keeps its copy; the client gets a fresh one (send only), badged for it.
                let copy = sys_handle_dup(endpoint, Rights::SEND, badges.mint())
                    // Already badged by the driver (see the log at registration): that badge stays.
                    .or_else(|_| sys_handle_dup(endpoint, Rights::SEND, 0));
                match copy {
                    Ok(copy) => encode(&Reply::Found(device), buf, copy),
                    Err(e) => encode(&Reply::Error(Errno::from(e)), buf, 0),
                }
            }
            Request::List { start } => {
                close_passed(passed);
                let mut page = [0u8; 4096];
                match registry.list(start, &mut page) {
                    Ok(reply) => encode(&reply, buf, 0),
                    Err(e) => encode(&Reply::Error(e), buf, 0),
                }
            }
        }
    }

    /// Whether copies of `endpoint` can carry badges of their own (only an unbadged handle's can).
    fn takes_badges(endpoint: Handle, badges: &mut Badges) -> bool {
        match sys_handle_dup(endpoint, Rights::SEND, badges.mint()) {
            Ok(probe) => {
                let _ = sys_handle_close(probe);
                true
            }
            Err(_) => false,
        }
    }

    /// A handle sent with a request that takes none is not kept.
    fn close_passed(h: Handle) {
        if h != 0 {
            let _ = sys_handle_close(h);
        }
    }

    /// Encodes `reply` (carrying `handle`, 0 for none) into the IPC buffer and registers.
    fn encode(reply: &Reply, buf: &mut [u8; 4096], handle: Handle) -> Msg {
        let encoded: Result<Encoded, Errno> = reply.encode(buf);
        match encoded.or_else(|errno| Reply::Error(errno).encode(buf)) {
            Ok(e) => Msg {
                info: e.info().with_handle(handle),
                words: e.words,
            },
            Err(_) => Msg::new(Errno::Io.code(), []),
        }
    }
}

/// On the host the registry binary is empty.
#[cfg(not(target_os = "none"))]
fn main() {}
