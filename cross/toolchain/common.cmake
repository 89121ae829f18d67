# Shared part of the per-target cmake toolchain files (cross/toolchain/*.cmake).
# The including file sets STATE_TRIPLET (the compiler prefix without the dash),
# STATE_ARCH (our build directory name) and CMAKE_SYSTEM_PROCESSOR, and may set
# STATE_ARCH_FLAGS. The target's libraries come from build/<arch>/sysroot, filled by
# cross/sysroot.sh; the C library is the cross compiler's own, so no --sysroot.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${STATE_TRIPLET}-gcc)
set(CMAKE_AR ${STATE_TRIPLET}-ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${STATE_TRIPLET}-ranlib CACHE FILEPATH "")
set(CMAKE_LIBRARY_ARCHITECTURE ${STATE_TRIPLET})

get_filename_component(STATE_SYSROOT "${CMAKE_CURRENT_LIST_DIR}/../../build/${STATE_ARCH}/sysroot" ABSOLUTE)
set(CMAKE_FIND_ROOT_PATH ${STATE_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# Only libraries are built; try_compile checks need not link a target executable.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# OpenSSL keeps configuration.h in the multiarch directory, which FindOpenSSL does not add.
set(CMAKE_C_FLAGS_INIT "${STATE_ARCH_FLAGS} -isystem ${STATE_SYSROOT}/usr/include/${STATE_TRIPLET} -isystem ${STATE_SYSROOT}/usr/include")

# pkg-config (libyaml) must see only the target's .pc files, with paths under the sysroot.
set(ENV{PKG_CONFIG_LIBDIR} "${STATE_SYSROOT}/usr/lib/${STATE_TRIPLET}/pkgconfig:${STATE_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${STATE_SYSROOT}")
