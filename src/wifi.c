#include "wifi.h"

#include <stdio.h>
#include <string.h>

/* Appends str with the characters the format reserves escaped. */
static void wifi_escape(buf_t *b, const char *str)
{
    for (; *str; str++) {
        if (strchr("\\;,:\"", *str))
            buf_putc(b, '\\');
        buf_putc(b, *str);
    }
}

bool wifi_qr_text(store_t *s, buf_t *out, char *ssid_out, size_t ssid_cap)
{
    char ssid[256], pass[256] = "", sec[16] = "WPA";
    if (store_setting_get(s, "wifi.ssid", ssid, sizeof(ssid)) != 0 || ssid[0] == '\0')
        return false;
    store_setting_get(s, "wifi.password", pass, sizeof(pass));
    store_setting_get(s, "wifi.security", sec, sizeof(sec));
    bool open = pass[0] == '\0' || strcmp(sec, "nopass") == 0;
    buf_printf(out, "WIFI:T:%s;S:", open ? "nopass" : (strcmp(sec, "WEP") == 0 ? "WEP" : "WPA"));
    wifi_escape(out, ssid);
    buf_putc(out, ';');
    if (!open) {
        buf_puts(out, "P:");
        wifi_escape(out, pass);
        buf_putc(out, ';');
    }
    buf_putc(out, ';');
    if (ssid_out)
        snprintf(ssid_out, ssid_cap, "%s", ssid);
    return true;
}
