# The Raspberry Pi SD-card image, included by the Makefile.
#
# make image        build/state-server-rpi-arm64.img: FAT32 boot partition (Pi
#                   firmware, Debian's arm64 kernel and Pi device trees, an initramfs
#                   with busybox, drivers, Wi-Fi tools and build/aarch64/state-server)
#                   and an ext4 data partition that grows to the card at first boot
# make test-image   boots that kernel and initramfs with a copy of the image under
#                   qemu-system-aarch64 (-M virt) and talks to the server from here;
#                   checks the partition table and both file systems, then runs 2
#                   power-cut trials (IMAGE_POWERCUT_TRIALS)
# make powercut     real power cuts: that boot, kill -9 of qemu while acknowledged
#                   changes stream in, boot again, every acknowledged version must be
#                   there; POWERCUT_TRIALS (default 20) trials; prints the count lost
#                   and the boot-to-serving time
#
# Scripts live in cross/image/; docs/image.md says how to flash and configure it.
# Everything is made from Debian packages (arm64, unpacked, no maintainer scripts
# run) under build/image/.

IMAGE_DIR := build/image
IMAGE     := build/state-server-rpi-arm64.img
IMAGE_BIN ?= build/aarch64/state-server
IMAGE_ROOTFS := $(shell find cross/image/rootfs -type f 2>/dev/null)

.PHONY: image test-image powercut image-deps

POWERCUT_TRIALS ?= 20

image-deps: $(IMAGE_DIR)/.deps
$(IMAGE_DIR)/.deps: cross/image/deps.sh
	@cross/image/deps.sh
	@mkdir -p $(@D) && touch $@

$(IMAGE_DIR)/root/.fetched: cross/image/fetch.sh cross/image/packages.txt | $(IMAGE_DIR)/.deps
	cross/image/fetch.sh $(IMAGE_DIR)
	@touch $@

$(IMAGE_DIR)/initrd.img: $(IMAGE_DIR)/root/.fetched $(IMAGE_BIN) cross/image/initramfs.sh cross/image/modules.txt $(IMAGE_ROOTFS)
	cross/image/initramfs.sh $(IMAGE_DIR)/root $(IMAGE_BIN) $@

$(IMAGE): $(IMAGE_DIR)/initrd.img cross/image/mkimage.sh cross/image/config.txt cross/image/cmdline.txt cross/image/state-server.txt
	cross/image/mkimage.sh $(IMAGE_DIR)/root $(IMAGE_DIR)/initrd.img $@

# The aarch64 binary is the cross build's (cross/cross.mk); let it decide whether
# it is up to date, then build the image from the file.
image:
	$(if $(filter aarch64,$(CROSS_ARCHES)),@$(MAKE) --no-print-directory cross-aarch64)
	@$(MAKE) --no-print-directory $(IMAGE)

test-image: image tests/node_modules/.package-lock.json
	cross/image/test.sh $(IMAGE) $(IMAGE_DIR)

powercut: image tests/node_modules/.package-lock.json
	cross/image/powercut.sh $(IMAGE) $(IMAGE_DIR) $(POWERCUT_TRIALS)
