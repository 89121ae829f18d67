#include "screen.h"
#include "wifi.h"

#include <errno.h>
#include <h2o.h>
#include <fcntl.h>
#include <linux/fb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "board.h"
#include "buf.h"
#include "change.h"
#include "core.h"
#include "drm.h"
#include "event.h"
#include "log.h"
#include "mem.h"
#include "now.h"
#include "png.h"
#include "session.h"
#include "store.h"
#include "touch.h"
#include "tourney.h"

#define SCREEN_DAMAGE_MAX 16
#define SCREEN_QR_REFRESH_MS 1000 /* invites and Wi-Fi are read from the store at most once a second */

struct screen {
    config_screen_t kind;
    char path[1024];
    char pin[sizeof(((config_t *)0)->screen_game)];
    board_t *board;
    board_input_t in;
    /* fb, and drm's mapping (fd -1, fb_len 0: drm owns it) */
    drm_t *drm;
    int fd;
    uint8_t *fb;
    size_t fb_len;
    size_t line;      /* bytes a row */
    size_t origin;    /* byte offset of the visible picture's top left */
    bool bgr;         /* blue in the high byte: swap red and blue */
    /* png */
    bool png_due;     /* a frame is drawn but not written yet */
    int64_t png_at;   /* when the last one was written */
    int write_errno;  /* the last PNG write's or DIRTYFB's error, logged once */
    /* QR cards, refreshed at most every SCREEN_QR_REFRESH_MS */
    bool qr_read;   /* the cards below have been read once */
    int64_t qr_at;
    char qr_game[GAME_ID_MAX + 1];
    int nqr;
    board_qr_t qr[BOARD_QR_MAX];
    /* touch (tfd -1: off) */
    int tfd;
    bool tfile;            /* a regular file, read as it grows from screen_update */
    h2o_socket_t *tsock;   /* a device or FIFO, read from the loop (owns tfd) */
    touch_t touch;
    board_qr_t pair;       /* the host pairing card, shown until pair_until */
    int64_t pair_until;
};

static int screen_fb_open(screen_t *s, const char *dev, char *err, size_t errlen)
{
    s->fd = open(dev, O_RDWR | O_CLOEXEC);
    if (s->fd < 0) {
        snprintf(err, errlen, "screen fb: cannot open %s: %s", dev, strerror(errno));
        return -1;
    }
    struct fb_var_screeninfo v;
    struct fb_fix_screeninfo f;
    if (ioctl(s->fd, FBIOGET_VSCREENINFO, &v) != 0 || ioctl(s->fd, FBIOGET_FSCREENINFO, &f) != 0) {
        snprintf(err, errlen, "screen fb: %s is not a framebuffer: %s", dev, strerror(errno));
        return -1;
    }
    if (v.bits_per_pixel != 32 || v.green.offset != 8 || !((v.red.offset == 16 && v.blue.offset == 0) || (v.red.offset == 0 && v.blue.offset == 16))) {
        snprintf(err, errlen, "screen fb: %s has %u bits a pixel (red at bit %u); only 32-bit XRGB or XBGR is drawn", dev,
                 v.bits_per_pixel, v.red.offset);
        return -1;
    }
    s->bgr = v.red.offset == 0;
    s->line = f.line_length;
    s->origin = (size_t)v.yoffset * f.line_length + (size_t)v.xoffset * 4;
    s->fb_len = f.smem_len;
    if (v.xres < 1 || v.yres < 1 || s->origin + (size_t)(v.yres - 1) * s->line + (size_t)v.xres * 4 > s->fb_len) {
        snprintf(err, errlen, "screen fb: %s reports %ux%u that do not fit its %zu bytes", dev, v.xres, v.yres, s->fb_len);
        return -1;
    }
    void *p = mmap(NULL, s->fb_len, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, 0);
    if (p == MAP_FAILED) {
        snprintf(err, errlen, "screen fb: cannot map %s: %s", dev, strerror(errno));
        return -1;
    }
    s->fb = p;
    s->board = board_new((int)v.xres, (int)v.yres);
    if (s->board == NULL) {
        snprintf(err, errlen, "screen fb: %s is %ux%u; the screen is drawn from 240x240 to 4096x4096", dev, v.xres, v.yres);
        return -1;
    }
    return 0;
}

static int screen_drm_open(screen_t *s, const char *dev, char *err, size_t errlen)
{
    s->drm = drm_open(dev, err, errlen);
    if (s->drm == NULL)
        return -1;
    s->fb = drm_pixels(s->drm, &s->line);
    s->origin = 0;
    s->bgr = false; /* XRGB8888, as the canvas */
    s->board = board_new(drm_width(s->drm), drm_height(s->drm));
    if (s->board == NULL) {
        snprintf(err, errlen, "screen drm: %s shows %dx%d; the screen is drawn from 240x240 to 4096x4096", dev, drm_width(s->drm),
                 drm_height(s->drm));
        return -1;
    }
    log_info("screen drm: drawing %dx%d on %s", drm_width(s->drm), drm_height(s->drm), dev);
    return 0;
}

screen_t *screen_new(const config_t *cfg, char *err, size_t errlen)
{
    screen_t *s = mem_zalloc(sizeof(*s));
    s->kind = cfg->screen;
    s->fd = -1;
    s->tfd = -1;
    snprintf(s->path, sizeof(s->path), "%s", cfg->screen_path);
    snprintf(s->pin, sizeof(s->pin), "%s", cfg->screen_game);
    int rc = -1;
    switch (cfg->screen) {
    case CONFIG_SCREEN_PNG:
        s->board = board_new(cfg->screen_w, cfg->screen_h);
        if (s->board == NULL)
            snprintf(err, errlen, "screen png: cannot draw %dx%d", cfg->screen_w, cfg->screen_h);
        rc = s->board ? 0 : -1;
        break;
    case CONFIG_SCREEN_FB:
        rc = screen_fb_open(s, s->path[0] ? s->path : "/dev/fb0", err, errlen);
        break;
    case CONFIG_SCREEN_DRM:
        rc = screen_drm_open(s, s->path[0] ? s->path : "/dev/dri/card0", err, errlen);
        break;
    case CONFIG_SCREEN_OFF:
        snprintf(err, errlen, "screen: off");
        break;
    }
    if (rc != 0) {
        screen_free(s);
        return NULL;
    }
    return s;
}

void screen_free(screen_t *s)
{
    if (s == NULL)
        return;
    if (s->fb && s->drm == NULL)
        munmap(s->fb, s->fb_len);
    drm_close(s->drm);
    if (s->tsock)
        h2o_socket_close(s->tsock);
    else if (s->tfd >= 0)
        close(s->tfd);
    if (s->fd >= 0)
        close(s->fd);
    board_free(s->board);
    free(s);
}

/* ---- what to show ------------------------------------------------------- */

typedef struct {
    const game_t *g[BOARD_GAMES_MAX];
    int n, more;
} screen_pick_t;

static int screen_cmp_id(const void *a, const void *b)
{
    return strcmp((*(const game_t *const *)a)->id, (*(const game_t *const *)b)->id);
}

/* The games in play: every game not ended. The hall shows the first BOARD_GAMES_MAX
 * by id (a stable order); the rest are counted. */
static void screen_pick(void *ctx, const game_t *g)
{
    screen_pick_t *p = ctx;
    if (g->status == GAME_ENDED)
        return;
    if (p->n < BOARD_GAMES_MAX) {
        p->g[p->n++] = g;
        return;
    }
    /* Keep the smallest ids: replace the largest if g comes before it. */
    int hi = 0;
    for (int i = 1; i < p->n; i++)
        if (strcmp(p->g[i]->id, p->g[hi]->id) > 0)
            hi = i;
    if (strcmp(g->id, p->g[hi]->id) < 0)
        p->g[hi] = g;
    p->more++;
}

/* The Wi-Fi card from the settings wifi.ssid, wifi.password and wifi.security (as
 * GET /api/wifi.svg reads them). False when no network is configured. */
static bool screen_wifi(store_t *st, board_qr_t *card)
{
    char ssid[256];
    buf_t t;
    buf_init(&t);
    if (!wifi_qr_text(st, &t, ssid, sizeof(ssid))) {
        buf_free(&t);
        return false;
    }
    memset(card, 0, sizeof(*card));
    snprintf(card->title, sizeof(card->title), "Join Wi-Fi");
    snprintf(card->caption, sizeof(card->caption), "%.*s", (int)sizeof(card->caption) - 1, ssid);
    /* Too long for a symbol: the card shows its words only (board.h). */
    if (t.len < sizeof(card->payload))
        memcpy(card->payload, t.data, t.len);
    buf_free(&t);
    return true;
}

/* The card's payload base + tail, or none when that does not fit (a cut address is a
 * wrong one; the card then shows its words only). */
static void screen_payload(board_qr_t *card, const char *base, const char *tail)
{
    size_t a = strlen(base), b = strlen(tail);
    if (a + b < sizeof(card->payload)) {
        memcpy(card->payload, base, a);
        memcpy(card->payload + a, tail, b + 1);
    }
}

typedef struct {
    screen_t *s;
    const app_t *app;
    const game_t *g;
} screen_inv_ctx_t;

static void screen_invite(void *ctx, const char *code, auth_role_t role, int player, const char *created_at)
{
    (void)created_at;
    screen_inv_ctx_t *c = ctx;
    if (c->s->nqr >= BOARD_QR_MAX)
        return;
    board_qr_t *card = &c->s->qr[c->s->nqr++];
    memset(card, 0, sizeof(*card));
    if (role == AUTH_PLAYER && player >= 1 && player <= 2) {
        snprintf(card->title, sizeof(card->title), "Player %d", player);
        snprintf(card->caption, sizeof(card->caption), "%.*s", (int)sizeof(card->caption) - 1,
                 c->g->players[player - 1].name);
    } else {
        snprintf(card->title, sizeof(card->title), "Watch");
    }
    char tail[8 + AUTH_CODE_LEN];
    snprintf(tail, sizeof(tail), "/j/%s", code);
    screen_payload(card, c->app->public_url, tail);
}

/* The QR cards: with one game, the Wi-Fi and that game's live invites; with none,
 * the Wi-Fi and the server's address. Read from the store at most once a second
 * (invites come and go over REST, whose flush does not pass through here). */
static void screen_cards(screen_t *s, app_t *app, const game_t *one, int ngames, int64_t now_ms)
{
    const char *want = one ? one->id : ngames == 0 ? "" : "*";
    if (s->qr_read && now_ms - s->qr_at < SCREEN_QR_REFRESH_MS && strcmp(want, s->qr_game) == 0)
        return;
    s->qr_read = true;
    s->qr_at = now_ms;
    snprintf(s->qr_game, sizeof(s->qr_game), "%s", want);
    s->nqr = 0;
    if (ngames > 1)
        return; /* the hall shows no cards */
    if (screen_wifi(app->store, &s->qr[0]))
        s->nqr = 1;
    if (one) {
        screen_inv_ctx_t c = {s, app, one};
        session_invites_list(app, one->id, screen_invite, &c);
        return;
    }
    board_qr_t *card = &s->qr[s->nqr++];
    memset(card, 0, sizeof(*card));
    snprintf(card->title, sizeof(card->title), "Open the app");
    snprintf(card->caption, sizeof(card->caption), "%.*s", (int)sizeof(card->caption) - 1, app->public_url);
    screen_payload(card, app->public_url, "/");
}

/* ---- output ------------------------------------------------------------- */

static void screen_fb_write(screen_t *s, const raster_rect_t *rects, int n)
{
    const raster_t *r = board_raster(s->board);
    for (int i = 0; i < n; i++) {
        raster_rect_t d = raster_intersect(rects[i], (raster_rect_t){0, 0, r->w, r->h});
        for (int y = d.y; y < d.y + d.h; y++) {
            const uint32_t *src = r->px + (size_t)y * (size_t)r->stride + d.x;
            uint32_t *dst = (uint32_t *)(s->fb + s->origin + (size_t)y * s->line + (size_t)d.x * 4);
            if (!s->bgr) {
                memcpy(dst, src, (size_t)d.w * 4);
                continue;
            }
            for (int x = 0; x < d.w; x++) {
                uint32_t p = src[x];
                dst[x] = (p & 0x00ff00u) | (p >> 16 & 0xffu) | (p & 0xffu) << 16;
            }
        }
    }
}

/* The damage into the dumb buffer, then told to the driver (virtio-gpu copies it to
 * the host only then). A failing DIRTYFB is logged once, like a failing PNG write. */
static void screen_drm_write(screen_t *s, const raster_rect_t *rects, int n)
{
    if (n == 0)
        return;
    screen_fb_write(s, rects, n);
    drm_rect_t d[SCREEN_DAMAGE_MAX];
    for (int i = 0; i < n && i < SCREEN_DAMAGE_MAX; i++)
        d[i] = (drm_rect_t){rects[i].x, rects[i].y, rects[i].w, rects[i].h};
    int rc = drm_dirty(s->drm, d, n < SCREEN_DAMAGE_MAX ? n : SCREEN_DAMAGE_MAX);
    if (rc != 0 && -rc != s->write_errno)
        log_error("screen drm: cannot flush the damage: %s", strerror(-rc));
    s->write_errno = rc == 0 ? 0 : -rc;
}

static void screen_png_write(screen_t *s, int64_t now_ms)
{
    const raster_t *r = board_raster(s->board);
    int rc = png_write(s->path, r->px, r->w, r->h, r->stride);
    s->png_at = now_ms;
    s->png_due = false;
    if (rc != 0 && -rc != s->write_errno)
        log_error("screen png: cannot write %s: %s", s->path, strerror(-rc));
    else if (rc == 0 && s->write_errno != 0)
        log_info("screen png: writing %s again", s->path);
    s->write_errno = rc == 0 ? 0 : -rc;
}

/* ---- touch -------------------------------------------------------------- */

/* A target's change, as the host's: the same change_apply as REST and WebSocket. */
static void screen_touch_change(app_t *app, const char *game_id, const char *type, const char *json)
{
    static const auth_who_t host = {.role = AUTH_HOST};
    jsmntok_t toks[16];
    json_doc_t d;
    int data = -1;
    if (json && json_parse(&d, json, strlen(json), toks, 16) == 0)
        data = 0;
    change_result_t res;
    if (change_apply(app->core, &host, type, game_id, data >= 0 ? &d : NULL, data, NULL, NULL, &res) != 0) {
        log_info("touch: %s on %s refused: %s", type, game_id, res.message);
        return;
    }
    core_flush(app->core);
    log_info("touch: %s on %s, version %lld", type, game_id, (long long)res.version);
}

static void screen_touch_pair(app_t *app, int64_t now_ms)
{
    screen_t *s = app->screen;
    char code[AUTH_CODE_LEN + 1];
    int64_t expires;
    if (session_host_invite_create(app, code, &expires) != 0) {
        log_error("touch: cannot make a host pairing code");
        return;
    }
    memset(&s->pair, 0, sizeof(s->pair));
    snprintf(s->pair.title, sizeof(s->pair.title), "Pair as host");
    snprintf(s->pair.caption, sizeof(s->pair.caption), "one use, 5 minutes");
    char tail[8 + AUTH_CODE_LEN];
    snprintf(tail, sizeof(tail), "/j/%s", code);
    screen_payload(&s->pair, app->public_url, tail);
    s->pair_until = now_ms + SCREEN_PAIR_MS;
    log_info("touch: host pairing code shown for 5 minutes");
}

static void screen_touch_tap(app_t *app, int x, int y, int64_t now_ms)
{
    screen_t *s = app->screen;
    int player = 0;
    board_act_t act = board_hit(s->board, x, y, &player);
    log_debug("touch: tap at %d,%d: target %d of player %d", x, y, (int)act, player);
    if (act == BOARD_ACT_PAIR) {
        screen_touch_pair(app, now_ms);
        return;
    }
    if (act == BOARD_ACT_NONE || s->in.ngames != 1)
        return;
    const board_game_t *g = &s->in.games[0];
    char doc[96];
    const char *field = NULL;
    int delta = 0;
    switch (act) {
    case BOARD_ACT_CLOCK:
        screen_touch_change(app, g->id,
                            g->status == GAME_SETUP ? "game_start" : g->status == GAME_ACTIVE ? "game_pause" : "game_resume", NULL);
        return;
    case BOARD_ACT_END_TURN: screen_touch_change(app, g->id, "turn_change", NULL); return;
    case BOARD_ACT_UNDO: screen_touch_change(app, g->id, "undo", NULL); return;
    case BOARD_ACT_PRIMARY_DOWN: field = "primary_delta"; delta = -1; break;
    case BOARD_ACT_PRIMARY_UP: field = "primary_delta"; delta = 1; break;
    case BOARD_ACT_SECONDARY_DOWN: field = "secondary_delta"; delta = -1; break;
    case BOARD_ACT_SECONDARY_UP: field = "secondary_delta"; delta = 1; break;
    case BOARD_ACT_CP_DOWN: field = "cp_delta"; delta = -1; break;
    case BOARD_ACT_CP_UP: field = "cp_delta"; delta = 1; break;
    default: return;
    }
    snprintf(doc, sizeof(doc), "{\"player_number\":%d,\"%s\":%d}", player, field, delta);
    screen_touch_change(app, g->id, "score_update", doc);
}

/* Feeds bytes to the decoder and acts on its taps. */
static void screen_touch_bytes(app_t *app, const uint8_t *p, size_t n, int64_t now_ms)
{
    touch_tap_t taps[16];
    int k = touch_feed(&app->screen->touch, p, n, taps, 16);
    for (int i = 0; i < k; i++)
        screen_touch_tap(app, taps[i].x, taps[i].y, now_ms);
}

static void screen_touch_file(app_t *app, int64_t now_ms)
{
    uint8_t b[4096];
    ssize_t n;
    for (int i = 0; i < 64 && (n = read(app->screen->tfd, b, sizeof(b))) > 0; i++)
        screen_touch_bytes(app, b, (size_t)n, now_ms);
}

static void screen_on_touch(h2o_socket_t *sock, const char *err)
{
    app_t *app = sock->data;
    screen_t *s = app->screen;
    if (err != NULL) {
        /* An unplugged device: the screen goes on without touch. */
        log_error("touch: input ended: %s", err);
        h2o_socket_close(sock);
        s->tsock = NULL;
        s->tfd = -1;
        return;
    }
    int64_t now = now_mono_ms();
    log_debug("touch: %zu bytes", sock->input->size);
    screen_touch_bytes(app, (const uint8_t *)sock->input->bytes, sock->input->size, now);
    h2o_buffer_consume(&sock->input, sock->input->size);
    screen_update(app, now);
}

int screen_touch_start(app_t *app, const config_t *cfg, char *err, size_t errlen)
{
    screen_t *s = app->screen;
    if (s == NULL || strcmp(cfg->touch, "off") == 0)
        return 0;
    const raster_t *r = board_raster(s->board);
    touch_axis_t ax, ay;
    char name[300];
    s->tfd = touch_open(cfg->touch, r->w, r->h, &ax, &ay, &s->tfile, name, sizeof(name), err, errlen);
    if (s->tfd < 0)
        return -1;
    touch_init(&s->touch, ax, ay, r->w, r->h);
    if (!s->tfile) {
        s->tsock = h2o_evloop_socket_create(app->loop, s->tfd, 0);
        s->tsock->data = app;
        h2o_socket_read_start(s->tsock, screen_on_touch);
    }
    log_info("touch: reading %s (x %d..%d, y %d..%d to %dx%d)", name, ax.min, ax.max, ay.min, ay.max, r->w, r->h);
    return 0;
}

/* Games of an event: their table in the hall ("Table 3"), and the round timer and
 * the event's name over the hall of a running event (the first event shown). */
static void screen_event(app_t *app, int n, const game_t *const *g, board_input_t *in, int64_t now_ms)
{
    if (app->tourney == NULL)
        return;
    const event_t *shown = NULL;
    for (int i = 0; i < n; i++) {
        event_game_t *eg = NULL;
        const event_t *ev = tourney_event_of_game(app->tourney, g[i]->id, &eg);
        if (ev == NULL || eg == NULL)
            continue;
        snprintf(in->games[i].table, sizeof(in->games[i].table), "Table %u", (unsigned)eg->table);
        if (shown == NULL)
            shown = ev;
    }
    if (shown == NULL || n < 2 || shown->status != EVENT_RUNNING)
        return;
    in->event_timer = true;
    in->event_remaining_ms = event_timer_remaining(shown, now_ms);
    in->event_running = shown->timer.running;
    snprintf(in->title, sizeof(in->title), "%s", shown->name);
}

void screen_update(app_t *app, int64_t now_ms)
{
    screen_t *s = app->screen;
    if (s == NULL)
        return;
    if (s->tfile)
        screen_touch_file(app, now_ms);
    screen_pick_t pick = {.n = 0};
    const game_t *pinned = s->pin[0] ? core_committed(app->core, s->pin) : NULL;
    if (pinned) {
        pick.g[0] = pinned;
        pick.n = 1;
    } else {
        core_each(app->core, screen_pick, &pick);
        qsort(pick.g, (size_t)pick.n, sizeof(pick.g[0]), screen_cmp_id);
    }
    screen_cards(s, app, pick.n == 1 ? pick.g[0] : NULL, pick.n, now_ms);

    board_input_t *in = &s->in;
    memset(in, 0, sizeof(*in));
    in->ngames = pick.n;
    in->more_games = pick.more;
    for (int i = 0; i < pick.n; i++)
        board_game_from(pick.g[i], now_ms, &in->games[i]);
    screen_event(app, pick.n, pick.g, in, now_ms);
    in->nqr = s->nqr;
    memcpy(in->qr, s->qr, sizeof(in->qr));
    in->touch = s->tfd >= 0;
    if (s->pair_until > now_ms) {
        /* The pairing card first, so it shows even when the game has every other card. */
        memmove(&in->qr[1], &in->qr[0], sizeof(in->qr[0]) * (BOARD_QR_MAX - 1));
        in->qr[0] = s->pair;
        in->nqr = in->nqr < BOARD_QR_MAX ? in->nqr + 1 : BOARD_QR_MAX;
    }

    raster_rect_t damage[SCREEN_DAMAGE_MAX];
    int n = board_render(s->board, in, damage, SCREEN_DAMAGE_MAX);
    if (s->kind == CONFIG_SCREEN_FB) {
        screen_fb_write(s, damage, n);
        return;
    }
    if (s->kind == CONFIG_SCREEN_DRM) {
        screen_drm_write(s, damage, n);
        return;
    }
    if (n > 0)
        s->png_due = true;
    if (s->png_due && now_ms - s->png_at >= SCREEN_PNG_MIN_MS)
        screen_png_write(s, now_ms);
}
