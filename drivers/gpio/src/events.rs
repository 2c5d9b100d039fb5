//! GPIO event records as clients read them, and the bounded queue that holds them until then.

use proto::ioctl::{GpioEvent, GpioPin};
use proto::Errno;

/// Bytes of one event record in a `Read` reply.
pub const EVENT_RECORD_BYTES: usize = 8;
/// Records the queue holds; past this the oldest is dropped and counted as an overrun.
pub const EVENT_QUEUE_LEN: usize = 32;

/// One detected event: a little-endian u64 on the wire.
///
/// | bits   | field |
/// |--------|-------|
/// | 0..8   | pin |
/// | 8..16  | the [`GpioEvent`] the pin was armed with (`Both` for either edge) |
/// | 16..32 | zero |
/// | 32..64 | sequence number, one per queued record, wrapping; a gap means records were dropped |
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventRecord {
    /// The pin.
    pub pin: GpioPin,
    /// What the pin was armed for when the event was seen.
    pub event: GpioEvent,
    /// The record's sequence number.
    pub seq: u32,
}

impl EventRecord {
    /// The record's 8 wire bytes.
    pub const fn to_bytes(self) -> [u8; EVENT_RECORD_BYTES] {
        let word = self.pin.number() as u64 | (self.event as u64) << 8 | (self.seq as u64) << 32;
        word.to_le_bytes()
    }

    /// The record in `bytes`; `EINVAL` for a bad pin or event or a nonzero reserved bit.
    pub fn from_bytes(bytes: [u8; EVENT_RECORD_BYTES]) -> Result<EventRecord, Errno> {
        let word = u64::from_le_bytes(bytes);
        if word >> 16 & 0xFFFF != 0 {
            return Err(Errno::Invalid);
        }
        let pin = GpioPin::new(word as u8)?;
        let event = GpioEvent::from_raw((word >> 8) as u8).ok_or(Errno::Invalid)?;
        Ok(EventRecord {
            pin,
            event,
            seq: (word >> 32) as u32,
        })
    }
}

/// A ring of at most [`EVENT_QUEUE_LEN`] records that drops the oldest when full.
#[derive(Clone, Debug)]
pub struct EventQueue {
    /// Queued records start at `head` and run `len` slots on, wrapping; those slots are `Some`.
    slots: [Option<EventRecord>; EVENT_QUEUE_LEN],
    /// Index of the oldest record.
    head: usize,
    /// Records queued; never above `EVENT_QUEUE_LEN`.
    len: usize,
    /// The next record's sequence number.
    next_seq: u32,
    /// Records dropped to make room, saturating.
    overruns: u32,
}

impl Default for EventQueue {
    fn default() -> Self {
        EventQueue::new()
    }
}

impl EventQueue {
    /// An empty queue; sequence numbers start at 0.
    pub const fn new() -> EventQueue {
        EventQueue {
            slots: [None; EVENT_QUEUE_LEN],
            head: 0,
            len: 0,
            next_seq: 0,
            overruns: 0,
        }
    }

    /// Queues an event on `pin`, dropping the oldest record if the queue is full.
    pub fn push(&mut self, pin: GpioPin, event: GpioEvent) {
        if self.len == EVENT_QUEUE_LEN {
            self.pop();
            self.overruns = self.overruns.saturating_add(1);
        }
        let tail = (self.head + self.len) % EVENT_QUEUE_LEN;
        debug_assert!(self.slots[tail].is_none(), "the tail slot is free");
        self.slots[tail] = Some(EventRecord {
            pin,
            event,
            seq: self.next_seq,
        });
        self.next_seq = self.next_seq.wrapping_add(1);
        self.len += 1;
        debug_assert!(self.len <= EVENT_QUEUE_LEN);
    }

    /// The oldest record, taken out.
    pub fn pop(&mut self) -> Option<EventRecord> {
        if self.len == 0 {
            return None;
        }
        let record = self.slots[self.head].take();
        debug_assert!(record.is_some(), "queued slots hold records");
        self.head = (self.head + 1) % EVENT_QUEUE_LEN;
        self.len -= 1;
        record
    }

    /// Records queued.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing is queued.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Records dropped because the queue was full (saturating).
    pub const fn overruns(&self) -> u32 {
        self.overruns
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin(n: u8) -> GpioPin {
        GpioPin::new(n).unwrap()
    }

    #[test]
    fn record_layout_is_little_endian_pin_event_seq() {
        let record = EventRecord {
            pin: pin(17),
            event: GpioEvent::Falling,
            seq: 0x0102_0304,
        };
        assert_eq!(record.to_bytes(), [17, 2, 0, 0, 4, 3, 2, 1]);
        assert_eq!(EventRecord::from_bytes(record.to_bytes()), Ok(record));
    }

    #[test]
    fn bad_records_are_refused() {
        let bad = Err(Errno::Invalid);
        assert_eq!(EventRecord::from_bytes([54, 1, 0, 0, 0, 0, 0, 0]), bad);
        assert_eq!(EventRecord::from_bytes([3, 6, 0, 0, 0, 0, 0, 0]), bad);
        assert_eq!(EventRecord::from_bytes([3, 1, 0, 1, 0, 0, 0, 0]), bad);
    }

    #[test]
    fn queue_is_fifo_with_sequence_numbers() {
        let mut q = EventQueue::new();
        assert!(q.pop().is_none());
        q.push(pin(1), GpioEvent::Rising);
        q.push(pin(2), GpioEvent::Low);
        assert_eq!(q.len(), 2);
        let a = q.pop().unwrap();
        let b = q.pop().unwrap();
        assert_eq!((a.pin, a.event, a.seq), (pin(1), GpioEvent::Rising, 0));
        assert_eq!((b.pin, b.event, b.seq), (pin(2), GpioEvent::Low, 1));
        assert!(q.is_empty());
    }

    #[test]
    fn a_full_queue_drops_the_oldest_and_counts_it() {
        let mut q = EventQueue::new();
        let extra = 5;
        for i in 0..EVENT_QUEUE_LEN + extra {
            q.push(pin((i % 54) as u8), GpioEvent::Both);
        }
        assert_eq!(q.len(), EVENT_QUEUE_LEN);
        assert_eq!(q.overruns(), extra as u32);
        let mut expected = extra as u32;
        while let Some(r) = q.pop() {
            assert_eq!(r.seq, expected);
            expected += 1;
        }
        assert_eq!(expected as usize, EVENT_QUEUE_LEN + extra);
    }
}
