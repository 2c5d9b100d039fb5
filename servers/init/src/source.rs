//! Where a module's image comes from: the boot archive (a name) or a file through the file server (a path).

use alloc::format;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use proto::file::OpenFlags;
use proto::Errno;
use ulib::file::File;

/// Largest module image init reads from a file (the archive's are not limited).
const MAX_FILE_BYTES: usize = 4 << 20;

/// A module image, kept for restarts.
#[derive(Clone)]
pub enum Elf {
    /// In the boot archive's mapping.
    Archive(&'static [u8]),
    /// Read from a file.
    File(Rc<Vec<u8>>),
}

impl Elf {
    /// The image's bytes.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Elf::Archive(b) => b,
            Elf::File(v) => v,
        }
    }
}

/// The image named by `source`: `hello` is `/boot/hello` in the archive, a
/// path with a `/` is read through the file server (connection `fs`).
pub fn find(
    archive: &newc::Archive<'static>,
    fs: Option<u32>,
    source: &str,
) -> Result<(Elf, String), (Errno, String)> {
    let name = source.strip_prefix("/boot/").unwrap_or(source);
    if !name.contains('/') {
        // A bare name may also be a module kept in a folder of the archive (extra/).
        let found = archive
            .find(name)
            .map(|b| (b, String::from(name)))
            .or_else(|| {
                archive
                    .iter()
                    .find(|e| e.name.rsplit('/').next() == Some(name))
                    .map(|e| (e.data, String::from(e.name)))
            });
        return match found {
            Some((bytes, at)) => Ok((Elf::Archive(bytes), format!("/boot/{at}"))),
            None => Err((
                Errno::NoEntry,
                format!(
                    "{source}: no such module in /boot (a file needs its path, like /tmp/{name})"
                ),
            )),
        };
    }
    let Some(fs) = fs else {
        return Err((
            Errno::NoDevice,
            format!("{source}: the file server is not running"),
        ));
    };
    ulib::file::set_root(fs);
    let mut f =
        File::open(source, OpenFlags::READ, 0).map_err(|e| (e, format!("{source}: {e}")))?;
    let size = f
        .stat()
        .map_err(|e| (e, format!("{source}: {e}")))?
        .size_bytes as usize;
    if size > MAX_FILE_BYTES {
        return Err((
            Errno::FileTooBig,
            format!("{source}: {size} bytes; modules are at most {MAX_FILE_BYTES}"),
        ));
    }
    let mut bytes = Vec::with_capacity(size);
    f.read_to_end(&mut bytes)
        .map_err(|e| (e, format!("{source}: {e}")))?;
    Ok((Elf::File(Rc::new(bytes)), String::from(source)))
}
