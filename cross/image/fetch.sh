#!/usr/bin/env bash
# Downloads the arm64 Debian packages the image is made of and unpacks them, without
# running any maintainer script, into OUT/root (a staging tree, not the image).
#
# Usage: cross/image/fetch.sh OUT
#
# apt runs with its own state under OUT/apt (an empty dpkg status, arm64 only), so
# the host's package database and architectures are left alone; the sources are the
# host's Debian sources with the non-free-firmware component added where missing
# (raspi-firmware and firmware-brcm80211 live there). Dependencies are resolved by
# apt (`install --download-only` against the empty status); every .deb is unpacked
# with `dpkg-deb -x`. A second run with the same package list does nothing.
set -euo pipefail

out=${1:?usage: fetch.sh OUT}
mkdir -p "$out"
out=$(cd "$out" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
pkgs=$(grep -v '^#' "$here/packages.txt" | tr -s ' \n' ' ')
stamp="$out/root/.fetched"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$pkgs" ]; then
    exit 0
fi

apt="$out/apt"
mkdir -p "$apt/none" "$apt/sources.list.d" "$apt/state/lists/partial" "$apt/cache/archives/partial"
: > "$apt/status"

# The host's Debian binary sources, arm64 only, with non-free-firmware.
: > "$apt/sources.list"
rm -f "$apt/sources.list.d"/*
for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    grep -q '^Suites:.*\(bookworm\|trixie\|sid\)' "$f" || continue
    grep -q 'debian-archive-keyring\|/debian' "$f" || continue
    awk '
        /^Types:/ { types = $0 }
        /^Components:/ && $0 !~ /non-free-firmware/ { $0 = $0 " non-free-firmware" }
        /^Architectures:/ { next }
        { print }
        /^$/ { types = "" }
    ' "$f" | awk 'BEGIN { RS = ""; ORS = "\n\n" } /Types:[^\n]*deb( |$|\n)/ && !/Types: deb-src$/ { sub(/Types:[^\n]*/, "Types: deb"); print }' \
        > "$apt/sources.list.d/$(basename "$f")"
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    grep -E '^deb +(\[[^]]*\] +)?[^ ]*/debian(-security)?/? ' "$f" |
        awk '$0 !~ /non-free-firmware/ { $0 = $0 " non-free-firmware" } { print }' >> "$apt/sources.list" || true
done
if ! grep -rqs . "$apt/sources.list" "$apt/sources.list.d"; then
    echo "fetch: no Debian sources found under /etc/apt" >&2
    exit 1
fi

opts=(-o "Dir::State=$apt/state" -o "Dir::State::status=$apt/status" -o "Dir::Cache=$apt/cache"
    -o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=$apt/sources.list.d"
    -o "Dir::Etc::Preferences=/dev/null" -o "Dir::Etc::PreferencesParts=$apt/none"
    -o APT::Architecture=arm64 -o APT::Architectures=arm64 -o APT::Install-Recommends=false
    -o APT::Install-Suggests=false -o Debug::NoLocking=true -o Acquire::Languages=none
    -o APT::Sandbox::User=root)
echo "fetch: arm64 package lists"
apt-get "${opts[@]}" -qq update
echo "fetch: downloading$(echo " $pkgs" | sed 's/ / /g')"
# shellcheck disable=SC2086
apt-get "${opts[@]}" -qq -y --download-only install $pkgs >/dev/null

rm -rf "$out/root"
mkdir -p "$out/root"
n=0
for deb in "$apt/cache/archives"/*.deb; do
    dpkg-deb -x "$deb" "$out/root"
    n=$((n + 1))
done
# Which package versions went in, for the record and for docs.
(cd "$apt/cache/archives" && ls -1 ./*.deb | sed 's|^\./||') > "$out/root/.packages"
echo "fetch: unpacked $n packages into $out/root"
echo "$pkgs" > "$stamp"
