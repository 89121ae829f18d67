# State Server build.
#
# make            build/state-server for this machine (static)
# make run        build and start on the embedded defaults (port 8765, ./state.db)
# make test       every test that fits in CI; ends with "N passed, N failed"
#
# A target is a triple and a sysroot: ARCH names the build directory, CROSS the
# compiler prefix, SYSROOT where the target's static libraries live. The host build
# uses the machine's own compiler and libraries. TARGET_CFLAGS adds a target's
# -march, TARGET_LIBS its extra libraries.

ARCH    ?= host
CROSS   ?=
SYSROOT ?=
CC      := $(if $(CROSS),$(CROSS)gcc,$(or $(CC_HOST),cc))
BUILD   := build/$(ARCH)
OUT     := $(if $(filter host,$(ARCH)),build/state-server,build/$(ARCH)/state-server)
H2O     := $(BUILD)/h2o
# libmosquitto (MQTT client, section 13): Debian's source package, built static.
MOSQ    := $(BUILD)/mosquitto
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
# The screen's text: stb_truetype (header only, Debian libstb-dev; the same header for
# every target) and the font compiled in (Debian fonts-dejavu-core).
STB_INC := /usr/include/stb
FONT    ?= /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf

CFLAGS_WARN := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -DH2O_USE_LIBUV=0 $(CFLAGS_WARN) -Isrc -I$(BUILD)/gen \
           -isystem $(STB_INC) -isystem $(H2O)/include -isystem $(MOSQ)/include -isystem build/src/h2o/deps/picotls/include \
           $(if $(SYSROOT),-isystem $(SYSROOT)/usr/include/$(patsubst %-,%,$(CROSS)) -isystem $(SYSROOT)/usr/include) \
           -DSTATE_VERSION='"$(VERSION)"' $(TARGET_CFLAGS)
LIBDIRS := $(if $(SYSROOT),-L$(SYSROOT)/usr/lib/$(patsubst %-,%,$(CROSS)))
LIBS    := $(H2O)/lib/libh2o-evloop.a $(MOSQ)/lib/libmosquitto.a $(LIBDIRS) -lssl -lcrypto -lsqlite3 -lz -lpthread -ldl -lm $(TARGET_LIBS)

SRCS    := $(filter-out src/main.c,$(wildcard src/*.c))
OBJS    := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(SRCS)) $(BUILD)/obj/assets_data.o $(BUILD)/obj/raster_data.o
WEBDIR  := $(if $(wildcard webui/package.json),webui/dist,assets/placeholder)
WEBSRC  := $(shell find webui -path webui/node_modules -prune -o -path webui/dist -prune -o -type f -print 2>/dev/null)

.PHONY: all run test unit integration conformance fuzz-short fuzz clean deps webui
.DELETE_ON_ERROR:

all: $(OUT)

deps: $(BUILD)/.deps
$(BUILD)/.deps: cross/deps.sh
	@cross/deps.sh build
	@mkdir -p $(@D) && touch $@

$(H2O)/lib/libh2o-evloop.a: cross/h2o.sh $(H2O_TOOLCHAIN) | $(BUILD)/.deps
	cross/h2o.sh $(H2O) $(H2O_TOOLCHAIN)

$(MOSQ)/lib/libmosquitto.a: cross/mosquitto.sh $(H2O_TOOLCHAIN) | $(BUILD)/.deps
	cross/mosquitto.sh $(MOSQ) $(H2O_TOOLCHAIN)

# The web app is built once for all targets (it is the same bytes everywhere).
webui/dist/index.html: $(WEBSRC) | $(BUILD)/.deps
	cd webui && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npm run build
webui: webui/dist/index.html

build/tools/embed: src/tools/embed.c
	@mkdir -p $(@D)
	cc -O2 $(CFLAGS_WARN) -o $@ $< -lz

$(BUILD)/gen/assets_data.c: build/tools/embed $(if $(filter webui/dist,$(WEBDIR)),webui/dist/index.html) $(wildcard assets/placeholder/*) $(wildcard schema/*.sql)
	@mkdir -p $(@D)
	build/tools/embed $@ $(WEBDIR) schema

build/tools/deflate: src/tools/deflate.c
	@mkdir -p $(@D)
	cc -O2 $(CFLAGS_WARN) -o $@ $< -lz

# The font, deflated into a C array (inflated once when the screen starts).
$(BUILD)/gen/raster_data.c: build/tools/deflate $(FONT) | $(BUILD)/.deps
	@mkdir -p $(@D)
	build/tools/deflate $@ raster_font $(FONT)

$(BUILD)/obj/%.o: src/%.c $(H2O)/lib/libh2o-evloop.a $(MOSQ)/lib/libmosquitto.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/assets_data.o: $(BUILD)/gen/assets_data.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj/raster_data.o: $(BUILD)/gen/raster_data.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/libstate.a: $(OBJS)
	rm -f $@ && $(if $(CROSS),$(CROSS))ar rcs $@ $^

$(OUT): $(BUILD)/obj/main.o $(BUILD)/libstate.a
	$(CC) -static -o $@ $^ $(LIBS) 2> $(BUILD)/link.log || { cat $(BUILD)/link.log; exit 1; }
	@grep -v -e 'getaddrinfo' -e 'dlopen' -e 'getpwnam' -e 'getpwuid' -e 'getgrnam' -e 'getgrgid' -e 'getservbyname' -e 'gethostbyname' -e 'in function' $(BUILD)/link.log || true

run: $(OUT)
	$(OUT)

-include $(wildcard $(BUILD)/obj/*.d)
# Each area keeps its targets in its own fragment.
-include tests/tests.mk
-include cross/cross.mk
-include cross/image.mk
-include bench/bench.mk

clean:
	rm -rf build/host build/state-server build/tools build/test build/test-clang build/fuzz
