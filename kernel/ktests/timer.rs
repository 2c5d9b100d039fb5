//! Test kernel: the timer interrupt arrives, the clock moves, delays wait long enough.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod checks {
    extern crate alloc;

    use alloc::string::String;
    use kernel::arch::aarch64::cpu;
    use kernel::kcheck;
    use kernel::ktest::{run, Test};
    use kernel::time;

    kernel::kernel_entry!(main);

    fn main() -> ! {
        run(&[
            Test {
                name: "counter frequency is known",
                run: frequency,
            },
            Test {
                name: "timer interrupts arrive",
                run: ticks_arrive,
            },
            Test {
                name: "udelay waits at least as long as asked",
                run: udelay_waits,
            },
            Test {
                name: "monotonic clock never goes back",
                run: monotonic,
            },
        ])
    }

    fn frequency() -> Result<(), String> {
        let f = time::frequency_hz();
        kcheck!(f >= 1_000_000, "CNTFRQ_EL0 says {f} Hz");
        Ok(())
    }

    fn ticks_arrive() -> Result<(), String> {
        kcheck!(!cpu::irqs_masked(), "IRQs are masked after kernel_init");
        let start = time::ticks();
        let deadline_ns = time::monotonic_ns() + 2_000_000_000;
        while time::ticks() < start + 3 && time::monotonic_ns() < deadline_ns {
            cpu::wait_for_interrupt();
        }
        let got = time::ticks() - start;
        kcheck!(got >= 3, "only {got} ticks in 2 s at {} Hz", time::HZ);
        Ok(())
    }

    fn udelay_waits() -> Result<(), String> {
        let t0 = time::monotonic_ns();
        time::udelay(5_000);
        let waited_ns = time::monotonic_ns() - t0;
        kcheck!(
            waited_ns >= 5_000_000,
            "udelay(5000) returned after {waited_ns} ns"
        );
        Ok(())
    }

    fn monotonic() -> Result<(), String> {
        let mut last = time::monotonic_ns();
        for _ in 0..10_000 {
            let now = time::monotonic_ns();
            kcheck!(now >= last, "clock went back from {last} to {now}");
            last = now;
        }
        Ok(())
    }
}

#[cfg(not(target_os = "none"))]
fn main() {}
