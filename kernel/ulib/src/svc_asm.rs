//! The `svc #0` instruction and its register contract, written once: `sys` and `sys_reply` expand it.

/// Traps into the kernel with `x8` = `$num`, `x0..x6` = `$args` (an array of
/// seven words) and, if given, `x7` = `$x7` (an input only); evaluates to
/// `x0..x6` after the call. The kernel changes only `x0..x6`, never the
/// stack. Expand it inside an `unsafe` block whose caller upholds what the
/// operation does with memory.
macro_rules! svc_asm {
    ($num:expr, $args:expr $(, x7 = $x7:expr)?) => {{
        let [mut x0, mut x1, mut x2, mut x3, mut x4, mut x5, mut x6]: [u64; 7] = $args;
        core::arch::asm!(
            "svc #0",
            inout("x0") x0,
            inout("x1") x1,
            inout("x2") x2,
            inout("x3") x3,
            inout("x4") x4,
            inout("x5") x5,
            inout("x6") x6,
            $(in("x7") $x7,)?
            in("x8") $num,
            options(nostack),
        );
        [x0, x1, x2, x3, x4, x5, x6]
    }};
}

pub(crate) use svc_asm;
