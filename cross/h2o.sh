#!/usr/bin/env bash
# Builds a static libh2o-evloop.a from Debian's h2o source package.
# Usage: cross/h2o.sh OUTDIR [CMAKE_TOOLCHAIN_FILE]
# Leaves OUTDIR/lib/libh2o-evloop.a and OUTDIR/include/. The source is fetched once
# into build/src/ and reused by every target.
set -euo pipefail
out=$1
toolchain=${2:-}
top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/build/src/h2o
. "$top/cross/debsrc.sh"

if [ ! -f "$src/CMakeLists.txt" ]; then
    debsrc_fetch h2o "$src"
    # Only C is needed; without this cmake probes for a C++ compiler of the target.
    sed -i 's/^PROJECT(h2o)$/PROJECT(h2o C)/' "$src/CMakeLists.txt"
fi

bdir=$out/cmake
mkdir -p "$bdir" "$out/lib"
args=(-DBUILD_SHARED_LIBS=OFF -DWITH_MRUBY=OFF -DWITH_BUNDLED_SSL=OFF -DWITH_PICOTLS=OFF
    -DDISABLE_LIBUV=ON -DCMAKE_BUILD_TYPE=Release -DCMAKE_POSITION_INDEPENDENT_CODE=OFF)
[ -n "$toolchain" ] && args+=(-DCMAKE_TOOLCHAIN_FILE="$toolchain")
(cd "$bdir" && cmake "$src" "${args[@]}" >cmake.log 2>&1 || { tail -20 cmake.log >&2; exit 1; })
(cd "$bdir" && make -j"$(nproc)" libh2o-evloop >make.log 2>&1 || { tail -20 make.log >&2; exit 1; })
cp "$bdir/libh2o-evloop.a" "$out/lib/"
rm -rf "$out/include" && cp -r "$src/include" "$out/include"
