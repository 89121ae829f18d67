#!/bin/sh
# End-to-end check of src/qr.c: encode many strings with tests/qr/qr_cli.c, render them
# as SVG and as terminal half blocks, turn both into images and decode them with zbarimg,
# an independent QR reader. Every decoded text must equal the input byte for byte.
#
# Usage: tests/qr/decode_test.sh <build-dir>
#   Binaries and temporaries go to <build-dir>/qr-decode; CC overrides the compiler.
#
# Debian packages needed:
#   gcc (or clang with CC=clang)  build the driver
#   zbar-tools                    zbarimg, the decoder
#   librsvg2-bin                  rsvg-convert, SVG to PNG
#   mawk or gawk                  awk, terminal text to PBM (any POSIX awk)
#
# The last line is "N passed, N failed"; the exit status is non-zero on any failure.
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 <build-dir>" >&2
    exit 2
fi
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$1/qr-decode
mkdir -p "$work" || exit 2
work=$(cd "$work" && pwd)

for tool in zbarimg rsvg-convert awk "${CC:-cc}"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$0: $tool not found (see the package list at the top of this script)" >&2
        echo "0 passed, 1 failed"
        exit 1
    fi
done

cli=$work/qr_cli
if ! "${CC:-cc}" -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O1 -I"$root/src" \
    "$root/src/qr.c" "$root/tests/qr/qr_cli.c" -o "$cli"; then
    echo "0 passed, 1 failed"
    exit 1
fi

passed=0
failed=0
pass() {
    passed=$((passed + 1))
}
fail() {
    failed=$((failed + 1))
    echo "FAIL: $*"
}

# Terminal text to PBM. Each half-block glyph is one module wide and two modules high:
# ink (the terminal's light foreground) is a light module, blank is dark. The picture is
# put on a dark margin, as on a dark terminal, so the test also proves that the 2-module
# quiet zone drawn by qr_terminal() is enough on its own. Byte-wise matching under LC_ALL=C
# works with mawk and gawk alike.
term_to_pbm() {
    LC_ALL=C awk -v scale=4 -v margin=6 -v full="█" -v upper="▀" -v lower="▄" '
    BEGIN { n = 0; w = 0 }
    {
        gsub(full, "A"); gsub(upper, "T"); gsub(lower, "B")
        top[n] = ""; bot[n] = ""
        for (i = 1; i <= length($0); i++) {
            c = substr($0, i, 1)
            top[n] = top[n] ((c == "A" || c == "T") ? "0" : "1")
            bot[n] = bot[n] ((c == "A" || c == "B") ? "0" : "1")
        }
        if (length($0) > w) w = length($0)
        n++
    }
    function emit(row,    i, j, k, line, px) {
        for (k = 0; k < scale; k++) {
            line = ""
            for (i = -margin; i < w + margin; i++) {
                px = (i < 0 || i >= length(row)) ? "1" : substr(row, i + 1, 1)
                for (j = 0; j < scale; j++) line = line px " "
            }
            print line
        }
    }
    END {
        side = ""
        for (i = 0; i < w; i++) side = side "1"
        print "P1"
        print (w + 2 * margin) * scale, (2 * n + 2 * margin) * scale
        for (r = 0; r < margin; r++) emit(side)
        for (r = 0; r < n; r++) { emit(top[r]); emit(bot[r]) }
        for (r = 0; r < margin; r++) emit(side)
    }'
}

# decode <image> prints the texts zbarimg found, one per line; its chatter goes to a log.
decode() {
    zbarimg --raw -q -Sdisable -Sqrcode.enable "$1" 2>>"$work/zbarimg.log"
}

check() {
    text=$1
    "$cli" svg "$text" >"$work/case.svg" || { fail "svg encode of '$text'"; return; }
    if rsvg-convert -w 480 "$work/case.svg" -o "$work/case.png"; then
        got=$(decode "$work/case.png")
        if [ "$got" = "$text" ]; then pass; else fail "svg '$text' decoded as '$got'"; fi
    else
        fail "rsvg-convert on '$text'"
    fi
    "$cli" term "$text" >"$work/case.txt" || { fail "terminal encode of '$text'"; return; }
    term_to_pbm <"$work/case.txt" >"$work/case.pbm"
    got=$(decode "$work/case.pbm")
    if [ "$got" = "$text" ]; then pass; else fail "terminal '$text' decoded as '$got'"; fi
}

# Invite URLs as the server makes them: several hosts, ports and code lengths.
alphabet=ABCDEFGHJKLMNPQRSTUVWXYZ23456789
seed=7
i=0
while [ $i -lt 80 ]; do
    code=""
    len=$((4 + i % 9))
    k=0
    while [ $k -lt $len ]; do
        seed=$(((seed * 1103515245 + 12345) % 2147483648))
        code=$code$(printf %s "$alphabet" | cut -c$((seed / 65536 % 32 + 1)))
        k=$((k + 1))
    done
    check "http://192.168.$((i % 3)).$((i * 3 % 254 + 1)):$((8000 + i * 97))/j/$code"
    i=$((i + 1))
done
check "http://192.168.1.23:8765/j/ABC234"
check "https://scoreboard.local/j/ABC234?role=observer&player=2"
# Byte mode carries UTF-8 unchanged. zbarimg guesses the charset of byte-mode text (there
# is no ECI header), so use text long enough that its guess is not ambiguous.
check "Spieler Jürgen – Zug 12 ♞"

# Every length from 1 to the version-10 limit, which crosses all nine version boundaries.
filler="http://192.168.1.23:8765/j/ABC234?pad=abcdefghijklmnopqrstuvwxyz0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ"
long=$filler$filler$filler$filler
len=1
while [ $len -le 213 ]; do
    check "$(printf %s "$long" | cut -c1-"$len")"
    len=$((len + 1))
done

# Version boundaries as the encoder reports them, and refusal past the last one.
for pair in 14:1 15:2 26:2 27:3 42:3 43:4 62:4 63:5 84:5 85:6 106:6 107:7 122:7 123:8 152:8 153:9 180:9 181:10 213:10; do
    len=${pair%%:*}
    want=${pair##*:}
    got=$("$cli" info "$(printf %s "$long" | cut -c1-"$len")" | cut -d' ' -f1)
    if [ "$got" = "$want" ]; then pass; else fail "length $len gave version '$got', want $want"; fi
done
"$cli" svg "$(printf %s "$long" | cut -c1-214)" >/dev/null 2>&1
rc=$?
if [ $rc -eq 2 ]; then pass; else fail "214 bytes: exit status $rc, want 2 (refused)"; fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
