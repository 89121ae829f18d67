#!/usr/bin/env bash
# Runs the benchmarks and the reliability harness; see docs/performance.md.
# usage: bench/run.sh bench|cost|abuse|soak|table
#
# Scale (environment):
#   BENCH_SPIKE_N=5000     observers in (a)          BENCH_CAP_N=10000   idle connections in (b)
#   BENCH_TOUR_GAMES=100   games in (c)              BENCH_SECONDS=20    measured seconds per run
#   BENCH_PEERS="ws sio colyseus"                    BENCH_CALLGRIND_PEERS=1 (0 skips node under callgrind)
#   BENCH_CG_N=500 observers and BENCH_CG_CHANGES=50 changes in (e)
#   BENCH_ONLY="spike cap tour tput cg cost" reruns only those workloads (the table keeps the others' last results)
#   BENCH_COST_SECONDS=10  measured seconds of each run in (f), the cost of a change (also: bench/run.sh cost)
#   BENCH_COST_SAVE=before|after  records (f)'s figures in bench/cost.json under that name
#   SOAK_SECONDS=1800      ABUSE_SECONDS=20
# Every server listens on 127.0.0.1 with port 0; every loop is bounded.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=build/bench
LOGS=$OUT/logs
mkdir -p "$LOGS"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
LOADGEN=$OUT/loadgen
BIN=${STATE_SERVER_BIN:-build/state-server}
SRV_PID=
SRV_PORT=

die() { echo "bench: $*" >&2; stop_server; exit 1; }

# start_server KIND [WRAP...]: ours | ours-each | ws | sio | colyseus
start_server() {
    local kind=$1; shift
    local log=$LOGS/server-${SRV_LABEL:-$kind}.log
    case $kind in
    ours | ours-each | ours-normal)
        local dir
        dir=$(mktemp -d "$OUT/db.XXXXXX")
        if [ "$kind" = ours-each ]; then export STATE_SERVER_BENCH_COMMIT_EACH=1; fi
        local dur=full
        [ "$kind" = ours-normal ] && dur=normal
        "$@" "$BIN" --port 0 --bind 127.0.0.1 --db "$dir/state.db" --max-connections 20000 --log-level warn \
            --durability "$dur" >"$log" 2>&1 &
        SRV_PID=$!
        unset STATE_SERVER_BENCH_COMMIT_EACH
        SRV_DIR=$dir
        ;;
    ws | sio | colyseus)
        "$@" node bench/peers/$kind-server.mjs --port 0 >"$log" 2>&1 &
        SRV_PID=$!
        SRV_DIR=
        ;;
    *) die "unknown server $kind" ;;
    esac
    SRV_PORT=
    for _ in $(seq 1 600); do
        SRV_PORT=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$log" 2>/dev/null | head -1 | grep -o '[0-9]*$')
        [ -n "$SRV_PORT" ] && break
        kill -0 "$SRV_PID" 2>/dev/null || break
        sleep 0.2
    done
    [ -n "$SRV_PORT" ] || { cat "$log" >&2; die "$kind did not start"; }
}

stop_server() {
    [ -n "${SRV_PID:-}" ] || return 0
    kill -TERM "$SRV_PID" 2>/dev/null
    for _ in $(seq 1 300); do kill -0 "$SRV_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SRV_PID" 2>/dev/null
    wait "$SRV_PID" 2>/dev/null
    SRV_PID=
    [ -n "${SRV_DIR:-}" ] && rm -rf "$SRV_DIR"
    SRV_DIR=
}
trap stop_server EXIT

proto_of() { case $1 in ours | ours-each | ours-normal) echo ours ;; *) echo "$1" ;; esac; }

# run_load KIND LABEL LOADGEN-ARGS...: one server, one loadgen run; result JSON in $OUT/r-LABEL.json
run_load() {
    local kind=$1 label=$2; shift 2
    SRV_LABEL=$label start_server "$kind"
    echo "  $label: $kind on port $SRV_PORT" >&2
    timeout 900 "$LOADGEN" --proto "$(proto_of "$kind")" --port "$SRV_PORT" --pid "$SRV_PID" --label "$label" \
        --json "$OUT/r-$label.json" "$@" >"$LOGS/loadgen-$label.out" 2>"$LOGS/loadgen-$label.err" ||
        { echo "  $label FAILED:" >&2; tail -5 "$LOGS/loadgen-$label.err" >&2; echo '{}' >"$OUT/r-$label.json"; }
    stop_server
}

# Instructions per delivery: the server runs under callgrind with collection off;
# the loadgen switches it on as its window opens and off after the drain.
run_callgrind() {
    local kind=$1 label=$2; shift 2
    local cgout=$OUT/callgrind.$label.out
    rm -f "$cgout"
    SRV_LABEL=$label start_server "$kind" valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$cgout"
    echo "  $label: $kind under callgrind on port $SRV_PORT" >&2
    timeout 900 "$LOADGEN" --proto "$(proto_of "$kind")" --port "$SRV_PORT" --pid "$SRV_PID" --label "$label" \
        --json "$OUT/r-$label.json" --on-window "callgrind_control -i on $SRV_PID >/dev/null" \
        --on-end "callgrind_control -i off $SRV_PID >/dev/null" "$@" >"$LOGS/loadgen-$label.out" 2>"$LOGS/loadgen-$label.err" ||
        { echo "  $label FAILED" >&2; tail -5 "$LOGS/loadgen-$label.err" >&2; }
    stop_server
    local ir
    ir=$(grep -E '^totals:' "$cgout" 2>/dev/null | awk '{s += $2} END {print s + 0}')
    echo "{\"instructions\":${ir:-0}}" >"$OUT/cg-$label.json"
}

bench() {
    local N_SPIKE=${BENCH_SPIKE_N:-5000} N_CAP=${BENCH_CAP_N:-10000} TG=${BENCH_TOUR_GAMES:-100} SEC=${BENCH_SECONDS:-20}
    local PEERS=${BENCH_PEERS:-ws sio colyseus}
    local ONLY=${BENCH_ONLY:-}
    want() { [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]]; }
    [ -z "$ONLY" ] && rm -f "$OUT"/r-*.json "$OUT"/cg-*.json
    local t0=$SECONDS
    want spike && {
    echo "(a) stream spike: 1 game, $N_SPIKE observers, 10 changes/s, ${SEC}s" >&2
    for k in ours $PEERS; do
        run_load "$k" "spike-$k" --games 1 --observers "$N_SPIKE" --rate 10 --warmup 3 --duration "$SEC"
    done
    # The same spike without an fsync per commit: what the fan-out alone costs.
    run_load ours-normal "spike-ours-normal" --games 1 --observers "$N_SPIKE" --rate 10 --warmup 3 --duration "$SEC"
    }
    want cap && {
    echo "(b) capacity: $N_CAP idle connections" >&2
    for k in ours $PEERS; do
        run_load "$k" "cap-$k" --games 1 --observers "$N_CAP" --idle --warmup 3 --duration 1
    done
    }
    want tour && {
    echo "(c) tournament: $TG games x (host + 2 players + 10 observers), 1 change/s per game, ${SEC}s" >&2
    for k in ours $PEERS; do
        run_load "$k" "tour-$k" --games "$TG" --players 2 --observers 10 --rate 1 --warmup 3 --duration "$SEC"
    done
    }
    want tput && {
    echo "(d) durable throughput: 100 games x 10 host connections, closed loop (4 in flight, 19/s each), group commit vs commit per change" >&2
    run_load ours "tput-group" --games 100 --drivers 10 --observers 0 --rate 0 --warmup 3 --duration 15
    run_load ours-each "tput-each" --games 100 --drivers 10 --observers 0 --rate 0 --warmup 3 --duration 15
    }
    local CGN=${BENCH_CG_N:-500} CGC=${BENCH_CG_CHANGES:-50}
    want cg && {
    echo "(e) instructions per delivery: 1 game, $CGN observers, $CGC changes at 5/s, under callgrind" >&2
    local cgk="ours"
    [ "${BENCH_CALLGRIND_PEERS:-1}" = 1 ] && cgk="ours $PEERS"
    for k in $cgk; do
        run_callgrind "$k" "cg-$k" --games 1 --observers "$CGN" --rate 5 --warmup 2 --duration "$((CGC / 5))"
    done
    # A smaller fan-out of ours separates the per-change cost from the per-recipient one.
    run_callgrind ours "cg-ours-small" --games 1 --observers "$((CGN / 5))" --rate 5 --warmup 2 --duration "$((CGC / 5))"
    }
    want cost && cost
    echo "bench took $((SECONDS - t0)) s" >&2
    table
    [ -f "$OUT/cost.txt" ] && cat "$OUT/cost.txt"
}

# (f) What one change costs, under callgrind: 1 game with 10 and with 110
# subscribers at 5 changes a second (each change commits on its own turn of the
# loop, the group commit's smallest group), and 1 game whose clock runs with
# nothing else happening (the per-second checkpoint). bench/cost.mjs divides.
cost() {
    local SEC=${BENCH_COST_SECONDS:-10}
    echo "(f) cost of a change: 1 game x 10 and x 110 subscribers, 5 changes/s; 1 running clock; ${SEC}s each, under callgrind" >&2
    rm -f "$OUT"/r-cost-*.json "$OUT"/cg-cost-*.json "$OUT/cost.txt"
    run_callgrind ours cost-10 --games 1 --observers 10 --rate 5 --warmup 2 --duration "$SEC"
    run_callgrind ours cost-110 --games 1 --observers 110 --rate 5 --warmup 2 --duration "$SEC"
    run_callgrind ours cost-clock --games 1 --observers 0 --idle --start --warmup 2 --duration "$SEC"
    node bench/cost.mjs "$OUT" bench/cost.json "${BENCH_COST_SAVE:-}" | tee "$OUT/cost.txt"
}

table() { node bench/table.mjs "$OUT" bench/results.json; }

case ${1:-bench} in
bench) bench ;;
cost) cost ;;
table) table ;;
abuse) exec bench/abuse.sh ;;
soak) exec bench/soak.sh ;;
*) echo "usage: $0 bench|cost|table|abuse|soak" >&2; exit 2 ;;
esac
