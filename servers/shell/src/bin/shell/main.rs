//! The shell: a prompt on the serial console with line editing, and mica's commands (`help` lists them).
//!
//! Handles: 1 the file server, 2 init's control endpoint, 3 the device
//! registry. The console is `/dev/ttyS0`, opened through the file server and
//! put in raw mode: the shell edits lines itself.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod commands;
#[cfg(target_os = "none")]
mod ctx;
#[cfg(target_os = "none")]
mod files;
#[cfg(target_os = "none")]
mod gpio;
#[cfg(target_os = "none")]
mod modules;
#[cfg(target_os = "none")]
mod system;
#[cfg(target_os = "none")]
mod transfer;

#[cfg(target_os = "none")]
mod app {
    extern crate alloc;

    use crate::ctx::Ctx;
    use shell::editor::{Event, LineEditor};
    use ulib::{eprintln, println};

    ulib::entry!(main);

    /// Handle 1: the file server.
    const FILE_SERVER: u32 = 1;
    /// How many lines `up` can walk back through.
    const HISTORY: usize = 64;
    /// What the prompt says.
    const PROMPT: &str = "mica> ";

    fn main() -> i32 {
        ulib::file::set_root(FILE_SERVER);
        let tty = match crate::ctx::open_console() {
            Ok(t) => t,
            Err(e) => {
                eprintln!("cannot open a console (/dev/ttyS0 or /dev/ttyS1): {e}");
                return 1;
            }
        };
        println!("shell on the console");
        let mut ctx = Ctx::new(tty);
        ctx.prompt = PROMPT;
        let mut editor = LineEditor::new(HISTORY);
        editor.set_prompt(PROMPT);
        ctx.console_write(b"\nmica shell: type 'help' for the commands\n");
        let mut echo = alloc::vec::Vec::new();
        editor.prompt(&mut |b: &[u8]| echo.extend_from_slice(b));
        ctx.console_write(&echo);
        loop {
            let key = match ctx.next_key() {
                Ok(k) => k,
                Err(e) => {
                    eprintln!("console read failed: {e}");
                    return 1;
                }
            };
            echo.clear();
            let event = editor.feed(key, &mut |b: &[u8]| echo.extend_from_slice(b));
            ctx.console_write(&echo);
            match event {
                Some(Event::Line(line)) => crate::commands::run_line(&mut ctx, &line),
                Some(_) => {}
                None => continue,
            }
            echo.clear();
            editor.prompt(&mut |b: &[u8]| echo.extend_from_slice(b));
            ctx.console_write(&echo);
        }
    }
}

/// On the host the binary is empty: `cargo test -p shell` tests the library.
#[cfg(not(target_os = "none"))]
fn main() {}
