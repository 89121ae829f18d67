#!/usr/bin/env bash
# Real power cuts: the SD-card image under qemu-system-aarch64, killed while
# acknowledged changes stream in.
#
# Usage: cross/image/powercut.sh IMAGE WORKDIR [TRIALS]   (TRIALS: $POWERCUT_TRIALS or 20)
#
# A copy of the image is the guest's virtio disk (cache=writeback, see qemu.sh); the
# database is on its ext4 data partition, with the server's default durability
# (synchronous=FULL). After a first boot, each trial:
#   1. streams score changes from here over four WebSockets (the forwarded port), and
#      records every version the server acknowledges (guest.mjs stream);
#   2. at a random moment POWERCUT_MIN_MS..POWERCUT_MAX_MS into the stream, kill -9 of
#      qemu: the guest's memory and page cache are gone, the disk file keeps what
#      qemu was given;
#   3. boots again on the same disk (the boot-to-serving time is from starting qemu
#      to the first 200 from /healthz: journal replay, e2fsck, the server's integrity
#      check and recovery all fall inside it);
#   4. every version acknowledged in this or an earlier trial must be in the game's
#      history with its value, the log must have no gap, /healthz must answer 200
#      (guest.mjs verify).
# At the end: poweroff, then the data partition must pass e2fsck -fn and the database
# sqlite3's integrity_check, read here on the host.
# One line per trial, then a summary; exits 1 if anything was lost or failed.
#
# POWERCUT_DURABILITY=normal sets durability=normal on the card (the WAL is not
# flushed at each commit): a control that must lose changes, which shows the cut is
# real.
set -euo pipefail

img=${1:?usage: powercut.sh IMAGE WORKDIR [TRIALS]}
work=${2:?usage: powercut.sh IMAGE WORKDIR [TRIALS]}/powercut
trials=${3:-${POWERCUT_TRIALS:-20}}
here=$(cd "$(dirname "$0")" && pwd)
boot_timeout=${IMAGE_BOOT_TIMEOUT:-300}
cut_min=${POWERCUT_MIN_MS:-200} cut_max=${POWERCUT_MAX_MS:-4000}
token=powercut-test-host-token-0123456789
game=powercut
state=$work/acked.json
# shellcheck source=cross/image/qemu.sh
. "$here/qemu.sh"

rm -rf "$work"
mkdir -p "$work"
cat > "$work/state-server.txt" <<EOT
# written by cross/image/powercut.sh
wifi_mode = off
ntp = off
host_token = $token
log_level = info
durability = ${POWERCUT_DURABILITY:-full}
EOT
image_copy "$img" "$work/disk.img" "$work/state-server.txt"
image_kernel "$img" "$work"

qpid=""
trap '[ -n "$qpid" ] && kill -9 "$qpid" 2>/dev/null || true' EXIT
secs() { printf '%d.%d' $(($1 / 1000)) $(($1 % 1000 / 100)); }
# boot N: qemu on the disk, a fresh port; sets port and boot_ms; fails if not serving.
boot() {
    port=$(image_port)
    printf '\n=== powercut.sh: boot %s\n' "$1" >> "$work/console.log"
    image_boot "$work" "$work/disk.img" "$port"
    boot_ms=$(image_serving "$port" "$boot_timeout")
}

t0=$(image_ms)
problems=0 lost=0 acked=0 done_trials=0
times=()
if ! boot 0; then
    echo "powercut: the first boot did not serve within ${boot_timeout}s (console: $work/console.log)"
    exit 1
fi
echo "powercut: first boot (grows the data partition) serving after $(secs "$boot_ms") s"

for trial in $(seq 1 "$trials"); do
    if ! out=$(node "$here/guest.mjs" stream "$port" "$token" "$game" "$qpid" "$work/monitor.sock" "$state" "$cut_min" "$cut_max"); then
        problems=$((problems + 1))
    fi
    if kill -0 "$qpid" 2>/dev/null; then
        out="$out; the stream ended before the cut (killed now)"
        problems=$((problems + 1))
        kill -9 "$qpid" 2>/dev/null || true
    fi
    wait "$qpid" 2>/dev/null || true
    if ! boot "$trial"; then
        echo "trial $trial: $out; no /healthz within ${boot_timeout}s after the cut (console: $work/console.log)"
        problems=$((problems + 1))
        break
    fi
    times+=("$boot_ms")
    ok=1
    check=$(node "$here/guest.mjs" verify "$port" "$token" "$game" "$state") || ok=""
    total=$(sed -n 's/^total //p' <<<"$check")
    acked=$(sed -n 's/.*acknowledged=\([0-9]*\).*/\1/p' <<<"$total")
    lost=$(sed -n 's/.*lost=\([0-9]*\).*/\1/p' <<<"$total")
    echo "trial $trial: $out; serving again after $(secs "$boot_ms") s; ${acked:-?} acknowledged so far, ${lost:-?} lost"
    grep '^problem' <<<"$check" | sed 's/^/    /' || true
    [ -n "$ok" ] || problems=$((problems + 1))
    done_trials=$trial
done

# A clean stop, then the file system and the database as the host reads them.
if kill -0 "$qpid" 2>/dev/null; then
    node "$here/guest.mjs" console "$work/console.sock" poweroff || true
    for _ in $(seq 1 60); do kill -0 "$qpid" 2>/dev/null || break; sleep 1; done
    kill -9 "$qpid" 2>/dev/null || true
fi
wait "$qpid" 2>/dev/null || true
qpid=""
d_start=$(image_sector "$work/disk.img" 2 1) d_size=$(image_sector "$work/disk.img" 2 2)
dd if="$work/disk.img" of="$work/data.ext4" bs=512 skip="$d_start" count="$d_size" status=none
fsck="clean" integrity="?"
e2fsck -fn "$work/data.ext4" > "$work/e2fsck.out" 2>&1 || { fsck="NOT clean (see $work/e2fsck.out)"; problems=$((problems + 1)); }
# With its WAL, if the stop left one (sqlite3 then reads it as the server would).
debugfs -R "dump /state.db-wal $work/state.db-wal" "$work/data.ext4" >/dev/null 2>&1 || true
[ -s "$work/state.db-wal" ] || rm -f "$work/state.db-wal"
if debugfs -R "dump /state.db $work/state.db" "$work/data.ext4" >/dev/null 2>&1 && [ -s "$work/state.db" ]; then
    integrity=$(sqlite3 "$work/state.db" 'PRAGMA integrity_check;' 2>&1 | tr '\n' ' ' | sed 's/ $//')
fi
[ "$integrity" = ok ] || problems=$((problems + 1))
echo "powercut: after poweroff: data partition e2fsck -fn $fsck, state.db integrity_check $integrity"

stats="n/a"
if [ "${#times[@]}" -gt 0 ]; then
    mapfile -t sorted < <(printf '%s\n' "${times[@]}" | sort -n)
    n=${#sorted[@]}
    median=$(((sorted[(n - 1) / 2] + sorted[n / 2]) / 2))
    stats="min $(secs "${sorted[0]}") s, median $(secs "$median") s, max $(secs "${sorted[n - 1]}") s"
fi
echo "powercut: $done_trials trials, ${acked:-0} acknowledged, ${lost:-?} lost; boot-to-serving after a cut: $stats;" \
    "$problems failed checks; $(( ($(image_ms) - t0) / 1000 )) s in all"
[ "${lost:-1}" = 0 ] && [ "$problems" -eq 0 ] && [ "$done_trials" -eq "$trials" ]
