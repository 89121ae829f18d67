#!/usr/bin/env bash
# make abuse: a legit host client measures its heartbeat round trip (and the
# delivery of its own changes) first on a quiet server, then while bench/hostile
# attacks the same server on 127.0.0.1 (connections up to the cap, slowloris,
# garbage, oversize frames, floods, wrong tokens and join codes). Fails when the
# legit p99 under attack is over 2x the quiet one, when the legit client lost its
# connection, or when the server's RSS went over ABUSE_RSS_MB.
#   ABUSE_SECONDS=20  ABUSE_CAP=1000 (--max-connections)  ABUSE_RSS_MB=64
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=build/bench
LOGS=$OUT/logs
mkdir -p "$LOGS"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
SEC=${ABUSE_SECONDS:-20}
CAP=${ABUSE_CAP:-1000}
RSS_MB=${ABUSE_RSS_MB:-64}
TOKEN=abuse-host-token-$RANDOM$RANDOM
DIR=$(mktemp -d "$OUT/abuse.XXXXXX")
LOG=$LOGS/server-abuse.log
build/state-server --port 0 --bind 127.0.0.1 --db "$DIR/state.db" --no-trust-loopback --host-token "$TOKEN" \
    --max-connections "$CAP" --log-level error >"$LOG" 2>&1 &
PID=$!
HPID=
cleanup() {
    [ -n "$HPID" ] && kill "$HPID" 2>/dev/null
    kill -TERM "$PID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PID" 2>/dev/null
    rm -rf "$DIR"
}
trap cleanup EXIT
PORT=
for _ in $(seq 1 100); do
    PORT=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$LOG" | head -1 | grep -o '[0-9]*$')
    [ -n "$PORT" ] && break
    sleep 0.1
done
[ -n "$PORT" ] || { cat "$LOG"; echo "abuse: server did not start"; exit 1; }

legit() { # label
    timeout $((SEC + 120)) build/bench/loadgen --port "$PORT" --pid "$PID" --token "$TOKEN" --games 1 --observers 5 \
        --rate 2 --heartbeat 10 --warmup 5 --duration "$SEC" --label "$1" 2>"$LOGS/abuse-$1.err"
}
echo "abuse: quiet baseline, ${SEC}s" >&2
QUIET=$(legit quiet) || { echo "abuse: quiet run failed"; exit 1; }
RSS_QUIET=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
echo "abuse: under attack, ${SEC}s" >&2
# The legit client connects first (a phone already at the table), then the attack
# starts inside its 5 s warm-up, so its whole measured window is under attack.
legit attack >"$OUT/abuse-attack.out" &
LPID=$!
sleep 2
build/bench/hostile --port "$PORT" --seconds $((SEC + 6)) --cap "$CAP" >"$OUT/abuse-hostile.json" 2>"$LOGS/abuse-hostile.err" &
HPID=$!
# A newcomer during the attack: can a new legit connection get in? (reported, not judged)
sleep $((SEC * 6 / 10 + 4))
if timeout 20 build/bench/loadgen --port "$PORT" --token "$TOKEN" --games 1 --observers 0 --rate 1 --warmup 0 --duration 1 \
    --label newcomer >"$OUT/abuse-newcomer.out" 2>"$LOGS/abuse-newcomer.err"; then NEWCOMER=connected; else NEWCOMER=refused; fi
HEALTH=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz" || true)
wait "$LPID" || { echo "abuse: legit client failed under attack"; tail -3 "$LOGS/abuse-attack.err"; exit 1; }
ATTACK=$(cat "$OUT/abuse-attack.out")
wait "$HPID"
HPID=
sleep 3
RSS_AFTER=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
kill -0 "$PID" 2>/dev/null || { echo "abuse: the server died"; exit 1; }
node -e '
const [q, a, h, rq, ra, rssMb, out, newcomer, health] = process.argv.slice(1);
const Q = JSON.parse(q), A = JSON.parse(a), H = JSON.parse(h);
const fmt = (x) => x.toFixed(3);
console.log(`legit heartbeat round trip  quiet: p50 ${fmt(Q.hb_p50_ms)} ms  p99 ${fmt(Q.hb_p99_ms)} ms  max ${fmt(Q.hb_max_ms)} ms  (${Q.hb_n} beats)`);
console.log(`                     under attack: p50 ${fmt(A.hb_p50_ms)} ms  p99 ${fmt(A.hb_p99_ms)} ms  max ${fmt(A.hb_max_ms)} ms  (${A.hb_n} beats)`);
console.log(`legit change delivery        quiet: p99 ${fmt(Q.lat_p99_ms)} ms; under attack: p99 ${fmt(A.lat_p99_ms)} ms`);
console.log(`server RSS: quiet ${(rq / 1024).toFixed(1)} MiB, max under attack ${(A.server_rss_kb / 1024).toFixed(1)} MiB, after ${(ra / 1024).toFixed(1)} MiB (limit ${rssMb} MiB)`);
console.log(`server CPU under attack: ${A.server_cpu_per_s.toFixed(2)} cores`);
for (const [k, v] of Object.entries(H)) if (typeof v === "object") console.log(`  ${k.padEnd(22)} opened ${v.opened}, upgraded ${v.upgraded}, closed by server ${v.closed_by_server}, 503 ${v["503"]}, 401 ${v["401"]}, 429 ${v["429"]}`);
console.log(`  flood messages sent ${H.flood_messages}`);
console.log(`during the attack: a new legit WebSocket connection was ${newcomer}; GET /healthz answered ${health || "nothing"}`);
const fails = [];
if (!(A.hb_p99_ms <= 2 * Q.hb_p99_ms)) fails.push(`heartbeat p99 ${fmt(A.hb_p99_ms)} ms > 2 x ${fmt(Q.hb_p99_ms)} ms`);
if (A.closed > 0) fails.push(`the legit client lost ${A.closed} connection(s)`);
if (A.hb_n < 0.9 * Q.hb_n) fails.push(`only ${A.hb_n} heartbeats answered (quiet: ${Q.hb_n})`);
if (A.server_rss_kb / 1024 > Number(rssMb)) fails.push(`RSS ${(A.server_rss_kb / 1024).toFixed(1)} MiB over ${rssMb} MiB`);
require("fs").writeFileSync(out, JSON.stringify({ quiet: Q, attack: A, hostile: H, rss_quiet_kb: Number(rq), rss_after_kb: Number(ra), newcomer, healthz_during_attack: health, failures: fails }, null, 2) + "\n");
if (fails.length) { console.log("abuse: FAILED: " + fails.join("; ")); process.exit(1); }
console.log("abuse: passed (p99 within 2x of quiet, legit client kept its connection, RSS bounded)");
' "$QUIET" "$ATTACK" "$(cat "$OUT/abuse-hostile.json")" "$RSS_QUIET" "$RSS_AFTER" "$RSS_MB" "$OUT/abuse.json" "$NEWCOMER" "$HEALTH"
