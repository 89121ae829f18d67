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
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

if [ ! -f "$src/CMakeLists.txt" ]; then
    # apt-get source needs a deb-src entry; add one mirroring the deb entries.
    if ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
        if [ -f /etc/apt/sources.list.d/debian.sources ]; then
            sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
                $SUDO tee /etc/apt/sources.list.d/debian-src.sources >/dev/null
        else
            grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' |
                $SUDO tee /etc/apt/sources.list.d/debian-src.list >/dev/null
        fi
        $SUDO apt-get update -qq
    fi
    dl=$top/build/src/h2o-dl
    rm -rf "$dl" "$src" && mkdir -p "$dl"
    (cd "$dl" && apt-get source --download-only h2o >/dev/null 2>&1)
    dpkg-source -x "$dl"/h2o_*.dsc "$src" >/dev/null
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
