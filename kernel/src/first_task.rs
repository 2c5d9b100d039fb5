//! Starting user space: `init` from the boot archive, holding the archive itself as a memory region.

use crate::arch::aarch64::sections;
use crate::cap::table::Cap;
use crate::kstate::with_kernel;
use crate::mem::{align_up, PhysAddr, VirtAddr, PAGE_SIZE};
use crate::object::{KObj, Region};
use crate::spawn::SpawnSpec;
use abi::Rights;
use alloc::vec::Vec;

/// The name `init` has in the boot archive.
pub const INIT_NAME: &str = "init";
/// An optional archive file whose contents are init's `key=value` arguments
/// (the kernel command line of mica).
pub const INIT_ARGS_NAME: &str = "init.args";
/// init's priority: in the middle, so servers can rank above or below it.
pub const INIT_PRIORITY: u8 = 16;

/// Starts `init` and returns its pid. Handle 1 in init's table maps the boot
/// archive read-only: a 16-byte header (`MICAARCH`, length) and the cpio bytes.
pub fn start_init() -> Result<u64, &'static str> {
    let archive =
        sections::boot_archive().ok_or("the image carries no boot archive (build with `make`)")?;
    let cpio = crate::loader::cpio::Archive::new(archive)
        .map_err(|_| "the boot archive is not a valid cpio newc archive")?;
    let image = cpio
        .find(INIT_NAME)
        .ok_or("the boot archive has no `init`")?;
    let header_va = archive.as_ptr() as usize - 16;
    let start = VirtAddr(header_va)
        .linear_to_phys()
        .ok_or("boot archive outside the linear map")?;
    let pages = align_up(archive.len() + 16, PAGE_SIZE) / PAGE_SIZE;
    let mut frames = Vec::new();
    frames
        .try_reserve_exact(pages)
        .map_err(|_| "no memory for the boot archive's frame list")?;
    frames.extend((0..pages).map(|i| PhysAddr(start.as_usize() + i * PAGE_SIZE)));
    with_kernel(|k| {
        let region = k
            .regions
            .insert(Region {
                refs: 0,
                frames,
                owned: false,
                device: None,
            })
            .map_err(|_| "out of memory")?;
        let caps = [Cap::new(
            KObj::Region(region),
            Rights::MAP.union(Rights::DUP).union(Rights::GRANT),
        )];
        let args = cpio.find(INIT_ARGS_NAME).unwrap_or(b"");
        let args = args.strip_suffix(b"\n").unwrap_or(args);
        let spec = SpawnSpec {
            name: INIT_NAME,
            args,
            priority: INIT_PRIORITY,
            fault_ep: None,
        };
        let id = k.spawn(image, &spec, &caps).map_err(|e| e.description())?;
        k.init = Some(id);
        Ok(k.tasks.get(id).map_or(0, |t| t.pid))
    })
}

/// The kernel's main loop once it is up: start init, then schedule for ever.
pub fn run_user_space() -> ! {
    crate::pr_info!(
        "mica: boot complete in {} ms",
        crate::time::monotonic_ns() / 1_000_000
    );
    match start_init() {
        Ok(pid) => crate::pr_info!("mica: started init (pid {pid})"),
        Err(why) => {
            crate::pr_emerg!("mica: cannot start init: {why}");
            crate::arch::aarch64::cpu::halt();
        }
    }
    crate::trap::idle()
}
