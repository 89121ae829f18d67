#!/usr/bin/env bash
# Runs test suites and prints one closing line: "N passed, N failed".
# usage: tests/run.sh all|unit|webui|integration|conformance|crash|e2e|qr|fuzz|fault ...
# Each suite's own output is kept in build/test/logs/; failures are shown.
set -uo pipefail
cd "$(dirname "$0")/.."
logs=build/test/logs
mkdir -p "$logs"
passed=0
failed=0
failures=()

count_node() { # log -> adds node:test's "# pass N" / "# fail N"
    local p f
    p=$(grep -E '^# pass [0-9]+' "$1" | tail -1 | awk '{print $3}')
    f=$(grep -E '^# fail [0-9]+' "$1" | tail -1 | awk '{print $3}')
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    if [ -z "$p" ]; then failed=$((failed + 1)); fi
}

run_unit() {
    for t in build/test/test_* build/test-clang/test_*; do
        [ -x "$t" ] || continue
        local name log
        name=$(basename "$t")
        [ "${t#build/test-clang/}" != "$t" ] && name="$name (clang)"
        log=$logs/${name// /_}.log
        if "$t" >"$log" 2>&1; then status=0; else status=$?; fi
        local p f
        p=$(grep -E '^\[  PASSED  \] [0-9]+ test' "$log" | awk '{s+=$4} END {print s+0}')
        f=$(grep -E '^\[  FAILED  \] [0-9]+ test' "$log" | awk '{s+=$4} END {print s+0}')
        passed=$((passed + p))
        failed=$((failed + f))
        if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); fi
        if [ "$status" -ne 0 ]; then failures+=("$name"); tail -40 "$log"; fi
        echo "unit $name: $p passed, $f failed"
    done
}

run_node() { # suite dir
    local dir=$1 log=$logs/$1.log
    ls tests/"$dir"/*.test.mjs >/dev/null 2>&1 || return 0
    if node --test --test-concurrency=1 tests/"$dir"/ >"$log" 2>&1; then :; else
        failures+=("$dir")
        # The innermost failing subtests first (their names say what broke), then the rest.
        grep -E '^ +not ok' -A12 "$log" | grep -E 'not ok|error:|expected|actual|location|Error' | head -40
        grep -E '^not ok|^# Subtest|error:|expected|actual|Error' "$log" | grep -B1 -A6 '^not ok' | head -40
    fi
    count_node "$log"
    echo "$dir: $(grep -E '^# pass' "$log" | tail -1 | awk '{print $3}') passed, $(grep -E '^# fail' "$log" | tail -1 | awk '{print $3}') failed"
}

run_qr() {
    [ -x tests/qr/decode_test.sh ] || return 0
    local log=$logs/qr.log
    if tests/qr/decode_test.sh build/test >"$log" 2>&1; then :; else failures+=("qr"); tail -20 "$log"; fi
    local line
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
    passed=$((passed + $(echo "${line:-0 passed}" | awk '{print $1}')))
    failed=$((failed + $(echo "${line:-0 passed, 1 failed}" | awk '{print $3}')))
    echo "qr decode: ${line:-no result}"
}

run_webui() { # vitest unit tests of the client logic, then the bundle budget
    local log=$logs/webui.log
    local ok=1 p f
    if (cd webui && NO_COLOR=1 FORCE_COLOR=0 npm test && npm run size) >"$log" 2>&1; then :; else ok=0; failures+=("webui"); tail -30 "$log"; fi
    # Colour codes may appear anyway (CI sets CI=true): strip them before reading.
    local plain
    plain=$(sed 's/\x1b\[[0-9;]*m//g' "$log")
    p=$(echo "$plain" | grep -E '^ +Tests +' | grep -oE '[0-9]+ passed' | awk '{s+=$1} END {print s+0}')
    f=$(echo "$plain" | grep -E '^ +Tests +' | grep -oE '[0-9]+ failed' | awk '{s+=$1} END {print s+0}')
    if [ "$ok" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; fi # the bundle budget
    passed=$((passed + p))
    failed=$((failed + f))
    [ "$p" -eq 0 ] && failed=$((failed + 1))
    echo "webui: $p passed, $f failed; $(grep -iE 'gzip' "$log" | tail -1)"
}

run_crash() {
    local log=$logs/crash.log
    if node tests/crash/crash.mjs "${CRASH_TRIALS:-20}" >"$log" 2>&1; then :; else failures+=("crash"); tail -20 "$log"; fi
    local line
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
    passed=$((passed + $(echo "${line:-0 passed}" | awk '{print $1}')))
    failed=$((failed + $(echo "${line:-0 passed, 1 failed}" | awk '{print $3}')))
    grep '^crash:' "$log" || true
}

run_fault() { # the long fault sweep (make fault); integration runs the short one
    local log=$logs/fault.log
    local ok=1
    POWERCUT_TRIALS=${POWERCUT_TRIALS:-5000} node --test --test-concurrency=1 tests/integration/fault.test.mjs \
        tests/integration/powercut.test.mjs tests/integration/diskfull.test.mjs >"$log" 2>&1 || ok=0
    # The write sweep again with SQLite's default page cache (faults at COMMIT only).
    FAULT_CACHE_PAGES=-2000 FAULT_KINDS=write node --test tests/integration/fault.test.mjs >>"$log" 2>&1 || ok=0
    if [ "$ok" -eq 0 ]; then failures+=("fault"); grep -E '^not ok|lost' "$log" | head -40; fi
    local p f
    p=$(grep -E '^# pass [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
    f=$(grep -E '^# fail [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
    passed=$((passed + p))
    failed=$((failed + f))
    grep -E '^# (fault|powercut)' "$log" | sed 's/^# //'
    echo "fault: $p passed, $f failed"
}

run_fuzz() {
    local secs=${FUZZ_SHORT:-20}
    for f in build/fuzz/fuzz_*; do
        [ -x "$f" ] || continue
        local name=${f##*/fuzz_} log=$logs/fuzz_${f##*/fuzz_}.log
        local corpus=tests/fuzz/corpus/$name work=build/fuzz/corpus-$name
        mkdir -p "$work" "$corpus"
        local dict=()
        [ -f "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")
        # New inputs go to build/; the committed corpus is only read.
        if "$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -artifact_prefix=build/fuzz/ "${dict[@]}" \
            "$work" "$corpus" >"$log" 2>&1; then
            passed=$((passed + 1))
            echo "fuzz $name: clean for ${secs}s ($(grep -oE '#[0-9]+' "$log" | tail -1 | tr -d '#') runs)"
        else
            failed=$((failed + 1))
            failures+=("fuzz_$name")
            tail -40 "$log"
            echo "fuzz $name: FAILED (log: $log)"
        fi
    done
}

suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=(all)
[ "${suites[0]}" = all ] && suites=(style unit qr fuzz webui integration conformance crash e2e)
for s in "${suites[@]}"; do
    case $s in
    unit) run_unit ;;
    qr) run_qr ;;
    crash) run_crash ;;
    webui) run_webui ;;
    fuzz) run_fuzz ;;
    fault) run_fault ;;
    integration | conformance | e2e | style) run_node "$s" ;;
    *) echo "unknown suite $s" >&2; exit 2 ;;
    esac
done
[ ${#failures[@]} -gt 0 ] && echo "failed suites: ${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
