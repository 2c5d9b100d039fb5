//! Build script: links this program with ulib's user.ld (4 KiB pages, not lld's 64 KiB default).
fn main() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../kernel/ulib/user.ld");
    println!("cargo:rerun-if-changed={script}");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("none") {
        println!("cargo:rustc-link-arg-bins=-T{script}");
        println!("cargo:rustc-link-arg-bins=-zmax-page-size=4096");
    }
}
