//! Memory bring-up: ask the firmware for RAM, carve the heap, fill the frame allocator, map the kernel.

use super::addr::{align_up, PhysAddr, VirtAddr, PAGE_SIZE};
use super::kernel_space::{self, Region, FRAMES};
use super::pagetable::MapError;
use super::pte::Attrs;
use super::{heap, KERNEL_BASE};
use crate::arch::aarch64::sections::{self, Layout};
use crate::dev::mailbox::MailboxError;
use crate::{board, firmware, pr_info};

/// Why memory could not be brought up (each is fatal at boot).
#[derive(Debug)]
pub enum MemInitError {
    /// The firmware did not say how much RAM there is.
    Mailbox(MailboxError),
    /// The RAM it reported cannot hold the kernel and its heap.
    TooLittleRam {
        /// Bytes reported.
        size_bytes: usize,
    },
    /// Building the kernel's tables failed.
    Map(MapError),
}

impl core::fmt::Display for MemInitError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Mailbox(e) => write!(
                f,
                "the VideoCore mailbox did not report the ARM memory: {e:?}"
            ),
            Self::TooLittleRam { size_bytes } => {
                write!(
                    f,
                    "{size_bytes} bytes of ARM memory cannot hold the kernel and its heap"
                )
            }
            Self::Map(e) => write!(f, "the kernel page tables could not be built: {e:?}"),
        }
    }
}

fn pa_of(va: usize) -> PhysAddr {
    PhysAddr(va - KERNEL_BASE)
}

/// Brings up memory management and logs what it found.
pub fn init(layout: Layout) -> Result<(), MemInitError> {
    let (ram_base, ram_bytes) = firmware::arm_memory().map_err(MemInitError::Mailbox)?;
    let ram_end = ram_base.as_usize() + ram_bytes;
    pr_info!(
        "mem: {} MiB of ARM memory at {:#010x}-{:#010x} (from the VideoCore mailbox)",
        ram_bytes >> 20,
        ram_base.as_usize(),
        ram_end
    );
    let (text, rodata, data) = (layout.text, layout.rodata, layout.data);
    pr_info!(
        "mem: kernel image {:#x}-{:#x}: text {} KiB, rodata {} KiB, data+bss {} KiB",
        pa_of(layout.image.0).as_usize(),
        pa_of(layout.image.1).as_usize(),
        (text.1 - text.0) >> 10,
        (rodata.1 - rodata.0) >> 10,
        (data.1 - data.0) >> 10
    );

    // The boot archive sits right after the image; the heap starts after it.
    let archive_end =
        sections::boot_archive().map_or(layout.image.1, |a| a.as_ptr() as usize + a.len());
    let heap_start = pa_of(align_up(archive_end, PAGE_SIZE));
    let frames_start = heap_start.as_usize() + heap::HEAP_BYTES;
    if frames_start >= ram_end {
        return Err(MemInitError::TooLittleRam {
            size_bytes: ram_bytes,
        });
    }
    // SAFETY: the heap region lies in RAM right after the image, which nothing
    // else uses: the frame allocator gets only what follows it.
    unsafe { heap::init(heap_start.to_virt()) };

    let free_frames = {
        let mut frames = FRAMES.lock();
        frames.add_range(PhysAddr(frames_start), PhysAddr(ram_end));
        frames.free_frames()
    };
    pr_info!(
        "mem: {} KiB kernel heap at {:#x}; {} free frames ({} MiB) in the buddy allocator",
        heap::HEAP_BYTES >> 10,
        heap_start.as_usize(),
        free_frames,
        (free_frames * PAGE_SIZE) >> 20
    );

    let checked = kernel_space::install(&kernel_regions(layout, ram_base, ram_end))
        .map_err(MemInitError::Map)?;
    pr_info!(
        "mmu: kernel tables in TTBR1 from {:#x}, TTBR0 off; W^X verified over {checked} pages",
        KERNEL_BASE
    );
    Ok(())
}

/// The kernel's map: RAM through the linear map with the image's sections at
/// their own permissions, then the peripheral windows as device memory.
fn kernel_regions(layout: Layout, ram_base: PhysAddr, ram_end: usize) -> [Region; 7] {
    let linear = |start: usize, end: usize, attrs: Attrs| Region {
        va: VirtAddr(start + KERNEL_BASE),
        pa: PhysAddr(start),
        len_bytes: end.saturating_sub(start),
        attrs,
    };
    let img = |va: usize| pa_of(va).as_usize();
    let (text, rodata, data) = (layout.text, layout.rodata, layout.data);
    let ram_start = ram_base.as_usize();
    [
        linear(ram_start, img(text.0), Attrs::KERNEL_DATA),
        linear(img(text.0), img(text.1), Attrs::KERNEL_CODE),
        linear(img(rodata.0), img(rodata.1), Attrs::KERNEL_RODATA),
        linear(img(data.0), img(layout.image.1), Attrs::KERNEL_DATA),
        linear(
            img(layout.image.1),
            align_up(ram_end, PAGE_SIZE),
            Attrs::KERNEL_DATA,
        ),
        linear(
            board::PERIPHERAL_BASE,
            board::PERIPHERAL_END,
            Attrs::KERNEL_DEVICE,
        ),
        linear(
            board::LOCAL_PERIPHERAL_BASE,
            board::LOCAL_PERIPHERAL_END,
            Attrs::KERNEL_DEVICE,
        ),
    ]
}
