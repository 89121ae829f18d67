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

/* The values of mqtt_t.boxes: a map holds non-NULL pointers, these two say it all. */
static char mqtt_box_online_mark, mqtt_box_offline_mark;
#define MQTT_BOX_ONLINE ((void *)&mqtt_box_online_mark)
#define MQTT_BOX_OFFLINE ((void *)&mqtt_box_offline_mark)

typedef struct {
    char prefix[128]; /* the box's whole prefix, for its status */
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

/* <box prefix>/status: online or offline (the will). */
static void mqtt_hall_status(mqtt_t *m, const char *t, size_t plen, const struct mosquitto_message *msg)
{
    char prefix[128];
    if (plen >= sizeof(prefix) || (plen == strlen(m->prefix) && memcmp(t, m->prefix, plen) == 0))
        return;
    memcpy(prefix, t, plen);
    prefix[plen] = '\0';
    bool online = msg->payloadlen == 6 && memcmp(msg->payload, "online", 6) == 0;
    if (msg->payloadlen == 0)
        map_del(&m->boxes, prefix);
    else if (map_get(&m->boxes, prefix) != NULL || m->boxes.len < MQTT_HALL_MAX)
        map_put(&m->boxes, prefix, online ? MQTT_BOX_ONLINE : MQTT_BOX_OFFLINE);
}

void mqtt_hall_on_message(struct mosquitto *mosq, void *ud, const struct mosquitto_message *msg)
{
    (void)mosq;
    mqtt_t *m = ud;
    size_t tlen = strlen(msg->topic);
    if (tlen > 7 && strcmp(msg->topic + tlen - 7, "/status") == 0) {
        mqtt_hall_status(m, msg->topic, tlen - 7, msg);
        return;
    }
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
        if (plen >= sizeof(r->prefix))
            return;
        r = mem_zalloc(sizeof(*r));
        memcpy(r->prefix, t, plen);
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
        fn(ctx, r->box, r->game_id, r->json, r->len, map_get(&m->boxes, r->prefix) != MQTT_BOX_OFFLINE);
    }
}

void mqtt_hall_free(mqtt_t *m)
{
    const char *key;
    void *val;
    for (size_t i = 0; map_next(&m->remotes, &i, &key, &val);)
        mqtt_remote_free(val);
    map_free(&m->remotes);
    map_free(&m->boxes);
}
