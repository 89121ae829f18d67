#!/usr/bin/env bash
# Installs the host's Debian packages that `make image` and `make test-image` need,
# only those missing. Idempotent and quiet when everything is present.
set -euo pipefail

# kmod: depmod for the target's modules; fdisk: sfdisk; cpio: the initramfs;
# dosfstools + mtools: the FAT partition without mounting; e2fsprogs: mke2fs -d,
# debugfs; qemu-system-arm: the boot test (qemu-system-aarch64); zbar-tools: reading
# the QR codes off the emulated screen.
want="ca-certificates apt dpkg kmod fdisk cpio zstd xz-utils dosfstools mtools e2fsprogs qemu-system-arm curl zbar-tools"

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

missing=""
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "image deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# Another build on this machine may hold the dpkg lock for a while: wait for it.
$SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq
# shellcheck disable=SC2086
$SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends $missing >/dev/null
