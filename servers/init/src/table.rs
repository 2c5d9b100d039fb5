//! The lsmod table: one row per module with its size, users, state, restarts and pid.

use crate::manager::{Manager, State};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

impl Manager {
    /// The module list for lsmod, one row each: name, size, used-by count and names, state, restarts, pid.
    pub fn rows(&self) -> Vec<[String; 6]> {
        let mut rows = Vec::new();
        for (i, m) in self.modules.iter().enumerate() {
            let users = self.dependents(&m.name);
            let (fds, _) = self.usage(i);
            let size = ulib::sysinfo::task_info(m.pid)
                .ok()
                .filter(|t| t.pid == m.pid && m.pid != 0)
                .map_or(0, |t| t.pages * 4096);
            let state = match &m.state {
                State::Live => String::from("live"),
                State::Held(_) => String::from("held"),
            };
            let used = if users.is_empty() {
                (users.len() as u64 + fds).to_string()
            } else {
                format!("{} {}", users.len() as u64 + fds, users.join(","))
            };
            rows.push([
                m.name.clone(),
                size.to_string(),
                used,
                state,
                m.restarts.to_string(),
                if m.builtin {
                    String::from("-")
                } else {
                    m.pid.to_string()
                },
            ]);
        }
        rows
    }
}
