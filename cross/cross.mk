# Cross builds for the Raspberry Pi, included by the Makefile.
#
# make cross        build/aarch64/state-server, build/armhf/state-server and
#                   build/armel/state-server (ARMv6), static and stripped, with the
#                   unstripped build beside each as state-server.debug; checks budgets
# make test-cross   the integration suite against each ARM binary under qemu-user
# make cross-aarch64, cross-armhf, cross-armel, test-cross-aarch64, ...: one target
#
# Each target is the main Makefile run again with ARCH, CROSS, SYSROOT and
# H2O_TOOLCHAIN set. The target's libraries come from Debian packages unpacked into
# build/<arch>/sysroot by cross/sysroot.sh; the C library is the cross compiler's.
# docs/cross.md has the details and the measured numbers.

CROSS_ARCHES := aarch64 armhf armel

cross_triplet_aarch64 := aarch64-linux-gnu
cross_deb_aarch64     := arm64
cross_cflags_aarch64  :=
cross_qemu_aarch64    := qemu-aarch64-static

# 32-bit ARM: 64-bit time_t and file offsets (glibc 2.34+), so clocks and the database
# outlive 2038 and 2 GiB; h2o is built with the same flags (cross/toolchain/*.cmake).
cross_triplet_armhf := arm-linux-gnueabihf
cross_deb_armhf     := armhf
cross_cflags_armhf  := -D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64
cross_qemu_armhf    := qemu-arm-static

# ARMv6 for the Pi Zero and Pi 1: armel libraries (ARMv5TE, soft-float calling
# convention) with our code and h2o built for the ARM1176; qemu emulates that CPU.
cross_triplet_armel := arm-linux-gnueabi
cross_deb_armel     := armel
cross_cflags_armel  := -march=armv6 -mfpu=vfp -mfloat-abi=softfp -marm -D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64
# armel's libcrypto does 64-bit atomics through libatomic (its Libs.private says so).
cross_libs_armel    := -latomic
cross_qemu_armel    := qemu-arm-static -cpu arm1176

# Budgets from issue 6, checked on the aarch64 build (the others are printed).
CROSS_SIZE_BUDGET := 7340032
CROSS_RSS_BUDGET_KB := 8192

.PHONY: cross test-cross cross-deps $(addprefix cross-,$(CROSS_ARCHES)) cross-budget

cross: $(addprefix cross-,$(CROSS_ARCHES)) cross-budget

cross-deps: build/.cross-deps
build/.cross-deps: cross/deps.sh
	@cross/deps.sh cross
	@mkdir -p $(@D) && touch $@

define cross_target
build/$(1)/sysroot/.stamp: cross/sysroot.sh | build/.cross-deps
	cross/sysroot.sh $(cross_deb_$(1)) build/$(1)/sysroot
	@touch $$@

# The sub-make decides what is out of date. Targets share the h2o source and the
# web app's build, so under make -j the sub-makes take turns (flock).
cross-$(1): build/$(1)/sysroot/.stamp
	@flock build/.cross.lock $$(MAKE) --no-print-directory ARCH=$(1) CROSS=$(cross_triplet_$(1))- TARGET_CFLAGS="$(cross_cflags_$(1))" \
		TARGET_LIBS="$(cross_libs_$(1))" \
		SYSROOT=build/$(1)/sysroot H2O_TOOLCHAIN=$$(CURDIR)/cross/toolchain/$(1).cmake \
		OUT=build/$(1)/state-server.debug build/$(1)/state-server.debug
	@if [ ! build/$(1)/state-server -nt build/$(1)/state-server.debug ]; then \
		$(cross_triplet_$(1))-strip -o build/$(1)/state-server build/$(1)/state-server.debug; fi
	@printf 'cross %-7s %s, %s bytes stripped (%s MiB)\n' $(1) build/$(1)/state-server \
		$$$$(stat -c %s build/$(1)/state-server) \
		$$$$(awk -v b=$$$$(stat -c %s build/$(1)/state-server) 'BEGIN { printf "%.2f", b / 1048576 }')

endef
$(foreach a,$(CROSS_ARCHES),$(eval $(call cross_target,$(a))))

# Size: the stripped aarch64 binary. Idle RSS: see cross/budget.sh for why it is
# measured on the guest's own mappings rather than qemu's whole process.
cross-budget: cross-aarch64
	@cross/budget.sh build/aarch64/state-server "$(cross_qemu_aarch64)" $(CROSS_SIZE_BUDGET) $(CROSS_RSS_BUDGET_KB)

# The integration suite against each ARM binary, every start of the binary going
# through qemu-user; one "N passed, N failed" line at the end.
test-cross: $(addprefix cross-,$(CROSS_ARCHES)) cross-budget tests/node_modules/.package-lock.json
	@cross/test.sh $(foreach a,$(CROSS_ARCHES),$(a):build/$(a)/state-server:"$(cross_qemu_$(a))")
test-cross-%: cross-% tests/node_modules/.package-lock.json
	@cross/test.sh $*:build/$*/state-server:"$(cross_qemu_$*)"
