/* The hall's other boxes (a part of mqtt.c): the retained games that the
 * subscription FILTER/games/+ brings, kept in memory, read-only, each marked with
 * its box. Our own prefix is skipped. Bounded: at most MQTT_HALL_MAX games of at
 * most MQTT_HALL_MAX_BYTES each; payloads that are not a JSON object are ignored
 * (they are copied into GET /api/hall as they are). */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "log.h"
#include "mem.h"
#include "mqtt_impl.h"

#define MQTT_HALL_MAX 4096
#define MQTT_HALL_MAX_BYTES (64 * 1024)
#define MQTT_HALL_TOKENS 4096

typedef struct {
    char box[64];
    char game_id[64];
    char *json;
    size_t len;
} mqtt_remote_t;

static void mqtt_remote_free(mqtt_remote_t *r)
{
    free(r->json);
    free(r);
}

void mqtt_hall_on_message(struct mosquitto *mosq, void *ud, const struct mosquitto_message *msg)
{
    (void)mosq;
    mqtt_t *m = ud;
    /* <box prefix>/games/<id>: split at the last "/games/". */
    const char *t = msg->topic, *mark = NULL;
    for (const char *p = strstr(t, "/games/"); p; p = strstr(p + 1, "/games/"))
        mark = p;
    if (mark == NULL)
        return;
    const char *id = mark + 7;
    size_t plen = (size_t)(mark - t), idlen = strlen(id);
    if (idlen == 0 || idlen >= 64 || strchr(id, '/'))
        return;
    if (plen == strlen(m->prefix) && memcmp(t, m->prefix, plen) == 0)
        return; /* our own games */
    mqtt_remote_t *r = map_get(&m->remotes, t);
    if (msg->payloadlen == 0) {
        if (r != NULL) {
            map_del(&m->remotes, t);
            mqtt_remote_free(r);
            m->nremote--;
        }
        return;
    }
    if (msg->payloadlen > MQTT_HALL_MAX_BYTES)
        return;
    static jsmntok_t toks[MQTT_HALL_TOKENS];
    json_doc_t d;
    if (json_parse(&d, msg->payload, (size_t)msg->payloadlen, toks, MQTT_HALL_TOKENS) != 0 || json_type(&d, 0) != JSON_OBJECT) {
        log_debug("mqtt: ignoring a hall message that is not a JSON object");
        return;
    }
    if (r == NULL) {
        if (m->nremote >= MQTT_HALL_MAX)
            return;
        r = mem_zalloc(sizeof(*r));
        const char *slash = memrchr(t, '/', plen);
        const char *box = slash ? slash + 1 : t;
        size_t blen = (size_t)(mark - box);
        if (blen >= sizeof(r->box))
            blen = sizeof(r->box) - 1;
        memcpy(r->box, box, blen);
        memcpy(r->game_id, id, idlen + 1);
        map_put(&m->remotes, t, r);
        m->nremote++;
    }
    free(r->json);
    r->json = mem_strndup(msg->payload, (size_t)msg->payloadlen);
    r->len = (size_t)msg->payloadlen;
}

void mqtt_each_remote(const mqtt_t *m, mqtt_remote_fn fn, void *ctx)
{
    if (m == NULL)
        return;
    const char *key;
    void *val;
    for (size_t i = 0; map_next(&m->remotes, &i, &key, &val);) {
        mqtt_remote_t *r = val;
        fn(ctx, r->box, r->game_id, r->json, r->len);
    }
}

void mqtt_hall_free(mqtt_t *m)
{
    const char *key;
    void *val;
    for (size_t i = 0; map_next(&m->remotes, &i, &key, &val);)
        mqtt_remote_free(val);
    map_free(&m->remotes);
}
