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
//!
//! A module like the drivers, with its own loop: handle 1 is its endpoint
//! (the others of `proto::modctl::handles` it does not use), and the
//! manager's STOP, USAGE and CRASH are handled by `ulib::module`. When a
//! server ends, its creator (badge 0: init) drops its devices with
//! `RemoveOwner`.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod server {
    extern crate alloc;

    use alloc::string::String;
    use proto::devreg::{Registry, Reply, Request};
    use proto::{Encoded, Errno};
    use ulib::module::{self, handles, Stop};
    use ulib::{ipc, println, sys_handle_close, sys_handle_dup, Handle, Msg, Rights};

    ulib::entry!(main);

    ulib::module! {
        name: "devreg",
        version: env!("CARGO_PKG_VERSION"),
        license: "MIT OR Apache-2.0",
        author: "mica developers",
        description: "The device registry: names and major/minor numbers of character devices, and their drivers' endpoints",
    }

    /// The endpoint drivers and clients call.
    const SERVICE: Handle = handles::SERVICE;
    /// Set in every badge a lookup mints, so none is 0 (unbadged) or a pid.
    const LOOKUP_BADGE: u64 = 1 << 63;
    /// The badge of the registry's creator (init), the only one that may `RemoveOwner`.
    const CREATOR_BADGE: u64 = 0;

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

    /// The registry and its badge counter, from init to exit.
    struct Devreg {
        registry: Registry<Handle>,
        badges: Badges,
    }

    fn main() -> i32 {
        module::run(devreg_init, serve, devreg_exit)
    }

    /// `module_init`: an empty registry.
    fn devreg_init() -> Result<Devreg, String> {
        println!("device registry up");
        Ok(Devreg {
            registry: Registry::new(),
            badges: Badges { next: 0 },
        })
    }

    /// Receives, answers, repeats until the manager says STOP (or receiving fails).
    fn serve(d: &mut Devreg) -> Stop {
        let mut owed: Option<Msg> = None;
        loop {
            let (msg, badge) = match ulib::server::next_request(SERVICE, &mut owed, None) {
                Ok(got) => got,
                Err(stop) => return stop,
            };
            owed = Some(ipc::with_buffer(|buf| {
                let n = usize::from(msg.info.len_bytes).min(buf.len());
                let mut copy = [0u8; 64];
                let len = n.min(copy.len());
                copy[..len].copy_from_slice(&buf[..len]);
                match Request::decode(msg.info.label, msg.words, &copy[..len]) {
                    Ok(req) => answer(d, &req, badge, msg.info.handle, buf),
                    Err(e) => {
                        close_passed(msg.info.handle);
                        encode(&Reply::Error(e.errno()), buf, 0)
                    }
                }
            }));
        }
    }

    /// `module_exit`: the devices still registered go with the registry (their
    /// endpoint handles close with the task; their servers keep running).
    fn devreg_exit(d: Devreg) {
        println!(
            "goodbye: device registry down ({} devices were still registered)",
            d.registry.len()
        );
    }

    /// One request; `passed` is the handle the message carried (0: none).
    fn answer(
        d: &mut Devreg,
        req: &Request,
        badge: u64,
        passed: Handle,
        buf: &mut [u8; 4096],
    ) -> Msg {
        let Devreg { registry, badges } = d;
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
            Request::RemoveOwner { owner } => {
                close_passed(passed);
                if badge != CREATOR_BADGE {
                    return encode(&Reply::Error(Errno::NotPermitted), buf, 0);
                }
                for (device, endpoint) in registry.remove_owner(owner) {
                    let _ = sys_handle_close(endpoint);
                    println!("removed {} (its server {owner} ended)", device.name);
                }
                encode(&Reply::Unregistered, buf, 0)
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
