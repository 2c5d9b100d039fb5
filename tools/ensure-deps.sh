#!/usr/bin/env bash
# ensure-deps.sh: installs what the build and QEMU runs need, saying what it installs.
# Usage: tools/ensure-deps.sh [rust] [qemu] [gdb] [sdcard] [firmware]
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

# Whether a program is installed; mkfs.vfat and fsck.fat live in /usr/sbin, which
# is not on a normal user's PATH on Debian.
have() {
    command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]
}

# make sdcard: mkfs.vfat and fsck.fat make and check the FAT32 partition in a
# file, mtools (mcopy, mdir) fills and lists it; no loop mount, no root.
need_sdcard() {
    local missing=()
    have mkfs.vfat && have fsck.fat || missing+=(dosfstools)
    have mcopy && have mdir || missing+=(mtools)
    if [ "${#missing[@]}" -gt 0 ]; then
        apt_install "${missing[@]}"
    fi
}

# The Raspberry Pi firmware comes as a Debian package: a downloader fetches it and
# dpkg-deb unpacks it (without installing it).
need_firmware() {
    have curl || have wget || apt_install curl
    if ! have dpkg-deb; then
        say "dpkg-deb is missing: install dpkg, or give make sdcard FIRMWARE_DIR=<folder with bootcode.bin, start.elf, fixup.dat>"
        exit 1
    fi
}

for what in "$@"; do
    case "$what" in
        rust) need_rust ;;
        qemu) need_qemu ;;
        gdb) need_gdb ;;
        sdcard) need_sdcard ;;
        firmware) need_firmware ;;
        *) say "ensure-deps: unknown dependency '$what'"; exit 2 ;;
    esac
done
