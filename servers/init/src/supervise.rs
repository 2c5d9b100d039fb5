//! init's loop: hears how children end, starts `respawn` servers again, and answers control requests.

use crate::services::{start, Child, Endpoints, BOOT_SET, CONTROL_BADGE};
use alloc::vec::Vec;
use proto::initctl::{encode_reply, Request};
use proto::Errno;
use ulib::abi::{label, FOREVER};
use ulib::{
    eprintln, println, sys_handle_close, sys_recv, sys_reply, sys_sleep, sys_task_kill, Msg,
};

/// A respawned server that keeps dying is started at most this often in a row.
const MAX_RESPAWNS: u32 = 10;
/// The pause before a respawn, so a crash loop cannot starve everything else.
const RESPAWN_DELAY_NS: u64 = 50_000_000;

/// Supervises `children` for ever; returns only if receiving fails.
pub fn run(archive: &newc::Archive, eps: &mut Endpoints, mut children: Vec<Child>) -> i32 {
    loop {
        let (msg, badge) = match sys_recv(eps.supervisor, FOREVER) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("supervisor receive failed: {e}");
                return 1;
            }
        };
        if badge == CONTROL_BADGE {
            let result = control(&msg, &mut children);
            let e = encode_reply(result);
            // The caller may be the task it just stopped: no one to answer then.
            let _ = sys_reply(&Msg::new(e.info().label, []));
            respawn_missing(archive, eps, &mut children);
            continue;
        }
        match msg.label() {
            label::EXIT => {
                let (pid, code) = (msg.words[0], msg.words[1] as i64);
                println!(
                    "task {pid} ({}) exited with code {code}",
                    name_of(&children, pid)
                );
                ended(archive, eps, &mut children, pid);
            }
            label::FAULT => {
                let [pid, esr, far, elr] = msg.words;
                println!(
                    "task {pid} ({}) faulted (ESR {esr:#x}, FAR {far:#x}, ELR {elr:#x})",
                    name_of(&children, pid)
                );
                ended(archive, eps, &mut children, pid);
            }
            other => println!("unexpected message, label {other:#x}"),
        }
    }
}

fn name_of(children: &[Child], pid: u64) -> &'static str {
    children
        .iter()
        .find(|c| c.pid == pid)
        .map_or("?", |c| BOOT_SET[c.spec].name)
}

/// A child ended by itself: forget it, and start it again if it respawns.
fn ended(archive: &newc::Archive, eps: &mut Endpoints, children: &mut Vec<Child>, pid: u64) {
    let Some(i) = children.iter().position(|c| c.pid == pid) else {
        return;
    };
    let child = children.swap_remove(i);
    let _ = sys_handle_close(child.task);
    if BOOT_SET[child.spec].respawn {
        restart(archive, eps, children, child.spec, child.restarts + 1);
    }
}

fn restart(
    archive: &newc::Archive,
    eps: &mut Endpoints,
    children: &mut Vec<Child>,
    spec: usize,
    restarts: u32,
) {
    let name = BOOT_SET[spec].name;
    if restarts > MAX_RESPAWNS {
        eprintln!("{name} ended {restarts} times; not starting it again");
        return;
    }
    let _ = sys_sleep(RESPAWN_DELAY_NS);
    println!("starting {name} again (restart {restarts})");
    if let Some(mut c) = start(archive, eps, spec) {
        c.restarts = restarts;
        children.push(c);
    }
}

/// After a kill: any respawn server that is gone comes back.
fn respawn_missing(archive: &newc::Archive, eps: &mut Endpoints, children: &mut Vec<Child>) {
    for (i, spec) in BOOT_SET.iter().enumerate() {
        if spec.respawn && !children.iter().any(|c| c.spec == i) {
            restart(archive, eps, children, i, 1);
        }
    }
}

/// Answers a control client's request.
fn control(msg: &Msg, children: &mut Vec<Child>) -> Result<(), Errno> {
    let req = Request::decode(msg.label(), msg.words, &[]).map_err(|e| e.errno())?;
    match req {
        Request::Kill { pid } => {
            let me = ulib::sys_info(ulib::InfoKind::TaskId).unwrap_or(0);
            if pid == me {
                return Err(Errno::NotPermitted);
            }
            let i = children
                .iter()
                .position(|c| c.pid == pid)
                .ok_or(Errno::NoSuchTask)?;
            let child = children.swap_remove(i);
            let result = sys_task_kill(child.task).map_err(Errno::from);
            let _ = sys_handle_close(child.task);
            println!("killed task {pid} ({})", BOOT_SET[child.spec].name);
            result
        }
    }
}
