//! What a task is doing, as `task_info` reports it in `x2` (the state column of `ps`).

/// A task's state. Blocked states name what the task waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u64)]
pub enum TaskState {
    /// On the CPU (the task asking is always running).
    Running = 0,
    /// Runnable, waiting for its turn.
    Ready = 1,
    /// Blocked in `recv` on an endpoint.
    Receiving = 2,
    /// Blocked in `send` until a receiver takes the message.
    Sending = 3,
    /// Blocked in `call` until a server receives the message.
    Calling = 4,
    /// Its call was received; waiting for the server's reply.
    AwaitingReply = 5,
    /// Blocked in `wait` on a notification.
    Waiting = 6,
    /// Sleeping until its deadline.
    Sleeping = 7,
    /// Ended (exit or fault); kept only until its supervisor takes its last message.
    Zombie = 8,
}

impl TaskState {
    /// Every state, in number order.
    pub const ALL: [TaskState; 9] = [
        TaskState::Running,
        TaskState::Ready,
        TaskState::Receiving,
        TaskState::Sending,
        TaskState::Calling,
        TaskState::AwaitingReply,
        TaskState::Waiting,
        TaskState::Sleeping,
        TaskState::Zombie,
    ];

    /// Decodes `x2` of `task_info`; `None` for a number no state has.
    pub fn from_raw(raw: u64) -> Option<TaskState> {
        Self::ALL.get(usize::try_from(raw).ok()?).copied()
    }

    /// A short lower-case word for `ps`.
    pub fn name(self) -> &'static str {
        match self {
            TaskState::Running => "running",
            TaskState::Ready => "ready",
            TaskState::Receiving => "recv",
            TaskState::Sending => "send",
            TaskState::Calling => "call",
            TaskState::AwaitingReply => "reply",
            TaskState::Waiting => "wait",
            TaskState::Sleeping => "sleep",
            TaskState::Zombie => "zombie",
        }
    }
}

impl core::fmt::Display for TaskState {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_and_are_dense() {
        for (i, s) in TaskState::ALL.iter().enumerate() {
            assert_eq!(*s as u64, i as u64);
            assert_eq!(TaskState::from_raw(i as u64), Some(*s));
        }
        assert_eq!(TaskState::from_raw(TaskState::ALL.len() as u64), None);
        assert_eq!(TaskState::from_raw(u64::MAX), None);
    }

    #[test]
    fn names_are_unique_short_lower_case_words() {
        for a in TaskState::ALL {
            let name = a.name();
            assert!(!name.is_empty() && name.len() <= 7, "{name}");
            assert!(name.bytes().all(|b| b.is_ascii_lowercase()), "{name}");
            for b in TaskState::ALL {
                assert!(a == b || a.name() != b.name());
            }
        }
    }
}
