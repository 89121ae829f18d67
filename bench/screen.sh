#!/usr/bin/env bash
# Instructions per frame of the box's screen (docs/screen.md), counted by callgrind.
# usage: bench/screen.sh BINARY [WxH ...]   (default 800x480 1920x1080 3840x2160)
# Fails when a full 1920x1080 frame with the glyphs cached costs more than
# SCREEN_BUDGET instructions (25,000,000).
set -uo pipefail
bin=$1
shift
sizes=${*:-800x480 1920x1080 3840x2160}
budget=${SCREEN_BUDGET:-25000000}
out=build/bench/screen
mkdir -p "$out"
fail=0
printf '%-10s %14s %14s %14s\n' size cold full tick
for size in $sizes; do
    row=""
    for fn in frame_cold frame_full frame_tick; do
        log=$out/$size-$fn.log
        valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect="$fn" "$bin" "$size" >"$log" 2>&1 || {
            cat "$log" >&2
            exit 1
        }
        n=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$log")
        row="$row $(printf '%14s' "$n")"
        if [ "$size" = 1920x1080 ] && [ "$fn" = frame_full ] && [ "${n:-0}" -gt "$budget" ]; then fail=1; fi
    done
    printf '%-10s%s\n' "$size" "$row"
done
if [ $fail -ne 0 ]; then
    echo "screen: a full 1920x1080 frame is over the budget of $budget instructions" >&2
    exit 1
fi
