//! Test kernel: frames, the heap, object caches, and kernel page mapping on the real MMU.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod checks {
    extern crate alloc;

    use alloc::boxed::Box;
    use alloc::collections::BTreeMap;
    use alloc::string::String;
    use alloc::vec::Vec;
    use kernel::kcheck;
    use kernel::ktest::{run, Test};
    use kernel::mem::kernel_space::{self, FramePages, FRAMES};
    use kernel::mem::pagetable::{MapError, UnmapError};
    use kernel::mem::pte::Attrs;
    use kernel::mem::slab::TypedCache;
    use kernel::mem::{heap, vmalloc, PhysAddr, VirtAddr, PAGE_SIZE, VMAP_BASE};

    kernel::kernel_entry!(main);

    fn main() -> ! {
        run(&[
            Test {
                name: "frames allocate and free without leaks",
                run: frames_no_leak,
            },
            Test {
                name: "frame exhaustion is an error, not a panic",
                run: frames_exhaustion,
            },
            Test {
                name: "heap allocations hold their contents",
                run: heap_contents,
            },
            Test {
                name: "heap exhaustion is an error",
                run: heap_exhaustion,
            },
            Test {
                name: "object cache accounting and shrink",
                run: slab_accounting,
            },
            Test {
                name: "kernel sections have their permissions",
                run: section_permissions,
            },
            Test {
                name: "map, translate and unmap a page",
                run: map_unmap,
            },
            Test {
                name: "vmalloc memory is usable and freed",
                run: vmalloc_roundtrip,
            },
        ])
    }

    fn free_frames() -> usize {
        FRAMES.lock().free_frames()
    }

    fn frames_no_leak() -> Result<(), String> {
        let before = free_frames();
        let mut blocks = Vec::new();
        for count in [1usize, 2, 3, 8, 16, 1, 64, 5, 512] {
            let pa = FRAMES
                .lock()
                .alloc(count)
                .map_err(|e| alloc::format!("alloc {count}: {e}"))?;
            let block_bytes = count.next_power_of_two() * PAGE_SIZE;
            kcheck!(
                pa.as_usize() % block_bytes == 0,
                "{count} frames at {:#x} not aligned",
                pa.as_usize()
            );
            blocks.push((pa.as_usize(), block_bytes, count));
        }
        blocks.sort();
        for w in blocks.windows(2) {
            kcheck!(
                w[0].0 + w[0].1 <= w[1].0,
                "blocks overlap: {:#x} and {:#x}",
                w[0].0,
                w[1].0
            );
        }
        kcheck!(
            free_frames() < before,
            "allocation did not reduce the free count"
        );
        for (pa, _, count) in blocks {
            FRAMES.lock().free(PhysAddr(pa), count);
        }
        kcheck!(
            free_frames() == before,
            "leak: {} free before, {} after",
            before,
            free_frames()
        );
        Ok(())
    }

    fn frames_exhaustion() -> Result<(), String> {
        let before = free_frames();
        let r = FRAMES.lock().alloc(1 << 20);
        kcheck!(r.is_err(), "4 GiB of frames should not exist");
        kcheck!(
            free_frames() == before,
            "a failed allocation changed the free count"
        );
        Ok(())
    }

    fn heap_contents() -> Result<(), String> {
        let (used_before, _) = heap::usage();
        {
            let v: Vec<u64> = (0..10_000).collect();
            let b = Box::new([7u8; 3000]);
            let mut m = BTreeMap::new();
            for i in 0..500u32 {
                m.insert(i, alloc::format!("value {i}"));
            }
            kcheck!(
                v.iter().sum::<u64>() == 49_995_000,
                "vector contents changed"
            );
            kcheck!(b.iter().all(|&x| x == 7), "box contents changed");
            kcheck!(
                m.get(&321).map(String::as_str) == Some("value 321"),
                "map lookup failed"
            );
        }
        let (used_after, _) = heap::usage();
        kcheck!(
            used_after == used_before,
            "heap use {} -> {} after dropping all",
            used_before,
            used_after
        );
        Ok(())
    }

    fn heap_exhaustion() -> Result<(), String> {
        let mut v: Vec<u8> = Vec::new();
        kcheck!(
            v.try_reserve(heap::HEAP_BYTES * 2).is_err(),
            "reserving twice the heap succeeded"
        );
        kcheck!(
            v.try_reserve(4096).is_ok(),
            "a small reservation failed after the big one"
        );
        Ok(())
    }

    fn slab_accounting() -> Result<(), String> {
        let before = free_frames();
        let mut cache =
            TypedCache::<[u64; 8]>::new("ktest-64").map_err(|e| alloc::format!("{e:?}"))?;
        let per_slab = cache.stats().objects_per_slab;
        let mut objs = Vec::new();
        for i in 0..(per_slab * 2 + 1) as u64 {
            objs.push(
                cache
                    .alloc(&mut FramePages, [i; 8])
                    .map_err(|(e, _)| alloc::format!("{e}"))?,
            );
        }
        let s = cache.stats();
        kcheck!(
            s.slabs_full == 2 && s.slabs_partial == 1,
            "after {} objects: {s:?}",
            objs.len()
        );
        kcheck!(free_frames() == before - 3, "3 slabs should use 3 frames");
        for p in objs.drain(..) {
            // SAFETY: each pointer came from this cache's `alloc` and is freed once.
            unsafe { cache.free(p) };
        }
        let s = cache.stats();
        kcheck!(
            s.active_objects == 0 && s.slabs_empty == 3,
            "after freeing all: {s:?}"
        );
        kcheck!(
            cache.shrink(&mut FramePages) == 3,
            "shrink returned the wrong page count"
        );
        kcheck!(free_frames() == before, "slab pages leaked");
        Ok(())
    }

    fn section_permissions() -> Result<(), String> {
        let code = VirtAddr(main as fn() -> ! as usize);
        let data = VirtAddr(&FRAMES as *const _ as usize);
        let (_, code_attrs) = kernel_space::translate(code).ok_or("kernel text is not mapped")?;
        kcheck!(
            code_attrs == Attrs::KERNEL_CODE,
            "text mapped as {code_attrs:?}"
        );
        let (_, data_attrs) = kernel_space::translate(data).ok_or("kernel data is not mapped")?;
        kcheck!(
            data_attrs == Attrs::KERNEL_DATA,
            "data mapped as {data_attrs:?}"
        );
        kcheck!(
            kernel_space::translate(VirtAddr(VMAP_BASE)).is_none(),
            "vmap area starts mapped"
        );
        Ok(())
    }

    fn map_unmap() -> Result<(), String> {
        let before = free_frames();
        let pa = FRAMES
            .lock()
            .alloc_one()
            .map_err(|e| alloc::format!("{e}"))?;
        let va = VirtAddr(VMAP_BASE + (1 << 30) - PAGE_SIZE);
        kernel_space::map(va, pa, PAGE_SIZE, Attrs::KERNEL_DATA)
            .map_err(|e| alloc::format!("map: {e:?}"))?;
        kcheck!(
            kernel_space::translate(va) == Some((pa, Attrs::KERNEL_DATA)),
            "translate disagrees"
        );
        let again = kernel_space::map(va, pa, PAGE_SIZE, Attrs::KERNEL_DATA);
        kcheck!(
            matches!(again, Err(MapError::AlreadyMapped { .. })),
            "double map gave {again:?}"
        );
        kernel_space::unmap(va, PAGE_SIZE).map_err(|e| alloc::format!("unmap: {e:?}"))?;
        kcheck!(
            kernel_space::translate(va).is_none(),
            "still mapped after unmap"
        );
        let again = kernel_space::unmap(va, PAGE_SIZE);
        kcheck!(
            matches!(again, Err(UnmapError::NotMapped { .. })),
            "double unmap gave {again:?}"
        );
        FRAMES.lock().free(pa, 1);
        kcheck!(
            free_frames() == before,
            "tables or frames leaked: {} -> {}",
            before,
            free_frames()
        );
        Ok(())
    }

    fn vmalloc_roundtrip() -> Result<(), String> {
        let before = free_frames();
        {
            let mut area = vmalloc::vmalloc(5).map_err(|e| alloc::format!("{e}"))?;
            kcheck!(
                area.as_slice().iter().all(|&b| b == 0),
                "vmalloc memory is not zeroed"
            );
            for (i, b) in area.as_mut_slice().iter_mut().enumerate() {
                *b = (i % 251) as u8;
            }
            let ok = area
                .as_slice()
                .iter()
                .enumerate()
                .all(|(i, &b)| b == (i % 251) as u8);
            kcheck!(ok, "pattern did not read back through the mapping");
            for (i, &pa) in area.frames().iter().enumerate() {
                let va = VirtAddr(area.va().as_usize() + i * PAGE_SIZE);
                kcheck!(
                    kernel_space::translate(va).map(|t| t.0) == Some(pa),
                    "page {i} maps elsewhere"
                );
            }
            let guard = VirtAddr(area.va().as_usize() + area.len_bytes());
            kcheck!(
                kernel_space::translate(guard).is_none(),
                "guard page is mapped"
            );
        }
        kcheck!(
            free_frames() == before,
            "vmalloc leaked: {} -> {}",
            before,
            free_frames()
        );
        Ok(())
    }
}

#[cfg(not(target_os = "none"))]
fn main() {}
