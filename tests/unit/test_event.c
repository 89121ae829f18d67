/* The rules of an event (event.h): creation limits, entrants, the state machine
 * setup -> running -> ended, pairing refused while a result is open, the round
 * timer, results as they count, and the event state's JSON. Games are plain values
 * here: the callback hands out the test's own game_t. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "event.h"

/* The "live games" of a test: ended or not, scores and the players' word. */
typedef struct {
    game_t g[64];
    int n;
} lives_t;

static bool live_fn(void *ctx, const char *game_id, event_live_t *out)
{
    lives_t *l = ctx;
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->g[i].id, game_id) == 0) {
            out->g = &l->g[i];
            return true;
        }
    return false;
}

/* Makes the games of the round just paired (from index first). */
static void make_games(lives_t *l, const event_t *ev, size_t first)
{
    for (size_t i = first; i < ev->n_games; i++)
        if (ev->games[i].b != 0)
            assert_int_equal(game_init(&l->g[l->n++], ev->games[i].game_id), GAME_OK);
}

/* Ends a game with VP a-b, final when both confirmed. */
static void finish(lives_t *l, const char *id, int a, int b, bool final)
{
    for (int i = 0; i < l->n; i++) {
        game_t *g = &l->g[i];
        if (strcmp(g->id, id) != 0)
            continue;
        g->status = GAME_ENDED;
        g->players[0].primary = a;
        g->players[1].primary = b;
        g->winner = a > b ? 1 : b > a ? 2 : 0;
        g->draw = a == b;
        g->result.confirmed = final ? 3 : 1;
        g->result.final = final;
    }
}

static void new_event(event_t *ev, uint32_t rounds, int entrants)
{
    assert_int_equal(event_init(ev, "e-00000001", "Club", rounds, 600000, NULL, NULL, 42, "2026-01-01T00:00:00.000Z"), EVENT_OK);
    for (int i = 0; i < entrants; i++) {
        char name[16];
        snprintf(name, sizeof(name), "P%d", i + 1);
        assert_int_equal(event_entrant_add(ev, name, "", i < 2 ? "North" : ""), i + 1);
    }
}

static void test_init_limits(void **state)
{
    (void)state;
    event_t ev;
    static const struct {
        const char *name;
        uint32_t rounds;
        int64_t time;
        int rc;
    } cases[] = {
        {"Club", 3, 600000, EVENT_OK},          {"", 3, 600000, EVENT_E_BAD},
        {"Club", 0, 600000, EVENT_E_BAD},       {"Club", 33, 600000, EVENT_E_BAD},
        {"Club", 32, 60000, EVENT_OK},          {"Club", 3, 59999, EVENT_E_BAD},
        {"Club", 3, 86400001, EVENT_E_BAD},     {"A\tB", 3, 600000, EVENT_E_BAD},
        {"12345678901234567890123456789012345678901", 3, 600000, EVENT_E_BAD},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(event_init(&ev, "e-1", cases[i].name, cases[i].rounds, cases[i].time, NULL, NULL, 1, ""), cases[i].rc);
        if (cases[i].rc == EVENT_OK) {
            assert_int_equal(ev.status, EVENT_SETUP);
            assert_string_equal(ev.settings, "{}");
            assert_int_equal(ev.scoring.win, 3);
        }
        event_free(&ev);
    }
}

static void test_entrants(void **state)
{
    (void)state;
    event_t ev;
    new_event(&ev, 3, 0);
    assert_null(event_entrant_check("Ana", "Orks", "North"));
    assert_string_equal(event_entrant_check("", "", ""), "name");
    assert_string_equal(event_entrant_check("Ana", "x\ny", ""), "faction");
    assert_string_equal(event_entrant_check("Ana", "", "12345678901234567890123456789012345678901"), "club");
    for (int i = 1; i <= EVENT_MAX_ENTRANTS; i++)
        assert_int_equal(event_entrant_add(&ev, "P", "", ""), i);
    assert_int_equal(event_entrant_add(&ev, "one too many", "", ""), EVENT_E_FULL);
    assert_non_null(event_entrant(&ev, 1));
    assert_non_null(event_entrant(&ev, EVENT_MAX_ENTRANTS));
    assert_null(event_entrant(&ev, 0));
    assert_null(event_entrant(&ev, EVENT_MAX_ENTRANTS + 1));
    event_free(&ev);
}

static void test_parse_list(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int n;             /* count, or -1 */
        const char *first; /* "name|faction|club" of the first entrant, or the message's start */
    } cases[] = {
        {"", 0, NULL},
        {"\n\n  \n", 0, NULL},
        {"Ana", 1, "Ana||"},
        {"name,faction,club\nAna, Orks ,North\r\nBen\n", 2, "Ana|Orks|North"},
        {"NAME\nAna", 1, "Ana||"},                  /* a header in any case */
        {"Ana\nname", 2, "Ana||"},                  /* only the first line can be a header */
        {" Ana\t,,Club \n", 1, "Ana||Club"},
        {",Orks,\n", -1, "line 1: name"},           /* a faction without a name */
        {"Ana\nBen,a,b,c\n", -1, "line 2: at most three fields"},
        {"Ana\n12345678901234567890123456789012345678901\n", -1, "line 2: name"},
        {"Ana,\x01\n", -1, "line 1: faction"},
        {"A\nB\nC\nD\n", -1, "at most 3 entrants"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[256], msg[128] = "";
        event_entrant_in_t in[3];
        snprintf(text, sizeof(text), "%s", cases[i].text);
        int n = event_parse_list(text, in, 3, msg, sizeof(msg));
        assert_int_equal(n, cases[i].n);
        if (n > 0) {
            char got[160];
            snprintf(got, sizeof(got), "%s|%s|%s", in[0].name, in[0].faction, in[0].club);
            assert_string_equal(got, cases[i].first);
        } else if (n < 0) {
            assert_memory_equal(msg, cases[i].first, strlen(cases[i].first));
        }
    }
}

static void test_rounds_and_results(void **state)
{
    (void)state;
    event_t ev;
    static lives_t l;
    memset(&l, 0, sizeof(l));
    size_t first;
    new_event(&ev, 2, 1);
    assert_int_equal(event_pair(&ev, live_fn, &l, &first), EVENT_E_TOO_FEW);
    assert_int_equal(ev.round, 0);
    event_free(&ev);

    new_event(&ev, 2, 5);
    assert_int_equal(event_timer_op(&ev, "start", 0, 0), EVENT_E_STATE); /* no round yet */
    assert_int_equal(event_pair(&ev, live_fn, &l, &first), EVENT_OK);
    assert_int_equal(ev.status, EVENT_RUNNING);
    assert_int_equal(ev.round, 1);
    assert_int_equal(ev.n_games, 3); /* two tables and a bye */
    assert_string_equal(ev.games[0].game_id, "e-00000001-r1-t1");
    assert_int_equal(ev.games[2].b, 0);
    assert_int_equal(ev.games[2].table, 0);
    /* Club separation in round 1: entrants 1 and 2 (North) are apart. */
    for (size_t i = 0; i < 2; i++)
        assert_false((ev.games[i].a == 1 && ev.games[i].b == 2) || (ev.games[i].a == 2 && ev.games[i].b == 1));
    make_games(&l, &ev, first);
    /* Where each entrant plays. */
    int p;
    const event_game_t *t = event_table_of(&ev, ev.games[0].b, &p);
    assert_ptr_equal(t, &ev.games[0]);
    assert_int_equal(p, 2);
    assert_null(event_table_of(&ev, ev.games[2].a, &p)); /* the bye */
    /* Open results refuse the next round: not ended, ended but provisional. */
    assert_true(event_round_open(&ev, live_fn, &l));
    assert_int_equal(event_pair(&ev, live_fn, &l, &first), EVENT_E_STATE);
    finish(&l, ev.games[0].game_id, 10, 5, true);
    finish(&l, ev.games[1].game_id, 7, 7, false);
    event_result_t r;
    event_result(&ev.games[1], &l.g[1], &r);
    assert_true(r.ended);
    assert_false(r.final);
    assert_int_equal(r.winner, 0);
    assert_int_equal(event_pair(&ev, live_fn, &l, &first), EVENT_E_STATE);
    /* The host's word makes it final and may correct the VP. */
    ev.games[1].by_host = true;
    ev.games[1].winner = 2;
    ev.games[1].vp_set = true;
    ev.games[1].vp_a = 6;
    ev.games[1].vp_b = 8;
    event_result(&ev.games[1], &l.g[1], &r);
    assert_true(r.final && r.by_host);
    assert_int_equal(r.winner, 2);
    assert_int_equal(r.vp_a, 6);
    assert_false(event_round_open(&ev, live_fn, &l));
    assert_false(event_maybe_end(&ev, live_fn, &l)); /* round 1 of 2 */

    standings_row_t rows[5];
    assert_int_equal(event_standings(&ev, live_fn, &l, rows), STANDINGS_OK);
    assert_int_equal(rows[0].points, 3);
    buf_t csv;
    buf_init(&csv);
    assert_int_equal(event_standings_csv(&ev, live_fn, &l, &csv), STANDINGS_OK);
    assert_non_null(strstr(csv.data, "rank,name,faction,club,W,D,L,points,SoS,VP for,VP against,R1,R2\r\n"));
    buf_free(&csv);

    assert_int_equal(event_pair(&ev, live_fn, &l, &first), EVENT_OK);
    assert_int_equal(ev.round, 2);
    make_games(&l, &ev, first);
    for (size_t i = first; i < ev.n_games; i++)
        if (ev.games[i].b != 0)
            finish(&l, ev.games[i].game_id, 3, 1, true);
    assert_true(event_maybe_end(&ev, live_fn, &l));
    assert_int_equal(ev.status, EVENT_ENDED);
    assert_int_equal(event_pair(&ev, live_fn, &l, &first), EVENT_E_STATE); /* the last round was played */
    assert_int_equal(event_timer_op(&ev, "start", 0, 0), EVENT_E_STATE);
    for (int i = 0; i < l.n; i++)
        game_release(&l.g[i]);
    event_free(&ev);
}

static void test_timer(void **state)
{
    (void)state;
    event_t ev;
    static lives_t l;
    memset(&l, 0, sizeof(l));
    size_t first;
    new_event(&ev, 3, 4);
    assert_int_equal(event_pair(&ev, live_fn, &l, &first), EVENT_OK);
    assert_int_equal(event_timer_remaining(&ev, 1000), 600000);
    assert_false(ev.timer.running);
    assert_int_equal(event_timer_due(&ev), INT64_MAX);
    static const struct {
        const char *action;
        int64_t remaining, now;
        int rc;
        int64_t left_after; /* as of now */
        bool running;
    } steps[] = {
        {"pause", 0, 1000, EVENT_E_STATE, 600000, false}, /* not running */
        {"start", 0, 1000, EVENT_OK, 600000, true},
        {"start", 0, 2000, EVENT_E_STATE, 599000, true},  /* already running */
        {"pause", 0, 11000, EVENT_OK, 590000, false},
        {"resume", 0, 20000, EVENT_OK, 590000, true},
        {"set", 1000, 21000, EVENT_OK, 1000, true},       /* keeps running */
        {"set", -1, 21000, EVENT_E_BAD, 1000, true},
        {"set", 86400001, 21000, EVENT_E_BAD, 1000, true},
        {"explode", 0, 21000, EVENT_E_BAD, 1000, true},
    };
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        assert_int_equal(event_timer_op(&ev, steps[i].action, steps[i].remaining, steps[i].now), steps[i].rc);
        assert_int_equal(event_timer_remaining(&ev, steps[i].now), steps[i].left_after);
        assert_int_equal(ev.timer.running, steps[i].running);
    }
    assert_int_equal(event_timer_due(&ev), 22000);
    assert_false(event_timer_expire(&ev, 21999));
    assert_true(event_timer_expire(&ev, 22050));
    assert_false(ev.timer.running);
    assert_int_equal(event_timer_remaining(&ev, 30000), 0);
    assert_int_equal(event_timer_op(&ev, "start", 0, 30000), EVENT_E_STATE); /* at 0 */
    assert_int_equal(event_timer_op(&ev, "set", 0, 30000), EVENT_OK);
    assert_false(ev.timer.running);
    event_free(&ev);
}

static void test_render(void **state)
{
    (void)state;
    event_t ev;
    static lives_t l;
    memset(&l, 0, sizeof(l));
    size_t first;
    new_event(&ev, 3, 2);
    snprintf(ev.entrants[0].code, sizeof(ev.entrants[0].code), "ABC234");
    buf_t b;
    buf_init(&b);
    event_render(&b, &ev, live_fn, &l, true, "http://box", 0, 1700000000000);
    buf_putc(&b, '\0');
    assert_non_null(strstr(b.data, "\"status\":\"setup\",\"round\":0,\"rounds\":3"));
    assert_non_null(strstr(b.data, "\"code\":\"ABC234\",\"url\":\"http://box/j/ABC234\""));
    assert_non_null(strstr(b.data, "\"tables\":[],\"byes\":[]"));
    buf_reset(&b);
    event_render(&b, &ev, live_fn, &l, false, "http://box", 0, 1700000000000);
    buf_putc(&b, '\0');
    assert_null(strstr(b.data, "ABC234")); /* no codes but the host's */
    assert_int_equal(event_pair(&ev, live_fn, &l, &first), EVENT_OK);
    make_games(&l, &ev, first);
    buf_reset(&b);
    event_render_block(&b, &ev, &ev.games[0], 0);
    buf_putc(&b, '\0');
    assert_string_equal(b.data, "{\"event_id\":\"e-00000001\",\"name\":\"Club\",\"round\":1,\"table\":1,"
                                "\"timer\":{\"remaining_ms\":600000,\"running\":false}}");
    buf_reset(&b);
    event_render_table(&b, &ev, &ev.games[0], live_fn, &l);
    buf_putc(&b, '\0');
    assert_non_null(strstr(b.data, "\"table\":1,\"round\":1,\"game_id\":\"e-00000001-r1-t1\",\"status\":\"setup\""));
    assert_non_null(strstr(b.data, "\"result\":null,\"judge\":null}"));
    buf_free(&b);
    for (int i = 0; i < l.n; i++)
        game_release(&l.g[i]);
    event_free(&ev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_limits), cmocka_unit_test(test_entrants), cmocka_unit_test(test_parse_list),
        cmocka_unit_test(test_rounds_and_results),
        cmocka_unit_test(test_timer),       cmocka_unit_test(test_render),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
