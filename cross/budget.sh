#!/usr/bin/env bash
# Checks the delivery budgets of issue 6 on a cross-built binary and prints both:
# its stripped size, and its idle resident memory measured under qemu-user.
# Usage: cross/budget.sh BINARY "WRAPPER" MAX_BYTES MAX_RSS_KB
#
# Why not qemu's own VmRSS: under qemu-user the process also holds the emulator
# (its ~8 MB binary, its malloc heap, the translated-code cache), which a Pi would
# not have. For a 64-bit guest on a 64-bit host qemu maps the guest at its own
# addresses (guest_base 0): the guest binary's segments and brk heap sit at
# 0x400000, its mmap area in a low window (0x5500000000 for qemu 7.2), while qemu's
# own mappings are its binary file, [heap], [stack], the vDSO and everything from
# the translated-code buffer (the rwx mapping) upwards. The guest's RSS is the sum
# over the others. The same binary's native x86-64 build measures within a few
# hundred KiB of it (docs/cross.md). A few KiB of qemu's thread arenas below the
# code buffer may be counted as the guest's: the estimate errs high.
set -euo pipefail
bin=$1
wrap=$2
max_bytes=$3
max_rss_kb=$4
fail=0

size=$(stat -c %s "$bin")
mib() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1048576 }'; }
echo "budget size: $bin $size bytes ($(mib "$size") MiB stripped), limit $(mib "$max_bytes") MiB"
if [ "$size" -gt "$max_bytes" ]; then
    echo "budget size: OVER by $((size - max_bytes)) bytes" >&2
    fail=1
fi

dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
# shellcheck disable=SC2086
$wrap "$bin" --port 0 --bind 127.0.0.1 --db "$dir/state.db" >"$dir/out" 2>&1 &
pid=$!
for _ in $(seq 100); do
    grep -q 'listening on' "$dir/out" && break
    kill -0 "$pid" 2>/dev/null || { cat "$dir/out" >&2; exit 1; }
    sleep 0.1
done
grep -q 'listening on' "$dir/out" || { echo "budget rss: server did not start" >&2; cat "$dir/out" >&2; exit 1; }
# Idle: started, one request served, then nothing for two seconds.
port=$(sed -n 's/.*listening on http:\/\/[^ ]*:\([0-9][0-9]*\).*/\1/p' "$dir/out" | head -1)
if command -v curl >/dev/null; then curl -s -o /dev/null "http://127.0.0.1:$port/healthz" || true; fi
sleep 2

smaps=/proc/$pid/smaps
total=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
qemu=$(readlink -f "/proc/$pid/exe")
guest=$(awk -v qemu="$qemu" '
    /^[0-9a-f]+-[0-9a-f]+ / {
        split($1, r, "-"); start = r[1]; perms = $2; path = $6
        # The code buffer is the first writable+executable mapping; from there up is qemu.
        if (perms ~ /w/ && perms ~ /x/ && codebuf == "") codebuf = start
        own = (path == qemu || path ~ /^\[(heap|stack|vdso|vvar|vvar_vclock|vsyscall)\]$/)
        if (codebuf != "" && (length(start) > length(codebuf) || (length(start) == length(codebuf) && start >= codebuf))) own = 1
        next
    }
    /^Rss:/ { if (!own) sum += $2 }
    END { print sum + 0 }' "$smaps")
echo "budget rss: idle $guest KiB ($(mib $((guest * 1024))) MiB) in the guest, limit $max_rss_kb KiB;" \
    "the whole qemu process holds $total KiB"
if [ "$guest" -le 0 ]; then
    echo "budget rss: could not tell the guest's mappings from qemu's" >&2
    fail=1
elif [ "$guest" -ge "$max_rss_kb" ]; then
    echo "budget rss: OVER by $((guest - max_rss_kb)) KiB" >&2
    fail=1
fi
exit $fail
