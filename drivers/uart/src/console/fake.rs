//! A UART in memory for the console's host tests: bytes to receive, bytes sent, interrupt state.

extern crate std;

use super::*;
use crate::BaudError;
use core::cell::RefCell;
use std::vec::Vec;

/// A UART in memory: bytes to receive, bytes sent, and whether interrupts are on.
#[derive(Default)]
pub(super) struct FakeUart {
    pub(super) rx: RefCell<Vec<u8>>,
    pub(super) tx: RefCell<Vec<u8>>,
    pub(super) acks: RefCell<usize>,
    pub(super) rx_enabled: RefCell<bool>,
}

impl FakeUart {
    pub(super) fn receive(&self, bytes: &[u8]) {
        self.rx.borrow_mut().extend_from_slice(bytes);
    }

    pub(super) fn take_tx(&self) -> Vec<u8> {
        core::mem::take(&mut *self.tx.borrow_mut())
    }
}

impl Uart for FakeUart {
    fn init(&self, _clock_hz: u32, _baud: u32) -> Result<(), BaudError> {
        Ok(())
    }
    fn enable_rx_interrupts(&self) {
        *self.rx_enabled.borrow_mut() = true;
    }
    fn disable_interrupts(&self) {
        *self.rx_enabled.borrow_mut() = false;
    }
    fn ack_interrupts(&self) {
        *self.acks.borrow_mut() += 1;
    }
    fn try_read(&self) -> Option<u8> {
        let mut rx = self.rx.borrow_mut();
        (!rx.is_empty()).then(|| rx.remove(0))
    }
    fn try_write(&self, byte: u8) -> bool {
        self.tx.borrow_mut().push(byte);
        true
    }
    fn tx_idle(&self) -> bool {
        true
    }
}
