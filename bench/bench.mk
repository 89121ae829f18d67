# Benchmark and reliability targets, included by the Makefile (bench/README in
# docs/performance.md). Everything talks to 127.0.0.1 only and stops by itself.
#
# make bench   the side-by-side table (ours and the peers), bench/results.json
# make bench-cost  instructions per change, per extra recipient, per clock checkpoint (callgrind, ~2 min)
# make bench-screen  instructions per frame of the box's screen (callgrind, ~1 min; docs/screen.md)
# make abuse   a legit client's heartbeat latency while hostile clients attack
# make soak    SOAK_SECONDS (1800) of the tournament with churn, then valgrind memcheck
# make bench-event  one room of an event: 256 entrants, 128 tables, 128 phones, a hall board; and the cost of a
#               change with the event attached (callgrind; docs/tournaments.md)

BENCH_DIR := build/bench
BENCH_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror

.PHONY: bench bench-cost bench-screen bench-event abuse soak bench-tools bench-peers

$(BENCH_DIR)/loadgen: bench/loadgen.c
	@mkdir -p $(@D)
	cc $(BENCH_CFLAGS) -o $@ $<

$(BENCH_DIR)/hostile: bench/hostile.c
	@mkdir -p $(@D)
	cc $(BENCH_CFLAGS) -o $@ $<

# The same objects linked dynamically, for valgrind memcheck only: in the static
# binary valgrind cannot replace malloc, so it sees no heap and reports glibc's
# start-up code as errors.
$(BENCH_DIR)/state-server-dyn: $(BUILD)/obj/main.o $(BUILD)/libstate.a
	@mkdir -p $(@D)
	$(CC) -no-pie -o $@ $^ $(LIBS:-static=)

bench/peers/node_modules/.package-lock.json: bench/peers/package-lock.json
	cd bench/peers && npm ci --no-audit --no-fund
	@touch $@

# The screen's frames, linked dynamically like the memcheck build (callgrind counts the
# release objects' instructions either way; dynamic keeps glibc's start-up out of it).
$(BENCH_DIR)/screen-bench: bench/screen.c $(BUILD)/libstate.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libstate.a $(LIBS:-static=)

bench-screen: $(BENCH_DIR)/screen-bench
	@bench/screen.sh $(BENCH_DIR)/screen-bench

bench-tools: $(BENCH_DIR)/loadgen $(BENCH_DIR)/hostile
bench-peers: bench/peers/node_modules/.package-lock.json

bench: $(OUT) bench-tools bench-peers
	@bench/run.sh bench

bench-cost: $(OUT) $(BENCH_DIR)/loadgen
	@bench/run.sh cost

bench-event: $(OUT) tests/node_modules/.package-lock.json
	@mkdir -p $(BENCH_DIR)
	node bench/event.mjs --json $(BENCH_DIR)/event.json

abuse: $(OUT) bench-tools
	@bench/run.sh abuse

soak: $(OUT) bench-tools $(BENCH_DIR)/state-server-dyn tests/node_modules/.package-lock.json
	@bench/run.sh soak

# Pairing and standings of a 256-entrant event (pure code, no server): docs/tournaments.md.
$(BENCH_DIR)/pairing: bench/pairing.c src/pairing.c src/pairing.h src/standings.c src/standings.h src/buf.c src/mem.c
	@mkdir -p $(@D)
	cc $(BENCH_CFLAGS) -Wshadow -Wmissing-prototypes -Wstrict-prototypes -Isrc -o $@ bench/pairing.c src/pairing.c src/standings.c src/buf.c src/mem.c

.PHONY: bench-pairing
bench-pairing: $(BENCH_DIR)/pairing
	@$(BENCH_DIR)/pairing
