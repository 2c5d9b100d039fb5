//! Build script: links this module with mica's user.ld (from `$MICA_DIR`, default `../..`).
fn main() {
    println!("cargo:rerun-if-env-changed=MICA_DIR");
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let mica = std::env::var("MICA_DIR").unwrap_or_else(|_| format!("{manifest}/../.."));
    let script = format!("{mica}/kernel/ulib/user.ld");
    println!("cargo:rerun-if-changed={script}");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("none") {
        println!("cargo:rustc-link-arg-bins=-T{script}");
        println!("cargo:rustc-link-arg-bins=-zmax-page-size=4096");
    }
}
