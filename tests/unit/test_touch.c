/*
 * Unit tests for src/touch.c (evdev records to taps) and the touch targets of
 * src/board.c: table-driven event sequences as a device delivers them, and the
 * targets' sizes and hit tests at the screens the box drives.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "board.h"
#include "touch.h"

typedef struct {
    int ms, type, code, value;
} rec_t;

#define END                                                                                                                        \
    {                                                                                                                              \
        -1, 0, 0, 0                                                                                                                \
    }
#define SYN(ms)                                                                                                                    \
    {                                                                                                                              \
        ms, EV_SYN, SYN_REPORT, 0                                                                                                  \
    }
#define MT(ms, c, v)                                                                                                               \
    {                                                                                                                              \
        ms, EV_ABS, c, v                                                                                                           \
    }

typedef struct {
    const char *name;
    touch_axis_t ax, ay;
    rec_t rec[24];
    int ntaps;
    touch_tap_t taps[2];
} case_t;

#define PX_X                                                                                                                       \
    {                                                                                                                              \
        0, 799                                                                                                                     \
    }
#define PX_Y                                                                                                                       \
    {                                                                                                                              \
        0, 479                                                                                                                     \
    }

static const case_t cases[] = {
    {"multitouch tap",
     PX_X,
     PX_Y,
     {MT(0, ABS_MT_SLOT, 0), MT(0, ABS_MT_TRACKING_ID, 5), MT(0, ABS_MT_POSITION_X, 100), MT(0, ABS_MT_POSITION_Y, 200), SYN(0),
      MT(100, ABS_MT_TRACKING_ID, -1), SYN(100), END},
     1,
     {{100, 200}}},
    {"a press longer than 600 ms is no tap",
     PX_X,
     PX_Y,
     {MT(0, ABS_MT_TRACKING_ID, 1), MT(0, ABS_MT_POSITION_X, 100), MT(0, ABS_MT_POSITION_Y, 200), SYN(0),
      MT(601, ABS_MT_TRACKING_ID, -1), SYN(601), END},
     0,
     {{0, 0}}},
    {"600 ms is still a tap",
     PX_X,
     PX_Y,
     {MT(0, ABS_MT_TRACKING_ID, 1), MT(0, ABS_MT_POSITION_X, 100), MT(0, ABS_MT_POSITION_Y, 200), SYN(0),
      MT(600, ABS_MT_TRACKING_ID, -1), SYN(600), END},
     1,
     {{100, 200}}},
    {"a swipe is no tap",
     PX_X,
     PX_Y,
     {MT(0, ABS_MT_TRACKING_ID, 1), MT(0, ABS_MT_POSITION_X, 100), MT(0, ABS_MT_POSITION_Y, 200), SYN(0),
      MT(50, ABS_MT_POSITION_X, 140), SYN(50), MT(60, ABS_MT_POSITION_X, 100), SYN(60), MT(100, ABS_MT_TRACKING_ID, -1), SYN(100),
      END},
     0,
     {{0, 0}}},
    {"a small wobble is a tap where it touched",
     PX_X,
     PX_Y,
     {MT(0, ABS_MT_TRACKING_ID, 1), MT(0, ABS_MT_POSITION_X, 100), MT(0, ABS_MT_POSITION_Y, 200), SYN(0),
      MT(50, ABS_MT_POSITION_X, 120), MT(50, ABS_MT_POSITION_Y, 210), SYN(50), MT(90, ABS_MT_TRACKING_ID, -1), SYN(90), END},
     1,
     {{100, 200}}},
    {"two fingers, two taps",
     PX_X,
     PX_Y,
     {MT(0, ABS_MT_SLOT, 0), MT(0, ABS_MT_TRACKING_ID, 7), MT(0, ABS_MT_POSITION_X, 10), MT(0, ABS_MT_POSITION_Y, 20),
      MT(0, ABS_MT_SLOT, 1), MT(0, ABS_MT_TRACKING_ID, 8), MT(0, ABS_MT_POSITION_X, 700), MT(0, ABS_MT_POSITION_Y, 400), SYN(0),
      MT(80, ABS_MT_SLOT, 0), MT(80, ABS_MT_TRACKING_ID, -1), MT(80, ABS_MT_SLOT, 1), MT(80, ABS_MT_TRACKING_ID, -1), SYN(80), END},
     2,
     {{10, 20}, {700, 400}}},
    {"no tap before the frame ends",
     PX_X,
     PX_Y,
     {MT(0, ABS_MT_TRACKING_ID, 1), MT(0, ABS_MT_POSITION_X, 100), MT(0, ABS_MT_POSITION_Y, 200), SYN(0),
      MT(100, ABS_MT_TRACKING_ID, -1), END},
     0,
     {{0, 0}}},
    {"dropped records void the contact",
     PX_X,
     PX_Y,
     {MT(0, ABS_MT_TRACKING_ID, 1),
      MT(0, ABS_MT_POSITION_X, 100),
      MT(0, ABS_MT_POSITION_Y, 200),
      SYN(0),
      {50, EV_SYN, SYN_DROPPED, 0},
      SYN(60),
      MT(100, ABS_MT_TRACKING_ID, -1),
      SYN(100),
      END},
     0,
     {{0, 0}}},
    {"single touch: BTN_TOUCH with ABS_X/Y",
     PX_X,
     PX_Y,
     {{0, EV_KEY, BTN_TOUCH, 1},
      {0, EV_ABS, ABS_X, 300},
      {0, EV_ABS, ABS_Y, 50},
      SYN(0),
      {200, EV_KEY, BTN_TOUCH, 0},
      SYN(200),
      END},
     1,
     {{300, 50}}},
    {"device units scale to the screen",
     {0, 4095},
     {0, 4095},
     {MT(0, ABS_MT_TRACKING_ID, 1), MT(0, ABS_MT_POSITION_X, 4095), MT(0, ABS_MT_POSITION_Y, 2048), SYN(0),
      MT(100, ABS_MT_TRACKING_ID, -1), SYN(100), END},
     1,
     {{799, 2048 * 479 / 4095}}},
    {"out of range clamps to the edge",
     {100, 200},
     {100, 200},
     {MT(0, ABS_MT_TRACKING_ID, 1), MT(0, ABS_MT_POSITION_X, 50), MT(0, ABS_MT_POSITION_Y, 500), SYN(0),
      MT(100, ABS_MT_TRACKING_ID, -1), SYN(100), END},
     1,
     {{0, 479}}},
};

static size_t encode(const rec_t *r, uint8_t *out)
{
    size_t n = 0;
    for (; r->ms >= 0; r++) {
        struct input_event ev;
        memset(&ev, 0, sizeof(ev));
        ev.input_event_sec = 1000 + r->ms / 1000;
        ev.input_event_usec = (r->ms % 1000) * 1000;
        ev.type = (uint16_t)r->type;
        ev.code = (uint16_t)r->code;
        ev.value = r->value;
        memcpy(out + n, &ev, sizeof(ev));
        n += sizeof(ev);
    }
    return n;
}

static void test_sequences(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const case_t *c = &cases[i];
        uint8_t bytes[24 * sizeof(struct input_event)];
        size_t len = encode(c->rec, bytes);
        /* Whole, then one byte a read: a record split across reads decodes the same. */
        for (int split = 0; split < 2; split++) {
            touch_t t;
            touch_init(&t, c->ax, c->ay, 800, 480);
            touch_tap_t taps[4];
            int n = 0;
            if (split) {
                for (size_t k = 0; k < len; k++)
                    n += touch_feed(&t, bytes + k, 1, taps + n, 4 - n);
            } else {
                n = touch_feed(&t, bytes, len, taps, 4);
            }
            if (n != c->ntaps)
                fail_msg("%s (split %d): %d taps, expected %d", c->name, split, n, c->ntaps);
            for (int k = 0; k < n; k++)
                if (taps[k].x != c->taps[k].x || taps[k].y != c->taps[k].y)
                    fail_msg("%s: tap %d at %d,%d, expected %d,%d", c->name, k, taps[k].x, taps[k].y, c->taps[k].x, c->taps[k].y);
        }
    }
}

/* Every target is at least BOARD_TARGET_MIN on each side, none overlaps another, a tap at
 * its centre hits it, and the scoreboard stays above them. */
static void check_targets(int w, int h)
{
    board_t *b = board_new(w, h);
    assert_non_null(b);
    board_input_t in;
    memset(&in, 0, sizeof(in));
    in.ngames = 1;
    in.touch = true;
    snprintf(in.games[0].id, sizeof(in.games[0].id), "g1");
    raster_rect_t dmg[4];
    board_render(b, &in, dmg, 4);
    board_control_t c[BOARD_CONTROLS_MAX];
    int n = board_controls(w, h, true, c);
    assert_int_equal(n, 16);
    int top = h, per[3][BOARD_ACT_CP_UP + 1] = {{0}};
    for (int i = 0; i < n; i++) {
        if (c[i].r.w < BOARD_TARGET_MIN || c[i].r.h < BOARD_TARGET_MIN)
            fail_msg("%dx%d: target %d is %dx%d", w, h, i, c[i].r.w, c[i].r.h);
        assert_true(c[i].r.x >= 0 && c[i].r.y >= 0 && c[i].r.x + c[i].r.w <= w && c[i].r.y + c[i].r.h <= h);
        for (int k = 0; k < i; k++) {
            raster_rect_t a = c[i].r, o = c[k].r;
            assert_false(a.x < o.x + o.w && o.x < a.x + a.w && a.y < o.y + o.h && o.y < a.y + a.h);
        }
        int player = -1;
        assert_int_equal(board_hit(b, c[i].r.x + c[i].r.w / 2, c[i].r.y + c[i].r.h / 2, &player), c[i].act);
        assert_int_equal(player, c[i].player);
        per[c[i].player][c[i].act]++;
        top = c[i].r.y < top ? c[i].r.y : top;
    }
    /* Each player has the six score buttons; the host row has its four. */
    for (int p = 1; p <= 2; p++)
        for (int a = BOARD_ACT_PRIMARY_DOWN; a <= BOARD_ACT_CP_UP; a++)
            assert_int_equal(per[p][a], 1);
    for (int a = BOARD_ACT_CLOCK; a <= BOARD_ACT_PAIR; a++)
        assert_int_equal(per[0][a], 1);
    raster_rect_t r;
    assert_int_equal(board_region(b, "p1.total", &r), 0);
    assert_true(r.y + r.h <= top);
    int player;
    assert_int_equal(board_hit(b, w / 2, 2, &player), BOARD_ACT_NONE);
    /* Without touch there are no targets. */
    in.touch = false;
    board_render(b, &in, dmg, 4);
    assert_int_equal(board_hit(b, c[0].r.x + 1, c[0].r.y + 1, &player), BOARD_ACT_NONE);
    board_free(b);
}

static void test_targets(void **state)
{
    (void)state;
    check_targets(800, 480);
    check_targets(480, 800);
    check_targets(1920, 1080);
    check_targets(320, 240);
    /* Without a game, pairing only. */
    board_control_t c[BOARD_CONTROLS_MAX];
    assert_int_equal(board_controls(800, 480, false, c), 1);
    assert_int_equal(c[0].act, BOARD_ACT_PAIR);
    /* The documented figures at 800x480: rows of 53 px, cells of 66 and 200 px. */
    assert_int_equal(board_controls(800, 480, true, c), 16);
    assert_int_equal(c[0].r.y, 480 - 106);
    assert_int_equal(c[0].r.h, 53);
    assert_int_equal(c[1].r.x, 66);
    assert_int_equal(c[13].r.x, 200);
    assert_int_equal(c[13].act, BOARD_ACT_END_TURN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_sequences), cmocka_unit_test(test_targets)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
