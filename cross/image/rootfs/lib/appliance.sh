# Shared by the appliance's scripts: the settings file and small helpers.
# The user's file is /boot/state-server.txt (the FAT partition, read-only); values
# made at first boot are in /boot/state-server-generated.txt. appliance-start
# merges both into /run/state-server.conf (user's values win), one key=value a line.

CONF=/run/state-server.conf

# Prints the normalized key=value lines of a settings file: comments and blank
# lines dropped, a UTF-8 BOM and CR line ends (Windows editors) removed, spaces
# around the key and the value trimmed, a value in double quotes unquoted, keys in
# lower case with "-" read as "_".
conf_normalize() {
    awk '
        { sub(/\r$/, "") }
        NR == 1 { sub(/^\357\273\277/, "") }
        /^[ \t]*(#|;|$)/ { next }
        {
            i = index($0, "=")
            if (i == 0) next
            k = substr($0, 1, i - 1); v = substr($0, i + 1)
            gsub(/^[ \t]+|[ \t]+$/, "", k); gsub(/^[ \t]+|[ \t]+$/, "", v)
            k = tolower(k); gsub(/-/, "_", k)
            if (v ~ /^".*"$/ && length(v) >= 2) v = substr(v, 2, length(v) - 2)
            if (k != "") print k "=" v
        }' "$@" 2>/dev/null
}

# conf KEY [DEFAULT]: the value of KEY, or DEFAULT when missing or empty.
conf() {
    v=$(grep -m 1 "^$1=" "$CONF" 2>/dev/null | cut -d= -f2-)
    [ -n "$v" ] && printf '%s\n' "$v" || printf '%s\n' "${2:-}"
}

# json_str VALUE: VALUE as a JSON string, quotes included.
json_str() {
    printf '%s' "$1" | awk '
        BEGIN { RS = "\001"; for (i = 1; i < 32; i++) ctl[sprintf("%c", i)] = sprintf("\\u%04x", i) }
        {
            out = ""
            for (i = 1; i <= length($0); i++) {
                c = substr($0, i, 1)
                if (c == "\\") c = "\\\\"
                else if (c == "\"") c = "\\\""
                else if (c in ctl) c = ctl[c]
                out = out c
            }
            printf "\"%s\"", out
        }'
}

# hex VALUE: VALUE's bytes in lower-case hex, no separators.
hex() {
    printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'
}

# wifi_mode: off, client or ap (anything else is off, with a message).
wifi_mode() {
    m=$(conf wifi_mode off | tr 'A-Z' 'a-z')
    case $m in off | client | ap) echo "$m" ;; *) echo "off" ;; esac
}

# The address phones use in access-point mode.
ap_address() {
    conf ap_address 192.168.4.1
}

log() {
    echo "appliance: $*"
}
