#!/usr/bin/env bash
# Checks the SD-card image and boots it under emulation.
#
# Usage: cross/image/test.sh IMAGE WORKDIR
#
# 1. The image's MBR, FAT boot partition (mtools) and ext4 data partition (debugfs).
# 2. A copy of the image, with a test settings file written into its FAT and 64 MiB
#    more "card" after it, is attached as a virtio disk to qemu-system-aarch64
#    -M virt; the kernel and initramfs read back out of the image are booted. User
#    networking with restrict=on (the guest reaches nothing outside) forwards one
#    host port to the server's 8765. From here: /healthz, a WebSocket connect with
#    the host token the first boot generated, the Wi-Fi settings the init script
#    wrote, a game created over REST, Wi-Fi on simulated radios, the scoreboard the
#    server draws on the virtio GPU (QR codes read by zbarimg, names by tesseract).
# 3. `poweroff` typed on the serial console; the copy then must show the data
#    partition grown to the end of the disk and the database on it.
# 4. Power cuts: cross/image/powercut.sh with IMAGE_POWERCUT_TRIALS (default 2) trials
#    on another copy (qemu killed while changes stream in; every acknowledged one
#    must be there after the next boot).
# Ends with "N passed, N failed".
set -euo pipefail

img=${1:?usage: test.sh IMAGE WORKDIR}
work=${2:?usage: test.sh IMAGE WORKDIR}/test
here=$(cd "$(dirname "$0")" && pwd)
boot_timeout=${IMAGE_BOOT_TIMEOUT:-300}
export MTOOLS_SKIP_CHECK=1
# shellcheck source=cross/image/qemu.sh
. "$here/qemu.sh"

passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }
check() { # check NAME COMMAND...: pass when the command succeeds
    local name=$1; shift
    if "$@" >/dev/null 2>&1; then pass "$name"; else fail "$name"; fi
}
# screendump FILE: the guest's display as a PPM, through the qemu monitor (HMP).
screendump() {
    rm -f "$1"
    printf 'screendump %s\n' "$1" | node -e '
        const s = require("net").createConnection(process.argv[1]);
        s.on("connect", () => { process.stdin.pipe(s); setTimeout(() => process.exit(0), 1500); });' "$work/monitor.sock" || true
}
t0=$(date +%s)

rm -rf "$work"
mkdir -p "$work"

# --- 1. The image as built -------------------------------------------------------
dump=$(sfdisk -d "$img")
sector() { image_sector "$@"; }
b_start=$(sector "$img" 1 1) b_size=$(sector "$img" 1 2)
d_start=$(sector "$img" 2 1) d_size=$(sector "$img" 2 2)
check "MBR (dos) partition table" grep -q '^label: dos' <<<"$dump"
check "partition 1: FAT32 LBA (type c), bootable, at 4 MiB" grep -q "^${img}1 : start= *8192, .*type=c, bootable" <<<"$dump"
check "partition 2: Linux (type 83), after partition 1" test "$d_start" -ge $((b_start + b_size))
check "partition 2 ends at the end of the image" test $(((d_start + d_size) * 512)) -eq "$(stat -c %s "$img")"

fat="$img@@$((b_start * 512))"
listing=$(mdir -i "$fat" -b ::/ 2>/dev/null | sed 's|^::/||' | tr 'A-Z' 'a-z')
for f in bootcode.bin start.elf fixup.dat start4.elf fixup4.dat vmlinuz initrd.img config.txt cmdline.txt \
    state-server.txt bcm2837-rpi-3-b.dtb bcm2837-rpi-3-b-plus.dtb bcm2711-rpi-4-b.dtb bcm2711-rpi-400.dtb \
    bcm2837-rpi-zero-2-w.dtb; do
    check "boot partition has $f" grep -qx "$f" <<<"$listing"
done
check "boot partition label STATEBOOT" sh -c "mlabel -i '$fat' -s :: | grep -q STATEBOOT"
mtype -i "$fat" ::/config.txt > "$work/config.txt"
check "config.txt: 64-bit, kernel=vmlinuz, initramfs followkernel" \
    sh -c "grep -qx 'arm_64bit=1' '$work/config.txt' && grep -qx 'kernel=vmlinuz' '$work/config.txt' && grep -qx 'initramfs initrd.img followkernel' '$work/config.txt'"

dd if="$img" of="$work/data.ext4" bs=512 skip="$d_start" count="$d_size" status=none
check "data partition: ext4 labelled statedata" sh -c "dumpe2fs -h '$work/data.ext4' 2>/dev/null | grep -q 'volume name: *statedata'"
check "data partition: clean file system (e2fsck -n)" e2fsck -fn "$work/data.ext4"
check "data partition: README made by mke2fs -d" sh -c "debugfs -R 'cat /README' '$work/data.ext4' 2>/dev/null | grep -q 'State Server data'"

# --- 2. Boot a copy -----------------------------------------------------------------
ssid='Test "Net"; 1'
password='pa;ss:wo"rd\ 1'
cat > "$work/state-server.txt" <<EOT
# written by cross/image/test.sh
wifi_mode = ap
wifi_ssid = $ssid
wifi_password = $password
ntp = off
log_level = info
wifi_simulate = yes
EOT
sed -i 's/$/\r/' "$work/state-server.txt" # as a Windows editor saves it
image_copy "$img" "$work/disk.img" "$work/state-server.txt"
image_kernel "$img" "$work"

port=$(image_port)
image_boot "$work" "$work/disk.img" "$port"
cleanup() { kill "$qpid" 2>/dev/null || true; }
trap cleanup EXIT

up="" boot_s=$boot_timeout
if boot_ms=$(image_serving "$port" "$boot_timeout"); then up=1 boot_s=$((boot_ms / 1000)); fi
if [ -n "$up" ]; then
    pass "booted under qemu, /healthz answered after ${boot_s}s"
    # No host_token in the settings: the first boot made one and wrote it to the
    # boot partition, where a person would read it.
    token=$(mtype -i "$work/disk.img@@$((b_start * 512))" ::/state-server-generated.txt 2>/dev/null |
        tr -d '\r' | sed -n 's/^host_token=//p')
    check "first boot wrote a host token to state-server-generated.txt" test "${#token}" -ge 16
    # The HDMI screen's stand-in: a virtio GPU (DRM card0) on which the server draws
    # the scoreboard itself (--screen drm), read back with the monitor's screendump.
    check "screen: the server draws on the DRM card (console: screen drm: drawing)" \
        grep -q 'screen drm: drawing [0-9]*x[0-9]* on /dev/dri/card0' "$work/console.log"
    # No game yet: the connect screen, the Wi-Fi card and the server's address as QR
    # codes. The Wi-Fi settings arrive a moment after the server: try a few times.
    for _ in $(seq 1 15); do
        screendump "$work/connect.ppm"
        zbarimg -q --raw "$work/connect.ppm" > "$work/connect.qr" 2>/dev/null || true
        [ "$(wc -l < "$work/connect.qr")" -ge 2 ] && break
        sleep 1
    done
    if [ -s "$work/connect.ppm" ]; then
        check "screen: Wi-Fi QR code (WIFI:T:WPA;S:...;P:...;;) with escaped SSID and password" \
            grep -qxF 'WIFI:T:WPA;S:Test \"Net\"\; 1;P:pa\;ss\:wo\"rd\\ 1;;' "$work/connect.qr"
        check "screen: QR code of http://192.168.4.1:8765/" grep -qxF 'http://192.168.4.1:8765/' "$work/connect.qr"
    else
        fail "screen: screendump of the virtio GPU"
    fi
    node "$here/guest.mjs" check "$port" "$token" "$ssid" "$password" > "$work/guest.out" 2>&1 || true
    cat "$work/guest.out"
    passed=$((passed + $(grep -c '^PASS' "$work/guest.out" || true)))
    failed=$((failed + $(grep -c '^FAIL' "$work/guest.out" || true)))
    # The server's start-up banner on the serial console.
    check "server banner on the console (listening on port 8765)" grep -q 'listening on http://0.0.0.0:8765' "$work/console.log"
    # Wi-Fi on two simulated radios: the appliance's access point on wlan0 and,
    # joining it like a phone, its own client config on wlan1.
    node "$here/guest.mjs" console "$work/console.sock" \
        'for i in $(seq 1 40); do [ -f /run/address.wlan1 ] && break; sleep 0.5; done' \
        'echo "AP=$(iw dev wlan0 info | sed -n "s/.*type //p") STA=$(wpa_cli -p /run/wpa_supplicant -i wlan1 status | sed -n "s/^wpa_state=//p") LEASE=$(cat /run/address.wlan1)"' \
        'hostapd -v 2>&1 | head -n 1; wpa_supplicant -v | head -n 1; qrencode -V 2>&1 | head -n 1' || true
    sleep 2
    check "Wi-Fi access point up on wlan0 (hostapd, type AP)" grep -q 'AP=AP ' "$work/console.log"
    check "Wi-Fi client (wpa_supplicant) on wlan1 associated with it" grep -q 'STA=COMPLETED ' "$work/console.log"
    check "the client got an address from the access point's DHCP (udhcpd)" grep -q 'LEASE=192\.168\.4\.' "$work/console.log"
    check "server's join links use the access-point address" grep -q 'phones open http://192.168.4.1:8765/' "$work/console.log"
    # The game guest.mjs created (Qemu against Virt): the scoreboard shows both
    # names (tesseract) and still the Wi-Fi card.
    for _ in $(seq 1 10); do
        screendump "$work/game.ppm"
        tesseract "$work/game.ppm" stdout > "$work/game.txt" 2>/dev/null || true
        grep -q Qemu "$work/game.txt" && grep -q Virt "$work/game.txt" && break
        sleep 1
    done
    zbarimg -q --raw "$work/game.ppm" > "$work/game.qr" 2>/dev/null || true
    check "screen: the game's scoreboard, tesseract reads both names (Qemu, Virt)" \
        sh -c "grep -q Qemu '$work/game.txt' && grep -q Virt '$work/game.txt'"
    check "screen: the game's scoreboard keeps the Wi-Fi QR code" grep -q '^WIFI:T:WPA;' "$work/game.qr"
    # A score change reaches the screen: the totals, read as sparse text (tesseract's
    # page mode 11 finds the big digits that a page layout misses).
    node "$here/guest.mjs" act "$port" "$token" image-test \
        '{"type":"score_update","data":{"player_number":1,"primary":47}}' \
        '{"type":"score_update","data":{"player_number":2,"secondary":28}}' > "$work/act.out" 2>&1 || true
    for _ in $(seq 1 10); do
        screendump "$work/score.ppm"
        tesseract "$work/score.ppm" stdout --psm 11 2>/dev/null | tr '\n' ' ' > "$work/score.txt" || true
        grep -qw 47 "$work/score.txt" && grep -qw 28 "$work/score.txt" && break
        sleep 1
    done
    check "screen: a score change shows, tesseract reads the totals 47 and 28" \
        sh -c "grep -q '^PASS' '$work/act.out' && grep -qw 47 '$work/score.txt' && grep -qw 28 '$work/score.txt'"
    # Idle with the screen on: one running clock, one redraw a second (its region,
    # copied to the card, DIRTYFB) and the clock checkpoint (a commit a second). The
    # server's CPU time over 30 s, read in the guest. The target is 1% of a Pi's core;
    # an emulated core is slower and each ioctl and fsync is emulated, so this errs
    # high, and the check allows 2% so that a loaded CI machine does not fail it.
    node "$here/guest.mjs" act "$port" "$token" image-test '{"type":"game_start"}' >> "$work/act.out" 2>&1 || true
    node "$here/guest.mjs" console "$work/console.sock" \
        'p=$(pidof state-server); a=$(cut -d" " -f14,15 /proc/$p/stat); sleep 30; b=$(cut -d" " -f14,15 /proc/$p/stat); echo "SCREENCPU $a $b $(getconf CLK_TCK 2>/dev/null || echo 100)"' || true
    sleep 33
    cpu=$(sed -n 's/.*SCREENCPU \([0-9]*\) \([0-9]*\) \([0-9]*\) \([0-9]*\) \([0-9]*\).*/\1 \2 \3 \4 \5/p' "$work/console.log" | tr -d '\r' | tail -1)
    ticks=$(echo "$cpu" | awk '{print ($3 + $4) - ($1 + $2)}')
    hz=$(echo "$cpu" | awk '{print $5}')
    echo "screen idle CPU: ${ticks:-?} ticks of 1/${hz:-?} s in 30 s ($(echo "$cpu" | awk '{print "user " $3 - $1 ", system " $4 - $2}'))"
    check "screen: idle with a running clock, the server uses under 2% of an emulated core (${ticks:-?} ticks in 30 s)" \
        sh -c "[ -n '$ticks' ] && [ -n '$hz' ] && [ \$(( ${ticks:-999999} * 100 )) -lt \$(( 2 * 30 * ${hz:-1} )) ]"
    node "$here/guest.mjs" console "$work/console.sock" "poweroff" || true
    for _ in $(seq 1 60); do kill -0 "$qpid" 2>/dev/null || break; sleep 1; done
    if kill -0 "$qpid" 2>/dev/null; then
        fail "poweroff from the serial console" "qemu still running after 60 s"
        kill "$qpid" 2>/dev/null || true
    else
        pass "poweroff from the serial console"
    fi
else
    fail "booted under qemu" "no /healthz within ${boot_s}s"
    kill "$qpid" 2>/dev/null || true
fi
wait "$qpid" 2>/dev/null || true
trap - EXIT

# --- 3. What the boot left on the disk --------------------------------------------
d2_size=$(sector "$work/disk.img" 2 2)
check "first boot grew partition 2 to the end of the (bigger) disk" \
    test $(((d_start + d2_size) * 512)) -eq "$(stat -c %s "$work/disk.img")"
dd if="$work/disk.img" of="$work/data-after.ext4" bs=512 skip="$d_start" count="$d2_size" status=none
blocks=$(dumpe2fs -h "$work/data-after.ext4" 2>/dev/null | sed -n 's/^Block count: *//p')
bsize=$(dumpe2fs -h "$work/data-after.ext4" 2>/dev/null | sed -n 's/^Block size: *//p')
check "first boot grew the ext4 file system with the partition" test $((blocks * bsize)) -eq $((d2_size * 512))
check "data partition clean after poweroff (e2fsck -n)" e2fsck -fn "$work/data-after.ext4"
check "database state.db on the data partition" sh -c "debugfs -R 'ls -l /' '$work/data-after.ext4' 2>/dev/null | grep -q ' state.db\$'"
check "clock saved at shutdown (.clock)" sh -c "debugfs -R 'ls /' '$work/data-after.ext4' 2>/dev/null | grep -q '\.clock'"
check "console: no kernel oops or panic" sh -c "! grep -qiE 'kernel panic|oops|call trace' '$work/console.log'"

# --- 4. Power cuts ------------------------------------------------------------------
cuts=${IMAGE_POWERCUT_TRIALS:-2}
if "$here/powercut.sh" "$img" "${2}" "$cuts" > "$work/powercut.out" 2>&1; then cut_ok=1; else cut_ok=""; fi
sed 's/^/  /' "$work/powercut.out"
summary=$(sed -n 's/^powercut: \([0-9]* trials, .* lost\);.*/\1/p' "$work/powercut.out")
if [ -n "$cut_ok" ]; then
    pass "power cuts: qemu killed while changes streamed in, booted again: ${summary}"
else
    fail "power cuts: qemu killed while changes streamed in, booted again" "${summary:-see $work/powercut.out}"
fi

echo "image test: boot ${boot_s}s, whole test $(($(date +%s) - t0))s; console log in $work/console.log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
