# 32-bit ARMv7 hard-float (Raspberry Pi 2 and later on a 32-bit OS): Debian armhf.
set(STATE_TRIPLET arm-linux-gnueabihf)
set(STATE_ARCH armhf)
set(CMAKE_SYSTEM_PROCESSOR arm)
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
