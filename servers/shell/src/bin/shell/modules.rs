//! Module commands, answered by init: insmod, rmmod, lsmod, modinfo, modprobe, crash; and the call to init they share.

extern crate alloc;

use crate::commands::usage;
use crate::ctx::Ctx;
use crate::outln;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use proto::file::OpenFlags;
use proto::initctl::{decode_reply, Request};
use shell::fmt::Table;
use ulib::file::File;
use ulib::{ipc, sys_call, Msg};

/// Handle 2: init's control endpoint.
const INIT: u32 = 2;

/// What init answered: its two words, its text and a handle it sent (0: none).
pub struct Reply {
    /// The answer's words.
    pub words: [u64; 2],
    /// init's report.
    pub text: String,
    /// A handle that came with the answer.
    pub handle: u32,
}

/// Sends `req` to init and waits; a refusal comes back as init's reason.
pub fn call_init(req: &Request) -> Result<Reply, String> {
    let msg = ipc::with_buffer(|buf| {
        req.encode(buf).map(|e| Msg {
            info: e.info(),
            words: e.words,
        })
    })
    .map_err(|e| format!("cannot send that to init: {e}"))?;
    let answer = sys_call(INIT, &msg, ulib::abi::FOREVER)
        .map_err(|e| format!("init did not answer: {e}"))?;
    ipc::with_buffer(|buf| {
        let n = usize::from(answer.info.len_bytes).min(buf.len());
        match decode_reply(answer.label(), answer.words, &buf[..n]) {
            Ok((words, text)) => Ok(Reply {
                words,
                text: String::from(text),
                handle: answer.info.handle,
            }),
            Err((_, why)) => Err(String::from(why)),
        }
    })
}

/// Prints init's report, line by line.
fn report(ctx: &mut Ctx, req: Request) -> Result<(), String> {
    let r = call_init(&req)?;
    for line in r.text.lines() {
        outln!(ctx, "{line}");
    }
    Ok(())
}

/// `insmod FILE|NAME [key=value ...]`.
pub fn insmod(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    let Some((source, params)) = args.split_first() else {
        return Err(usage("insmod"));
    };
    let source = if source.contains('/') {
        ctx.path(source)
    } else {
        String::from(*source)
    };
    report(
        ctx,
        Request::Insmod {
            source: &source,
            params: &params.join(" "),
        },
    )
}

/// `rmmod [-f] NAME...`.
pub fn rmmod(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    let (force, names) = match args.split_first() {
        Some((&"-f", rest)) => (true, rest),
        _ => (false, args),
    };
    if names.is_empty() {
        return Err(usage("rmmod"));
    }
    report(
        ctx,
        Request::Rmmod {
            names: &names.join(" "),
            force,
        },
    )
}

/// `modprobe [-r] NAME [key=value ...]`.
pub fn modprobe(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    match args {
        ["-r", name] => report(ctx, Request::ModprobeRemove { name }),
        [name, params @ ..] if !name.starts_with('-') => report(
            ctx,
            Request::Modprobe {
                name,
                params: &params.join(" "),
            },
        ),
        _ => Err(usage("modprobe")),
    }
}

/// `crash NAME`.
pub fn crash(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    let [name] = args else {
        return Err(usage("crash"));
    };
    report(ctx, Request::Crash { name })
}

/// `lsmod`.
pub fn lsmod(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    if !args.is_empty() {
        return Err(usage("lsmod"));
    }
    let mut table = Table::new(&["Module", "Size", "Used by", "State", "Restarts", "Pid"]);
    let mut start = 0u32;
    loop {
        let r = call_init(&Request::Lsmod { start })?;
        for line in r.text.lines() {
            let cells: Vec<&str> = line.split('\t').collect();
            table.row(&cells);
        }
        start += r.words[0] as u32;
        if r.words[0] == 0 || u64::from(start) >= r.words[1] {
            break;
        }
    }
    outln!(ctx, "{table}");
    Ok(())
}

/// `modinfo FILE|NAME`: every `.modinfo` field; for a loaded module also its parameters now.
pub fn modinfo(ctx: &mut Ctx, args: &[&str]) -> Result<(), String> {
    let [typed] = args else {
        return Err(usage("modinfo"));
    };
    // A name is a module in /boot, or in /boot/extra (those outside the boot set).
    let candidates = if typed.contains('/') {
        alloc::vec![ctx.path(typed)]
    } else {
        alloc::vec![format!("/boot/{typed}"), format!("/boot/extra/{typed}")]
    };
    let mut opened = Err(proto::Errno::NoEntry);
    let mut path = String::new();
    for p in candidates {
        opened = File::open(&p, OpenFlags::READ, 0);
        path = p;
        if opened.is_ok() {
            break;
        }
    }
    let mut f = opened.map_err(|e| format!("{typed}: {e}"))?;
    let mut elf = Vec::new();
    f.read_to_end(&mut elf)
        .map_err(|e| format!("{typed}: {e}"))?;
    let info = modinfo::ModInfo::from_elf(&elf).map_err(|e| format!("{typed}: {e}"))?;
    outln!(ctx, "filename:       {path}");
    outln!(ctx, "name:           {}", info.name);
    outln!(ctx, "version:        {}", info.version);
    outln!(ctx, "description:    {}", info.description);
    outln!(ctx, "author:         {}", info.author);
    outln!(ctx, "license:        {}", info.license);
    outln!(ctx, "depends:        {}", info.depends.join(","));
    outln!(ctx, "vermagic:       {}", info.vermagic);
    for p in &info.params {
        outln!(
            ctx,
            "parm:           {}:{} ({}, default {:?})",
            p.name,
            p.description,
            p.kind.name(),
            p.default
        );
    }
    // Like /sys/module/NAME/parameters: what the running module got.
    if let Ok(r) = call_init(&Request::Params { name: &info.name }) {
        outln!(ctx, "loaded:         yes");
        for line in r.text.lines() {
            outln!(ctx, "parameter:      {line}");
        }
    }
    Ok(())
}
