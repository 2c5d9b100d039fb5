//! A thread's saved user registers: where the exception vectors save and restore a task.

/// Words of user state: x0..x30, sp_el0, elr (pc), spsr (pstate).
pub const CONTEXT_WORDS: usize = 34;

/// The user registers of a thread, saved while it is not running.
///
/// Invariant: `repr(C)` with exactly `CONTEXT_WORDS` u64 fields at the offsets
/// `vectors.s` uses (`user_entry`, `return_to_user`).
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
pub struct UserContext {
    /// x0..x30.
    pub x: [u64; 31],
    /// The user stack pointer.
    pub sp: u64,
    /// Where the thread resumes.
    pub pc: u64,
    /// Saved PSTATE (EL0t, interrupts unmasked).
    pub pstate: u64,
}

const _: () = assert!(core::mem::size_of::<UserContext>() == CONTEXT_WORDS * 8);

impl UserContext {
    /// Sets the syscall result: `x0` = the error code, 0 for success.
    pub fn set_result(&mut self, result: Result<(), abi::Error>) {
        self.x[0] = match result {
            Ok(()) => 0,
            Err(e) => e as u64,
        };
    }
}
