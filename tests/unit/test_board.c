/*
 * Unit tests for src/board.c, src/raster.c and src/png.c: the box's screen.
 *
 * Fixed states are rendered at 800x480, 1920x1080 and in portrait, written as PNG files
 * under build/test/screen/ and read back by independent programs: zbarimg (Debian
 * zbar-tools) must decode every QR code to its exact text, tesseract (Debian
 * tesseract-ocr) must read the names and the totals. Damage is checked on the pixels:
 * a clock tick changes the clock region and nothing else, a frame that did not change
 * draws nothing, and every incremental frame equals the same state drawn from scratch.
 * Hostile names (40 wide characters, right-to-left scripts, emoji) must stay inside
 * their regions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <sys/stat.h>
#include <zlib.h>

#include "board.h"
#include "png.h"
#include "raster.h"

#define OUT_DIR "build/test/screen"

static const char *const URL_P1 = "http://192.168.1.23:8765/j/ABC234";
static const char *const URL_P2 = "http://192.168.1.23:8765/j/DEF567";
static const char *const URL_OBS = "http://192.168.1.23:8765/j/WATCH9";
static const char *const WIFI = "WIFI:T:WPA;S:Club Hall;P:dice-and-tea;;";
static const char *const URL_HOME = "http://192.168.1.23:8765/";

static void set(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
}

static void player(board_player_t *p, const char *name, const char *faction, int primary, int secondary, int cp, int64_t ms,
                   bool running)
{
    set(p->name, sizeof(p->name), name);
    set(p->faction, sizeof(p->faction), faction);
    p->primary = primary;
    p->secondary = secondary;
    p->cp = cp;
    p->remaining_ms = ms;
    p->running = running;
}

static void card(board_qr_t *q, const char *title, const char *caption, const char *payload)
{
    set(q->title, sizeof(q->title), title);
    set(q->caption, sizeof(q->caption), caption);
    set(q->payload, sizeof(q->payload), payload);
}

/* One game in round 2, Ana to play with her clock running, four QR cards. */
static void one_game(board_input_t *in)
{
    memset(in, 0, sizeof(*in));
    in->ngames = 1;
    board_game_t *g = &in->games[0];
    set(g->id, sizeof(g->id), "g1");
    g->status = GAME_ACTIVE;
    g->round = 2;
    g->rounds = 5;
    g->current_turn = 1;
    g->attacker = 2;
    player(&g->players[0], "Ana", "Aeldari", 13, 4, 3, 5396000, true);
    player(&g->players[1], "Ben", "Orks", 5, 4, 3, 5400000, false);
    in->nqr = 4;
    card(&in->qr[0], "1. Join Wi-Fi", "Club Hall", WIFI);
    card(&in->qr[1], "2. Ana", "ABC234", URL_P1);
    card(&in->qr[2], "2. Ben", "DEF567", URL_P2);
    card(&in->qr[3], "2. Watch", "WATCH9", URL_OBS);
}

static void hall(board_input_t *in, int n)
{
    static const char *const names[] = {"Ana", "Ben", "Cleo", "Dov", "Eli", "Fay", "Gus", "Hal"};
    memset(in, 0, sizeof(*in));
    in->ngames = n > BOARD_GAMES_MAX ? BOARD_GAMES_MAX : n;
    in->more_games = n - in->ngames;
    in->event_timer = true;
    in->event_remaining_ms = 2 * 3600000 + 15 * 60000;
    in->event_running = true;
    for (int i = 0; i < in->ngames; i++) {
        board_game_t *g = &in->games[i];
        snprintf(g->table, sizeof(g->table), "Table %d", i + 1);
        snprintf(g->id, sizeof(g->id), "t%d", i + 1);
        g->status = i % 4 == 3 ? GAME_PAUSED : GAME_ACTIVE;
        g->round = 1 + i % 5;
        g->rounds = 5;
        g->current_turn = 1 + i % 2;
        player(&g->players[0], names[(2 * i) % 8], "Aeldari", 10 + i, 3, 2, 3000000 + 1000 * i, g->current_turn == 1);
        player(&g->players[1], names[(2 * i + 1) % 8], "Orks", 7 + i, 2, 1, 2800000 - 1000 * i, g->current_turn == 2);
    }
    if (in->ngames > 2) {
        in->games[2].judge = true;
        set(in->games[2].judge_by, sizeof(in->games[2].judge_by), "Cleo");
    }
}

static void connect_screen(board_input_t *in)
{
    memset(in, 0, sizeof(*in));
    in->nqr = 2;
    card(&in->qr[0], "1. Join Wi-Fi", "Club Hall", WIFI);
    card(&in->qr[1], "2. Open", URL_HOME, URL_HOME);
}

static void out_dir(void)
{
    mkdir("build", 0755);
    mkdir("build/test", 0755);
    mkdir(OUT_DIR, 0755);
}

static board_t *render(int w, int h, const board_input_t *in)
{
    board_t *b = board_new(w, h);
    assert_non_null(b);
    raster_rect_t d[8];
    assert_int_equal(board_render(b, in, d, 8), 1);
    assert_int_equal(d[0].w, w);
    assert_int_equal(d[0].h, h);
    return b;
}

static void save(const board_t *b, const char *name)
{
    char path[256];
    out_dir();
    snprintf(path, sizeof(path), OUT_DIR "/%s.png", name);
    const raster_t *r = board_raster(b);
    assert_int_equal(png_write(path, r->px, r->w, r->h, r->stride), 0);
}

/* Runs a command and returns its standard output (at most cap - 1 bytes), or fails the test. */
static void run(const char *cmd, char *out, size_t cap)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = 0;
    pclose(p);
}

static bool has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
        if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == 0))
            return true;
    return false;
}

static int count_lines(const char *text)
{
    int n = 0;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n;
}

/* ---- PNG ---- */

/* Reads back a PNG written by png_write (RGB, filter type per row) into 0x00RRGGBB. */
static uint32_t *png_read_back(const char *path, int *w, int *h)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static uint8_t file[4 << 20];
    size_t n = fread(file, 1, sizeof(file), f);
    fclose(f);
    assert_true(n > 8 && memcmp(file, "\x89PNG\r\n\x1a\n", 8) == 0);
    size_t pos = 8, zn = 0;
    uint8_t *z = malloc(n);
    while (pos + 12 <= n) {
        uint32_t len = (uint32_t)file[pos] << 24 | (uint32_t)file[pos + 1] << 16 | (uint32_t)file[pos + 2] << 8 | file[pos + 3];
        const uint8_t *type = file + pos + 4, *data = file + pos + 8;
        uint32_t crc = (uint32_t)data[len] << 24 | (uint32_t)data[len + 1] << 16 | (uint32_t)data[len + 2] << 8 | data[len + 3];
        assert_int_equal(crc, (uint32_t)crc32(0, type, len + 4));
        if (memcmp(type, "IHDR", 4) == 0) {
            *w = (int)((uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3]);
            *h = (int)((uint32_t)data[4] << 24 | (uint32_t)data[5] << 16 | (uint32_t)data[6] << 8 | data[7]);
            assert_int_equal(data[8], 8);
            assert_int_equal(data[9], 2);
        } else if (memcmp(type, "IDAT", 4) == 0) {
            memcpy(z + zn, data, len);
            zn += len;
        }
        pos += 12 + len;
    }
    size_t rowlen = 1 + 3 * (size_t)*w;
    uLongf rn = rowlen * (size_t)*h;
    uint8_t *raw = malloc(rn);
    assert_int_equal(uncompress(raw, &rn, z, zn), Z_OK);
    assert_int_equal(rn, rowlen * (size_t)*h);
    uint32_t *px = malloc(sizeof(uint32_t) * (size_t)*w * (size_t)*h);
    for (int y = 0; y < *h; y++) {
        uint8_t *row = raw + rowlen * (size_t)y;
        assert_true(row[0] <= 1); /* none or Sub */
        for (size_t i = 1; i < rowlen; i++)
            if (row[0] == 1 && i > 3)
                row[i] = (uint8_t)(row[i] + row[i - 3]);
        for (int x = 0; x < *w; x++)
            px[(size_t)y * (size_t)*w + (size_t)x] =
                (uint32_t)row[1 + 3 * x] << 16 | (uint32_t)row[2 + 3 * x] << 8 | row[3 + 3 * x];
    }
    free(z);
    free(raw);
    return px;
}

static void test_png_round_trip(void **state)
{
    (void)state;
    out_dir();
    raster_t r;
    assert_int_equal(raster_init(&r, 301, 77, 0x123456), 0);
    for (int y = 0; y < r.h; y++)
        for (int x = 0; x < r.w; x++)
            r.px[y * r.stride + x] = (uint32_t)(x * 7 + y * 131) * 2654435761u & 0xffffffu;
    const char *path = OUT_DIR "/roundtrip.png";
    assert_int_equal(png_write(path, r.px, r.w, r.h, r.stride), 0);
    /* Replacing the file works, and leaves no temporary file behind. */
    r.px[0] = 0xabcdef;
    assert_int_equal(png_write(path, r.px, r.w, r.h, r.stride), 0);
    int w = 0, h = 0;
    uint32_t *px = png_read_back(path, &w, &h);
    assert_int_equal(w, 301);
    assert_int_equal(h, 77);
    assert_memory_equal(px, r.px, sizeof(uint32_t) * 301 * 77);
    free(px);
    DIR *d = opendir(OUT_DIR);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        assert_null(strstr(e->d_name, ".tmp."));
    closedir(d);
    /* A crop: a pointer into the canvas with the canvas's stride. */
    assert_int_equal(png_write(path, r.px + 10 * r.stride + 20, 50, 30, r.stride), 0);
    px = png_read_back(path, &w, &h);
    assert_int_equal(w, 50);
    assert_int_equal(px[0], r.px[10 * r.stride + 20]);
    assert_int_equal(px[29 * 50 + 49], r.px[39 * r.stride + 69]);
    free(px);
    assert_int_equal(png_write(OUT_DIR "/no/such/dir.png", r.px, r.w, r.h, r.stride), -2 /* ENOENT */);
    assert_int_equal(png_write(path, r.px, 0, 1, 1), -22 /* EINVAL */);
    raster_free(&r);
}

/* ---- layout ---- */

static const char *const region_names[] = {"p1.name", "p1.faction", "p1.total", "p1.primary", "p1.secondary", "p1.cp",
                                           "p1.clock", "p2.name", "p2.faction", "p2.total", "p2.primary", "p2.secondary",
                                           "p2.cp", "p2.clock", "headline", "judge"};

static bool inside(raster_rect_t a, raster_rect_t outer)
{
    return a.x >= outer.x && a.y >= outer.y && a.x + a.w <= outer.x + outer.w && a.y + a.h <= outer.y + outer.h;
}

static bool overlap(raster_rect_t a, raster_rect_t b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static void test_layouts_fit(void **state)
{
    (void)state;
    static const int sizes[][2] = {{800, 480}, {1024, 600}, {1280, 720}, {1920, 1080}, {3840, 2160}, {480, 800}, {1080, 1920}};
    static board_input_t in;
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        int w = sizes[s][0], h = sizes[s][1];
        for (int mode = 0; mode < 4; mode++) {
            if (mode == 0)
                one_game(&in);
            else if (mode == 1) {
                one_game(&in);
                in.nqr = 0;
            } else if (mode == 2)
                hall(&in, 19);
            else
                connect_screen(&in);
            board_t *b = render(w, h, &in);
            if (w < 3000) {
                static const char *const modes[] = {"game", "game-noqr", "hall", "connect"};
                char name[64];
                snprintf(name, sizeof(name), "layout-%s-%dx%d", modes[mode], w, h);
                save(b, name);
            }
            raster_rect_t all = {0, 0, w, h}, r[BOARD_REGIONS_MAX];
            if (mode < 2)
                for (size_t i = 0; i < sizeof(region_names) / sizeof(region_names[0]); i++)
                    assert_int_equal(board_region(b, region_names[i], &r[0]), 0);
            for (int q = 0; q < (mode == 1 || mode == 2 ? 0 : in.nqr); q++) {
                char k[16];
                snprintf(k, sizeof(k), "qr%d", q);
                assert_int_equal(board_region(b, k, &r[0]), 0);
                /* Room for the symbol at 2 pixels a module at least (a 37-module symbol with its quiet zone). */
                assert_true(r[0].w >= 74 && r[0].h >= 74);
            }
            /* Every region inside the screen, none over another (a redraw of one never touches another). */
            int n = board_regions(b, r, BOARD_REGIONS_MAX);
            assert_true(n > 5 && n <= BOARD_REGIONS_MAX);
            for (int i = 0; i < n; i++) {
                assert_true(r[i].w > 0 && r[i].h > 0);
                assert_true(inside(r[i], all));
                for (int j = 0; j < i; j++)
                    if (overlap(r[i], r[j]))
                        fail_msg("%dx%d mode %d: regions %d and %d overlap", w, h, mode, i, j);
            }
            board_free(b);
        }
    }
}

/* ---- QR codes through zbarimg ---- */

static void expect_qr(const char *name, int w, int h, const board_input_t *in)
{
    board_t *b = render(w, h, in);
    save(b, name);
    board_free(b);
    char cmd[512], out[4096];
    snprintf(cmd, sizeof(cmd), "zbarimg --raw -q -Sdisable -Sqrcode.enable " OUT_DIR "/%s.png 2>/dev/null", name);
    run(cmd, out, sizeof(out));
    for (int i = 0; i < in->nqr; i++) {
        if (!has_line(out, in->qr[i].payload))
            fail_msg("%s: zbarimg did not find %s in:\n%s", name, in->qr[i].payload, out);
    }
    assert_int_equal(count_lines(out), in->nqr);
}

static void test_qr_codes_decode(void **state)
{
    (void)state;
    static board_input_t in;
    one_game(&in);
    expect_qr("game-800x480", 800, 480, &in);
    expect_qr("game-1920x1080", 1920, 1080, &in);
    expect_qr("game-480x800", 480, 800, &in);
    expect_qr("game-1080x1920", 1080, 1920, &in);
    connect_screen(&in);
    expect_qr("connect-800x480", 800, 480, &in);
    expect_qr("connect-1920x1080", 1920, 1080, &in);
    expect_qr("connect-1080x1920", 1080, 1920, &in);
}

/* ---- text through tesseract ---- */

static void ocr(const char *png, const char *psm, char *out, size_t cap)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "tesseract %s - --psm %s 2>/dev/null", png, psm);
    run(cmd, out, cap);
}

static bool has_word(const char *text, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = text; (p = strstr(p, word)) != NULL; p++) {
        bool left = p == text || !((p[-1] >= '0' && p[-1] <= '9') || (p[-1] >= 'A' && p[-1] <= 'z'));
        bool right = !((p[n] >= '0' && p[n] <= '9') || (p[n] >= 'A' && p[n] <= 'z'));
        if (left && right)
            return true;
    }
    return false;
}

/* Tesseract reads lines of text 20 to 60 pixels high best, dark on light. The totals are
 * hundreds of pixels high: their region of the frame is cut out, scaled down by
 * averaging and inverted before it is read. */
static void ocr_region(const board_t *b, const char *frame, const char *region, const char *want)
{
    raster_rect_t rc;
    assert_int_equal(board_region(b, region, &rc), 0);
    const raster_t *r = board_raster(b);
    int k = rc.h / 50 > 1 ? rc.h / 50 : 1, margin = 16;
    int w = rc.w / k + 2 * margin, h = rc.h / k + 2 * margin;
    uint32_t *px = malloc(sizeof(uint32_t) * (size_t)w * (size_t)h);
    for (int i = 0; i < w * h; i++)
        px[i] = 0xffffff;
    for (int y = 0; y < rc.h / k; y++)
        for (int x = 0; x < rc.w / k; x++) {
            unsigned sum = 0;
            for (int dy = 0; dy < k; dy++)
                for (int dx = 0; dx < k; dx++) {
                    uint32_t v = r->px[(size_t)(rc.y + y * k + dy) * (size_t)r->stride + (size_t)(rc.x + x * k + dx)];
                    sum += ((v >> 16 & 255) + (v >> 8 & 255) + (v & 255)) / 3;
                }
            unsigned grey = 255 - sum / (unsigned)(k * k);
            px[(size_t)(y + margin) * (size_t)w + (size_t)(x + margin)] = grey << 16 | grey << 8 | grey;
        }
    char path[256], out[1024];
    snprintf(path, sizeof(path), OUT_DIR "/%s-%s.png", frame, region);
    assert_int_equal(png_write(path, px, w, h, w), 0);
    free(px);
    ocr(path, "7", out, sizeof(out));
    if (!has_word(out, want))
        fail_msg("%s: tesseract read '%s' in %s, want %s", frame, out, region, want);
}

static void expect_ocr(const char *name, int w, int h)
{
    static board_input_t in;
    one_game(&in);
    /* Names and totals that no other text on the screen contains. */
    set(in.games[0].players[0].name, GAME_NAME_SIZE, "Marta");
    set(in.games[0].players[1].name, GAME_NAME_SIZE, "Jonas");
    in.games[0].players[0].primary = 30;
    in.games[0].players[0].secondary = 12; /* total 42 */
    in.games[0].players[1].primary = 50;
    in.games[0].players[1].secondary = 8; /* total 58 */
    board_t *b = render(w, h, &in);
    save(b, name);
    char path[256], out[8192];
    snprintf(path, sizeof(path), OUT_DIR "/%s.png", name);
    /* The whole frame, as it is: the names. */
    ocr(path, "11", out, sizeof(out));
    static const char *const words[] = {"Marta", "Jonas"};
    for (size_t i = 0; i < 2; i++)
        if (!has_word(out, words[i]))
            fail_msg("%s: tesseract did not read %s in:\n%s", name, words[i], out);
    ocr_region(b, name, "p1.total", "42");
    ocr_region(b, name, "p2.total", "58");
    ocr_region(b, name, "p1.clock", "1:29:56");
    board_free(b);
}

static void test_ocr_reads_names_and_totals(void **state)
{
    (void)state;
    expect_ocr("ocr-800x480", 800, 480);
    expect_ocr("ocr-1920x1080", 1920, 1080);
    expect_ocr("ocr-1080x1920", 1080, 1920);
}

/* ---- damage ---- */

static uint32_t *snapshot(const board_t *b)
{
    const raster_t *r = board_raster(b);
    size_t n = (size_t)r->stride * (size_t)r->h;
    uint32_t *p = malloc(n * sizeof(uint32_t));
    memcpy(p, r->px, n * sizeof(uint32_t));
    return p;
}

/* Pixels that differ between a and b outside the given rectangles, and inside them. */
static void diff(const board_t *b, const uint32_t *a, const uint32_t *c, const raster_rect_t *rs, int n, long *out_outside,
                 long *out_inside)
{
    const raster_t *r = board_raster(b);
    long o = 0, in = 0;
    for (int y = 0; y < r->h; y++)
        for (int x = 0; x < r->w; x++) {
            size_t i = (size_t)y * (size_t)r->stride + (size_t)x;
            if (a[i] == c[i])
                continue;
            bool hit = false;
            for (int k = 0; k < n && !hit; k++)
                hit = inside((raster_rect_t){x, y, 1, 1}, rs[k]);
            if (hit)
                in++;
            else
                o++;
        }
    *out_outside = o;
    *out_inside = in;
}

/* The incremental canvas must equal the same input drawn from scratch. */
static void expect_same_as_fresh(const board_t *b, const board_input_t *in)
{
    const raster_t *r = board_raster(b);
    board_t *f = render(r->w, r->h, in);
    assert_memory_equal(board_raster(f)->px, r->px, sizeof(uint32_t) * (size_t)r->stride * (size_t)r->h);
    board_free(f);
}

static void clock_tick(int w, int h)
{
    static board_input_t in;
    one_game(&in);
    board_t *b = render(w, h, &in);
    uint32_t *before = snapshot(b);
    in.games[0].players[0].remaining_ms -= 1000; /* one second later */
    raster_rect_t d[8], clk;
    assert_int_equal(board_render(b, &in, d, 8), 1);
    assert_int_equal(board_region(b, "p1.clock", &clk), 0);
    assert_memory_equal(&d[0], &clk, sizeof(clk));
    uint32_t *after = snapshot(b);
    long outside, changed;
    diff(b, before, after, &clk, 1, &outside, &changed);
    assert_int_equal(outside, 0);
    assert_true(changed > 50); /* 1:29:56 -> 1:29:55: a digit's worth of pixels */
    expect_same_as_fresh(b, &in);
    /* The same frame again draws nothing. */
    assert_int_equal(board_render(b, &in, d, 8), 0);
    uint32_t *again = snapshot(b);
    assert_memory_equal(again, after, sizeof(uint32_t) * (size_t)w * (size_t)h);
    free(before);
    free(after);
    free(again);
    board_free(b);
}

static void test_clock_tick_redraws_only_the_clock(void **state)
{
    (void)state;
    clock_tick(800, 480);
    clock_tick(1920, 1080);
    clock_tick(1080, 1920);
}

static void test_hall_tick_redraws_only_clocks(void **state)
{
    (void)state;
    static board_input_t in;
    hall(&in, 6);
    board_t *b = render(1920, 1080, &in);
    save(b, "hall-1920x1080");
    uint32_t *before = snapshot(b);
    in.event_remaining_ms -= 1000;
    for (int i = 0; i < in.ngames; i++)
        for (int p = 0; p < 2; p++)
            if (in.games[i].players[p].running)
                in.games[i].players[p].remaining_ms -= 1000;
    raster_rect_t d[16], want[16];
    int n = board_render(b, &in, d, 16);
    assert_int_equal(n, 1 + in.ngames); /* the round timer and one running clock per table */
    assert_int_equal(board_region(b, "timer", &want[0]), 0);
    for (int i = 0; i < in.ngames; i++) {
        char k[32];
        snprintf(k, sizeof(k), "row%d.%s", i, in.games[i].players[0].running ? "p1clock" : "p2clock");
        assert_int_equal(board_region(b, k, &want[1 + i]), 0);
    }
    for (int i = 0; i < n; i++) {
        bool found = false;
        for (int k = 0; k < n; k++)
            found |= memcmp(&d[i], &want[k], sizeof(d[i])) == 0;
        assert_true(found);
    }
    uint32_t *after = snapshot(b);
    long outside, changed;
    diff(b, before, after, want, n, &outside, &changed);
    assert_int_equal(outside, 0);
    assert_true(changed > 0);
    expect_same_as_fresh(b, &in);
    free(before);
    free(after);
    board_free(b);
}

/* A sequence of changes; after each, the incremental canvas equals a fresh drawing. */
static void test_incremental_equals_full(void **state)
{
    (void)state;
    static board_input_t in;
    one_game(&in);
    board_t *b = render(800, 480, &in);
    raster_rect_t d[32];
    board_game_t *g = &in.games[0];
    for (int step = 0; step < 14; step++) {
        switch (step) {
        case 0: g->players[0].primary += 5; break;
        case 1: g->players[1].cp = 0; break;
        case 2: g->judge = true; set(g->judge_by, sizeof(g->judge_by), "Ben"); break;
        case 3: set(g->judge_reason, sizeof(g->judge_reason), "Line of sight on the ruin"); break;
        case 4: g->judge = false; break;
        case 5: g->current_turn = 2; g->players[0].running = false; g->players[1].running = true; break;
        case 6: g->players[1].remaining_ms = 4 * 60000; break; /* low: amber */
        case 7: in.nqr = 1; in.qr[0] = in.qr[3]; break;         /* the players joined */
        case 8: set(in.qr[0].payload, sizeof(in.qr[0].payload), "http://192.168.1.23:8765/j/NEW777"); break;
        case 9: g->status = GAME_PAUSED; g->players[1].running = false; break;
        case 10: g->players[1].remaining_ms = 0; g->players[1].flagged = true; break;
        case 11: g->status = GAME_ENDED; g->winner = 1; break;
        case 12: set(g->players[0].faction, GAME_NAME_SIZE, ""); break;
        case 13: in.nqr = 0; break;
        }
        int n = board_render(b, &in, d, 32);
        assert_true(n >= 1);
        expect_same_as_fresh(b, &in);
        if (step == 3)
            save(b, "judge-800x480");
    }
    save(b, "sequence-end-800x480");
    board_free(b);
}

static void test_layout_change_is_full_redraw(void **state)
{
    (void)state;
    static board_input_t in;
    one_game(&in);
    board_t *b = render(1280, 720, &in);
    raster_rect_t d[8];
    in.games[0].current_turn = 2; /* the green border moves to the other panel */
    assert_int_equal(board_render(b, &in, d, 8), 1);
    assert_int_equal(d[0].w, 1280);
    assert_int_equal(d[0].h, 720);
    board_invalidate(b);
    assert_int_equal(board_render(b, &in, d, 8), 1);
    assert_int_equal(d[0].w, 1280);
    /* One score: its total and its part, nothing else. */
    in.games[0].players[1].secondary++;
    assert_int_equal(board_render(b, &in, d, 8), 2);
    board_free(b);
}

/* ---- hostile text ---- */

static void repeat(char *dst, size_t cap, const char *unit, int n)
{
    dst[0] = 0;
    for (int i = 0; i < n && strlen(dst) + strlen(unit) < cap; i++)
        strcat(dst, unit);
}

static void hostile(int w, int h, const char *name)
{
    static board_input_t in;
    one_game(&in);
    board_t *b = render(w, h, &in);
    uint32_t *before = snapshot(b);
    board_game_t *g = &in.games[0];
    repeat(g->players[0].name, GAME_NAME_SIZE, "\xe6\xbc\xa2", 40);        /* 40 x U+6F22, wide */
    repeat(g->players[0].faction, GAME_NAME_SIZE, "\xef\xbc\xad", 40);     /* 40 x U+FF2D, fullwidth M */
    repeat(g->players[1].name, GAME_NAME_SIZE, "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d ", 8); /* Hebrew, right to left */
    repeat(g->players[1].faction, GAME_NAME_SIZE, "\xf0\x9f\x98\x80", 40); /* 40 emoji, outside the font */
    raster_rect_t d[16], allowed[4];
    int n = board_render(b, &in, d, 16);
    assert_int_equal(n, 4);
    static const char *const names[4] = {"p1.name", "p1.faction", "p2.name", "p2.faction"};
    for (int i = 0; i < 4; i++)
        assert_int_equal(board_region(b, names[i], &allowed[i]), 0);
    uint32_t *after = snapshot(b);
    long outside, changed;
    diff(b, before, after, allowed, 4, &outside, &changed);
    assert_int_equal(outside, 0);
    assert_true(changed > 100);
    expect_same_as_fresh(b, &in);
    save(b, name);
    free(before);
    free(after);
    board_free(b);
    /* A judge call with a 200-character reason and the longest names, in the hall too. */
    g->judge = true;
    set(g->judge_by, sizeof(g->judge_by), g->players[0].name);
    repeat(g->judge_reason, sizeof(g->judge_reason), "\xd8\xb9", 200); /* Arabic letter ain */
    b = render(w, h, &in);
    board_free(b);
    static board_input_t hl;
    hall(&hl, 3);
    hl.games[0].players[0] = g->players[0];
    hl.games[1].players[1] = g->players[1];
    repeat(hl.games[2].table, sizeof(hl.games[2].table), "\xf0\x9f\x8e\xb2", 40);
    b = render(w, h, &hl);
    board_free(b);
}

static void test_hostile_names_stay_inside(void **state)
{
    (void)state;
    hostile(800, 480, "hostile-800x480");
    hostile(1920, 1080, "hostile-1920x1080");
    hostile(480, 800, "hostile-480x800");
}

/* ---- the plain pieces ---- */

static void test_clock_text(void **state)
{
    (void)state;
    char s[16];
    board_clock_text(5400000, s);
    assert_string_equal(s, "1:30:00");
    board_clock_text(5399001, s);
    assert_string_equal(s, "1:30:00");
    board_clock_text(5399000, s);
    assert_string_equal(s, "1:29:59");
    board_clock_text(3599999, s);
    assert_string_equal(s, "1:00:00");
    board_clock_text(3599000, s);
    assert_string_equal(s, "59:59");
    board_clock_text(9000, s);
    assert_string_equal(s, "0:09");
    board_clock_text(1, s);
    assert_string_equal(s, "0:01");
    board_clock_text(0, s);
    assert_string_equal(s, "0:00");
    board_clock_text(-5, s);
    assert_string_equal(s, "0:00");
    board_clock_text(INT64_MAX, s); /* capped, still fits */
    assert_true(strlen(s) < 16);
}

static void test_game_from(void **state)
{
    (void)state;
    game_t g;
    assert_int_equal(game_init(&g, "g7"), GAME_OK);
    set(g.players[0].name, sizeof(g.players[0].name), "Ana");
    g.players[0].primary = 12;
    g.players[0].clock.running = true;
    g.players[0].clock.remaining_ms = 60000;
    g.players[0].clock.since_ms = 1000;
    g.status = GAME_ACTIVE;
    g.round = 3;
    g.current_turn = 1;
    board_game_t out;
    board_game_from(&g, 11000, &out);
    assert_string_equal(out.id, "g7");
    assert_string_equal(out.players[0].name, "Ana");
    assert_int_equal(out.players[0].primary, 12);
    assert_int_equal(out.players[0].remaining_ms, 50000);
    assert_true(out.players[0].running);
    assert_int_equal(out.players[1].remaining_ms, GAME_CLOCK_MS_DEFAULT);
    assert_int_equal(out.rounds, GAME_ROUNDS_DEFAULT);
    assert_int_equal(out.round, 3);
    assert_false(out.judge);
    /* An open judge call shows with the caller's name and the reason. */
    g.judge.called_by = GAME_ACTOR_P1;
    set(g.judge.reason, sizeof(g.judge.reason), "Line of sight");
    board_game_from(&g, 11000, &out);
    assert_true(out.judge);
    assert_string_equal(out.judge_by, "Ana");
    assert_string_equal(out.judge_reason, "Line of sight");
    g.judge.called_by = GAME_ACTOR_P2; /* no name yet: the player's number */
    board_game_from(&g, 11000, &out);
    assert_string_equal(out.judge_by, "Player 2");
    g.judge.called_by = GAME_ACTOR_HOST;
    board_game_from(&g, 11000, &out);
    assert_string_equal(out.judge_by, "Host");
    g.judge.called_by = GAME_ACTOR_NONE;
    board_game_from(&g, 11000, &out);
    assert_false(out.judge);
    game_release(&g);
}

static void test_text_box_never_leaves_its_box(void **state)
{
    (void)state;
    raster_t r;
    assert_int_equal(raster_init(&r, 200, 60, 0), 0);
    raster_font_t *f = raster_font_new();
    assert_non_null(f);
    raster_rect_t box = {50, 20, 100, 20};
    static const char *const texts[] = {"Hello", "A very long name that cannot fit at all in a hundred pixels",
                                        "\xe6\xbc\xa2\xe6\xbc\xa2\xe6\xbc\xa2\xe6\xbc\xa2\xe6\xbc\xa2\xe6\xbc\xa2\xe6\xbc\xa2",
                                        "\xff\xfe bad bytes \xc0\x80", ""};
    for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
        raster_fill(&r, (raster_rect_t){0, 0, 200, 60}, (raster_rect_t){0, 0, 200, 60}, 0);
        raster_text_box(&r, box, f, box, 400, 8, RASTER_LEFT, 0, 0xffffff, texts[t], strlen(texts[t]));
        long ink = 0;
        for (int y = 0; y < 60; y++)
            for (int x = 0; x < 200; x++)
                if (r.px[y * 200 + x]) {
                    assert_true(inside((raster_rect_t){x, y, 1, 1}, box));
                    ink++;
                }
        assert_true(t == 4 ? ink == 0 : ink > 20);
    }
    assert_true(raster_text_width(f, 40, "0123", 4) == 4 * raster_text_width(f, 40, "8", 1)); /* tabular digits */
    raster_font_free(f);
    raster_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clock_text),
        cmocka_unit_test(test_game_from),
        cmocka_unit_test(test_png_round_trip),
        cmocka_unit_test(test_text_box_never_leaves_its_box),
        cmocka_unit_test(test_layouts_fit),
        cmocka_unit_test(test_clock_tick_redraws_only_the_clock),
        cmocka_unit_test(test_hall_tick_redraws_only_clocks),
        cmocka_unit_test(test_layout_change_is_full_redraw),
        cmocka_unit_test(test_incremental_equals_full),
        cmocka_unit_test(test_hostile_names_stay_inside),
        cmocka_unit_test(test_qr_codes_decode),
        cmocka_unit_test(test_ocr_reads_names_and_totals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
