//! The fake machine host tests run the kernel core on: a settable clock, a frame store, boxed contexts.
//!
//! Its state is per thread (every test runs on its own thread), so tests
//! never see each other's clock or frames. Misuse that would corrupt memory
//! on the target (touching a frame that is not allocated, freeing one twice)
//! panics here, so a test catches it.

use crate::arena::Id;
use crate::mem::{OutOfMemory, PhysAddr, PAGE_SIZE};
use crate::task::UserContext;
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::cell::RefCell;
use core::ops::{Deref, DerefMut};

/// Nanoseconds per timer tick: 100 Hz, as on the target.
pub const TICK_NS: u64 = 10_000_000;
/// Nanoseconds per period of the fake system counter (50 MHz: not 1 GHz, so
/// code that mixes up counts and nanoseconds fails its tests).
pub const COUNTER_PERIOD_NS: u64 = 20;
/// Where fake frames start (any page-aligned value would do; non-zero catches a stray 0).
const FIRST_FRAME: usize = 0x1000_0000;

/// This thread's fake machine.
struct Machine {
    now_ns: u64,
    frames: BTreeMap<usize, Box<[u8; PAGE_SIZE]>>,
    next_frame: usize,
    /// Interrupt lines bound (bit n: line n) and lines that "fired".
    irq_bound: u64,
    irq_fired: u64,
    /// The ASID of the tables "in TTBR0", which `user_*_pa` translate through.
    loaded_asid: Option<u16>,
    /// User pages by (ASID, page address): the frame and whether it is writable.
    user_pages: BTreeMap<(u16, usize), (PhysAddr, bool)>,
}

impl Machine {
    const fn new() -> Self {
        Self {
            now_ns: 0,
            frames: BTreeMap::new(),
            next_frame: FIRST_FRAME,
            irq_bound: 0,
            irq_fired: 0,
            loaded_asid: None,
            user_pages: BTreeMap::new(),
        }
    }

    fn frame(&mut self, pa: PhysAddr) -> &mut [u8; PAGE_SIZE] {
        match self.frames.get_mut(&pa.as_usize()) {
            Some(f) => f,
            None => panic!("frame {:#x} is not allocated", pa.as_usize()),
        }
    }
}

std::thread_local! {
    static MACHINE: RefCell<Machine> = const { RefCell::new(Machine::new()) };
}

fn with<R>(f: impl FnOnce(&mut Machine) -> R) -> R {
    MACHINE.with(|m| f(&mut m.borrow_mut()))
}

/// Puts this thread's machine back to boot: clock at 0, no frames.
pub fn reset() {
    with(|m| *m = Machine::new());
}

/// Nanoseconds since "boot" (the fake clock).
pub fn monotonic_ns() -> u64 {
    with(|m| m.now_ns)
}

/// Timer ticks since "boot": whole `TICK_NS` periods of the fake clock.
pub fn ticks() -> u64 {
    monotonic_ns() / TICK_NS
}

/// The fake system counter: the fake clock in periods of [`COUNTER_PERIOD_NS`].
pub fn counter() -> u64 {
    monotonic_ns() / COUNTER_PERIOD_NS
}

/// Converts counter periods to nanoseconds, as `time::counts_to_ns` does.
pub fn counts_to_ns(counts: u64) -> u64 {
    counts.saturating_mul(COUNTER_PERIOD_NS)
}

/// Moves the fake clock forward by `ns`.
pub fn advance_ns(ns: u64) {
    with(|m| m.now_ns = m.now_ns.saturating_add(ns));
}

/// Moves the fake clock forward by `count` whole ticks.
pub fn advance_ticks(count: u64) {
    advance_ns(count.saturating_mul(TICK_NS));
}

/// A fresh zeroed frame (the host's frame allocator never runs out).
pub fn alloc_frame() -> PhysAddr {
    with(|m| {
        let pa = m.next_frame;
        m.next_frame += PAGE_SIZE;
        m.frames.insert(pa, Box::new([0; PAGE_SIZE]));
        PhysAddr(pa)
    })
}

/// Gives frames back; panics on one that is not allocated (a double free).
pub fn free_frames(frames: &[PhysAddr]) {
    with(|m| {
        for pa in frames {
            let freed = m.frames.remove(&pa.as_usize());
            assert!(freed.is_some(), "frame {:#x} freed twice", pa.as_usize());
        }
    });
}

/// Whether frame `pa` is allocated.
pub fn frame_is_live(pa: PhysAddr) -> bool {
    with(|m| m.frames.contains_key(&pa.as_usize()))
}

/// How many frames are allocated.
pub fn live_frames() -> usize {
    with(|m| m.frames.len())
}

/// Copies `bytes` into frame `pa` at `offset` (clipped to the frame), like `mem::write_frame`.
pub fn write_frame(pa: PhysAddr, offset: usize, bytes: &[u8]) {
    with(|m| {
        let f = m.frame(pa);
        let start = offset.min(PAGE_SIZE);
        let len = bytes.len().min(PAGE_SIZE - start);
        f[start..start + len].copy_from_slice(&bytes[..len]);
    });
}

/// Copies from frame `pa` at `offset` into `out` (clipped); returns bytes copied, like `mem::read_frame`.
pub fn read_frame(pa: PhysAddr, offset: usize, out: &mut [u8]) -> usize {
    with(|m| {
        let f = m.frame(pa);
        let start = offset.min(PAGE_SIZE);
        let len = out.len().min(PAGE_SIZE - start);
        out[..len].copy_from_slice(&f[start..start + len]);
        len
    })
}

/// The host's page tables: page `va` of the space with ASID `asid` is frame
/// `pa`, writable or read-only (what tests of the `AT` users map).
pub fn map_user_page(asid: u16, va: usize, pa: PhysAddr, writable: bool) {
    with(|m| {
        m.user_pages
            .insert((asid, va & !(PAGE_SIZE - 1)), (pa, writable))
    });
}

/// "Switches TTBR0": later `user_*_pa` translate through the pages mapped for `asid`.
pub fn switch_user_tables(_root: usize, asid: u16) {
    with(|m| m.loaded_asid = Some(asid));
}

/// `switch_user_tables` without the barrier (the target's `eret` synchronizes).
pub fn switch_user_tables_for_eret(root: usize, asid: u16) {
    switch_user_tables(root, asid);
}

/// The ASID whose tables are loaded, if any.
pub fn loaded_asid() -> Option<u16> {
    with(|m| m.loaded_asid)
}

/// `AT S1E0R` on the host: `va` through the loaded tables, if mapped.
pub fn user_readable_pa(va: usize) -> Option<usize> {
    translate(va, false)
}

/// `AT S1E0W` on the host: `va` through the loaded tables, if mapped writable.
pub fn user_writable_pa(va: usize) -> Option<usize> {
    translate(va, true)
}

fn translate(va: usize, write: bool) -> Option<usize> {
    with(|m| {
        let (pa, writable) = *m.user_pages.get(&(m.loaded_asid?, va & !(PAGE_SIZE - 1)))?;
        (writable || !write).then_some(pa.as_usize() + va % PAGE_SIZE)
    })
}

/// Copies `len_bytes` at physical address `src` into frame `dst` at `offset`, like `mem::copy_into_frame`.
pub fn copy_into_frame(dst: PhysAddr, offset: usize, src: PhysAddr, len_bytes: usize) {
    let page = PhysAddr(src.as_usize() & !(PAGE_SIZE - 1));
    let mut bytes = alloc::vec![0u8; len_bytes];
    let n = read_frame(page, src.as_usize() % PAGE_SIZE, &mut bytes);
    write_frame(dst, offset, &bytes[..n]);
}

/// Unmasks a line after the kernel served it (the host has no controller to tell).
pub fn ack_irq(_irq: u32) {}

/// The host's stand-in for a kernel data abort: a panic the test can expect.
pub fn fault_in_kernel(why: &str) {
    panic!("deliberate kernel fault: {why}");
}

/// Runs `f` on a copy of frame `pa` and stores the copy back, like `mem::with_frame`.
pub fn with_frame<R>(pa: PhysAddr, f: impl FnOnce(&mut [u8; PAGE_SIZE]) -> R) -> R {
    let mut copy = Box::new([0u8; PAGE_SIZE]);
    read_frame(pa, 0, &mut copy[..]);
    let result = f(&mut copy);
    write_frame(pa, 0, &copy[..]);
    result
}

/// Copies the first `len_bytes` of frame `src` to frame `dst`, like `mem::copy_frame_prefix`.
pub fn copy_frame_prefix(src: PhysAddr, dst: PhysAddr, len_bytes: usize) {
    let len = len_bytes.min(PAGE_SIZE);
    if src == dst || len == 0 {
        return;
    }
    with(|m| {
        let bytes = m.frame(src)[..len].to_vec();
        m.frame(dst)[..len].copy_from_slice(&bytes);
    });
}

/// The host's TLB has nothing to flush.
pub fn flush_tlb_asid(_asid: u16) {}

/// The host's TLB has nothing to flush.
pub fn flush_tlb_all() {}

/// Loads `asid`'s tables with TTBR0 walks off before: on the host, as a switch.
pub fn load_user_tables(root: usize, asid: u16) {
    switch_user_tables(root, asid);
}

/// Unloads TTBR0: no user address translates until tables are loaded again.
pub fn unload_user_tables() {
    with(|m| m.loaded_asid = None);
}

/// A saved user context in a plain box (the target keeps it in a slab object
/// at a stable address for TPIDR_EL1; the host only needs ownership).
pub struct CtxBox(Box<UserContext>);

impl CtxBox {
    /// Stores `ctx` on the heap.
    pub fn new(ctx: UserContext) -> Result<Self, OutOfMemory> {
        Ok(Self(Box::new(ctx)))
    }

    /// The context's address.
    pub fn as_ptr(&self) -> *const UserContext {
        &*self.0
    }
}

impl Deref for CtxBox {
    type Target = UserContext;
    fn deref(&self) -> &UserContext {
        &self.0
    }
}

impl DerefMut for CtxBox {
    fn deref_mut(&mut self) -> &mut UserContext {
        &mut self.0
    }
}

/// A stand-in for a task's address space: no page tables, only the shared
/// regions mapped in it, which `destroy` hands back as the real one does.
#[derive(Default)]
pub struct AddressSpace {
    /// Regions mapped in this space (one entry per mapping).
    pub regions: Vec<Id>,
    /// What `memory_pages` reports (tests set it).
    pub memory_pages: usize,
}

impl AddressSpace {
    /// The page-table root, as the real space has one (the host has no tables: 0).
    pub fn root(&self) -> crate::mem::PhysAddr {
        crate::mem::PhysAddr(0)
    }

    /// Pages mapped plus page-table pages, as the real space counts them.
    pub fn memory_pages(&self) -> usize {
        self.memory_pages
    }

    /// Ends the space; returns the regions whose mappings held a reference.
    pub fn destroy(self) -> Vec<Id> {
        self.regions
    }
}

/// Binds or unbinds interrupt line `irq` (the fake controller records it).
pub fn set_irq_bound(irq: u32, bound: bool) {
    if irq < 64 {
        with(|m| {
            if bound {
                m.irq_bound |= 1 << irq;
            } else {
                m.irq_bound &= !(1 << irq);
                m.irq_fired &= !(1 << irq);
            }
        });
    }
}

/// Whether line `irq` is bound, for tests.
pub fn irq_is_bound(irq: u32) -> bool {
    irq < 64 && with(|m| m.irq_bound & (1 << irq) != 0)
}

/// Makes line `irq` fire, as the interrupt handler records a bound line.
pub fn fire_irq(irq: u32) {
    if irq < 64 {
        with(|m| m.irq_fired |= (1 << irq) & m.irq_bound);
    }
}

/// Takes the lines that fired since the last call.
pub fn take_fired_irqs() -> u64 {
    with(|m| core::mem::take(&mut m.irq_fired))
}

/// A device claim ended (nothing to hand back on the host).
pub fn device_released(_index: usize) {}
