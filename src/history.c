#include "history.h"
#include "json.h"
#include "view.h"

#include <string.h>

#define HISTORY_MAX_TOKENS (VIEW_MAX_TOKENS + 64) /* a full state and its envelope */

typedef struct {
    buf_t *out;
    bool csv;
    bool first;
    bool host;
} history_ctx_t;

/* The logged request data as a non-host may see it: settings whose key starts with
 * "host." are left out (PROTOCOL.md section 6), so the history of a settings_update
 * does not reveal them. The key is compared unescaped. */
static void history_data(buf_t *out, const char *data, bool host)
{
    if (data == NULL || data[0] == '\0') {
        buf_puts(out, "{}");
        return;
    }
    if (host) {
        buf_puts(out, data);
        return;
    }
    jsmntok_t toks[HISTORY_MAX_TOKENS];
    json_doc_t d;
    if (json_parse(&d, data, strlen(data), toks, HISTORY_MAX_TOKENS) != 0 || json_type(&d, 0) != JSON_OBJECT) {
        buf_puts(out, "{}");
        return;
    }
    buf_putc(out, '{');
    bool first = true;
    int k = 1;
    for (int i = 0; i < json_size(&d, 0); i++, k = json_next(&d, k + 1)) {
        char key[64];
        if (json_str(&d, k, key, sizeof(key)) < 0 || strncmp(key, "host.", 5) == 0)
            continue;
        size_t len;
        const char *raw = json_raw(&d, k, &len);
        if (!first)
            buf_putc(out, ',');
        buf_append(out, raw, len);
        buf_putc(out, ':');
        raw = json_raw(&d, k + 1, &len);
        buf_append(out, raw, len);
        first = false;
    }
    buf_putc(out, '}');
}

static void history_row(void *ctx, int64_t version, const char *at, const char *actor, const char *type, const char *data,
                            int64_t undone_by, int round)
{
    history_ctx_t *h = ctx;
    buf_t shown;
    buf_init(&shown);
    history_data(&shown, data, h->host);
    data = shown.data;
    if (h->csv) {
        buf_printf(h->out, "%lld,", (long long)version);
        buf_put_csv(h->out, at, true);
        buf_putc(h->out, ',');
        buf_put_csv(h->out, actor, true);
        buf_putc(h->out, ',');
        buf_put_csv(h->out, type, true);
        buf_putc(h->out, ',');
        buf_put_csv(h->out, data, true);
        buf_putc(h->out, ',');
        if (undone_by)
            buf_printf(h->out, "%lld", (long long)undone_by);
        buf_putc(h->out, ',');
        if (round >= 0)
            buf_printf(h->out, "%d", round);
        buf_puts(h->out, "\r\n");
        buf_free(&shown);
        return;
    }
    if (!h->first)
        buf_putc(h->out, ',');
    h->first = false;
    buf_printf(h->out, "{\"version\":%lld,\"at\":", (long long)version);
    json_put_cstr(h->out, at ? at : "");
    buf_puts(h->out, ",\"actor\":");
    json_put_cstr(h->out, actor ? actor : "");
    buf_puts(h->out, ",\"type\":");
    json_put_cstr(h->out, type ? type : "");
    buf_puts(h->out, ",\"data\":");
    buf_puts(h->out, data && data[0] ? data : "{}");
    buf_puts(h->out, ",\"undone_by\":");
    if (undone_by)
        buf_put_i64(h->out, undone_by);
    else
        buf_puts(h->out, "null");
    buf_puts(h->out, ",\"round\":");
    if (round >= 0)
        buf_put_i64(h->out, round);
    else
        buf_puts(h->out, "null");
    buf_putc(h->out, '}');
    buf_free(&shown);
}

int history_render(store_t *s, const char *game_id, bool host, bool csv, buf_t *out)
{
    history_ctx_t h = {out, csv, true, host};
    if (csv) {
        buf_puts(out, "version,at,actor,type,data,undone_by,round\r\n"); /* round last: older readers keep their columns */
    } else {
        buf_puts(out, "{\"game_id\":");
        json_put_cstr(out, game_id);
        buf_puts(out, ",\"entries\":[");
    }
    if (store_history(s, game_id, history_row, &h) != 0)
        return -1;
    if (!csv)
        buf_puts(out, "]}");
    return 0;
}
