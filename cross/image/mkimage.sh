#!/usr/bin/env bash
# Lays out the SD-card image: an MBR with a FAT32 boot partition (Raspberry Pi
# firmware, kernel, device trees, initramfs, settings) and an ext4 data partition
# that the appliance grows to the card at first boot. No mounting, no loop
# devices: mtools fills the FAT, `mke2fs -d` the ext4, dd places both.
#
# Usage: cross/image/mkimage.sh STAGE INITRD OUT.img
set -euo pipefail

stage=${1:?usage: mkimage.sh STAGE INITRD OUT.img}
initrd=${2:?usage: mkimage.sh STAGE INITRD OUT.img}
out=${3:?usage: mkimage.sh STAGE INITRD OUT.img}
here=$(cd "$(dirname "$0")" && pwd)
work="$(dirname "$initrd")/layout"

boot_mib=${BOOT_MIB:-128}
data_mib=${DATA_MIB:-64}
first_mib=4 # the boot partition starts 4 MiB in (erase-block aligned)

kver=$(cd "$stage/lib/modules" && ls -1 | sort -V | tail -n 1)
rm -rf "$work"
mkdir -p "$work/boot" "$work/data"

# The boot partition's files.
fw="$stage/usr/lib/raspi-firmware"
# bootcode.bin: Pi 3 and older; start/fixup: Pi 3 and Zero 2 W; start4/fixup4: Pi 4 and 400.
for f in bootcode.bin start.elf fixup.dat start4.elf fixup4.dat; do cp "$fw/$f" "$work/boot/"; done
cp "$stage/boot/vmlinuz-$kver" "$work/boot/vmlinuz"
cp "$initrd" "$work/boot/initrd.img"
cp "$stage/usr/lib/linux-image-$kver/broadcom/"bcm27*-rpi-*.dtb "$stage/usr/lib/linux-image-$kver/broadcom/"bcm283*-rpi-*.dtb "$work/boot/"
cp "$here/config.txt" "$here/cmdline.txt" "$here/state-server.txt" "$work/boot/"
cp "$stage/usr/share/doc/raspi-firmware/copyright" "$work/boot/LICENCE.raspi-firmware.txt"
# FAT is read by Windows and macOS: CRLF line ends for the files a person opens.
sed -i 's/$/\r/' "$work/boot/state-server.txt" "$work/boot/LICENCE.raspi-firmware.txt"

# The data partition starts with only a note; the server makes its database there.
printf 'State Server data: the database (state.db with -wal and -shm) and the saved clock (.clock).\n' > "$work/data/README"

need=$(du -sm "$work/boot" | cut -f1)
[ "$need" -lt $((boot_mib - 8)) ] || { echo "mkimage: boot files ($need MiB) do not fit in $boot_mib MiB" >&2; exit 1; }

rm -f "$work/boot.vfat" "$work/data.ext4"
mkfs.vfat -F 32 -n STATEBOOT -i 5ea7b007 -C "$work/boot.vfat" $((boot_mib * 1024)) >/dev/null
MTOOLS_SKIP_CHECK=1 mcopy -i "$work/boot.vfat" -s -m "$work/boot/"* ::/
mke2fs -q -F -t ext4 -T default -b 4096 -L statedata -U 5e7a7e00-da7a-4d00-8000-5e7a7e5e7a7e -E root_owner=0:0 \
    -d "$work/data" "$work/data.ext4" "${data_mib}M" >/dev/null

total_mib=$((first_mib + boot_mib + data_mib))
rm -f "$out.tmp"
truncate -s "${total_mib}M" "$out.tmp"
sfdisk -q "$out.tmp" <<EOT
label: dos
label-id: 0x5e7a7e01
start=$((first_mib * 2048)), size=$((boot_mib * 2048)), type=c, bootable
start=$(((first_mib + boot_mib) * 2048)), size=$((data_mib * 2048)), type=83
EOT
dd if="$work/boot.vfat" of="$out.tmp" bs=1M seek="$first_mib" conv=notrunc,sparse status=none
dd if="$work/data.ext4" of="$out.tmp" bs=1M seek=$((first_mib + boot_mib)) conv=notrunc,sparse status=none
mv "$out.tmp" "$out"
echo "image: $out ${total_mib} MiB (boot FAT32 ${boot_mib} MiB with ${need} MiB used, data ext4 ${data_mib} MiB), kernel $kver"
