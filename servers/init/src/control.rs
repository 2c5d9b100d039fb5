//! init's answers to control requests: insmod, rmmod, lsmod, modprobe, parameters, crash, kill, a new file-server connection.

use crate::manager::{Manager, State};
use crate::source;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use proto::initctl::Request;
use proto::Errno;

/// The result of a request: words and text for the answer, and maybe a handle to move.
pub struct Answer {
    /// Success or why not.
    pub result: Result<(), Errno>,
    /// Two words for the caller (lsmod's row counts).
    pub words: [u64; 2],
    /// The report or the reason.
    pub text: String,
    /// A handle that travels with the answer (0: none).
    pub handle: u32,
}

fn ok(text: String) -> Answer {
    Answer {
        result: Ok(()),
        words: [0, 0],
        text,
        handle: 0,
    }
}

fn refuse((e, text): (Errno, String)) -> Answer {
    Answer {
        result: Err(e),
        words: [0, 0],
        text,
        handle: 0,
    }
}

/// What control requests need besides the manager.
pub struct Context {
    /// The boot archive.
    pub archive: newc::Archive<'static>,
    /// `modules.dep` from the archive.
    pub deps: modinfo::DepIndex,
    /// `etc/modprobe.conf` from the archive.
    pub conf: modinfo::ModprobeConf,
}

/// Answers one request.
pub fn answer(m: &mut Manager, cx: &Context, req: Request) -> Answer {
    match req {
        Request::Kill { pid } => kill(m, pid),
        // Like Linux's insmod: no modprobe.conf options, only what is given.
        Request::Insmod { source, params } => match insmod(m, cx, source, "", params) {
            Ok(text) => ok(text),
            Err(e) => refuse(e),
        },
        Request::Rmmod { names, force } => rmmod(m, names, force),
        Request::Lsmod { start } => lsmod(m, start),
        Request::Modprobe { name, params } => match modprobe(m, cx, name, params) {
            Ok(text) => ok(text),
            Err(e) => refuse(e),
        },
        Request::ModprobeRemove { name } => modprobe_remove(m, cx, name),
        Request::Params { name } => match m.find(name) {
            Some(i) => ok(m.modules[i]
                .params
                .split(' ')
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join("\n")),
            None => refuse((Errno::NoEntry, format!("{name}: not loaded"))),
        },
        Request::Crash { name } => match m.find(name) {
            Some(i) => match m.crash(i) {
                Ok(text) => ok(text),
                Err(e) => refuse(e),
            },
            None => refuse((Errno::NoEntry, format!("{name}: not loaded"))),
        },
        Request::ConnectFs => connect_fs(m),
    }
}

fn kill(m: &mut Manager, pid: u64) -> Answer {
    if pid == ulib::sys_info(ulib::InfoKind::TaskId).unwrap_or(1) {
        return refuse((Errno::NotPermitted, String::from("init cannot be stopped")));
    }
    if let Some(i) = m.by_pid(pid) {
        let name = &m.modules[i].name;
        return refuse((
            Errno::NotPermitted,
            format!("task {pid} is module {name}: use rmmod {name}"),
        ));
    }
    let Some(i) = m.children.iter().position(|c| c.pid == pid) else {
        return refuse((
            Errno::NoSuchTask,
            String::from("no such task (init started none with that id)"),
        ));
    };
    let child = m.children.remove(i);
    let killed = ulib::sys_task_kill(child.task);
    match killed {
        Ok(()) => {
            ulib::println!("killed task {pid} ({})", child.name);
            let text = format!("task {pid} ({}) stopped", child.name);
            // A respawn program (the shell) comes back: the main loop starts it again.
            m.respawn_due.push(child);
            ok(text)
        }
        Err(e) => refuse((Errno::from(e), format!("task {pid}: {e}"))),
    }
}

/// Loads one module with `configured` parameters under `given` ones; its
/// dependencies must be loaded already.
fn insmod(
    m: &mut Manager,
    cx: &Context,
    source: &str,
    configured: &str,
    given: &str,
) -> Result<String, (Errno, String)> {
    let fs = m
        .find("fs")
        .filter(|&i| m.modules[i].state == State::Live)
        .map(|i| m.modules[i].client_ep);
    let (elf, path) = source::find(&cx.archive, fs, source)?;
    let info = modinfo::ModInfo::from_elf(elf.bytes())
        .map_err(|e| (Errno::Invalid, format!("{source}: {e}")))?;
    modinfo::vermagic_ok(&info, ulib::abi::ABI_VERSION)
        .map_err(|e| (Errno::Invalid, format!("{}: {e}", info.name)))?;
    if let Some(i) = m.find(&info.name) {
        return Err((
            Errno::Exists,
            format!("{}: already loaded ({})", info.name, m.modules[i].runs_as()),
        ));
    }
    if let Some(missing) = info.depends.iter().find(|d| m.find(d).is_none()) {
        return Err((
            Errno::NoEntry,
            format!(
                "{}: needs {missing}, which is not loaded (modprobe {} loads it first)",
                info.name, info.name
            ),
        ));
    }
    let args = modinfo::effective_args_with(&info, configured, given)
        .map_err(|e| (Errno::Invalid, format!("{}: {e}", info.name)))?;
    let i = m.load(info, elf, path, args)?;
    let md = &m.modules[i];
    Ok(format!("{}: loaded ({})", md.name, md.runs_as()))
}

/// Loads `name` after its dependencies, with modprobe.conf's options under `params`.
pub fn modprobe(
    m: &mut Manager,
    cx: &Context,
    name: &str,
    params: &str,
) -> Result<String, (Errno, String)> {
    let order = cx
        .deps
        .load_order(name)
        .map_err(|e| (Errno::NoEntry, format!("{name}: {e}")))?;
    let mut report = Vec::new();
    for dep in &order {
        if m.find(dep).is_some() {
            if dep == name && !params.is_empty() {
                return Err((Errno::Exists, format!("{name}: already loaded")));
            }
            continue;
        }
        let given = if dep == name { params } else { "" };
        report.push(insmod(m, cx, dep, cx.conf.options(dep), given)?);
    }
    if report.is_empty() {
        report.push(format!("{name}: already loaded"));
    }
    Ok(report.join("\n"))
}

fn rmmod(m: &mut Manager, names: &str, force: bool) -> Answer {
    let mut report = Vec::new();
    for name in names.split_whitespace() {
        match remove_one(m, name, force) {
            Ok(text) => report.push(text),
            Err((e, text)) => {
                report.push(text);
                return Answer {
                    result: Err(e),
                    words: [0, 0],
                    text: report.join("\n"),
                    handle: 0,
                };
            }
        }
    }
    ok(report.join("\n"))
}

/// Removes `name` unless something uses it (or `force`).
fn remove_one(m: &mut Manager, name: &str, force: bool) -> Result<String, (Errno, String)> {
    let i = m
        .find(name)
        .ok_or_else(|| (Errno::NoEntry, format!("{name}: not loaded")))?;
    if !force {
        let users = m.dependents(name);
        if !users.is_empty() {
            return Err((
                Errno::Busy,
                format!(
                    "{name}: in use by: {} (rmmod them first, or rmmod -f)",
                    users.join(", ")
                ),
            ));
        }
        let (fds, clients) = m.usage(i);
        if fds > 0 {
            let s = if clients == 1 { "" } else { "s" };
            return Err((Errno::Busy, format!("{name}: in use: {fds} open files by {clients} client{s} (rmmod -f stops it anyway)")));
        }
    }
    Ok(m.unload(i))
}

/// Unloads `name`, then the dependencies no other loaded module needs.
fn modprobe_remove(m: &mut Manager, cx: &Context, name: &str) -> Answer {
    if m.find(name).is_none() {
        return refuse((Errno::NoEntry, format!("{name}: not loaded")));
    }
    let loaded: Vec<String> = m.modules.iter().map(|md| md.name.clone()).collect();
    let loaded: Vec<&str> = loaded.iter().map(String::as_str).collect();
    let mut report = Vec::new();
    for n in cx.deps.removal_candidates(name, &loaded) {
        match remove_one(m, &n, false) {
            Ok(text) => report.push(text),
            Err((e, text)) if n == name => return refuse((e, text)),
            Err((_, text)) => report.push(format!("kept: {text}")),
        }
    }
    ok(report.join("\n"))
}

/// Rows of the lsmod table from `start`, as tab-separated lines.
fn lsmod(m: &Manager, start: u32) -> Answer {
    let rows = m.rows();
    let total = rows.len();
    let mut text = String::new();
    let mut sent = 0u64;
    for row in rows.iter().skip(start as usize) {
        let line = row.join("\t");
        if text.len() + line.len() + 1 > ulib::abi::MAX_MSG_BYTES {
            break;
        }
        text.push_str(&line);
        text.push('\n');
        sent += 1;
    }
    Answer {
        result: Ok(()),
        words: [sent, total as u64],
        text,
        handle: 0,
    }
}

/// A fresh, badged connection to the file server.
fn connect_fs(m: &mut Manager) -> Answer {
    let Some(i) = m.find("fs").filter(|&i| m.modules[i].state == State::Live) else {
        return refuse((
            Errno::NoDevice,
            String::from("the file server is not running"),
        ));
    };
    let id = m.fresh_id();
    match ulib::sys_handle_dup(
        m.modules[i].client_ep,
        ulib::Rights::SEND.union(ulib::Rights::DUP),
        id,
    ) {
        Ok(h) => Answer {
            result: Ok(()),
            words: [0, 0],
            text: "connected".to_string(),
            handle: h,
        },
        Err(e) => refuse((Errno::from(e), format!("cannot connect: {e}"))),
    }
}
