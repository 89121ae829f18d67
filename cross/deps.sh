#!/usr/bin/env bash
# Installs the Debian packages a build or test step needs, only those missing.
# Usage: cross/deps.sh build|test|cross|image
# Idempotent and quiet when everything is present; uses sudo when not root.
set -euo pipefail

build_pkgs="gcc make cmake pkg-config dpkg-dev libssl-dev zlib1g-dev libsqlite3-dev libjsmn-dev libyaml-dev libstb-dev libdrm-dev fonts-dejavu-core nodejs npm"
test_pkgs="$build_pkgs mosquitto mosquitto-clients clang libclang-rt-14-dev libcmocka-dev zbar-tools tesseract-ocr librsvg2-bin chromium valgrind sqlite3 procps openssl nginx"
cross_pkgs="$build_pkgs gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-arm-linux-gnueabi libc6-dev-arm64-cross libc6-dev-armhf-cross libc6-dev-armel-cross qemu-user-static file binutils-aarch64-linux-gnu binutils-arm-linux-gnueabihf binutils-arm-linux-gnueabi"

case "${1:-build}" in
build) want=$build_pkgs ;;
test) want=$test_pkgs ;;
cross) want=$cross_pkgs ;;
*) echo "usage: $0 build|test|cross" >&2; exit 2 ;;
esac

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

missing=""
for p in $want; do
    # nodejs/npm may come from another source than Debian; a working binary is enough.
    case $p in
    nodejs) command -v node >/dev/null && continue ;;
    npm) command -v npm >/dev/null && continue ;;
    esac
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# libdrm-dev: only its copy of the kernel's DRM uapi headers (Debian's host linux-libc-dev
# leaves them out); nothing links libdrm.
# h2o would link the shared wslay if its headers were present.
if dpkg-query -W -f='${Status}' libwslay-dev 2>/dev/null | grep -q "install ok installed"; then
    echo "deps: libwslay-dev is installed; h2o would pick up its shared library. Remove it: apt-get remove libwslay-dev" >&2
    exit 1
fi
# Cross targets also need the target's libraries: Debian packages unpacked into
# build/<arch>/sysroot, never installed into the host (cross/sysroot.sh says why).
if [ "${1:-build}" = cross ]; then
    for t in arm64:aarch64 armhf:armhf armel:armel; do
        "$(dirname "$0")/sysroot.sh" "${t%%:*}" "build/${t#*:}/sysroot"
    done
fi
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Packages with a service (nginx, for the reverse-proxy test) must not start it:
# the tests start their own on loopback ports. policy-rc.d says no while installing.
policy=/usr/sbin/policy-rc.d
added_policy=""
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null && $SUDO chmod +x "$policy" && added_policy=1
fi
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
if [ -n "$added_policy" ]; then $SUDO rm -f "$policy"; fi
