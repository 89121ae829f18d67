# shellcheck shell=bash
# Booting the SD-card image under qemu-system-aarch64, shared by cross/image/test.sh
# (make test-image) and cross/image/powercut.sh (make powercut). Sourced, not run.
#
#   image_sector IMG N FIELD    start (FIELD 1) or size (FIELD 2) of partition N, in sectors
#   image_copy IMG DISK CONF    DISK: a sparse copy of IMG with 64 MiB more "card" after
#                               it and CONF written as the FAT's state-server.txt
#   image_kernel DISK DIR       DIR/vmlinuz and DIR/initrd.img, read back out of DISK's FAT
#   image_port                  a free TCP port on 127.0.0.1
#   image_boot DIR DISK PORT    starts qemu in the background (sets qpid, and qboot to
#                               the time it started): the kernel and
#                               initramfs in DIR, DISK as a virtio disk, host PORT
#                               forwarded to the guest's 8765; serial console on
#                               DIR/console.sock (appended to DIR/console.log), monitor
#                               on DIR/monitor.sock
#   image_serving PORT TIMEOUT  waits until /healthz answers 200 while qemu ($qpid)
#                               runs; prints the milliseconds since qemu started; fails after
#                               TIMEOUT seconds or when qemu is gone
#   image_ms                    milliseconds since the epoch

image_ms() { echo $(($(date +%s%N) / 1000000)); }

image_sector() {
    sfdisk -d "$1" | sed -n "s|^$1$2 : start= *\([0-9]*\), size= *\([0-9]*\).*|\\$3|p"
}

image_copy() {
    local img=$1 disk=$2 conf=$3 b_start
    b_start=$(image_sector "$img" 1 1)
    cp --sparse=always "$img" "$disk"
    truncate -s +64M "$disk"
    MTOOLS_SKIP_CHECK=1 mcopy -o -i "$disk@@$((b_start * 512))" "$conf" ::/state-server.txt
}

image_kernel() {
    local fat
    fat="$1@@$(($(image_sector "$1" 1 1) * 512))"
    MTOOLS_SKIP_CHECK=1 mcopy -o -i "$fat" ::/vmlinuz "$2/vmlinuz"
    MTOOLS_SKIP_CHECK=1 mcopy -o -i "$fat" ::/initrd.img "$2/initrd.img"
}

image_port() {
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# The disk is cache=writeback (qemu's default, spelled out because the power-cut
# test depends on it): the guest sees a volatile write cache, so ext4 and fsync send
# flushes, and qemu passes each write and flush on to the file. cache=unsafe would
# drop the flushes; writethrough would hide the cache from the guest.
image_boot() {
    local dir=$1 disk=$2 port=$3
    rm -f "$dir/monitor.sock" "$dir/console.sock"
    qboot=$(image_ms)
    qemu-system-aarch64 -M virt -cpu cortex-a53 -smp 2 -m 512 -global virtio-mmio.force-legacy=false \
        -kernel "$dir/vmlinuz" -initrd "$dir/initrd.img" \
        -append "console=ttyAMA0 loglevel=4 panic=-1" \
        -drive "file=$disk,format=raw,if=none,id=disk,cache=writeback" -device virtio-blk-device,drive=disk \
        -netdev "user,id=net,restrict=on,hostfwd=tcp:127.0.0.1:$port-:8765" -device virtio-net-device,netdev=net \
        -device virtio-rng-device -device virtio-gpu-device \
        -monitor "unix:$dir/monitor.sock,server=on,wait=off" \
        -chardev "socket,id=con,path=$dir/console.sock,server=on,wait=off,logfile=$dir/console.log,logappend=on" \
        -serial chardev:con -display none -no-reboot \
        >> "$dir/qemu.log" 2>&1 &
    qpid=$!
}

image_serving() {
    local port=$1 timeout=$2
    while [ $(($(image_ms) - qboot)) -lt $((timeout * 1000)) ]; do
        kill -0 "$qpid" 2>/dev/null || return 1
        if curl -sf -m 2 "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
            echo $(($(image_ms) - qboot))
            return 0
        fi
        sleep 0.2
    done
    return 1
}
