#!/usr/bin/env bash
# Runs the integration suite (tests/integration/) against cross-built binaries under
# qemu-user, one architecture after another, and prints one closing line:
# "N passed, N failed".
# Usage: cross/test.sh ARCH:BINARY:WRAPPER ...
#   e.g. cross/test.sh "aarch64:build/aarch64/state-server:qemu-aarch64-static"
# There is no binfmt_misc here, so every start of the binary goes through WRAPPER
# (tests/integration/lib.mjs reads STATE_SERVER_WRAP). Emulation is slower, so
# STATE_SERVER_TIME_SCALE (default 4) stretches the suite's waits for a reply;
# CROSS_TEST_TIMEOUT (default 900 s) bounds each architecture. Logs go to
# build/<arch>/test-cross.log.
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0
failed=0
failures=()

# A test that starts the binary itself, not through lib.mjs (startServer, run), would
# exec an ARM binary here and fail with a shell's "Syntax error"; name it instead.
direct=$(grep -nE '(spawn|spawnSync|execFile|execFileSync)\(BIN\b' tests/integration/*.test.mjs || true)
if [ -n "$direct" ]; then
    echo "test-cross: these start the binary directly; use run() or startServer() from lib.mjs:"
    echo "$direct"
    failed=$((failed + 1))
    failures+=("direct-spawn")
fi
for spec in "$@"; do
    arch=${spec%%:*}
    rest=${spec#*:}
    bin=${rest%%:*}
    wrap=${rest#*:}
    log=build/$arch/test-cross.log
    mkdir -p "build/$arch"
    wrapper=${wrap%% *}
    if ! command -v "$wrapper" >/dev/null; then
        echo "test-cross $arch: $wrapper not found (cross/deps.sh cross installs qemu-user-static)"
        failed=$((failed + 1))
        failures+=("$arch")
        continue
    fi
    start=$(date +%s)
    # A hang must fail the run, not eat CI's time: 2 minutes a test, 15 an architecture.
    if STATE_SERVER_BIN=$bin STATE_SERVER_WRAP=$wrap STATE_SERVER_TIME_SCALE=${STATE_SERVER_TIME_SCALE:-4} \
        timeout --kill-after=10 "${CROSS_TEST_TIMEOUT:-900}" \
        node --test --test-concurrency=1 --test-timeout=120000 tests/integration/ >"$log" 2>&1; then :; else
        failures+=("$arch")
        grep -B1 -A12 '^not ok\|^    not ok\|^  not ok' "$log" | head -80
    fi
    secs=$(($(date +%s) - start))
    p=$(grep -E '^# pass [0-9]+' "$log" | tail -1 | awk '{print $3}')
    f=$(grep -E '^# fail [0-9]+' "$log" | tail -1 | awk '{print $3}')
    s=$(grep -E '^# (skipped|todo) [0-9]+' "$log" | awk '{s += $3} END {print s + 0}')
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    [ -z "$p" ] && failed=$((failed + 1))
    echo "test-cross $arch ($wrap): ${p:-0} passed, ${f:-?} failed, $s skipped/todo, ${secs}s"
done
[ ${#failures[@]} -gt 0 ] && echo "failed architectures: ${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
