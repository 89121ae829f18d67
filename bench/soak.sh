#!/usr/bin/env bash
# make soak: SOAK_SECONDS (default 1800) of the tournament workload with phones
# sleeping and coming back (SOAK_CHURN of them every 10 s, default 0.1), the
# server's RSS sampled every 10 s; fails if RSS grows after warm-up (the mean of the
# last third of the samples over the mean of the first third after warm-up by more
# than 5% + 1 MiB). Then the server runs under valgrind memcheck
# (--leak-check=full --error-exitcode=1) for a short scripted session (roles,
# changes, churn, a burst of hostile clients, clean shutdown), and the integration
# suite's protocol tests run against it under valgrind too; any memory error or any
# definite or indirect leak fails ("possibly lost" blocks are printed, not judged).
#   SOAK_SECONDS=1800  SOAK_GAMES=100  SOAK_CHURN=0.1  SOAK_VALGRIND_SECONDS=30
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=build/bench
LOGS=$OUT/logs
mkdir -p "$LOGS"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
SEC=${SOAK_SECONDS:-1800}
GAMES=${SOAK_GAMES:-100}
CHURN=${SOAK_CHURN:-0.1}
VSEC=${SOAK_VALGRIND_SECONDS:-30}
fail=0
PID=
DIR=$(mktemp -d "$OUT/soak.XXXXXX")
cleanup() {
    if [ -n "$PID" ]; then
        kill -TERM "$PID" 2>/dev/null
        for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$PID" 2>/dev/null
    fi
    rm -rf "$DIR"
}
trap cleanup EXIT

wait_port() { # log -> port
    local p=
    for _ in $(seq 1 600); do
        p=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$1" 2>/dev/null | head -1 | grep -o '[0-9]*$')
        [ -n "$p" ] && break
        sleep 0.2
    done
    echo "$p"
}

# 1. The long run.
LOG=$LOGS/server-soak.log
build/state-server --port 0 --bind 127.0.0.1 --db "$DIR/state.db" --max-connections 20000 --log-level warn >"$LOG" 2>&1 &
PID=$!
PORT=$(wait_port "$LOG")
[ -n "$PORT" ] || { cat "$LOG"; echo "soak: server did not start"; exit 1; }
echo "soak: ${SEC}s of the tournament ($GAMES games x 13 connections, 1 change/s per game), churn $CHURN every 10 s" >&2
timeout $((SEC + 300)) build/bench/loadgen --port "$PORT" --pid "$PID" --games "$GAMES" --players 2 --observers 10 --rate 1 \
    --churn "$CHURN" --rss-every 10 --warmup 5 --duration "$SEC" --label soak >"$OUT/soak.out" 2>"$LOGS/loadgen-soak.err" ||
    { echo "soak: load generator failed"; tail -5 "$LOGS/loadgen-soak.err"; fail=1; }
kill -0 "$PID" 2>/dev/null || { echo "soak: the server died"; fail=1; }
node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
const samples = lines.filter((l) => l.rss_sample_s !== undefined);
const res = lines.find((l) => l.label) || {};
const warm = Math.max(6, Math.ceil(samples.length * 0.1));
const after = samples.slice(warm);
const third = Math.max(1, Math.floor(after.length / 3));
const mean = (a) => a.reduce((s, x) => s + x.rss_kb, 0) / a.length;
const first = after.length ? mean(after.slice(0, third)) : NaN, last = after.length ? mean(after.slice(-third)) : NaN;
console.log(`soak: ${samples.length} RSS samples (every 10 s): ` + samples.map((s) => (s.rss_kb / 1024).toFixed(1)).join(" ") + " MiB");
console.log(`soak: after warm-up (${warm} samples): first third ${(first / 1024).toFixed(2)} MiB, last third ${(last / 1024).toFixed(2)} MiB`);
console.log(`soak: ${res.changes} changes, ${res.acks} acks, ${res.errors} errors, ${res.deliveries} deliveries, p99 ${res.lat_p99_ms} ms, ` +
  `ack p99 ${res.ack_p99_ms} ms, ${res.reconnects} reconnects, ${res.closed} closed by the server, CPU ${res.server_cpu_per_s} cores`);
const fails = [];
if (!(after.length >= 3)) fails.push("too few samples after warm-up (SOAK_SECONDS too short)");
else if (last > first * 1.05 + 1024) fails.push("RSS grew after warm-up");
if (res.closed > 0) fails.push(`${res.closed} connections closed by the server`);
if (!(res.acks > 0) || res.errors > 0) fails.push("changes were refused or not acknowledged");
require("fs").writeFileSync(process.argv[2], JSON.stringify({ samples, result: res, first_third_kb: first, last_third_kb: last, failures: fails }, null, 2) + "\n");
if (fails.length) { console.log("soak: FAILED: " + fails.join("; ")); process.exit(1); }
console.log("soak: RSS flat after warm-up");
' "$OUT/soak.out" "$OUT/soak.json" || fail=1
kill -TERM "$PID"; wait "$PID" 2>/dev/null; PID=

# 2. Memcheck: a scripted session against the server under valgrind (the dynamically
# linked build of the same objects: valgrind cannot see the heap of a static binary).
DYN=$OUT/state-server-dyn
VG="valgrind --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect --error-exitcode=1"
LOG=$LOGS/server-memcheck.log
rm -f "$DIR"/state.db*
$VG --log-file="$LOGS/memcheck-session.vg" "$DYN" --port 0 --bind 127.0.0.1 --db "$DIR/state.db" --log-level warn >"$LOG" 2>&1 &
PID=$!
PORT=$(wait_port "$LOG")
if [ -z "$PORT" ]; then echo "soak: server under valgrind did not start"; fail=1; else
    echo "soak: memcheck session (${VSEC}s: 5 games with roles, changes, churn, hostile clients)" >&2
    timeout $((VSEC + 300)) build/bench/loadgen --port "$PORT" --games 5 --players 2 --observers 4 --rate 2 --churn 0.3 \
        --warmup 10 --duration "$VSEC" --label memcheck >"$OUT/memcheck.out" 2>"$LOGS/loadgen-memcheck.err" &
    LP=$!
    # hostile clients once the phones have joined (wrong join codes from this address
    # would rate-limit the phones' own joins)
    for _ in $(seq 1 100); do grep -q 'connections ready' "$LOGS/loadgen-memcheck.err" 2>/dev/null && break; sleep 0.5; done
    build/bench/hostile --port "$PORT" --seconds 8 --cap 200 --slowloris 20 >"$OUT/memcheck-hostile.json" 2>/dev/null
    wait "$LP" || { echo "soak: memcheck session load failed"; tail -3 "$LOGS/loadgen-memcheck.err"; fail=1; }
    kill -TERM "$PID"
    wait "$PID"
    rc=$?
    PID=
    summary=$(grep -E 'ERROR SUMMARY|definitely lost|indirectly lost|possibly lost' "$LOGS/memcheck-session.vg" | sed 's/^==[0-9]*== //')
    echo "soak: memcheck session: exit $rc; $(echo "$summary" | tr '\n' ';')"
    [ "$rc" -eq 0 ] || { echo "soak: memcheck found errors or leaks (see $LOGS/memcheck-session.vg)"; fail=1; }
fi

# 3. The integration suite's protocol tests with the server under valgrind.
if [ "${SOAK_VALGRIND_SUITE:-1}" = 1 ]; then
    rm -f "$LOGS"/memcheck-suite.*.vg
    echo "soak: tests/integration/protocol.test.mjs with every server under memcheck" >&2
    STATE_SERVER_BIN=$DYN STATE_SERVER_WRAP="$VG --log-file=$LOGS/memcheck-suite.%p.vg" node --test --test-concurrency=1 \
        tests/integration/protocol.test.mjs >"$LOGS/memcheck-suite.log" 2>&1
    tests=$(grep -E '^# (pass|fail)' "$LOGS/memcheck-suite.log" | tr '\n' ' ')
    nlogs=$(ls "$LOGS"/memcheck-suite.*.vg 2>/dev/null | wc -l)
    bad=$(grep -L 'ERROR SUMMARY: 0 errors' "$LOGS"/memcheck-suite.*.vg 2>/dev/null | wc -l)
    possibly=$(grep -h 'possibly lost:' "$LOGS"/memcheck-suite.*.vg 2>/dev/null | sed 's/^==[0-9]*== *//' | sort | uniq -c | tr -s ' ' | tr '\n' ';')
    echo "soak: suite servers, reported but not judged (h2o's start-up allocations never freed at exit): ${possibly:-none}"
    echo "soak: integration protocol tests under memcheck: ${tests:-no result}; $nlogs server runs, $bad with errors or leaks"
    [ "$bad" -eq 0 ] && [ "$nlogs" -gt 0 ] || { grep -l -v 'ERROR SUMMARY: 0 errors' "$LOGS"/memcheck-suite.*.vg | head -3; fail=1; }
fi
[ "$fail" -eq 0 ] && echo "soak: passed" || echo "soak: FAILED"
exit "$fail"
