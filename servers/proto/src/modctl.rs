//! The module lifecycle between init (the module manager) and a module: ready, stop, crash, usage.
//!
//! Every module gets the same handles (see [`handles`]). After its init
//! function succeeds it calls the manager with [`READY`]; until then init
//! treats it as loading, and if it exits instead, `insmod` fails with its
//! message. init reaches the module through the module's own endpoint with
//! a copy badged [`MANAGER_BADGE`], which no client can hold (clients get
//! badges from init's counter or the registry's, whose top bit is set):
//! [`STOP`] asks it to run its exit function and end, [`USAGE`] how many
//! files its clients hold open, [`CRASH`] to take a data abort on purpose
//! (fault injection for the isolation demonstration).

/// The handle numbers every module finds in its table.
pub mod handles {
    /// The module's own endpoint: clients call it, init stops it through it.
    pub const SERVICE: u32 = 1;
    /// The device registry, badged with the module's own id.
    pub const REGISTRY: u32 = 2;
    /// The boot archive, read-only.
    pub const ARCHIVE: u32 = 3;
    /// The module manager (init), badged with the module's id: `READY` goes here.
    pub const MANAGER: u32 = 4;
}

/// Module → manager: "my init function succeeded". A call; init answers OK.
pub const READY: u16 = 0x3E0;
/// Manager → module: run your exit function and end. The module answers
/// before it exits; init then waits for the exit message.
pub const STOP: u16 = 0x3E1;
/// Manager → module: take a data abort now (fault injection). No answer.
pub const CRASH: u16 = 0x3E2;
/// Manager → module: how many fds are open? Answer: OK with w0 = open
/// fds, w1 = distinct clients holding them.
pub const USAGE: u16 = 0x3E3;

/// The badge init's own copy of a module's endpoint carries. Bit 63 is
/// clear (the registry's per-lookup badges have it set) and the value is
/// far above init's client counter, so no client holds it.
pub const MANAGER_BADGE: u64 = 0x4D4F_4453_544F_5000;

/// Whether a message a module received is one of the manager's.
pub const fn is_manager(label: u16, badge: u64) -> bool {
    badge == MANAGER_BADGE && matches!(label, STOP | CRASH | USAGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manager_messages_need_the_manager_badge() {
        assert!(is_manager(STOP, MANAGER_BADGE));
        assert!(is_manager(USAGE, MANAGER_BADGE));
        assert!(!is_manager(STOP, 7));
        assert!(!is_manager(READY, MANAGER_BADGE));
        assert!(!is_manager(0x101, MANAGER_BADGE));
        assert_eq!(MANAGER_BADGE >> 63, 0);
    }

    #[test]
    fn labels_are_in_inits_range_and_distinct() {
        let all = [READY, STOP, CRASH, USAGE];
        for (i, a) in all.iter().enumerate() {
            assert!((0x300..=0x3FF).contains(a));
            assert!(all[i + 1..].iter().all(|b| b != a));
        }
    }
}
