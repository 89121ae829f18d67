/* The cost of the box's screen, for callgrind: one board at the size given, a game
 * with four QR cards, and three kinds of frame, each in its own function so that
 * `valgrind --tool=callgrind --toggle-collect=FUNCTION` counts that frame alone:
 *   frame_cold  the first frame: empty glyph cache, every glyph rasterized;
 *   frame_full  a full redraw with the glyphs cached (a layout change, a turn);
 *   frame_tick  one second later: only the running clock is redrawn.
 * usage: screen-bench [WxH] [PNG]   (default 1920x1080; PNG keeps the last frame) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "png.h"

static board_input_t in;

static void fill(void)
{
    memset(&in, 0, sizeof(in));
    in.ngames = 1;
    board_game_t *g = &in.games[0];
    snprintf(g->id, sizeof(g->id), "g1");
    g->status = GAME_ACTIVE;
    g->round = 2;
    g->rounds = 5;
    g->current_turn = 1;
    g->attacker = 2;
    static const char *const names[2] = {"Ana", "Ben"}, *const factions[2] = {"Aeldari", "Orks"};
    for (int i = 0; i < 2; i++) {
        board_player_t *p = &g->players[i];
        snprintf(p->name, sizeof(p->name), "%s", names[i]);
        snprintf(p->faction, sizeof(p->faction), "%s", factions[i]);
        p->primary = 13 - 8 * i;
        p->secondary = 4;
        p->cp = 3;
        p->remaining_ms = 5396000 + 4000 * i;
        p->running = i == 0;
    }
    in.nqr = 4;
    static const char *const t[4] = {"1. Join Wi-Fi", "2. Ana", "2. Ben", "2. Watch"};
    static const char *const c[4] = {"Club Hall", "ABC234", "DEF567", "WATCH9"};
    static const char *const p[4] = {"WIFI:T:WPA;S:Club Hall;P:dice-and-tea;;", "http://192.168.1.23:8765/j/ABC234",
                                     "http://192.168.1.23:8765/j/DEF567", "http://192.168.1.23:8765/j/WATCH9"};
    for (int i = 0; i < 4; i++) {
        snprintf(in.qr[i].title, sizeof(in.qr[i].title), "%s", t[i]);
        snprintf(in.qr[i].caption, sizeof(in.qr[i].caption), "%s", c[i]);
        snprintf(in.qr[i].payload, sizeof(in.qr[i].payload), "%s", p[i]);
    }
}

__attribute__((noinline)) static int frame_cold(board_t *b, raster_rect_t *d)
{
    return board_render(b, &in, d, 16);
}

__attribute__((noinline)) static int frame_full(board_t *b, raster_rect_t *d)
{
    board_invalidate(b);
    return board_render(b, &in, d, 16);
}

__attribute__((noinline)) static int frame_tick(board_t *b, raster_rect_t *d)
{
    in.games[0].players[0].remaining_ms -= 1000;
    return board_render(b, &in, d, 16);
}

int main(int argc, char **argv)
{
    int w = 1920, h = 1080;
    if (argc > 1 && sscanf(argv[1], "%dx%d", &w, &h) != 2) {
        fprintf(stderr, "usage: %s [WxH] [PNG]\n", argv[0]);
        return 2;
    }
    board_t *b = board_new(w, h);
    if (!b) {
        fprintf(stderr, "screen-bench: no board at %dx%d\n", w, h);
        return 1;
    }
    fill();
    raster_rect_t d[16];
    int n0 = frame_cold(b, d), n1 = frame_full(b, d), n2 = frame_tick(b, d);
    printf("frames: cold %d rect(s), full %d, tick %d (%dx%d px)\n", n0, n1, n2, d[0].w, d[0].h);
    if (argc > 2) {
        const raster_t *r = board_raster(b);
        if (png_write(argv[2], r->px, r->w, r->h, r->stride) != 0)
            return 1;
    }
    board_free(b);
    return 0;
}
