//! Property test: thousands of random operations on `MemFs` and on a simple model must agree, with `/boot` and `/dev` mounted.
use crate::prop_model::{parent, Model};
use crate::test_util::Rng;
use crate::{Errno, FileKind, Ino, Limits, MemFs, StaticFile};
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

/// Every path in `fs` below `dir` (named `prefix`), with file contents or `None` for a directory.
fn dump(fs: &mut MemFs, dir: Ino, prefix: &str, out: &mut BTreeMap<String, Option<Vec<u8>>>) {
    let mut index = 0;
    let mut entries = Vec::new();
    while let Some(e) = fs.readdir(dir, index).unwrap() {
        entries.push((String::from(e.name), e.ino, e.kind));
        index += 1;
    }
    for (name, ino, kind) in entries {
        let path = format!("{prefix}/{name}");
        if kind == FileKind::Dir {
            out.insert(path.clone(), None);
            dump(fs, ino, &path, out);
        } else {
            let mut buf = vec![0u8; fs.stat(ino).unwrap().size_bytes as usize];
            assert_eq!(fs.read(ino, 0, &mut buf), Ok(buf.len()));
            out.insert(path, Some(buf));
        }
    }
}

/// A random path: mostly one that exists (maybe with a name added), else 1..=3 names
/// from a small alphabet, so operations collide often.
/// `files_first` draws existing paths from the files only (when there are any);
/// one draw in eight may land in a read-only mount.
fn random_path(rng: &mut Rng, model: &Model, files_first: bool) -> String {
    const NAMES: [&str; 4] = ["a", "b", "c", "dd"];
    let with_mounts = rng.below(8) == 0;
    let usable = |p: &&String| with_mounts || !model.is_read_only(p);
    let mut existing: Vec<&String> = model.files.keys().filter(usable).collect();
    if !files_first || existing.is_empty() {
        existing.extend(model.dirs.iter().filter(|p| *p != "/").filter(usable));
    }
    if !existing.is_empty() && rng.below(4) != 0 {
        let base = existing[rng.index(existing.len())].clone();
        return match rng.below(2) {
            0 => base,
            _ => format!("{base}/{}", NAMES[rng.index(NAMES.len())]),
        };
    }
    let depth = 1 + rng.index(3);
    (0..depth)
        .map(|_| format!("/{}", NAMES[rng.index(NAMES.len())]))
        .collect()
}

/// Operation kinds `run` draws from (creates and writes weigh double).
const OPS: usize = 12;

/// The read-only members mounted at `/boot`: names that collide with the random ones.
const BOOT: [(&str, &[u8]); 3] = [("a", b"boot a"), ("dd/c", b"nested c"), ("dd/b", b"")];

/// Both sides with the same mounts: `/boot` (read-only files) and `/dev` (an empty device directory).
fn mounted(limits: Limits) -> (MemFs, Model) {
    let mut fs = MemFs::new(limits);
    let files = BOOT.map(|(name, data)| StaticFile {
        name,
        data,
        mode: 0o100_644,
    });
    fs.mount_static("/boot", files).unwrap();
    fs.mount_devices("/dev").unwrap();
    let mut model = Model::new(limits);
    model.mount("/boot", &BOOT);
    model.mount("/dev", &[]);
    (fs, model)
}

/// Runs `steps` random operations on both and compares every result, then the whole tree.
fn run(seed: u64, steps: usize, limits: Limits) {
    let mut rng = Rng::new(seed);
    let (mut fs, mut model) = mounted(limits);
    let mut oks = 0;
    // (tries, successes) per operation.
    let mut stats = [(0usize, 0usize); OPS];
    let mut seen = BTreeSet::new();
    for step in 0..steps {
        let op = rng.index(OPS);
        let p = random_path(&mut rng, &model, matches!(op, 4 | 7..=10));
        let q = random_path(&mut rng, &model, false);
        let (got, want) = match op {
            0..=2 => (
                fs.create(&p, 0o644).map(|_| 0),
                model.make(&p, false).map(|_| 0),
            ),
            3 => (
                fs.mkdir(&p, 0o755).map(|_| 0),
                model.make(&p, true).map(|_| 0),
            ),
            4 => (fs.unlink(&p).map(|_| 0), model.unlink(&p).map(|_| 0)),
            5 => {
                let target = if rng.below(20) == 0 { "/" } else { p.as_str() };
                (fs.rmdir(target).map(|_| 0), model.rmdir(target).map(|_| 0))
            }
            6 => (
                fs.rename(&p, &q).map(|_| 0),
                model.rename(&p, &q).map(|_| 0),
            ),
            7 | 8 => {
                let offset = rng.index(1200);
                let data: Vec<u8> = (0..rng.index(400)).map(|_| rng.next() as u8).collect();
                let got = fs
                    .lookup(&p)
                    .and_then(|ino| fs.write(ino, offset as u64, &data));
                (got, model.write(&p, offset, &data))
            }
            9 => {
                let len = rng.index(1100);
                let got = fs.lookup(&p).and_then(|ino| fs.truncate(ino, len as u64));
                (got.map(|_| 0), model.truncate(&p, len).map(|_| 0))
            }
            10 => {
                let offset = rng.index(1200);
                let mut buf = vec![0u8; rng.index(500)];
                let got = fs
                    .lookup(&p)
                    .and_then(|ino| fs.read(ino, offset as u64, &mut buf));
                let want = model.file_ref(&p).map(|f| {
                    let tail = f.get(offset.min(f.len())..).unwrap_or(&[]);
                    tail[..tail.len().min(buf.len())].to_vec()
                });
                if let (Ok(n), Ok(bytes)) = (&got, &want) {
                    assert_eq!(&buf[..*n], &bytes[..], "seed {seed} step {step}: read {p}");
                }
                (got, want.map(|b| b.len()))
            }
            _ => {
                let dir = if rng.below(3) == 0 { "/" } else { parent(&p) };
                let got = fs.lookup(dir).and_then(|ino| {
                    let mut out = Vec::new();
                    while let Some(e) = fs.readdir(ino, out.len())? {
                        out.push((String::from(e.name), e.kind));
                    }
                    Ok(out)
                });
                let want = match model.lookup(dir) {
                    Ok(FileKind::Dir) => Ok(model.list(dir)),
                    Ok(_) => Err(Errno::NotDir),
                    Err(e) => Err(e),
                };
                assert_eq!(got, want, "seed {seed} step {step}: readdir {dir}");
                (got.map(|l| l.len()), want.map(|l| l.len()))
            }
        };
        assert_eq!(got, want, "seed {seed} step {step}: {p} {q}");
        oks += usize::from(got.is_ok());
        if let Err(e) = got {
            seen.insert(e);
        }
        stats[op].0 += 1;
        stats[op].1 += usize::from(got.is_ok());
        fs.check_invariants();
        assert_eq!(fs.usage().bytes, model.used_bytes());
        assert_eq!(fs.usage().inodes, model.writable_inodes());
        assert_eq!(fs.usage().mounted_inodes, model.mounted_inodes());
    }
    assert!(
        oks > steps / 5,
        "seed {seed}: only {oks} of {steps} operations succeeded"
    );
    for (op, (tries, succeeded)) in stats.iter().enumerate() {
        assert!(
            *succeeded >= 10,
            "seed {seed}: operation {op} succeeded {succeeded} of {tries}"
        );
    }
    for e in [
        Errno::NoEntry,
        Errno::Exists,
        Errno::NotDir,
        Errno::IsDir,
        Errno::NotEmpty,
        Errno::Invalid,
        Errno::Busy,
        Errno::ReadOnly,
    ] {
        assert!(seen.contains(&e), "seed {seed}: never saw {e:?}");
    }
    if limits.max_inodes < 100 {
        assert!(
            seen.contains(&Errno::NoSpace) && seen.contains(&Errno::FileTooBig),
            "seed {seed}: limits never hit"
        );
    }
    let mut tree = BTreeMap::new();
    dump(&mut fs, Ino::ROOT, "", &mut tree);
    let mut want: BTreeMap<String, Option<Vec<u8>>> = model
        .files
        .iter()
        .map(|(p, d)| (p.clone(), Some(d.clone())))
        .collect();
    want.extend(
        model
            .dirs
            .iter()
            .filter(|d| *d != "/")
            .map(|d| (d.clone(), None)),
    );
    assert_eq!(tree, want, "seed {seed}: final trees differ");
}

#[test]
fn random_operations_match_the_model_with_room() {
    let limits = Limits {
        max_bytes: 1 << 20,
        max_inodes: 1000,
        max_file_bytes: 1 << 20,
    };
    for seed in 1..=4 {
        run(seed, 3000, limits);
    }
}

#[test]
fn random_operations_match_the_model_under_tight_limits() {
    let limits = Limits {
        max_bytes: 3000,
        max_inodes: 16,
        max_file_bytes: 1000,
    };
    for seed in 10..=13 {
        run(seed, 3000, limits);
    }
}
