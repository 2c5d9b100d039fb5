//! The BCM2837 GPIO register block and the pure bit arithmetic on its registers.
//!
//! BCM2835 ARM Peripherals, section 6.1 (the BCM2837 block is the same): 54
//! pins; GPFSELn hold ten 3-bit function fields each; every other per-pin
//! register comes in two banks, bank 0 for pins 0-31 and bank 1 for pins
//! 32-53. Under `cfg(test)` every register is a `tock-registers`
//! `InMemoryRegister`, so the driver's exact register traffic runs on the host
//! against plain memory; the target build keeps the read-only and write-only
//! types, so the driver cannot read GPSET or write GPLEV by mistake.

use proto::ioctl::{GpioFunction, GpioPin, GpioPull, GPIO_MAX_PIN};
use tock_registers::register_bitfields;
use tock_registers::register_structs;

#[cfg(test)]
use test_types::{ReadOnly, ReadWrite, WriteOnly};
#[cfg(not(test))]
use tock_registers::registers::{ReadOnly, ReadWrite, WriteOnly};

/// Number of pins (0..=53).
pub const PIN_COUNT: usize = GPIO_MAX_PIN as usize + 1;
/// Pins a GPFSELn register selects for.
pub const PINS_PER_FSEL: u8 = 10;
/// Width of one GPFSEL field in bits.
pub const FSEL_BITS: u32 = 3;
/// Every pin's bit in a 64-bit two-bank mask (bank 0 low, bank 1 high).
pub const ALL_PINS_MASK: u64 = (1 << PIN_COUNT) - 1;

register_bitfields! {u32,
    /// Pull-up/down control: applied to the pins clocked by GPPUDCLKn.
    pub(crate) GPPUD [
        /// The control signal.
        PUD OFFSET(0) NUMBITS(2) [
            /// No pull.
            Off = 0b00,
            /// Pull down.
            Down = 0b01,
            /// Pull up.
            Up = 0b10
        ]
    ]
}

register_structs! {
    /// The GPIO register block at `0x3F20_0000` (bus `0x7E20_0000`); banked registers are arrays.
    pub RegisterBlock {
        /// GPFSEL0-5: function select, ten pins per register.
        (0x00 => pub(crate) gpfsel: [ReadWrite<u32>; 6]),
        (0x18 => _reserved0),
        /// GPSET0/1: write 1 to drive an output high; 0 bits do nothing.
        (0x1C => pub(crate) gpset: [WriteOnly<u32>; 2]),
        (0x24 => _reserved1),
        /// GPCLR0/1: write 1 to drive an output low; 0 bits do nothing.
        (0x28 => pub(crate) gpclr: [WriteOnly<u32>; 2]),
        (0x30 => _reserved2),
        /// GPLEV0/1: the pins' actual levels.
        (0x34 => pub(crate) gplev: [ReadOnly<u32>; 2]),
        (0x3C => _reserved3),
        /// GPEDS0/1: event detected status; write 1 to clear.
        (0x40 => pub(crate) gpeds: [ReadWrite<u32>; 2]),
        (0x48 => _reserved4),
        /// GPREN0/1: synchronous rising-edge detect enable.
        (0x4C => pub(crate) gpren: [ReadWrite<u32>; 2]),
        (0x54 => _reserved5),
        /// GPFEN0/1: synchronous falling-edge detect enable.
        (0x58 => pub(crate) gpfen: [ReadWrite<u32>; 2]),
        (0x60 => _reserved6),
        /// GPHEN0/1: high-level detect enable.
        (0x64 => pub(crate) gphen: [ReadWrite<u32>; 2]),
        (0x6C => _reserved7),
        /// GPLEN0/1: low-level detect enable.
        (0x70 => pub(crate) gplen: [ReadWrite<u32>; 2]),
        (0x78 => _reserved8),
        /// GPAREN0/1: asynchronous rising-edge detect enable.
        (0x7C => pub(crate) gparen: [ReadWrite<u32>; 2]),
        (0x84 => _reserved9),
        /// GPAFEN0/1: asynchronous falling-edge detect enable.
        (0x88 => pub(crate) gpafen: [ReadWrite<u32>; 2]),
        (0x90 => _reserved10),
        /// GPPUD: the pull control signal for the next GPPUDCLK write.
        (0x94 => pub(crate) gppud: ReadWrite<u32, GPPUD::Register>),
        /// GPPUDCLK0/1: write 1 to clock GPPUD into a pin.
        (0x98 => pub(crate) gppudclk: [ReadWrite<u32>; 2]),
        (0xA0 => @END),
    }
}

/// `(register index into gpfsel, bit shift)` of `pin`'s 3-bit function field.
pub const fn fsel_location(pin: GpioPin) -> (usize, u32) {
    let n = pin.number();
    let index = (n / PINS_PER_FSEL) as usize;
    let shift = (n % PINS_PER_FSEL) as u32 * FSEL_BITS;
    (index, shift)
}

/// The GPFSEL value `old` with `pin`'s field set to `function`, other pins untouched.
pub const fn fsel_update(old: u32, pin: GpioPin, function: GpioFunction) -> u32 {
    let (_, shift) = fsel_location(pin);
    let field_mask = 0b111 << shift;
    (old & !field_mask) | ((function as u32) << shift)
}

/// `pin`'s function as the GPFSEL value `value` encodes it (every 3-bit code is a function).
pub const fn fsel_decode(value: u32, pin: GpioPin) -> GpioFunction {
    let (_, shift) = fsel_location(pin);
    match (value >> shift) & 0b111 {
        0b000 => GpioFunction::Input,
        0b001 => GpioFunction::Output,
        0b100 => GpioFunction::Alt0,
        0b101 => GpioFunction::Alt1,
        0b110 => GpioFunction::Alt2,
        0b111 => GpioFunction::Alt3,
        0b011 => GpioFunction::Alt4,
        // Only 0b010 is left of the eight codes.
        _ => GpioFunction::Alt5,
    }
}

/// `(bank, mask)` of `pin` in the two-bank registers: bank 0 for pins 0-31, bank 1 for 32-53.
pub const fn bank_bit(pin: GpioPin) -> (usize, u32) {
    let n = pin.number();
    ((n / 32) as usize, 1 << (n % 32))
}

/// `pin`'s bit in a 64-bit mask of both banks (bank 1 in the high word).
pub const fn pin_mask(pin: GpioPin) -> u64 {
    1 << pin.number()
}

/// `old` with the bits of `mask` set (`on`) or cleared.
pub const fn bit_update(old: u32, mask: u32, on: bool) -> u32 {
    if on {
        old | mask
    } else {
        old & !mask
    }
}

/// The GPPUD control value for `pull`.
pub const fn pud_value(pull: GpioPull) -> u32 {
    pull as u32
}

/// Host stand-ins with the target types' names: memory cells that tests can construct.
#[cfg(test)]
mod test_types {
    use tock_registers::registers::InMemoryRegister;

    /// Stands in for `ReadOnly` (tests set it to play the pins' levels).
    pub type ReadOnly<T, R = ()> = InMemoryRegister<T, R>;
    /// Stands in for `ReadWrite`.
    pub type ReadWrite<T, R = ()> = InMemoryRegister<T, R>;
    /// Stands in for `WriteOnly` (tests read back what the driver wrote).
    pub type WriteOnly<T, R = ()> = InMemoryRegister<T, R>;
}

#[cfg(test)]
impl RegisterBlock {
    /// A zeroed block in leaked host memory, as the driver takes it.
    pub fn leak_zeroed() -> &'static RegisterBlock {
        extern crate std;
        use tock_registers::registers::InMemoryRegister;
        fn zeros<const N: usize>() -> [InMemoryRegister<u32>; N] {
            core::array::from_fn(|_| InMemoryRegister::new(0))
        }
        let block = RegisterBlock {
            gpfsel: zeros::<6>(),
            _reserved0: [0; 4],
            gpset: zeros::<2>(),
            _reserved1: [0; 4],
            gpclr: zeros::<2>(),
            _reserved2: [0; 4],
            gplev: zeros::<2>(),
            _reserved3: [0; 4],
            gpeds: zeros::<2>(),
            _reserved4: [0; 4],
            gpren: zeros::<2>(),
            _reserved5: [0; 4],
            gpfen: zeros::<2>(),
            _reserved6: [0; 4],
            gphen: zeros::<2>(),
            _reserved7: [0; 4],
            gplen: zeros::<2>(),
            _reserved8: [0; 4],
            gparen: zeros::<2>(),
            _reserved9: [0; 4],
            gpafen: zeros::<2>(),
            _reserved10: [0; 4],
            gppud: InMemoryRegister::new(0),
            gppudclk: zeros::<2>(),
        };
        std::boxed::Box::leak(std::boxed::Box::new(block))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin(n: u8) -> GpioPin {
        GpioPin::new(n).unwrap()
    }

    /// Byte offset of `field` inside `block`.
    fn offset<T>(block: &RegisterBlock, field: &T) -> usize {
        field as *const T as usize - block as *const RegisterBlock as usize
    }

    #[test]
    fn block_offsets_match_the_datasheet() {
        let r = RegisterBlock::leak_zeroed();
        assert_eq!(offset(r, &r.gpfsel[0]), 0x00);
        assert_eq!(offset(r, &r.gpfsel[5]), 0x14);
        assert_eq!(offset(r, &r.gpset[0]), 0x1C);
        assert_eq!(offset(r, &r.gpset[1]), 0x20);
        assert_eq!(offset(r, &r.gpclr[0]), 0x28);
        assert_eq!(offset(r, &r.gpclr[1]), 0x2C);
        assert_eq!(offset(r, &r.gplev[0]), 0x34);
        assert_eq!(offset(r, &r.gplev[1]), 0x38);
        assert_eq!(offset(r, &r.gpeds[0]), 0x40);
        assert_eq!(offset(r, &r.gpeds[1]), 0x44);
        assert_eq!(offset(r, &r.gpren[0]), 0x4C);
        assert_eq!(offset(r, &r.gpfen[1]), 0x5C);
        assert_eq!(offset(r, &r.gphen[0]), 0x64);
        assert_eq!(offset(r, &r.gplen[1]), 0x74);
        assert_eq!(offset(r, &r.gparen[0]), 0x7C);
        assert_eq!(offset(r, &r.gparen[1]), 0x80);
        assert_eq!(offset(r, &r.gpafen[0]), 0x88);
        assert_eq!(offset(r, &r.gpafen[1]), 0x8C);
        assert_eq!(offset(r, &r.gppud), 0x94);
        assert_eq!(offset(r, &r.gppudclk[0]), 0x98);
        assert_eq!(offset(r, &r.gppudclk[1]), 0x9C);
        assert_eq!(core::mem::size_of::<RegisterBlock>(), 0xA0);
    }

    #[test]
    fn fsel_fields_sit_where_the_datasheet_puts_them() {
        // Table 6-3: FSEL14 is GPFSEL1 bits 14:12; FSEL53 is GPFSEL5 bits 11:9.
        assert_eq!(fsel_location(pin(0)), (0, 0));
        assert_eq!(fsel_location(pin(9)), (0, 27));
        assert_eq!(fsel_location(pin(10)), (1, 0));
        assert_eq!(fsel_location(pin(14)), (1, 12));
        assert_eq!(fsel_location(pin(15)), (1, 15));
        assert_eq!(fsel_location(pin(48)), (4, 24));
        assert_eq!(fsel_location(pin(53)), (5, 9));
    }

    #[test]
    fn function_codes_are_the_datasheet_codes() {
        let code = |f| fsel_update(0, pin(0), f);
        assert_eq!(code(GpioFunction::Input), 0b000);
        assert_eq!(code(GpioFunction::Output), 0b001);
        assert_eq!(code(GpioFunction::Alt0), 0b100);
        assert_eq!(code(GpioFunction::Alt1), 0b101);
        assert_eq!(code(GpioFunction::Alt2), 0b110);
        assert_eq!(code(GpioFunction::Alt3), 0b111);
        assert_eq!(code(GpioFunction::Alt4), 0b011);
        assert_eq!(code(GpioFunction::Alt5), 0b010);
    }

    #[test]
    fn fsel_update_touches_only_its_field() {
        // Pins 14/15 in ALT0, as the kernel routes the PL011: 0b100 at 12 and 15.
        let v = fsel_update(0, pin(14), GpioFunction::Alt0);
        let v = fsel_update(v, pin(15), GpioFunction::Alt0);
        assert_eq!(v, 0b100_100 << 12);
        // Writing into an all-ones register clears only the 3 bits that need it.
        let v = fsel_update(u32::MAX, pin(53), GpioFunction::Alt5);
        assert_eq!(v, !(0b101 << 9), "only the 0 bits of 0b010 cleared");
        assert_eq!(fsel_decode(v, pin(53)), GpioFunction::Alt5);
        assert_eq!(fsel_decode(v, pin(52)), GpioFunction::Alt3);
    }

    #[test]
    fn every_function_round_trips_on_every_pin() {
        let all = [
            GpioFunction::Input,
            GpioFunction::Output,
            GpioFunction::Alt0,
            GpioFunction::Alt1,
            GpioFunction::Alt2,
            GpioFunction::Alt3,
            GpioFunction::Alt4,
            GpioFunction::Alt5,
        ];
        for n in 0..=GPIO_MAX_PIN {
            for (i, f) in all.iter().enumerate() {
                // A busy background makes a stray write to a neighbour show.
                let background = 0x2AAA_AAAA ^ (i as u32);
                let v = fsel_update(background, pin(n), *f);
                assert_eq!(fsel_decode(v, pin(n)), *f, "pin {n}");
                let (_, shift) = fsel_location(pin(n));
                assert_eq!(v & !(0b111 << shift), background & !(0b111 << shift));
            }
        }
    }

    #[test]
    fn banks_split_at_32() {
        assert_eq!(bank_bit(pin(0)), (0, 1));
        assert_eq!(bank_bit(pin(31)), (0, 1 << 31));
        assert_eq!(bank_bit(pin(32)), (1, 1));
        assert_eq!(bank_bit(pin(53)), (1, 1 << 21));
        assert_eq!(pin_mask(pin(53)), 1 << 53);
        assert_eq!(ALL_PINS_MASK.count_ones(), 54);
    }

    #[test]
    fn bits_and_pulls() {
        assert_eq!(bit_update(0b1010, 0b0100, true), 0b1110);
        assert_eq!(bit_update(0b1110, 0b0100, false), 0b1010);
        assert_eq!(pud_value(GpioPull::Off), 0);
        assert_eq!(pud_value(GpioPull::Down), 1);
        assert_eq!(pud_value(GpioPull::Up), 2);
    }
}
