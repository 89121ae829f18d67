#!/usr/bin/env bash
# Builds the appliance's initramfs from the unpacked arm64 packages.
#
# Usage: cross/image/initramfs.sh STAGE BINARY OUT.cpio.zst
#   STAGE   the tree fetch.sh unpacked (Debian arm64 packages)
#   BINARY  the static arm64 state-server
#
# Nothing here runs arm64 code: shared libraries are found by reading each ELF's
# DT_NEEDED entries with the host's readelf, module dependencies by the host's
# depmod on the staging tree, and busybox makes its applet links at boot.
set -euo pipefail

stage=${1:?usage: initramfs.sh STAGE BINARY OUT}
bin=${2:?usage: initramfs.sh STAGE BINARY OUT}
out=${3:?usage: initramfs.sh STAGE BINARY OUT}
here=$(cd "$(dirname "$0")" && pwd)
root="$(dirname "$out")/initramfs"

kver=$(cd "$stage/lib/modules" && ls -1 | sort -V | tail -n 1)
[ -n "$kver" ] || { echo "initramfs: no kernel in $stage/lib/modules" >&2; exit 1; }

rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib/firmware,etc,proc,sys,dev,tmp,run,boot,data,root,var}
ln -s ../run "$root/var/run"
ln -s /proc/mounts "$root/etc/mtab"

# busybox: every applet is linked at boot by `busybox --install -s`; sh and init
# must exist before that.
install -m 0755 "$stage/bin/busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
ln -s bin/busybox "$root/init"
ln -s ../bin/busybox "$root/sbin/init"

# Dynamically linked programs from Debian, with the libraries they need.
libdirs=("$stage/lib/aarch64-linux-gnu" "$stage/usr/lib/aarch64-linux-gnu" "$stage/lib" "$stage/usr/lib")
mkdir -p "$root/lib/aarch64-linux-gnu"
declare -A seen=()
copy_libs() {
    local elf=$1 lib d found
    for lib in $(readelf -d "$elf" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
        [ -n "${seen[$lib]:-}" ] && continue
        seen[$lib]=1
        found=""
        for d in "${libdirs[@]}"; do
            if [ -e "$d/$lib" ]; then found="$d/$lib"; break; fi
        done
        [ -n "$found" ] || { echo "initramfs: $lib (needed by $(basename "$elf")) not found" >&2; exit 1; }
        cp -L "$found" "$root/lib/aarch64-linux-gnu/$lib"
        copy_libs "$found"
    done
}
for prog in sbin/wpa_supplicant usr/bin/wpa_passphrase sbin/wpa_cli usr/sbin/hostapd sbin/iw \
    sbin/e2fsck sbin/resize2fs usr/bin/qrencode; do
    src="$stage/$prog"
    [ -e "$src" ] || src="$stage/usr/$prog"
    [ -e "$src" ] || { echo "initramfs: $prog not in the staging tree" >&2; exit 1; }
    install -m 0755 "$src" "$root/usr/bin/$(basename "$prog")"
    copy_libs "$src"
done
interp=$(readelf -l "$stage/sbin/wpa_supplicant" | sed -n 's/.*Requesting program interpreter: \(.*\)\]/\1/p')
cp -L "$stage/$interp" "$root$interp"

# Kernel modules named in modules.txt, with their dependencies.
mods="$stage/lib/modules/$kver"
[ -f "$mods/modules.dep" ] && [ "$mods/modules.dep" -nt "$mods/modules.order" ] || depmod -b "$stage" "$kver"
want=()
while read -r pat; do
    case $pat in '' | '#'*) continue ;; esac
    # shellcheck disable=SC2206
    matches=($mods/kernel/$pat)
    [ -e "${matches[0]}" ] || { echo "initramfs: no module matches $pat" >&2; exit 1; }
    for m in "${matches[@]}"; do want+=("kernel/${m#"$mods/kernel/"}"); done
done < "$here/modules.txt"
declare -A have=()
add_module() {
    local m=$1 dep
    [ -n "${have[$m]:-}" ] && return
    have[$m]=1
    install -D -m 0644 "$mods/$m" "$root/lib/modules/$kver/$m"
    for dep in $(grep "^$m:" "$mods/modules.dep" | cut -d: -f2-); do add_module "$dep"; done
}
for m in "${want[@]}"; do add_module "$m"; done
cp "$mods"/modules.order "$mods"/modules.builtin "$mods"/modules.builtin.modinfo "$root/lib/modules/$kver/"
depmod -b "$root" "$kver"

# Firmware: Wi-Fi of the Pi 3, 3B+, 4, 400, Zero 2 W (where Debian has it), and the
# wireless regulatory database signed for Debian's kernel.
mkdir -p "$root/lib/firmware/brcm"
for f in "$stage"/lib/firmware/brcm/brcmfmac434{30,36,55,56}-sdio.*; do
    [ -e "$f" ] || continue
    case $f in *.bin | *.clm_blob | *raspberrypi* | */brcmfmac434??-sdio.txt) cp -L "$f" "$root/lib/firmware/brcm/" ;; esac
done
cp -L "$stage/lib/firmware/regulatory.db-debian" "$root/lib/firmware/regulatory.db"
cp -L "$stage/lib/firmware/regulatory.db.p7s-debian" "$root/lib/firmware/regulatory.db.p7s"

# Our files and our binary.
cp -a "$here/rootfs/." "$root/"
install -m 0755 "$bin" "$root/usr/bin/state-server"
echo "$kver" > "$root/etc/kernel-version"

# /dev/console before devtmpfs is mounted, so init has its stdio from the start.
mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true
mknod -m 666 "$root/dev/null" c 1 3 2>/dev/null || true

(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | zstd -q -19 -T0 -f -o "$out"
echo "initramfs: $out $(du -h "$out" | cut -f1) ($(du -sh "$root" | cut -f1) unpacked, kernel $kver)"
