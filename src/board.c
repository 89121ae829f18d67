/* board: the layouts of the box's screen and their drawing with damage tracking. */
#include "board.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mem.h"

/* The web app's dark theme (webui/src/style.css), so the box looks like the phones. */
#define C_BG 0x0f1216u
#define C_PANEL 0x181d24u
#define C_PANEL2 0x232a34u
#define C_LINE 0x343d4au
#define C_TEXT 0xeef1f5u
#define C_MUTED 0xa9b2bfu
#define C_P1 0x6cb2ffu
#define C_P2 0xffa273u
#define C_OK 0x48d98au
#define C_OKBG 0x176b3cu
#define C_WARN 0xffd166u
#define C_BAD 0xff7b7bu
#define C_BADBG 0x9b2a2au
#define C_CARD 0xffffffu
#define C_INK 0x14181du
#define C_INK2 0x4a5563u

#define LOW_MS (5 * 60000) /* a running clock under five minutes turns amber, as on the phones */
#define ARENA_SIZE 32768
#define DECOS_MAX 64
#define QR_CACHE 8

enum { K_TEXT, K_PILL, K_QR };

/* One region of the screen: a rectangle that shows one thing over a flat background. */
typedef struct {
    char name[32];
    raster_rect_t r;
    uint32_t bg, fg, pill;
    int kind;
    raster_align_t align;
    bool digits;
    int max_size; /* text is fitted to the region up to this size */
    int min_size; /* text below this is cut with an ellipsis instead of shrunk */
    const char *text;
    size_t len;
} region_t;

/* A shape under the regions, drawn only on a full redraw. */
typedef struct {
    raster_rect_t r, clip;
    int radius;
    uint32_t color;
} deco_t;

typedef struct {
    raster_font_t *font; /* for sizes that must match across regions */
    region_t reg[BOARD_REGIONS_MAX];
    int nreg;
    deco_t deco[DECOS_MAX];
    int ndeco;
    char arena[ARENA_SIZE];
    size_t used;
} frame_t;

struct board {
    raster_t canvas;
    raster_font_t *font;
    frame_t f;
    uint64_t hash[BOARD_REGIONS_MAX];
    int nhash;
    uint64_t layout;
    bool valid;
    struct {
        uint64_t key;
        int ok;
        qr_t qr;
    } qrs[QR_CACHE];
    int qr_next;
    board_control_t ctl[BOARD_CONTROLS_MAX]; /* the touch targets of the last render */
    int nctl;
};

/* ---- inputs ---- */

static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = 0;
}

void board_game_from(const game_t *g, int64_t now_ms, board_game_t *out)
{
    memset(out, 0, sizeof(*out));
    copy_str(out->id, sizeof(out->id), g->id);
    out->status = g->status;
    out->round = g->round;
    out->rounds = game_rounds(g);
    out->current_turn = g->current_turn;
    out->attacker = g->attacker;
    out->winner = g->winner;
    out->draw = g->draw;
    for (int i = 0; i < 2; i++) {
        const game_player_t *p = &g->players[i];
        board_player_t *q = &out->players[i];
        copy_str(q->name, sizeof(q->name), p->name);
        copy_str(q->faction, sizeof(q->faction), p->faction);
        q->primary = p->primary;
        q->secondary = p->secondary;
        q->cp = p->cp;
        q->remaining_ms = game_clock_remaining(g, i + 1, now_ms);
        q->running = p->clock.running;
        q->flagged = p->clock.flagged;
    }
    /* An open judge call: who called it, by the player's name (as the phones say it). */
    game_actor_t by = g->judge.called_by;
    if (by == GAME_ACTOR_P1 || by == GAME_ACTOR_P2 || by == GAME_ACTOR_HOST) {
        out->judge = true;
        if (by == GAME_ACTOR_HOST)
            copy_str(out->judge_by, sizeof(out->judge_by), "Host");
        else if (g->players[by - 1].name[0])
            copy_str(out->judge_by, sizeof(out->judge_by), g->players[by - 1].name);
        else
            copy_str(out->judge_by, sizeof(out->judge_by), by == GAME_ACTOR_P1 ? "Player 1" : "Player 2");
        copy_str(out->judge_reason, sizeof(out->judge_reason), g->judge.reason);
    }
}

void board_clock_text(int64_t ms, char out[16])
{
    if (ms < 0)
        ms = 0;
    if (ms > GAME_TIME_MAX)
        ms = GAME_TIME_MAX;
    int64_t total = (ms + 999) / 1000;
    int64_t h = total / 3600, m = total % 3600 / 60, s = total % 60;
    if (h > 99999)
        h = 99999;
    if (h > 0)
        snprintf(out, 16, "%d:%02d:%02d", (int)h, (int)m, (int)s);
    else
        snprintf(out, 16, "%d:%02d", (int)m, (int)s);
}

/* ---- building a frame ---- */

static raster_rect_t rect(float x, float y, float w, float h)
{
    int x0 = (int)lroundf(x), y0 = (int)lroundf(y);
    return (raster_rect_t){x0, y0, (int)lroundf(x + w) - x0, (int)lroundf(y + h) - y0};
}

static raster_rect_t inset(raster_rect_t r, int l, int t, int rt, int b)
{
    return (raster_rect_t){r.x + l, r.y + t, r.w - l - rt, r.h - t - b};
}

static void deco(frame_t *f, raster_rect_t r, int radius, uint32_t color, raster_rect_t clip)
{
    if (f->ndeco < DECOS_MAX)
        f->deco[f->ndeco++] = (deco_t){r, clip, radius, color};
}

static const char *keep(frame_t *f, const char *s, size_t n)
{
    if (f->used + n + 1 > ARENA_SIZE)
        n = 0; /* cannot happen with the input's caps; show nothing rather than overflow */
    char *p = f->arena + f->used;
    memcpy(p, s, n);
    p[n] = 0;
    f->used += n + 1;
    return p;
}

static region_t *region(frame_t *f, const char *name, raster_rect_t r, uint32_t bg, int kind, const char *text,
                        uint32_t fg)
{
    static region_t spare;
    if (f->nreg >= BOARD_REGIONS_MAX) {
        memset(&spare, 0, sizeof(spare));
        return &spare; /* not drawn: the layouts stay far below the cap */
    }
    region_t *g = &f->reg[f->nreg++];
    memset(g, 0, sizeof(*g));
    copy_str(g->name, sizeof(g->name), name);
    g->r = r;
    g->bg = bg;
    g->fg = fg;
    g->kind = kind;
    g->len = strlen(text);
    g->text = keep(f, text, g->len);
    if (g->text[0] == 0)
        g->len = 0;
    g->align = RASTER_CENTER;
    g->max_size = 1024;
    g->min_size = r.h / 3;
    return g;
}

static region_t *label(frame_t *f, const char *name, raster_rect_t r, uint32_t bg, const char *text, uint32_t fg,
                       raster_align_t align)
{
    region_t *g = region(f, name, r, bg, K_TEXT, text, fg);
    g->align = align;
    return g;
}

static region_t *number(frame_t *f, const char *name, raster_rect_t r, uint32_t bg, const char *text, uint32_t fg)
{
    region_t *g = region(f, name, r, bg, K_TEXT, text, fg);
    g->digits = true;
    return g;
}

/* The size at which tmpl fills r (its height, or its width if that is tighter), so that
 * regions of one kind (the two clocks, the scores of the hall) show one size. */
static int fit(frame_t *f, const char *tmpl, raster_rect_t r, bool digits)
{
    enum { REF = 200 };
    int per = digits ? raster_font_digit_height(f->font, REF)
                     : raster_font_ascent(f->font, REF) + raster_font_descent(f->font, REF);
    int w = raster_text_width(f->font, REF, tmpl, strlen(tmpl));
    /* Digits keep a little air above and below: the clocks sit near panel edges. */
    long by_h = (long)(digits ? r.h * 86 / 100 : r.h) * REF / (per > 0 ? per : 1), by_w = (long)r.w * REF / (w > 0 ? w : 1);
    long size = by_h < by_w ? by_h : by_w;
    return size < 1 ? 1 : size > 1024 ? 1024 : (int)size;
}

static const char *name_of(const board_player_t *p, int n, char buf[GAME_NAME_SIZE])
{
    if (p->name[0])
        return p->name;
    snprintf(buf, GAME_NAME_SIZE, "Player %d", n);
    return buf;
}

static void headline(const board_game_t *g, char *out, size_t cap)
{
    char nb[GAME_NAME_SIZE];
    switch (g->status) {
    case GAME_SETUP:
        snprintf(out, cap, "Setting up");
        break;
    case GAME_PAUSED:
        snprintf(out, cap, "Paused \xc2\xb7 Round %d of %d", g->round, g->rounds);
        break;
    case GAME_ENDED:
        if (g->draw || (g->winner != 1 && g->winner != 2))
            snprintf(out, cap, "Game over \xc2\xb7 Draw");
        else
            snprintf(out, cap, "Game over \xc2\xb7 %s wins", name_of(&g->players[g->winner - 1], g->winner, nb));
        break;
    default:
        snprintf(out, cap, "Round %d of %d", g->round, g->rounds);
    }
}

static uint32_t clock_color(const board_player_t *p)
{
    if (p->flagged || p->remaining_ms <= 0)
        return C_BAD;
    if (p->running)
        return p->remaining_ms < LOW_MS ? C_WARN : C_TEXT;
    return C_MUTED;
}

static void judge_line(const board_game_t *g, char *out, size_t cap)
{
    if (!g->judge) {
        out[0] = 0;
        return;
    }
    snprintf(out, cap, "Judge called%s%s%s%s", g->judge_by[0] ? " by " : "", g->judge_by, g->judge_reason[0] ? ": " : "",
             g->judge_reason);
}

/* One player's panel: coloured top bar, name, faction, badges, total, parts, clock. */
static void panel(frame_t *f, const board_game_t *g, int n, raster_rect_t p, float u)
{
    const board_player_t *pl = &g->players[n - 1];
    bool turn = g->status == GAME_ACTIVE && g->current_turn == n;
    int radius = (int)lroundf(1.4f * u), bar = (int)fmaxf(3, lroundf(0.7f * u));
    int border = turn ? (int)fmaxf(3, lroundf(0.45f * u)) : (int)fmaxf(1, lroundf(0.15f * u));
    uint32_t pc = n == 1 ? C_P1 : C_P2;
    deco(f, p, radius, turn ? C_OK : C_LINE, p);
    deco(f, p, radius, pc, (raster_rect_t){p.x, p.y, p.w, bar});
    raster_rect_t in = inset(p, border, bar, border, border);
    deco(f, in, radius - border > 0 ? radius - border : 0, C_PANEL, in);

    int pad = (int)lroundf(2.2f * u);
    raster_rect_t c = inset(in, pad, pad / 2, pad, pad);
    float y = (float)c.y, h = (float)c.h;
    char pre[4], key[32], nb[GAME_NAME_SIZE], buf[32];
    snprintf(pre, sizeof(pre), "p%d", n);
#define KEY(s) (snprintf(key, sizeof(key), "%s.%s", pre, s), key)
    region_t *r = label(f, KEY("name"), rect((float)c.x, y, (float)c.w, h * 0.13f), C_PANEL, name_of(pl, n, nb), C_TEXT,
                        RASTER_LEFT);
    y += h * 0.13f;
    r = label(f, KEY("faction"), rect((float)c.x, y, (float)c.w, h * 0.08f), C_PANEL, pl->faction, C_MUTED, RASTER_LEFT);
    y += h * 0.085f;
    float bh = h * 0.07f;
    const char *b1 = g->attacker == n ? "Attacker" : g->attacker ? "Defender" : "";
    const char *b2 = turn ? "Turn" : g->status == GAME_ENDED && g->winner == n && !g->draw ? "Winner" : "";
    r = region(f, KEY("badge1"), rect((float)c.x, y, (float)c.w * 0.4f, bh), C_PANEL, K_PILL, b1,
               g->attacker == n ? C_TEXT : C_MUTED);
    r->pill = C_PANEL2;
    r->align = RASTER_LEFT;
    r = region(f, KEY("badge2"), rect((float)c.x + (float)c.w * 0.42f, y, (float)c.w * 0.4f, bh), C_PANEL, K_PILL, b2,
               0xffffffu);
    r->pill = C_OKBG;
    r->align = RASTER_LEFT;
    y += bh + h * 0.015f;
    snprintf(buf, sizeof(buf), "%d", pl->primary + pl->secondary);
    raster_rect_t tr = rect((float)c.x, y, (float)c.w, h * 0.33f);
    number(f, KEY("total"), tr, C_PANEL, buf, C_TEXT)->max_size = fit(f, "888", tr, true);
    y += h * 0.35f;
    static const char *const part[3] = {"Primary", "Secondary", "CP"};
    static const char *const pkey[3] = {"primary", "secondary", "cp"};
    int vals[3] = {pl->primary, pl->secondary, pl->cp};
    float pw = (float)c.w / 3;
    for (int i = 0; i < 3; i++) {
        char lk[32];
        snprintf(lk, sizeof(lk), "%s.%s.label", pre, pkey[i]);
        label(f, lk, rect((float)c.x + pw * (float)i, y, pw, h * 0.06f), C_PANEL, part[i], C_MUTED, RASTER_CENTER);
        snprintf(buf, sizeof(buf), "%d", vals[i]);
        raster_rect_t vr = rect((float)c.x + pw * (float)i, y + h * 0.065f, pw, h * 0.10f);
        number(f, KEY(pkey[i]), vr, C_PANEL, buf, C_TEXT)->max_size = fit(f, "888", vr, true);
    }
    y += h * 0.19f;
    board_clock_text(pl->remaining_ms, buf);
    raster_rect_t kr = rect((float)c.x, y, (float)c.w, (float)c.y + h - y);
    number(f, KEY("clock"), kr, C_PANEL, buf, clock_color(pl))->max_size = fit(f, "0:00:00", kr, true);
#undef KEY
}

/* Modules across a symbol for payload, its quiet zone included (0 when it does not encode). */
static int qr_modules(const char *payload)
{
    size_t n = strlen(payload);
    for (int v = QR_VERSION_MIN; v <= QR_VERSION_MAX; v++)
        if (n > 0 && (size_t)qr_capacity(v) >= n)
            return 17 + 4 * v + 8;
    return 0;
}

/* How QR cards are sized: the symbol's side (a whole number of pixels per module for the
 * largest payload), the text lines under it and the padding. */
typedef struct {
    int side, line, pad, module;
} cardsz_t;

static cardsz_t card_size(const board_input_t *in, int nqr, float avail, float u, float line_u, int module_cap)
{
    int mods = 21 + 8;
    for (int i = 0; i < nqr; i++)
        if (qr_modules(in->qr[i].payload) > mods)
            mods = qr_modules(in->qr[i].payload);
    cardsz_t c;
    c.pad = (int)fmaxf(3, lroundf(0.8f * u));
    c.line = (int)fmaxf(13, lroundf(line_u * u));
    int module = (int)(avail - (float)(2 * c.pad)) / mods;
    if (module > module_cap)
        module = module_cap;
    if (module < 1)
        module = 1;
    c.side = module * mods;
    c.module = module;
    return c;
}

/* A QR card: white, the symbol, a title and a caption under it. */
static void qr_card(frame_t *f, int i, const board_qr_t *q, raster_rect_t card, cardsz_t cs, float u)
{
    deco(f, card, (int)lroundf(1.0f * u), C_CARD, card);
    raster_rect_t c = inset(card, cs.pad, cs.pad, cs.pad, cs.pad);
    char key[32];
    int qh = c.h - 2 * cs.line;
    snprintf(key, sizeof(key), "qr%d", i);
    region(f, key, (raster_rect_t){c.x, c.y, c.w, qh}, C_CARD, K_QR, q->payload, C_INK);
    snprintf(key, sizeof(key), "qr%d.title", i);
    label(f, key, (raster_rect_t){c.x, c.y + qh, c.w, cs.line}, C_CARD, q->title, C_INK, RASTER_CENTER);
    snprintf(key, sizeof(key), "qr%d.caption", i);
    label(f, key, (raster_rect_t){c.x, c.y + qh + cs.line, c.w, cs.line}, C_CARD, q->caption, C_INK2, RASTER_CENTER);
}

static void layout_game(frame_t *f, const board_input_t *in, int W, int H, float u)
{
    const board_game_t *g = &in->games[0];
    float m = 2.2f * u, gap = 1.6f * u;
    bool portrait = H > W;
    int nqr = in->nqr < 0 ? 0 : in->nqr > BOARD_QR_MAX ? BOARD_QR_MAX : in->nqr;
    float x0 = m, y0 = m, x1 = (float)W - m, y1 = (float)H - m;
    /* Cards get whole pixels per module, at least 2 (a phone reads that from close by),
     * at most what keeps the scoreboard the larger part of the screen. */
    int cap = (int)fmaxf(2, floorf(0.55f * u));
    if (nqr && !portrait) {
        /* A column of cards on the right; two columns when one is too short for them. */
        cardsz_t cs = {0, 0, 0, 0};
        int k, rows = nqr;
        float ch = 0;
        for (k = 1; k <= 2; k++) {
            rows = (nqr + k - 1) / k;
            ch = ((float)H - 2 * m - gap * (float)(rows - 1)) / (float)rows;
            cs = card_size(in, nqr, ch - 2.0f * fmaxf(13, lroundf(3.0f * u)), u, 3.0f, cap);
            if (cs.module >= 2)
                break;
        }
        if (k > 2)
            k = 2;
        float cw = fmaxf((float)(cs.side + 2 * cs.pad), 18.0f * u);
        ch = (float)(cs.side + 2 * cs.pad + 2 * cs.line);
        float colw = cw * (float)k + gap * (float)(k - 1);
        for (int i = 0; i < nqr; i++)
            qr_card(f, i, &in->qr[i],
                    rect((float)W - m - colw + (cw + gap) * (float)(i % k), m + (ch + gap) * (float)(i / k), cw, ch), cs, u);
        x1 = (float)W - m - colw - gap;
    } else if (nqr) {
        /* A row of cards at the bottom. */
        float cw = ((float)W - 2 * m - gap * (float)(nqr - 1)) / (float)nqr;
        cardsz_t cs = card_size(in, nqr, cw, u, 3.0f, cap);
        float ch = (float)(cs.side + 2 * cs.pad + 2 * cs.line);
        for (int i = 0; i < nqr; i++)
            qr_card(f, i, &in->qr[i], rect(m + (cw + gap) * (float)i, (float)H - m - ch, cw, ch), cs, u);
        y1 = (float)H - m - ch - gap;
    }
    char buf[BOARD_REASON_SIZE + 2 * BOARD_LABEL_SIZE + 32];
    float hh = portrait ? 6.5f * u : 9.0f * u, jh = portrait ? 4.5f * u : 5.5f * u;
    headline(g, buf, sizeof(buf));
    label(f, "headline", rect(x0, y0, x1 - x0, hh), C_BG, buf, C_TEXT, RASTER_CENTER);
    judge_line(g, buf, sizeof(buf));
    region_t *j = region(f, "judge", rect(x0, y0 + hh, x1 - x0, jh), C_BG, K_PILL, buf, 0xffffffu);
    j->pill = C_BADBG;
    float top = y0 + hh + jh + gap;
    if (!portrait) {
        float pw = (x1 - x0 - gap) / 2;
        panel(f, g, 1, rect(x0, top, pw, y1 - top), u);
        panel(f, g, 2, rect(x0 + pw + gap, top, pw, y1 - top), u);
    } else {
        float ph = (y1 - top - gap) / 2;
        panel(f, g, 1, rect(x0, top, x1 - x0, ph), u);
        panel(f, g, 2, rect(x0, top + ph + gap, x1 - x0, ph), u);
    }
}

static const char *status_short(const board_game_t *g, char *buf, size_t cap)
{
    switch (g->status) {
    case GAME_SETUP:
        return "Setup";
    case GAME_PAUSED:
        return "Paused";
    case GAME_ENDED:
        return "Ended";
    default:
        snprintf(buf, cap, "R%d/%d", g->round, g->rounds);
        return buf;
    }
}

static void layout_hall(frame_t *f, const board_input_t *in, int W, int H, float u)
{
    float m = 2.2f * u, gap = 1.0f * u;
    int n = in->ngames > BOARD_GAMES_MAX ? BOARD_GAMES_MAX : in->ngames;
    int more = in->more_games > 0 ? in->more_games : 0;
    float hh = 9.0f * u;
    char buf[BOARD_LABEL_SIZE + 32], nb[GAME_NAME_SIZE], key[32];
    const char *title = in->title;
    if (!title[0]) {
        snprintf(buf, sizeof(buf), "%d games in play", n + more);
        title = buf;
    }
    float tw = in->event_timer ? ((float)W - 2 * m) * 0.6f : (float)W - 2 * m;
    label(f, "title", rect(m, m, tw, hh), C_BG, title, C_TEXT, RASTER_LEFT);
    if (in->event_timer) {
        float x = m + tw + gap, w = (float)W - m - x;
        label(f, "timer.label", rect(x, m, w * 0.4f, hh), C_BG, "Round", C_MUTED, RASTER_RIGHT);
        board_clock_text(in->event_remaining_ms, buf);
        number(f, "timer", rect(x + w * 0.42f, m, w * 0.58f, hh), C_BG, buf,
               in->event_running ? (in->event_remaining_ms < LOW_MS ? C_WARN : C_TEXT) : C_MUTED);
    }
    float top = m + hh + gap, avail = (float)H - m - top;
    /* Rows no shorter than a name can be read in from a few metres: the tables that do
     * not fit are counted on the last line instead. */
    int fit_rows = (int)((avail + gap) / (9.0f * u + gap));
    if (fit_rows < 2)
        fit_rows = 2;
    if (n + (more ? 1 : 0) > fit_rows) {
        more += n - (fit_rows - 1);
        n = fit_rows - 1;
    }
    int rows = n + (more ? 1 : 0);
    float rh = fminf(16.0f * u, (avail - gap * (float)(rows - 1)) / (float)(rows ? rows : 1));
    /* Column edges of a row, as fractions of its width: table, name 1, clock 1, scores,
     * clock 2, name 2, status. */
    static const float edge[8] = {0.0f, 0.09f, 0.31f, 0.42f, 0.60f, 0.71f, 0.93f, 1.0f};
    for (int i = 0; i < n; i++) {
        const board_game_t *g = &in->games[i];
        raster_rect_t row = rect(m, top + (rh + gap) * (float)i, (float)W - 2 * m, rh);
        deco(f, row, (int)lroundf(1.0f * u), C_PANEL, row);
        int pad = (int)lroundf(1.2f * u);
        raster_rect_t c = inset(row, pad, pad / 2, pad, pad / 2);
        float y = (float)c.y, h = (float)c.h, cx[8];
        for (int k = 0; k < 8; k++)
            cx[k] = (float)c.x + (float)c.w * edge[k];
#define K(s) (snprintf(key, sizeof(key), "row%d.%s", i, s), key)
        /* One size per column across the rows, whatever each row's text. */
        raster_rect_t tab = rect(cx[0], y, cx[1] - cx[0] - gap, h * 0.6f);
        raster_rect_t nm = rect(cx[1], y, cx[2] - cx[1] - gap, h * 0.6f);
        raster_rect_t fc = rect(cx[1], y + h * 0.6f, cx[2] - cx[1] - gap, h * 0.4f);
        raster_rect_t ck = rect(cx[2], y + h * 0.2f, cx[3] - cx[2] - gap, h * 0.6f);
        raster_rect_t sc = rect(cx[3], y + h * 0.1f, (cx[4] - cx[3] - gap) * 0.42f, h * 0.8f);
        raster_rect_t stt = rect(cx[6], y, cx[7] - cx[6], h * 0.6f);
        int name_size = fit(f, "Mmmmmmmm", nm, false), clock_size = fit(f, "0:00:00", ck, true);
        int score_size = fit(f, "88", sc, true), small = fit(f, "Paused", stt, false);
        if (small > name_size * 3 / 4)
            small = name_size * 3 / 4;
        label(f, K("table"), tab, C_PANEL, g->table[0] ? g->table : g->id, C_MUTED, RASTER_LEFT)->max_size = small;
        for (int p = 0; p < 2; p++) {
            const board_player_t *pl = &g->players[p];
            float dx = p == 0 ? 0 : cx[5] - cx[1];
            raster_align_t al = p == 0 ? RASTER_LEFT : RASTER_RIGHT;
            region_t *r = label(f, K(p == 0 ? "p1name" : "p2name"), rect((float)nm.x + dx, (float)nm.y, (float)nm.w, (float)nm.h),
                                C_PANEL, name_of(pl, p + 1, nb),
                                p + 1 == g->current_turn && g->status == GAME_ACTIVE ? C_OK : C_TEXT, al);
            r->max_size = name_size;
            r = label(f, K(p == 0 ? "p1faction" : "p2faction"), rect((float)fc.x + dx, (float)fc.y, (float)fc.w, (float)fc.h),
                      C_PANEL, pl->faction, C_MUTED, al);
            r->max_size = small;
            char cb[16];
            board_clock_text(pl->remaining_ms, cb);
            float kx = p == 0 ? 0 : cx[4] - cx[2];
            r = number(f, K(p == 0 ? "p1clock" : "p2clock"), rect((float)ck.x + kx, (float)ck.y, (float)ck.w, (float)ck.h),
                       C_PANEL, cb, clock_color(pl));
            r->max_size = clock_size;
            r->align = p == 0 ? RASTER_RIGHT : RASTER_LEFT;
        }
        float sw = cx[4] - cx[3] - gap, sx = cx[3];
        snprintf(buf, sizeof(buf), "%d", g->players[0].primary + g->players[0].secondary);
        region_t *r = number(f, K("p1score"), sc, C_PANEL, buf, C_P1);
        r->align = RASTER_RIGHT;
        r->max_size = score_size;
        label(f, K("dash"), rect(sx + sw * 0.42f, (float)sc.y, sw * 0.16f, (float)sc.h), C_PANEL, "\xe2\x80\x93", C_MUTED,
              RASTER_CENTER)
            ->max_size = score_size;
        snprintf(buf, sizeof(buf), "%d", g->players[1].primary + g->players[1].secondary);
        r = number(f, K("p2score"), rect(sx + sw * 0.58f, (float)sc.y, sw * 0.42f, (float)sc.h), C_PANEL, buf, C_P2);
        r->align = RASTER_LEFT;
        r->max_size = score_size;
        r = label(f, K("status"), stt, C_PANEL, g->judge ? "Judge" : status_short(g, buf, sizeof(buf)),
                  g->judge ? C_BAD : C_MUTED, RASTER_RIGHT);
        r->max_size = small;
#undef K
    }
    if (more) {
        snprintf(buf, sizeof(buf), "+ %d more", more);
        label(f, "more", rect(m, top + (rh + gap) * (float)n, (float)W - 2 * m, rh), C_BG, buf, C_MUTED, RASTER_CENTER);
    }
}

static void layout_connect(frame_t *f, const board_input_t *in, int W, int H, float u)
{
    float m = 3.0f * u, gap = 3.0f * u;
    bool portrait = H > W;
    float hh = 10.0f * u, sh = 6.0f * u;
    label(f, "title", rect(m, m, (float)W - 2 * m, hh), C_BG, in->title[0] ? in->title : "State Server", C_TEXT,
          RASTER_CENTER);
    int nqr = in->nqr < 0 ? 0 : in->nqr > BOARD_QR_MAX ? BOARD_QR_MAX : in->nqr;
    label(f, "headline", rect(m, m + hh, (float)W - 2 * m, sh), C_BG,
          nqr ? "Scan to join" : "No game yet. Create one in the host panel.", C_MUTED, RASTER_CENTER);
    if (!nqr)
        return;
    float top = m + hh + sh + gap, aw = (float)W - 2 * m, ah = (float)H - m - top;
    float line = fmaxf(13, lroundf(4.5f * u));
    /* As large as the screen allows: each card's symbol gets the space of its slot. */
    float slot_w = portrait ? aw : (aw - gap * (float)(nqr - 1)) / (float)nqr;
    float slot_h = portrait ? (ah - gap * (float)(nqr - 1)) / (float)nqr : ah;
    cardsz_t cs = card_size(in, nqr, fminf(slot_w, slot_h - 2 * line), u, 4.5f, 64);
    float cw = fmaxf((float)(cs.side + 2 * cs.pad), fminf(slot_w, 24.0f * u));
    float ch = (float)(cs.side + 2 * cs.pad + 2 * cs.line);
    for (int i = 0; i < nqr; i++) {
        float x = portrait ? m + (aw - cw) / 2 : m + (slot_w + gap) * (float)i + (slot_w - cw) / 2;
        float y = portrait ? top + (slot_h + gap) * (float)i + (slot_h - ch) / 2 : top + (ah - ch) / 2;
        qr_card(f, i, &in->qr[i], rect(x, y, cw, ch), cs, u);
    }
}

/* ---- touch targets ---- */

static int controls_row(board_control_t *out, int n, int w, int y, int rh, int cells, const board_act_t *acts,
                        const int *players, int count, int first)
{
    for (int i = 0; i < count; i++) {
        int c = first + i, x = c * w / cells;
        out[n++] = (board_control_t){acts[i], players ? players[i] : 0, {x, y, (c + 1) * w / cells - x, rh}};
    }
    return n;
}

int board_controls(int w, int h, bool game, board_control_t *out)
{
    int side = w < h ? w : h;
    int rh = (int)lroundf(0.11f * (float)side);
    if (rh < BOARD_TARGET_MIN)
        rh = BOARD_TARGET_MIN;
    static const board_act_t host[4] = {BOARD_ACT_CLOCK, BOARD_ACT_END_TURN, BOARD_ACT_UNDO, BOARD_ACT_PAIR};
    if (!game)
        return controls_row(out, 0, w, h - rh, rh, 4, host + 3, NULL, 1, 3);
    static const board_act_t score[12] = {
        BOARD_ACT_PRIMARY_DOWN, BOARD_ACT_PRIMARY_UP, BOARD_ACT_SECONDARY_DOWN, BOARD_ACT_SECONDARY_UP,
        BOARD_ACT_CP_DOWN,      BOARD_ACT_CP_UP,      BOARD_ACT_PRIMARY_DOWN,   BOARD_ACT_PRIMARY_UP,
        BOARD_ACT_SECONDARY_DOWN, BOARD_ACT_SECONDARY_UP, BOARD_ACT_CP_DOWN,    BOARD_ACT_CP_UP,
    };
    static const int who[12] = {1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2};
    int n = 0;
    if (w / 12 >= BOARD_TARGET_MIN) {
        n = controls_row(out, n, w, h - 2 * rh, rh, 12, score, who, 12, 0);
    } else {
        n = controls_row(out, n, w, h - 3 * rh, rh, 6, score, who, 6, 0);
        n = controls_row(out, n, w, h - 2 * rh, rh, 6, score + 6, who + 6, 6, 0);
    }
    return controls_row(out, n, w, h - rh, rh, 4, host, NULL, 4, 0);
}

board_act_t board_hit(const board_t *b, int x, int y, int *player)
{
    for (int i = 0; i < b->nctl; i++) {
        raster_rect_t r = b->ctl[i].r;
        if (x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h) {
            *player = b->ctl[i].player;
            return b->ctl[i].act;
        }
    }
    *player = 0;
    return BOARD_ACT_NONE;
}

/* The targets as buttons: a label on a raised cell, the score buttons in the player's colour. */
static void layout_controls(frame_t *f, const board_input_t *in, const board_control_t *c, int n)
{
    static const char *const words[] = {"", "", "End turn", "Undo", "Pair a phone as host", "-1 Pri", "+1 Pri",
                                        "-1 Sec", "+1 Sec", "-1 CP", "+1 CP"};
    for (int i = 0; i < n; i++) {
        const char *text = words[c[i].act];
        if (c[i].act == BOARD_ACT_CLOCK) {
            game_status_t st = in->games[0].status;
            text = st == GAME_SETUP ? "Start" : st == GAME_ACTIVE ? "Pause" : st == GAME_PAUSED ? "Resume" : "Ended";
        }
        char key[32];
        snprintf(key, sizeof(key), "touch%d", i);
        uint32_t fg = c[i].player == 1 ? C_P1 : c[i].player == 2 ? C_P2 : C_TEXT;
        label(f, key, inset(c[i].r, 2, 2, 2, 2), C_PANEL2, text, fg, RASTER_CENTER);
    }
}

/* ---- drawing ---- */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 1099511628211ull;
    return h;
}

#define FNV0 14695981039346656037ull

static uint64_t content_hash(const region_t *g)
{
    uint64_t h = fnv(FNV0, &g->kind, sizeof(g->kind));
    uint32_t c[3] = {g->bg, g->fg, g->pill};
    int v[4] = {(int)g->align, g->digits, g->min_size, g->max_size};
    h = fnv(h, c, sizeof(c));
    h = fnv(h, v, sizeof(v));
    return fnv(h, g->text, g->len);
}

static uint64_t layout_hash(const frame_t *f, int w, int h)
{
    int wh[3] = {w, h, f->nreg};
    uint64_t x = fnv(FNV0, wh, sizeof(wh));
    for (int i = 0; i < f->ndeco; i++) {
        const deco_t *d = &f->deco[i];
        int v[10] = {d->r.x, d->r.y, d->r.w, d->r.h, d->clip.x, d->clip.y, d->clip.w, d->clip.h, d->radius, (int)d->color};
        x = fnv(x, v, sizeof(v));
    }
    for (int i = 0; i < f->nreg; i++) {
        const region_t *g = &f->reg[i];
        x = fnv(x, &g->r, sizeof(g->r));
        x = fnv(x, g->name, strlen(g->name));
    }
    return x;
}

static const qr_t *qr_of(board_t *b, const char *s, size_t len)
{
    uint64_t key = fnv(FNV0, s, len) | 1;
    for (int i = 0; i < QR_CACHE; i++)
        if (b->qrs[i].key == key)
            return b->qrs[i].ok ? &b->qrs[i].qr : NULL;
    int i = b->qr_next;
    b->qr_next = (b->qr_next + 1) % QR_CACHE;
    b->qrs[i].key = key;
    b->qrs[i].ok = qr_encode((const uint8_t *)s, len, &b->qrs[i].qr) == QR_OK;
    return b->qrs[i].ok ? &b->qrs[i].qr : NULL;
}

static void draw_region(board_t *b, const region_t *g)
{
    raster_t *r = &b->canvas;
    raster_fill(r, g->r, g->r, g->bg);
    if (g->len == 0 || g->r.w <= 0 || g->r.h <= 0)
        return;
    if (g->kind == K_TEXT) {
        raster_text_box(r, g->r, b->font, g->r, g->max_size, g->min_size, g->align, g->digits, g->fg, g->text, g->len);
    } else if (g->kind == K_PILL) {
        /* A rounded label as tall as the region, as wide as its text (at most the region). */
        int size = (int)((float)g->r.h * 0.55f);
        int tw = raster_text_width(b->font, size, g->text, g->len), padx = g->r.h / 2;
        int w = tw + 2 * padx > g->r.w ? g->r.w : tw + 2 * padx;
        int x = g->align == RASTER_LEFT ? g->r.x : g->align == RASTER_RIGHT ? g->r.x + g->r.w - w : g->r.x + (g->r.w - w) / 2;
        raster_rect_t p = {x, g->r.y, w, g->r.h};
        raster_round_rect(r, g->r, p, g->r.h / 2, g->pill);
        raster_text_box(r, g->r, b->font, inset(p, padx, 0, padx, 0), size, size / 2, RASTER_CENTER, 0, g->fg, g->text,
                        g->len);
    } else {
        const qr_t *q = qr_of(b, g->text, g->len);
        if (!q)
            return;
        int side = g->r.w < g->r.h ? g->r.w : g->r.h, module = side / (q->size + 8);
        if (module < 1)
            return;
        int s = raster_qr_side(q, module);
        raster_qr(r, g->r, q, g->r.x + (g->r.w - s) / 2, g->r.y + (g->r.h - s) / 2, module, C_INK, C_CARD);
    }
}

board_t *board_new(int w, int h)
{
    if (w < 1 || h < 1 || w > RASTER_SIDE_MAX || h > RASTER_SIDE_MAX)
        return NULL;
    raster_font_t *font = raster_font_new();
    if (!font)
        return NULL;
    board_t *b = mem_zalloc(sizeof(*b));
    b->font = font;
    raster_init(&b->canvas, w, h, C_BG);
    return b;
}

void board_free(board_t *b)
{
    if (!b)
        return;
    raster_free(&b->canvas);
    raster_font_free(b->font);
    free(b);
}

const raster_t *board_raster(const board_t *b)
{
    return &b->canvas;
}

void board_invalidate(board_t *b)
{
    b->valid = false;
}

int board_region(const board_t *b, const char *name, raster_rect_t *out)
{
    for (int i = 0; i < b->f.nreg; i++)
        if (strcmp(b->f.reg[i].name, name) == 0) {
            *out = b->f.reg[i].r;
            return 0;
        }
    return -1;
}

int board_regions(const board_t *b, raster_rect_t *out, int cap)
{
    for (int i = 0; i < b->f.nreg && i < cap; i++)
        out[i] = b->f.reg[i].r;
    return b->f.nreg;
}

static raster_rect_t unite(raster_rect_t a, raster_rect_t b)
{
    if (a.w <= 0 || a.h <= 0)
        return b;
    int x0 = a.x < b.x ? a.x : b.x, y0 = a.y < b.y ? a.y : b.y;
    int x1 = a.x + a.w > b.x + b.w ? a.x + a.w : b.x + b.w, y1 = a.y + a.h > b.y + b.h ? a.y + a.h : b.y + b.h;
    return (raster_rect_t){x0, y0, x1 - x0, y1 - y0};
}

int board_render(board_t *b, const board_input_t *in, raster_rect_t *damage, int cap)
{
    frame_t *f = &b->f;
    int W = b->canvas.w, H = b->canvas.h;
    float u = (float)(W < H ? W : H) / 100.0f;
    f->font = b->font;
    f->nreg = 0;
    f->ndeco = 0;
    f->used = 0;
    b->nctl = in->touch ? board_controls(W, H, in->ngames == 1, b->ctl) : 0;
    int LH = H; /* the layouts fill the screen above the touch targets */
    for (int i = 0; i < b->nctl; i++)
        if (b->ctl[i].r.y < LH)
            LH = b->ctl[i].r.y;
    if (LH != H)
        u = (float)(W < LH ? W : LH) / 100.0f;
    if (in->ngames <= 0)
        layout_connect(f, in, W, LH, u);
    else if (in->ngames == 1)
        layout_game(f, in, W, LH, u);
    else
        layout_hall(f, in, W, LH, u);
    layout_controls(f, in, b->ctl, b->nctl);

    raster_rect_t all = {0, 0, W, H};
    uint64_t lh = layout_hash(f, W, H);
    if (!b->valid || lh != b->layout || b->nhash != f->nreg) {
        raster_fill(&b->canvas, all, all, C_BG);
        for (int i = 0; i < f->ndeco; i++)
            raster_round_rect(&b->canvas, f->deco[i].clip, f->deco[i].r, f->deco[i].radius, f->deco[i].color);
        for (int i = 0; i < f->nreg; i++) {
            draw_region(b, &f->reg[i]);
            b->hash[i] = content_hash(&f->reg[i]);
        }
        b->nhash = f->nreg;
        b->layout = lh;
        b->valid = true;
        if (cap > 0)
            damage[0] = all;
        return 1;
    }
    int n = 0, changed = 0;
    for (int i = 0; i < f->nreg; i++) {
        uint64_t h = content_hash(&f->reg[i]);
        if (h == b->hash[i])
            continue;
        changed++;
        b->hash[i] = h;
        draw_region(b, &f->reg[i]);
        if (n < cap)
            damage[n++] = f->reg[i].r;
        else if (cap > 0)
            damage[cap - 1] = unite(damage[cap - 1], f->reg[i].r);
    }
    return cap > 0 ? n : changed;
}
