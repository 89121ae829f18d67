#!/usr/bin/env bash
# Fills a target sysroot with Debian's headers and static libraries for one
# architecture, without touching the host's dpkg: packages are fetched with
# `apt-get download` through a private apt configuration whose only architecture is
# the target's, and unpacked with `dpkg -x` (no maintainer scripts run).
# Usage: cross/sysroot.sh DEBIAN_ARCH SYSROOT   (arm64, armhf or armel)
#
# Why not `dpkg --add-architecture` + `apt-get install pkg:arm64`: multiarch installs
# must match the host's versions exactly and once upgraded the host's own libssl; the
# private configuration also keeps a stale index of one architecture (seen with the
# armhf security suite) from failing the host's apt-get update.
set -euo pipefail
arch=$1
sysroot=$2
top=$(cd "$(dirname "$0")/.." && pwd)
case $sysroot in /*) ;; *) sysroot=$top/$sysroot ;; esac

# Headers and static libraries we link, the runtime packages their .so links point
# to (cmake's find modules look for them), and libyaml for h2o's cmake and headers.
pkgs="libssl-dev libssl3 zlib1g-dev zlib1g libsqlite3-dev libsqlite3-0 libjsmn-dev libyaml-dev libyaml-0-2"
stamp=$sysroot/.sysroot-$arch
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$pkgs" ]; then exit 0; fi

apt=$sysroot.apt
rm -rf "$apt" "$sysroot"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/parts" "$apt/prefs" "$apt/debs" "$sysroot"
: >"$apt/status"

# The Debian sources of this machine (so a local mirror carries over), deb lines only.
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    cp /etc/apt/sources.list.d/debian.sources "$apt/parts/debian.sources"
elif [ -f /etc/apt/sources.list ]; then
    grep '^deb ' /etc/apt/sources.list >"$apt/parts/debian.list"
else
    echo "sysroot: no Debian apt sources found on this machine" >&2
    exit 1
fi

cat >"$apt/apt.conf" <<EOF
APT::Architecture "$arch";
APT::Architectures { "$arch"; };
Dir::State "$apt";
Dir::State::Lists "$apt/lists";
Dir::State::status "$apt/status";
Dir::Cache "$apt/cache";
Dir::Etc::SourceList "/dev/null";
Dir::Etc::SourceParts "$apt/parts";
Dir::Etc::Preferences "/dev/null";
Dir::Etc::PreferencesParts "$apt/prefs";
Acquire::Languages "none";
APT::Sandbox::User "root";
EOF
export APT_CONFIG=$apt/apt.conf

echo "sysroot: fetching $arch indexes"
if ! apt-get update -qq >"$apt/update.log" 2>&1; then
    # A suite whose index does not verify (a mirror mid-sync) is dropped; the others
    # still give a consistent set. Say so: the libraries may then lack security fixes.
    cat "$apt/update.log" >&2
    if ! ls "$apt/lists/"*_main_binary-"${arch}"_Packages* >/dev/null 2>&1; then
        echo "sysroot: no usable $arch package index" >&2
        exit 1
    fi
    echo "sysroot: warning: some $arch indexes failed to update; continuing with the rest" >&2
fi

# shellcheck disable=SC2086
(cd "$apt/debs" && apt-get download -qq $pkgs >"$apt/download.log" 2>&1) || {
    cat "$apt/download.log" >&2
    exit 1
}
for deb in "$apt"/debs/*.deb; do
    dpkg -x "$deb" "$sysroot"
done
# Record what went in, for docs and for anyone debugging a link.
(cd "$apt/debs" && ls *.deb) >"$sysroot/.packages"
echo "$pkgs" >"$stamp"
echo "sysroot: $arch ready in ${sysroot#"$top"/} ($(wc -l <"$sysroot/.packages") packages)"
