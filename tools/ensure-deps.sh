#!/usr/bin/env bash
# ensure-deps.sh: installs what the build and QEMU runs need, saying what it installs.
# Usage: tools/ensure-deps.sh [rust] [qemu] [gdb]
set -euo pipefail

say() { printf 'mica: %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
    if ! command -v apt-get >/dev/null 2>&1; then
        say "no apt-get here: install $* with your package manager, then run make again"
        exit 1
    fi
    say "installing $* through apt (missing on this machine)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

need_rust() {
    if ! command -v rustup >/dev/null 2>&1; then
        say "rustup is missing: install it from your distribution (apt-get install rustup) or rustup.rs, then run make again"
        exit 1
    fi
    local channel
    channel=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
    if ! rustup toolchain list | grep -q "^$channel"; then
        say "installing Rust $channel with the aarch64-unknown-none-softfloat target, llvm-tools, rust-src, clippy and rustfmt (rust-toolchain.toml)"
    fi
    # Any rustup-proxied command installs what rust-toolchain.toml names.
    rustc --version >/dev/null
}

need_qemu() {
    if ! command -v qemu-system-aarch64 >/dev/null 2>&1; then
        apt_install qemu-system-arm
    fi
    local version
    version=$(qemu-system-aarch64 --version | sed -n 's/.*version \([0-9]*\.[0-9]*\).*/\1/p' | head -n1)
    if [ -n "$version" ] && [ "$(printf '%s\n6.2\n' "$version" | sort -V | head -n1)" != "6.2" ]; then
        say "QEMU $version is older than 6.2, which mica needs for -M raspi3b"
        exit 1
    fi
}

need_gdb() {
    command -v gdb-multiarch >/dev/null 2>&1 || apt_install gdb-multiarch
}

for what in "$@"; do
    case "$what" in
        rust) need_rust ;;
        qemu) need_qemu ;;
        gdb) need_gdb ;;
        *) say "ensure-deps: unknown dependency '$what'"; exit 2 ;;
    esac
done
