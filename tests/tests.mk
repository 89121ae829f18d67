# Test targets, included by the Makefile.
#
# Unit tests: every tests/unit/test_*.c is linked against all of src/ built with
# ASan and UBSan. Fuzz drivers: every tests/fuzz/fuzz_*.c is built with libFuzzer
# against src/ with coverage, and run briefly on its corpus (make fuzz runs long).
# Integration, conformance and browser tests are node:test files that start the
# real binary. tests/run.sh runs the suites and prints the "N passed, N failed" line.

TEST_DIR   := build/test
FUZZ_DIR   := build/fuzz
SAN        := -fsanitize=address,undefined -fno-sanitize-recover=undefined
TEST_INC   := -Isrc -I$(BUILD)/gen -isystem $(STB_INC) -isystem $(H2O)/include -isystem $(MOSQ)/include -isystem build/src/h2o/deps/picotls/include
TEST_CFLAGS := -std=c11 -D_GNU_SOURCE -DH2O_USE_LIBUV=0 $(CFLAGS_WARN) -g -O1 $(SAN) $(TEST_INC)
TEST_LIBS  := $(H2O)/lib/libh2o-evloop.a $(MOSQ)/lib/libmosquitto.a -lcmocka -lssl -lcrypto -lsqlite3 -lz -lpthread -ldl -lm
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -DH2O_USE_LIBUV=0 $(CFLAGS_WARN) -g -O1 $(TEST_INC) \
               -fsanitize=fuzzer-no-link,address,undefined
FUZZ_TIME  ?= 600
FUZZ_SHORT ?= 20

UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(TEST_DIR)/%,$(UNIT_SRCS))
FUZZ_SRCS  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS  := $(patsubst tests/fuzz/%.c,$(FUZZ_DIR)/%,$(FUZZ_SRCS))
TEST_OBJS  := $(patsubst src/%.c,$(TEST_DIR)/obj/%.o,$(SRCS)) $(TEST_DIR)/obj/assets_data.o $(TEST_DIR)/obj/raster_data.o
FUZZ_OBJS  := $(patsubst src/%.c,$(FUZZ_DIR)/obj/%.o,$(SRCS)) $(FUZZ_DIR)/obj/assets_data.o $(FUZZ_DIR)/obj/raster_data.o

.PHONY: test-deps unit-bins fuzz-bins crash e2e webui-test fault-bin fault screenshots follow-kill

# The follower killed with SIGKILL (20 trials, as in make test; FOLLOW_KILL_TRIALS for more): docs/switchover.md.
follow-kill: $(OUT) tests/node_modules/.package-lock.json
	FOLLOW_KILL_TRIALS=$${FOLLOW_KILL_TRIALS:-20} node --test --test-name-pattern 'killed at random' tests/integration/follow.test.mjs

# The fault-injection build: the release objects plus tests/support/faultvfs.c,
# whose constructor makes it SQLite's default VFS (STATE_SERVER_FAULT selects the
# fault). A separate binary, so the release build never carries it.
FAULT_BIN  := $(TEST_DIR)/state-server-fault
$(TEST_DIR)/fault/faultvfs.o: tests/support/faultvfs.c tests/support/faultvfs.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<
$(FAULT_BIN): $(BUILD)/obj/main.o $(BUILD)/libstate.a $(TEST_DIR)/fault/faultvfs.o
	$(CC) -static -o $@ $(BUILD)/obj/main.o $(TEST_DIR)/fault/faultvfs.o $(BUILD)/libstate.a $(LIBS) 2> $(TEST_DIR)/fault/link.log \
		|| { cat $(TEST_DIR)/fault/link.log; exit 1; }
fault-bin: $(FAULT_BIN)
# The integration suite runs the fault sweeps (fault, powercut, diskfull tests).
test integration: $(FAULT_BIN)
# A longer sweep: the known-bug tests count as failures, 5,000 power cuts, and the
# write sweep also with SQLite's default page cache.
fault: $(OUT) $(FAULT_BIN) tests/node_modules/.package-lock.json
	@tests/run.sh fault

test-deps: $(TEST_DIR)/.deps
$(TEST_DIR)/.deps: cross/deps.sh
	@cross/deps.sh test
	@mkdir -p $(@D) && touch $@

tests/node_modules/.package-lock.json: tests/package-lock.json
	cd tests && npm ci --no-audit --no-fund
	@touch $@
tests/e2e/node_modules/.package-lock.json: tests/e2e/package-lock.json
	cd tests/e2e && npm ci --no-audit --no-fund
	@touch $@
NODE_DEPS := tests/node_modules/.package-lock.json tests/e2e/node_modules/.package-lock.json

$(TEST_DIR)/obj/%.o: src/%.c $(H2O)/lib/libh2o-evloop.a $(MOSQ)/lib/libmosquitto.a | $(TEST_DIR)/.deps
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -MMD -MP -c -o $@ $<
$(TEST_DIR)/obj/assets_data.o: $(BUILD)/gen/assets_data.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -c -o $@ $<
$(TEST_DIR)/obj/raster_data.o: $(BUILD)/gen/raster_data.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -c -o $@ $<
$(TEST_DIR)/libstate.a: $(TEST_OBJS)
	rm -f $@ && ar rcs $@ $^
$(TEST_DIR)/test_%: tests/unit/test_%.c $(TEST_DIR)/libstate.a
	$(CC) $(TEST_CFLAGS) -o $@ $< $(TEST_DIR)/libstate.a $(TEST_LIBS)

$(FUZZ_DIR)/obj/%.o: src/%.c $(H2O)/lib/libh2o-evloop.a $(MOSQ)/lib/libmosquitto.a | $(TEST_DIR)/.deps
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<
$(FUZZ_DIR)/obj/assets_data.o: $(BUILD)/gen/assets_data.c
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -c -o $@ $<
$(FUZZ_DIR)/obj/raster_data.o: $(BUILD)/gen/raster_data.c
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -c -o $@ $<
$(FUZZ_DIR)/libstate.a: $(FUZZ_OBJS)
	rm -f $@ && ar rcs $@ $^
$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DIR)/libstate.a
	clang $(subst fuzzer-no-link,fuzzer,$(FUZZ_CFLAGS)) -o $@ $< $(FUZZ_DIR)/libstate.a $(TEST_LIBS:-lcmocka=)

# The same unit tests built with clang, so the code stays clean under both compilers.
CLANG_DIR  := build/test-clang
CLANG_OBJS := $(patsubst src/%.c,$(CLANG_DIR)/obj/%.o,$(SRCS)) $(CLANG_DIR)/obj/assets_data.o $(CLANG_DIR)/obj/raster_data.o
CLANG_BINS := $(patsubst tests/unit/%.c,$(CLANG_DIR)/%,$(UNIT_SRCS))
$(CLANG_DIR)/obj/%.o: src/%.c $(H2O)/lib/libh2o-evloop.a $(MOSQ)/lib/libmosquitto.a | $(TEST_DIR)/.deps
	@mkdir -p $(@D)
	clang $(TEST_CFLAGS) -MMD -MP -c -o $@ $<
$(CLANG_DIR)/obj/assets_data.o: $(BUILD)/gen/assets_data.c
	@mkdir -p $(@D)
	clang $(TEST_CFLAGS) -c -o $@ $<
$(CLANG_DIR)/obj/raster_data.o: $(BUILD)/gen/raster_data.c
	@mkdir -p $(@D)
	clang $(TEST_CFLAGS) -c -o $@ $<
$(CLANG_DIR)/libstate.a: $(CLANG_OBJS)
	rm -f $@ && ar rcs $@ $^
$(CLANG_DIR)/test_%: tests/unit/test_%.c $(CLANG_DIR)/libstate.a
	clang $(TEST_CFLAGS) -o $@ $< $(CLANG_DIR)/libstate.a $(TEST_LIBS)

unit-bins: $(UNIT_BINS) $(CLANG_BINS)
fuzz-bins: $(FUZZ_BINS)

# Everything that fits in CI, in one run with one summary line.
test: $(OUT) unit-bins fuzz-bins $(NODE_DEPS)
	@tests/run.sh all

unit: unit-bins
	@tests/run.sh unit
integration: $(OUT) tests/node_modules/.package-lock.json
	@tests/run.sh integration
e2e: $(OUT) $(NODE_DEPS)
	@tests/run.sh e2e
webui-test: webui/dist/index.html
	@tests/run.sh webui
fuzz-short: fuzz-bins
	@tests/run.sh fuzz
# Every route of the web app at 320, 390 and 1920 px into docs/screenshots/ (the old set is replaced).
screenshots: $(OUT) tests/e2e/node_modules/.package-lock.json
	cd tests/e2e && SCREENSHOTS=../../docs/screenshots node --test pages.test.mjs
# 1,000 kill -9 trials; prints the number of acknowledged changes lost (must be 0).
crash: $(OUT) tests/node_modules/.package-lock.json
	@CRASH_TRIALS=$${CRASH_TRIALS:-1000} tests/run.sh crash
# Long fuzzing: every driver for FUZZ_TIME seconds (default 10 minutes each).
fuzz: fuzz-bins
	@FUZZ_SHORT=$(FUZZ_TIME) tests/run.sh fuzz

-include $(wildcard $(TEST_DIR)/obj/*.d) $(wildcard $(CLANG_DIR)/obj/*.d) $(wildcard $(FUZZ_DIR)/obj/*.d)
