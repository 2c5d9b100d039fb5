//! Panic reports: what went wrong, where (with symbols) and how we got there, then stop.

use crate::arch::aarch64::exceptions::{Fault, Kind, Origin};
use crate::arch::aarch64::{backtrace, cpu, esr::Esr, sections};
use crate::console::PanicWriter;
use core::fmt::Write;
use core::sync::atomic::{AtomicBool, Ordering};

static PANICKING: AtomicBool = AtomicBool::new(false);

/// An exception the kernel cannot handle: print the report and stop.
pub fn kernel_fault(fault: &Fault) -> ! {
    enter();
    let mut w = PanicWriter;
    let what = match fault.kind {
        Kind::Sync => "",
        Kind::Irq => "unexpected IRQ: ",
        Kind::Fiq => "unexpected FIQ: ",
        Kind::SError => "SError: ",
    };
    let esr = Esr(fault.esr);
    let _ = writeln!(w, "\nKERNEL PANIC: {what}{esr}");
    let _ = writeln!(w, "  from {}", origin_words(fault.origin));
    let _ = writeln!(w, "  ESR  {:#018x}", fault.esr);
    if esr.far_is_valid() {
        let _ = writeln!(w, "  FAR  {:#018x}", fault.far);
    } else {
        let _ = writeln!(
            w,
            "  FAR  {:#018x} (not valid for this exception)",
            fault.far
        );
    }
    let _ = write!(w, "  ELR  {:#018x} ", fault.elr);
    write_symbol(&mut w, fault.elr);
    let _ = writeln!(w);
    // The first frame record is the one vectors.s built: it holds the faulting pc itself.
    write_backtrace(&mut w, fault.fp as usize, true);
    die()
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    enter();
    let mut w = PanicWriter;
    let _ = write!(w, "\nKERNEL PANIC: {}", info.message());
    if let Some(loc) = info.location() {
        let _ = write!(w, " at {}:{}:{}", loc.file(), loc.line(), loc.column());
    }
    let _ = writeln!(w);
    write_backtrace(&mut w, cpu::frame_pointer(), false);
    die()
}

/// Masks interrupts; a panic inside the panic path stops at once.
fn enter() {
    cpu::disable_irqs();
    if PANICKING.swap(true, Ordering::SeqCst) {
        crate::console::write_str_unlocked("\nKERNEL PANIC while reporting a panic\n");
        die();
    }
}

fn origin_words(origin: Origin) -> &'static str {
    match origin {
        Origin::CurrentElSp0 => "EL1 on SP_EL0",
        Origin::CurrentEl => "the kernel (EL1)",
        Origin::LowerEl64 => "a task (EL0, AArch64)",
        Origin::LowerEl32 => "a task (EL0, AArch32)",
    }
}

fn write_symbol(w: &mut PanicWriter, addr: u64) {
    match crate::symbols::lookup(addr) {
        Some(sym) => {
            let _ = write!(w, "{}+{:#x}", sym.name, sym.offset);
        }
        None => {
            let _ = write!(w, "?");
        }
    }
}

/// Prints the frame chain from `fp`; `first_is_pc` when frame 0 holds a pc, not a return address.
fn write_backtrace(w: &mut PanicWriter, fp: usize, first_is_pc: bool) {
    let _ = writeln!(w, "backtrace:");
    backtrace::walk(fp, sections::boot_stack(), |index, addr| {
        let _ = write!(w, "  #{index} {addr:#018x} ");
        // A return address follows its call: name the call's function, not the next one.
        let call_site = if index == 0 && first_is_pc {
            addr
        } else {
            addr - 4
        };
        write_symbol(w, call_site as u64);
        let _ = writeln!(w);
    });
}

/// Stops the kernel: under the test kernels, QEMU exits with a failure code.
fn die() -> ! {
    #[cfg(feature = "ktest")]
    {
        use qemu_exit::QEMUExit;
        qemu_exit::AArch64::new().exit_failure()
    }
    #[cfg(not(feature = "ktest"))]
    cpu::halt()
}
