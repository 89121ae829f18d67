# ARMv6 (Raspberry Pi Zero, Zero W, Pi 1): Debian armel (ARMv5TE, soft-float ABI)
# libraries with our code and h2o compiled for the ARM1176's ARMv6 + VFPv2. softfp
# keeps the soft-float calling convention, so the armel libraries link unchanged.
set(STATE_TRIPLET arm-linux-gnueabi)
set(STATE_ARCH armel)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(STATE_ARCH_FLAGS "-march=armv6 -mfpu=vfp -mfloat-abi=softfp -marm -D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64")
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
