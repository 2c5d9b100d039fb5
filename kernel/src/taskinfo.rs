//! `task_info`: one task's pid, state, priority, memory, CPU time and name, for `ps`.

use crate::kstate::Kernel;
use crate::task::{State, TaskId};
use abi::{Error, TaskState};

impl Kernel {
    /// The task with the smallest pid `>= pid` (zombies included), if any.
    pub fn task_from_pid(&self, pid: u64) -> Option<TaskId> {
        self.tasks
            .iter()
            .filter(|(_, t)| t.pid >= pid)
            .min_by_key(|(_, t)| t.pid)
            .map(|(id, _)| id)
    }

    /// What task `id` is doing, in the ABI's words; the current task is running.
    pub fn task_state(&self, id: TaskId) -> Option<TaskState> {
        let task = self.tasks.get(id)?;
        Some(match task.state {
            State::Ready if self.current == Some(id) => TaskState::Running,
            State::Ready => TaskState::Ready,
            State::Sending { call: true, .. } => TaskState::Calling,
            State::Sending { call: false, .. } => TaskState::Sending,
            State::Receiving { .. } => TaskState::Receiving,
            State::AwaitingReply { .. } => TaskState::AwaitingReply,
            State::Waiting { .. } => TaskState::Waiting,
            State::Sleeping => TaskState::Sleeping,
            State::InKernel { .. } => TaskState::Calling,
            State::Zombie => TaskState::Zombie,
        })
    }

    /// `task_info`: describes the task with the smallest pid `>= pid` in `x1..x6`
    /// (see `abi::Sysnum::TaskInfo`), its name in the caller's IPC buffer.
    pub fn sys_task_info(&mut self, pid: u64) -> Result<(), Error> {
        let id = self.task_from_pid(pid).ok_or(Error::NotFound)?;
        self.account_running(); // the caller's own time up to this call
        let state = self.task_state(id).ok_or(Error::NotFound)?;
        let me = self.current.and_then(|c| self.tasks.get(c));
        let ipc_frame = me.ok_or(Error::InvalidArgument)?.ipc_frame;
        let task = self.tasks.get(id).ok_or(Error::NotFound)?;
        debug_assert!(task.name.len() <= abi::MAX_NAME_BYTES, "spawn bounds names");
        crate::platform::write_frame(ipc_frame, 0, task.name.as_bytes());
        let regs = [
            task.pid,
            state as u64,
            u64::from(task.priority),
            task.space.as_ref().map_or(0, |s| s.memory_pages() as u64),
            crate::platform::counts_to_ns(task.cpu_counts),
            task.name.len() as u64,
        ];
        self.cur().ctx.x[1..7].copy_from_slice(&regs);
        Ok(())
    }
}

#[cfg(test)]
#[path = "taskinfo_tests.rs"]
mod tests;
