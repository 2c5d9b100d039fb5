//! Raspberry Pi 3 (BCM2837) facts as data: MMIO bases, IRQ numbers and the device-memory table.
//!
//! Physical addresses as the ARM cores see them (the BCM2835 datasheet lists
//! bus addresses at 0x7Exx_xxxx; the ARM sees those peripherals at 0x3Fxx_xxxx).

/// Start of the BCM2837 peripheral window (ARM physical).
pub const PERIPHERAL_BASE: usize = 0x3F00_0000;
/// End (exclusive) of the peripheral window.
pub const PERIPHERAL_END: usize = 0x4000_0000;
/// The BCM2836/7 per-core ("local") peripherals: timers routing, mailboxes, IRQ sources.
pub const LOCAL_PERIPHERAL_BASE: usize = 0x4000_0000;
/// End (exclusive) of the local peripheral block.
pub const LOCAL_PERIPHERAL_END: usize = 0x4004_0000;

/// System timer (free-running 1 MHz counter).
pub const SYSTEM_TIMER_BASE: usize = PERIPHERAL_BASE + 0x3000;
/// BCM2835 ARM interrupt controller (the "GPU" interrupts: UART, GPIO, ...).
pub const IRQ_CONTROLLER_BASE: usize = PERIPHERAL_BASE + 0xB200;
/// VideoCore mailbox 0 (property interface on channel 8).
pub const MAILBOX_BASE: usize = PERIPHERAL_BASE + 0xB880;
/// Power management and watchdog.
pub const PM_BASE: usize = PERIPHERAL_BASE + 0x10_0000;
/// GPIO controller.
pub const GPIO_BASE: usize = PERIPHERAL_BASE + 0x20_0000;
/// PL011 UART (UART0): QEMU's first serial port; GPIO 14/15 in ALT0.
pub const PL011_BASE: usize = PERIPHERAL_BASE + 0x20_1000;
/// AUX block: mini UART (UART1) and SPI1/2.
pub const AUX_BASE: usize = PERIPHERAL_BASE + 0x21_5000;
/// Arasan SD host controller (EMMC).
pub const EMMC_BASE: usize = PERIPHERAL_BASE + 0x30_0000;

/// Interrupt numbers of the BCM2835 ARM interrupt controller (0-63 GPU, 64+ basic).
pub mod irq {
    /// System timer compare 1.
    pub const SYSTEM_TIMER_1: u32 = 1;
    /// AUX (mini UART, SPI1/2).
    pub const AUX: u32 = 29;
    /// GPIO bank 0 event.
    pub const GPIO0: u32 = 49;
    /// PL011 UART.
    pub const PL011: u32 = 57;
}

/// Core-local interrupt sources (bits of the per-core IRQ source register).
pub mod local_irq {
    /// Non-secure EL1 physical timer (CNTPNSIRQ): the kernel's tick.
    pub const CNTPNS: u32 = 1;
    /// Any pending interrupt of the BCM2835 ("GPU") controller.
    pub const GPU: u32 = 8;
}

/// One region of device memory that a task may claim (the `request_mem_region` table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeviceRegion {
    /// Short name shown by `iomem`.
    pub name: &'static str,
    /// Physical start.
    pub base: usize,
    /// Length in bytes (a multiple of the page size).
    pub len_bytes: usize,
}

/// The device regions tasks may claim, in address order. The interrupt
/// controller and the mailbox (one page) stay the kernel's.
pub const DEVICES: &[DeviceRegion] = &[
    DeviceRegion {
        name: "systimer",
        base: SYSTEM_TIMER_BASE,
        len_bytes: 0x1000,
    },
    DeviceRegion {
        name: "pm-wdt",
        base: PM_BASE,
        len_bytes: 0x1000,
    },
    DeviceRegion {
        name: "gpio",
        base: GPIO_BASE,
        len_bytes: 0x1000,
    },
    DeviceRegion {
        name: "pl011",
        base: PL011_BASE,
        len_bytes: 0x1000,
    },
    DeviceRegion {
        name: "aux",
        base: AUX_BASE,
        len_bytes: 0x1000,
    },
    DeviceRegion {
        name: "emmc",
        base: EMMC_BASE,
        len_bytes: 0x1000,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_regions_are_page_aligned_sorted_and_inside_the_window() {
        for w in DEVICES.windows(2) {
            assert!(
                w[0].base + w[0].len_bytes <= w[1].base,
                "{} overlaps {}",
                w[0].name,
                w[1].name
            );
        }
        for d in DEVICES {
            assert_eq!(d.base % 4096, 0, "{}", d.name);
            assert_eq!(d.len_bytes % 4096, 0, "{}", d.name);
            assert!(d.base >= PERIPHERAL_BASE && d.base + d.len_bytes <= PERIPHERAL_END);
        }
    }
}
