# 64-bit ARM (Raspberry Pi 3, 4, 400, Zero 2 W, 5 on a 64-bit OS): Debian arm64.
set(STATE_TRIPLET aarch64-linux-gnu)
set(STATE_ARCH aarch64)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
