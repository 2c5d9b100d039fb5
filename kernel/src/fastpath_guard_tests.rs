//! Host tests of the fast path's guards that hand a syscall to the general path (tables, the ASID allocator, deadlines, buffer bytes), of what it relies on instead of guarding (no tick waiting, the clock charging the caller), and of its per-operation entries.

use super::*;

/// The fast path relies on every way back to user mode after an interrupt
/// accounting its tick, and on the CPU clock charging the running task; the
/// general path makes both hold (the IRQ exception and idle go through
/// `account_ticks`, every switch through `account_switch`), and a syscall
/// that found either broken would be a broken kernel, which debug builds
/// report.
#[test]
fn a_tick_is_accounted_before_user_mode_runs_again() {
    let mut k = kernel();
    let p = call_rig(&mut k);
    host::advance_ticks(1);
    assert_eq!(general(&mut k), Some(p.srv), "the general path delivers");
    assert_eq!(k.ticks_seen, host::ticks(), "and accounts the tick");
    assert_eq!(
        k.cpu_clock.charged(),
        Some(p.srv),
        "and charges whom it runs"
    );
}

#[test]
#[should_panic(expected = "a tick not accounted")]
fn a_syscall_that_finds_a_tick_waiting_is_a_broken_invariant() {
    let mut k = kernel();
    call_rig(&mut k);
    host::advance_ticks(1);
    let _ = try_fast(&mut k, Takes::Any);
}

#[test]
#[should_panic(expected = "the clock charges another task")]
fn a_syscall_whose_caller_the_clock_does_not_charge_is_a_broken_invariant() {
    let mut k = kernel();
    let p = call_rig(&mut k);
    k.account_switch(Some(p.srv));
    let _ = try_fast(&mut k, Takes::Any);
}

#[test]
fn what_needs_other_tables_or_the_asid_allocator_is_left_to_the_general_path() {
    let mut k = kernel();
    let p = call_rig(&mut k);
    k.loaded = Some(p.srv);
    assert_declines(&mut k, "the caller's tables not the loaded ones");

    let mut k = kernel();
    let p = call_rig(&mut k);
    tk(&mut k, p.srv).asid = None;
    assert_declines(&mut k, "the server has no current ASID");
    assert_eq!(general(&mut k), Some(p.srv));
    assert!(tk(&mut k, p.srv).asid.is_some(), "the switch gave it one");
    assert_eq!(k.loaded, Some(p.srv));
}

#[test]
fn a_partner_waiting_with_a_deadline_is_left_to_the_general_path() {
    let mut k = kernel();
    let p = pair(&mut k);
    assert_eq!(
        sys(&mut k, p.srv, |k| k.sys_recv(p.h_srv, 1_000_000)),
        Ok(())
    );
    load_syscall(&mut k, p.cli, Sysnum::Call, p.h_cli, words_msg(3, &[]), &[]);
    run(&mut k, p.cli);
    assert_declines(&mut k, "the server's receive has a deadline");
    assert_eq!(general(&mut k), Some(p.srv));
    assert!(
        k.timeouts.is_empty(),
        "the general path dropped the deadline"
    );

    let mut k = kernel();
    let p = pair(&mut k);
    assert_eq!(recv(&mut k, p.srv, p.h_srv), Ok(()));
    load(&mut k, p.cli, words_msg(3, &[]), &[]);
    assert_eq!(
        sys(&mut k, p.cli, |k| k.sys_send(p.h_cli, true, 1_000_000)),
        Ok(())
    );
    load_syscall(
        &mut k,
        p.srv,
        Sysnum::ReplyRecv,
        p.h_srv,
        words_msg(4, &[]),
        &[],
    );
    run(&mut k, p.srv);
    assert_declines(&mut k, "the caller's call has a deadline");
    assert_eq!(general(&mut k), Some(p.cli));
    assert!(
        k.timeouts.is_empty(),
        "the general path dropped the deadline"
    );
    assert_eq!(state(&k, p.cli), State::Ready);
}

#[test]
fn a_register_only_try_leaves_bytes_to_the_full_one() {
    let mut k = kernel();
    let p = call_rig(&mut k);
    tk(&mut k, p.cli).ctx.x[1] = MsgInfo::new(5, 0).with_bytes(1).to_raw();
    let before = snapshot(&k);
    assert_eq!(try_fast(&mut k, Takes::Registers).map(|n| n.id), None);
    assert_eq!(snapshot(&k), before, "declining changed state");
    assert_eq!(fast(&mut k), Some(p.srv), "the full try takes it");
}

#[test]
fn a_register_only_try_takes_only_descriptors_of_at_most_four_words() {
    let words = |n: u64| (n << 16) | 3; // label 3, `n` words, no bytes
    for (raw, why) in [
        (words(5), "five words"),
        (words(7), "seven words"),
        (MsgInfo::new(3, 0).with_handle(1).to_raw(), "a handle"),
        (MsgInfo::new(3, 0).with_bytes(4096).to_raw(), "bytes"),
    ] {
        let mut k = kernel();
        let p = call_rig(&mut k);
        tk(&mut k, p.cli).ctx.x[1] = raw;
        let before = snapshot(&k);
        assert_eq!(
            try_fast(&mut k, Takes::Registers).map(|n| n.id),
            None,
            "{why}"
        );
        assert_eq!(snapshot(&k), before, "{why}: declining changed state");
    }
    let mut k = kernel();
    let p = call_rig(&mut k);
    tk(&mut k, p.cli).ctx.x[1] = words(4);
    assert_eq!(
        try_fast(&mut k, Takes::Registers).map(|n| n.id),
        Some(p.srv),
        "four words"
    );
}

/// What the vectors' entries run: the operation named by `x8` on the way in, registers only.
fn fast_as(k: &mut Kernel, op: Op) -> Option<TaskId> {
    let next = try_fast_as(k, op, Takes::Registers)?;
    k.switch_direct(next);
    Some(next.id)
}

#[test]
fn the_per_operation_entries_end_where_the_decoding_try_does() {
    let (mut named, mut decoded) = (kernel(), kernel());
    let p = call_rig(&mut named);
    call_rig(&mut decoded);
    assert_eq!(fast_as(&mut named, Op::Call), Some(p.srv));
    assert_eq!(fast(&mut decoded), Some(p.srv));
    assert_eq!(snapshot(&named), snapshot(&decoded), "call");

    let reply = Op::ReplyRecv { from_memory: false };
    for sys in [Sysnum::ReplyRecv, Sysnum::ReplyRecvFrom] {
        let (mut named, mut decoded) = (kernel(), kernel());
        let p = reply_rig(&mut named);
        reply_rig(&mut decoded);
        for k in [&mut named, &mut decoded] {
            tk(k, p.srv).ctx.x[8] = sys as u64; // no bytes: `reply_recv_from` is a `reply_recv`
        }
        assert_eq!(fast_as(&mut named, reply), Some(p.cli), "{sys:?}");
        assert_eq!(fast(&mut decoded), Some(p.cli), "{sys:?}");
        assert_eq!(snapshot(&named), snapshot(&decoded), "{sys:?}");
    }
}
