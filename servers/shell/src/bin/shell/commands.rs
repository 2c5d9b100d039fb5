//! The command table, `help`, and running one typed line (parse, redirect, dispatch).

extern crate alloc;

use crate::ctx::Ctx;
use crate::{errln, files, gpio, modules, outln, system, transfer};
use alloc::string::String;
use alloc::vec::Vec;
use proto::file::OpenFlags;
use ulib::file::File;

/// What a command gets: the context and its arguments (the command name is not among them).
pub type Run = fn(&mut Ctx, &[&str]) -> Result<(), String>;

/// One command: its name, how to call it, what it does.
pub struct Command {
    /// What the user types.
    pub name: &'static str,
    /// Its arguments, as `help` shows them.
    pub usage: &'static str,
    /// One line on what it does.
    pub about: &'static str,
    /// The code.
    pub run: Run,
}

const fn cmd(name: &'static str, usage: &'static str, about: &'static str, run: Run) -> Command {
    Command {
        name,
        usage,
        about,
        run,
    }
}

/// Every command, in the order `help` lists them.
pub const COMMANDS: &[Command] = &[
    cmd(
        "help",
        "[COMMAND]",
        "list the commands, or show how to use one",
        help,
    ),
    cmd(
        "ls",
        "[-l] [PATH...]",
        "list a directory (-l: type, mode, size, time)",
        files::ls,
    ),
    cmd(
        "cat",
        "FILE...",
        "print files (a device: until Ctrl-C or Ctrl-D)",
        files::cat,
    ),
    cmd(
        "echo",
        "[-n] [WORD...]",
        "print the words (-n: no newline)",
        files::echo,
    ),
    cmd(
        "write",
        "FILE [SIZE]",
        "write typed lines (end with '.') or SIZE pattern bytes",
        files::write,
    ),
    cmd(
        "crc32",
        "FILE...",
        "print each file's CRC-32 and size",
        files::crc32,
    ),
    cmd(
        "recv",
        "PATH SIZE CRC32",
        "receive a file pushed over the console (micaload push)",
        transfer::recv,
    ),
    cmd("touch", "FILE...", "create empty files", files::touch),
    cmd("mkdir", "DIR...", "create directories", files::mkdir),
    cmd("rmdir", "DIR...", "remove empty directories", files::rmdir),
    cmd("rm", "FILE...", "remove files", files::rm),
    cmd(
        "mv",
        "FROM TO",
        "rename or move a file or directory",
        files::mv,
    ),
    cmd(
        "stat",
        "PATH...",
        "show type, mode, size, device numbers and times",
        files::stat,
    ),
    cmd(
        "cd",
        "[DIR]",
        "change the working directory (default /)",
        files::cd,
    ),
    cmd("pwd", "", "print the working directory", files::pwd),
    cmd(
        "ps",
        "",
        "list tasks: id, name, state, priority, memory, CPU time",
        system::ps,
    ),
    cmd(
        "kill",
        "PID...",
        "stop tasks that init started",
        system::kill,
    ),
    cmd(
        "dmesg",
        "[-l LEVEL[,LEVEL...]]",
        "print the kernel log, optionally only some levels",
        system::dmesg,
    ),
    cmd(
        "devices",
        "",
        "list registered devices with their numbers (/proc/devices)",
        system::devices,
    ),
    cmd(
        "iomem",
        "",
        "list the board's device registers and who claimed them",
        system::iomem,
    ),
    cmd(
        "meminfo",
        "",
        "show frames, kernel heap and object caches",
        system::meminfo,
    ),
    cmd(
        "gpio",
        "mode|set|clear|get|pull PIN [VALUE]",
        "drive and read GPIO pins through the GPIO server",
        gpio::gpio,
    ),
    cmd(
        "insmod",
        "FILE|NAME [KEY=VALUE...]",
        "load a module from /boot or a file, with parameters",
        modules::insmod,
    ),
    cmd(
        "rmmod",
        "[-f] NAME...",
        "stop and unload modules (-f: even in use, kill if stuck)",
        modules::rmmod,
    ),
    cmd(
        "lsmod",
        "",
        "list loaded modules: size, users, state, restarts, pid",
        modules::lsmod,
    ),
    cmd(
        "modinfo",
        "FILE|NAME",
        "show a module's metadata and, if loaded, its parameters",
        modules::modinfo,
    ),
    cmd(
        "modprobe",
        "[-r] NAME [KEY=VALUE...]",
        "load a module after its dependencies (-r: remove unused ones too)",
        modules::modprobe,
    ),
    cmd(
        "crash",
        "NAME",
        "make a module take a data abort (fault isolation demo)",
        modules::crash,
    ),
    cmd(
        "uptime",
        "",
        "time since boot and the number of tasks",
        system::uptime,
    ),
    cmd(
        "reboot",
        "",
        "restart the machine (watchdog reset)",
        system::reboot,
    ),
    cmd(
        "poweroff",
        "",
        "halt the machine (QEMU exits with status 0)",
        system::poweroff,
    ),
];

/// If the file server went away (it crashed or was reloaded), asks init for
/// a connection to the new one; says so when it had to.
pub fn reconnect_fs_if_gone() -> bool {
    match ulib::file::stat("/") {
        Err(proto::Errno::NoDevice | proto::Errno::BadFd) => {}
        _ => return false,
    }
    match crate::modules::call_init(&proto::initctl::Request::ConnectFs) {
        Ok(r) if r.handle != 0 => {
            if let Some(old) = ulib::file::root() {
                let _ = ulib::sys_handle_close(old);
            }
            ulib::file::set_root(r.handle);
            true
        }
        _ => false,
    }
}

/// Runs one typed line; every error goes to the console, nothing stops the shell.
pub fn run_line(ctx: &mut Ctx, line: &str) {
    if reconnect_fs_if_gone() {
        errln!(ctx, "[reconnected to the file server]");
    }
    let parsed = match shell::parse::parse(line) {
        Ok(p) => p,
        Err(e) => {
            errln!(ctx, "mica: {e}");
            ctx.flush();
            return;
        }
    };
    let Some(name) = parsed.words.first().map(String::as_str) else {
        ctx.flush();
        return;
    };
    let Some(command) = COMMANDS.iter().find(|c| c.name == name) else {
        let names: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
        match shell::suggest::suggest(name, &names) {
            Some(s) => errln!(ctx, "{name}: command not found (did you mean '{s}'?)"),
            None => errln!(ctx, "{name}: command not found (type 'help' for the list)"),
        }
        ctx.flush();
        return;
    };
    if let Some(r) = &parsed.redirect {
        let path = ctx.path(&r.path);
        let mut flags = OpenFlags::WRITE.union(OpenFlags::CREATE);
        flags = flags.union(if r.append {
            OpenFlags::APPEND
        } else {
            OpenFlags::TRUNCATE
        });
        match File::open(&path, flags, 0o644) {
            Ok(f) => ctx.redirect_to(f, path),
            Err(e) => {
                errln!(ctx, "mica: {path}: {e}");
                ctx.flush();
                return;
            }
        }
    }
    let args: Vec<&str> = parsed.words[1..].iter().map(String::as_str).collect();
    let result = (command.run)(ctx, &args);
    let redirect = if parsed.redirect.is_some() {
        ctx.end_redirect()
    } else {
        Ok(())
    };
    let errors = [result, redirect].into_iter().filter_map(Result::err);
    for e in errors.filter(|e| !e.is_empty()) {
        errln!(ctx, "{name}: {e}");
    }
    ctx.flush();
}

/// The command called `name`, for `help NAME` and usage messages.
pub fn find(name: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// "usage: NAME USAGE", for a command called wrongly.
pub fn usage(name: &str) -> String {
    match find(name) {
        Some(c) => alloc::format!("usage: {} {}", c.name, c.usage),
        None => String::from("bad arguments"),
    }
}

fn help(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    if let Some(&name) = args.first() {
        let c = find(name).ok_or_else(|| alloc::format!("no command '{name}'"))?;
        outln!(ctx, "usage: {} {}", c.name, c.usage);
        outln!(ctx, "  {}", c.about);
        return Ok(());
    }
    outln!(
        ctx,
        "commands (output of any command can go to a file with > FILE or >> FILE):"
    );
    for c in COMMANDS {
        outln!(ctx, "  {:<9} {}", c.name, c.about);
    }
    Ok(())
}
