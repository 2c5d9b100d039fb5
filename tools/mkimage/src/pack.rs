//! `mkimage pack`: one bootable file: the flat kernel image, zeros over its BSS, then the boot archive.
//!
//! The loader (the Pi firmware or QEMU) copies the whole file to 0x80000, so
//! the archive lands right at `__kernel_end`, where the kernel looks for the
//! 8-byte magic `MICAARCH` and a little-endian u64 length (see the kernel's
//! `arch::aarch64::sections::boot_archive`).

/// The magic in front of the archive; the kernel checks the same bytes.
pub const MAGIC: &[u8; 8] = b"MICAARCH";

/// The bootable image: `flat` padded with zeros to `kernel_span_bytes`
/// (`__kernel_end - __kernel_start`), then the archive header and `archive`.
pub fn pack(flat: &[u8], kernel_span_bytes: u64, archive: &[u8]) -> Result<Vec<u8>, String> {
    let span =
        usize::try_from(kernel_span_bytes).map_err(|_| "kernel span does not fit in memory")?;
    if flat.len() > span {
        return Err(format!(
            "the flat image ({} bytes) is longer than __kernel_end - __kernel_start ({span} bytes): wrong ELF?",
            flat.len()
        ));
    }
    let mut out = Vec::with_capacity(span + 16 + archive.len());
    out.extend_from_slice(flat);
    out.resize(span, 0);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(archive.len() as u64).to_le_bytes());
    out.extend_from_slice(archive);
    Ok(out)
}

/// `__kernel_end - __kernel_start` from the kernel ELF's symbols.
pub fn kernel_span(symbols: &[crate::elf::KernelSymbol], path: &str) -> Result<u64, String> {
    let find = |name: &str| {
        symbols
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.addr)
            .ok_or(format!("{path}: no symbol {name}: not a mica kernel?"))
    };
    let (start, end) = (find("__kernel_start")?, find("__kernel_end")?);
    end.checked_sub(start)
        .ok_or(format!("{path}: __kernel_end lies before __kernel_start"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_follows_the_padded_image() {
        let out = pack(&[1, 2, 3], 8, b"cpio").unwrap();
        assert_eq!(&out[..8], &[1, 2, 3, 0, 0, 0, 0, 0]);
        assert_eq!(&out[8..16], MAGIC);
        assert_eq!(&out[16..24], &4u64.to_le_bytes());
        assert_eq!(&out[24..], b"cpio");
    }

    #[test]
    fn an_image_longer_than_its_span_is_refused() {
        assert!(pack(&[0; 9], 8, b"").unwrap_err().contains("longer"));
    }
}
