#!/usr/bin/env bash
# Builds a static libmosquitto (the MQTT client library only, with TLS) from Debian's
# mosquitto source package, like cross/h2o.sh does for h2o.
# Usage: cross/mosquitto.sh OUTDIR [CMAKE_TOOLCHAIN_FILE]
# Leaves OUTDIR/lib/libmosquitto.a and OUTDIR/include/mosquitto.h. The source is
# fetched once into build/src/ and reused by every target.
set -euo pipefail
out=$1
toolchain=${2:-}
top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/build/src/mosquitto
. "$top/cross/debsrc.sh"

if [ ! -f "$src/CMakeLists.txt" ]; then
    debsrc_fetch mosquitto "$src"
fi

bdir=$out/cmake
mkdir -p "$bdir" "$out/lib" "$out/include"
# The client library alone: no broker, clients, apps, plugins, C++ wrapper, cJSON or
# man pages. No threading: the server drives it from its own loop (no loop thread).
# No SOCKS or Unix sockets (not used); TLS on for mqtts://.
args=(-DWITH_STATIC_LIBRARIES=ON -DWITH_BROKER=OFF -DWITH_CLIENTS=OFF -DWITH_APPS=OFF -DWITH_PLUGINS=OFF
    -DDOCUMENTATION=OFF -DWITH_CJSON=OFF -DWITH_LIB_CPP=OFF -DWITH_THREADING=OFF -DWITH_SOCKS=OFF
    -DWITH_UNIX_SOCKETS=OFF -DWITH_SRV=OFF -DWITH_TLS=ON -DWITH_TLS_PSK=OFF -DWITH_PIC=OFF
    -DCMAKE_BUILD_TYPE=Release)
[ -n "$toolchain" ] && args+=(-DCMAKE_TOOLCHAIN_FILE="$toolchain")
(cd "$bdir" && cmake "$src" "${args[@]}" >cmake.log 2>&1 || { tail -20 cmake.log >&2; exit 1; })
(cd "$bdir" && make -j"$(nproc)" libmosquitto_static >make.log 2>&1 || { tail -20 make.log >&2; exit 1; })
cp "$bdir/lib/libmosquitto_static.a" "$out/lib/libmosquitto.a"
cp "$src/include/mosquitto.h" "$src/include/mqtt_protocol.h" "$out/include/"
