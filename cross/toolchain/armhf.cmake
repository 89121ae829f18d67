# 32-bit ARMv7 hard-float (Raspberry Pi 2 and later on a 32-bit OS): Debian armhf.
set(STATE_TRIPLET arm-linux-gnueabihf)
set(STATE_ARCH armhf)
set(CMAKE_SYSTEM_PROCESSOR arm)
# 64-bit time_t and off_t, as the server is built (cross/cross.mk): the same ABI on both sides.
set(STATE_ARCH_FLAGS "-D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64")
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
