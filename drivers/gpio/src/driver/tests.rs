//! Driver tests: the exact register traffic against a block in host memory.
//!
//! Memory keeps the last value written, so a write-only or write-1-to-clear
//! register reads back what the driver wrote to it.

extern crate std;

use std::vec::Vec;

use super::*;
use crate::regs::RegisterBlock;

fn pin(n: u8) -> GpioPin {
    GpioPin::new(n).unwrap()
}

fn fresh() -> (Gpio, &'static RegisterBlock) {
    let regs = RegisterBlock::leak_zeroed();
    (Gpio::new(regs), regs)
}

#[test]
fn set_function_rewrites_only_the_pins_field() {
    let (gpio, regs) = fresh();
    regs.gpfsel[1].set(0x3FFF_FFFF);
    gpio.set_function(pin(14), GpioFunction::Alt0);
    assert_eq!(regs.gpfsel[1].get(), 0x3FFF_FFFF & !(0b011 << 12));
    assert_eq!(gpio.function(pin(14)), GpioFunction::Alt0);
    assert_eq!(gpio.function(pin(15)), GpioFunction::Alt3);
    gpio.set_function(pin(53), GpioFunction::Output);
    assert_eq!(regs.gpfsel[5].get(), 0b001 << 9);
    assert_eq!(gpio.function(pin(53)), GpioFunction::Output);
    assert_eq!(regs.gpfsel[4].get(), 0, "GPFSEL4 untouched");
}

#[test]
fn set_and_clear_write_one_bit_to_the_right_bank() {
    let (gpio, regs) = fresh();
    gpio.set(pin(47));
    assert_eq!(regs.gpset[1].get(), 1 << 15);
    assert_eq!(regs.gpset[0].get(), 0);
    gpio.clear(pin(3));
    assert_eq!(regs.gpclr[0].get(), 1 << 3);
    assert_eq!(regs.gpclr[1].get(), 0);
}

#[test]
fn level_reads_the_pins_bank() {
    let (gpio, regs) = fresh();
    regs.gplev[1].set(1 << 21);
    regs.gplev[0].set(1 << 4);
    assert!(gpio.level(pin(53)));
    assert!(!gpio.level(pin(21)));
    assert!(gpio.level(pin(4)));
    assert!(!gpio.level(pin(36)));
}

#[test]
fn pull_follows_the_datasheet_sequence() {
    let (gpio, regs) = fresh();
    let mut seen = Vec::new();
    let snapshot = || {
        (
            regs.gppud.get(),
            regs.gppudclk[0].get(),
            regs.gppudclk[1].get(),
        )
    };
    gpio.set_pull_with(pin(34), GpioPull::Up, || seen.push(snapshot()));
    // Wait 1 with the control set and no clock; wait 2 with the pin clocked.
    assert_eq!(seen, [(2, 0, 0), (2, 0, 1 << 2)]);
    assert_eq!(
        snapshot(),
        (0, 0, 0),
        "control and clock removed at the end"
    );

    seen.clear();
    gpio.set_pull_with(pin(5), GpioPull::Down, || seen.push(snapshot()));
    assert_eq!(seen, [(1, 0, 0), (1, 1 << 5, 0)]);
}

#[test]
fn set_event_programs_its_detectors_and_clears_the_rest() {
    let (gpio, regs) = fresh();
    let bit = 1 << 8; // pin 40 in bank 1
    let others = 0x0000_F00F;
    for reg in [&regs.gpren, &regs.gpfen, &regs.gphen, &regs.gplen] {
        reg[1].set(others);
    }
    regs.gparen[1].set(others | bit);
    regs.gpafen[1].set(others | bit);

    gpio.set_event(pin(40), GpioEvent::Both);
    assert_eq!(regs.gpren[1].get(), others | bit);
    assert_eq!(regs.gpfen[1].get(), others | bit);
    assert_eq!(regs.gphen[1].get(), others);
    assert_eq!(regs.gplen[1].get(), others);
    assert_eq!(regs.gparen[1].get(), others, "async detection switched off");
    assert_eq!(regs.gpafen[1].get(), others);
    assert_eq!(regs.gpeds[1].get(), bit, "the pin's stale status acked");
    assert_eq!(regs.gpren[0].get(), 0, "bank 0 untouched");

    gpio.set_event(pin(40), GpioEvent::Low);
    assert_eq!(regs.gpren[1].get(), others);
    assert_eq!(regs.gpfen[1].get(), others);
    assert_eq!(regs.gplen[1].get(), others | bit);

    gpio.set_event(pin(40), GpioEvent::None);
    for reg in [&regs.gpren, &regs.gpfen, &regs.gphen, &regs.gplen] {
        assert_eq!(reg[1].get(), others);
    }
}

#[test]
fn detect_enables_per_event() {
    let e = DetectEnables::for_event;
    assert_eq!(e(GpioEvent::None), DetectEnables::default());
    assert!(e(GpioEvent::Rising).rising && !e(GpioEvent::Rising).falling);
    assert!(e(GpioEvent::Falling).falling && !e(GpioEvent::Falling).rising);
    assert!(e(GpioEvent::Both).rising && e(GpioEvent::Both).falling);
    assert!(e(GpioEvent::High).high && !e(GpioEvent::High).low);
    assert!(e(GpioEvent::Low).low && !e(GpioEvent::Low).high);
}

#[test]
fn pending_joins_both_banks_and_drops_pins_past_53() {
    let (gpio, regs) = fresh();
    regs.gpeds[0].set(0x8000_0001);
    regs.gpeds[1].set(u32::MAX);
    assert_eq!(gpio.events_pending(), 0x003F_FFFF_8000_0001);
}

#[test]
fn ack_writes_ones_only_to_banks_with_bits() {
    let (gpio, regs) = fresh();
    regs.gpeds[1].set(0xAA);
    gpio.ack_events(1 << 3);
    assert_eq!(regs.gpeds[0].get(), 1 << 3);
    assert_eq!(regs.gpeds[1].get(), 0xAA, "bank 1 not written");
    gpio.ack_events(1 << 40 | 1 << 63);
    assert_eq!(regs.gpeds[1].get(), 1 << 8, "bit 63 is no pin");
}

#[test]
fn the_trait_reaches_the_same_registers() {
    let (mut gpio, regs) = fresh();
    let ops: &mut dyn GpioOps = &mut gpio;
    ops.set_function(pin(20), GpioFunction::Output);
    ops.set(pin(20));
    assert_eq!(regs.gpfsel[2].get(), 0b001);
    assert_eq!(regs.gpset[0].get(), 1 << 20);
    assert_eq!(ops.function(pin(20)), GpioFunction::Output);
}
