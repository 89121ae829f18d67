# Sourced by cross/h2o.sh and cross/mosquitto.sh: debsrc_fetch PACKAGE DIR unpacks
# Debian's source package PACKAGE into DIR (once; the caller checks whether DIR is
# there already). apt-get source needs a deb-src entry: one mirroring the deb entries
# is added when there is none.
debsrc_fetch() {
    local pkg=$1 dir=$2 sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    if ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
        if [ -f /etc/apt/sources.list.d/debian.sources ]; then
            sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
                $sudo tee /etc/apt/sources.list.d/debian-src.sources >/dev/null
        else
            grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' |
                $sudo tee /etc/apt/sources.list.d/debian-src.list >/dev/null
        fi
        $sudo apt-get update -qq
    fi
    local dl=$dir-dl
    rm -rf "$dl" "$dir" && mkdir -p "$dl"
    (cd "$dl" && apt-get source --download-only "$pkg" >/dev/null 2>&1)
    dpkg-source -x "$dl"/"$pkg"_*.dsc "$dir" >/dev/null 2>&1
}
