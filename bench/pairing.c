/*
 * bench/pairing.c: how long pairing a round and computing standings take for a large
 * event. Plays seeded events of 256 entrants over 8 rounds (random results with draws,
 * a few drops) and prints the median time to pair round 6, the slowest round seen, a
 * round 1 where most of the field is one club, and the time to compute the standings.
 * Times are CPU time (the same as wall time on an idle machine).
 *
 *   make bench-pairing
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pairing.h"
#include "standings.h"

#define N 256
#define NMAX STANDINGS_MAX_ENTRANTS
#define ROUNDS 8
#define EVENTS 15

static uint64_t rnd_state;

static uint32_t rnd(uint32_t bound)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return (uint32_t)(rnd_state % bound);
}

/* CPU time of this process: pairing is pure computation, and on a shared machine wall
 * time would also count the time other processes held the CPU. */
static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static standings_entrant_t entrants[NMAX];
static standings_game_t games[NMAX * ROUNDS];
static char clubs[NMAX][16];

static double round_ms[ROUNDS][EVENTS];

/* Plays one event; records the time to pair each round in round_ms[][event]. */
static void play_event(int event, uint64_t seed, int n, size_t *n_games_out)
{
    standings_scoring_t sc = standings_scoring_default();
    static pairing_pair_t pairs[NMAX / 2 + 1];
    size_t n_games = 0;

    rnd_state = seed * 2654435761u + 1;
    for (int i = 0; i < n; i++) {
        snprintf(clubs[i], sizeof clubs[i], "club%u", rnd(40));
        entrants[i] = (standings_entrant_t){"name", "faction", clubs[i], false};
    }
    for (uint32_t r = 1; r <= ROUNDS; r++) {
        pairing_params_t p = {r, seed, sc};
        pairing_stats_t st;
        double t0 = now_ms(), dt;

        if (pairing_next_round(entrants, (size_t)n, games, n_games, &p, pairs, NMAX / 2 + 1, &st) != PAIRING_OK) {
            fprintf(stderr, "pairing failed\n");
            exit(1);
        }
        dt = now_ms() - t0;
        round_ms[r - 1][event] = dt;
        for (size_t i = 0; i < st.n_pairs; i++) {
            standings_game_t g = {r, pairs[i].table, pairs[i].a, pairs[i].b, 1, 0, 0, true};
            if (g.b != STANDINGS_BYE) {
                g.winner = (int)rnd(7) % 3; /* a draw one time in 3 */
                g.vp_a = rnd(100);
                g.vp_b = rnd(100);
            }
            games[n_games++] = g;
        }
        for (int i = 0; i < n; i++)
            if (rnd(100) < 2)
                entrants[i].dropped = true;
    }
    *n_games_out = n_games;
}

int main(void)
{
    double club_round1[EVENTS], st_ms[EVENTS], slowest = 0;
    static standings_row_t rows[N];
    size_t n_games = 0;

    for (int e = 0; e < EVENTS; e++) {
        play_event(e, (uint64_t)e + 1, N, &n_games);
        double t0 = now_ms();
        for (int k = 0; k < 10; k++)
            standings_compute(entrants, N, games, n_games, &(standings_scoring_t){3, 1, 0}, rows);
        st_ms[e] = (now_ms() - t0) / 10;
    }
    /* Round 1 where 60% of the field is one club: the most separation work. */
    for (int e = 0; e < EVENTS; e++) {
        pairing_pair_t pairs[N / 2 + 1];
        pairing_params_t p = {1, (uint64_t)e, standings_scoring_default()};

        for (int i = 0; i < N; i++)
            entrants[i] = (standings_entrant_t){"name", "faction", i < N * 6 / 10 ? "big" : clubs[i], false};
        double t0 = now_ms();
        pairing_next_round(entrants, N, NULL, 0, &p, pairs, N / 2 + 1, NULL);
        club_round1[e] = now_ms() - t0;
    }
    qsort(club_round1, EVENTS, sizeof(double), cmp_double);
    qsort(st_ms, EVENTS, sizeof(double), cmp_double);
    printf("pairing %d entrants, median over %d events, per round:", N, EVENTS);
    for (int r = 0; r < ROUNDS; r++) {
        qsort(round_ms[r], EVENTS, sizeof(double), cmp_double);
        printf(" R%d %.2f", r + 1, round_ms[r][EVENTS / 2]);
        if (round_ms[r][EVENTS - 1] > slowest)
            slowest = round_ms[r][EVENTS - 1];
    }
    printf(" ms\n");
    printf("pairing %d entrants, round 6 of %d: median %.2f ms; slowest round of any event %.2f ms\n", N, ROUNDS,
           round_ms[5][EVENTS / 2], slowest);
    printf("pairing %d entrants, round 1 with 60%% in one club: median %.2f ms, max %.2f ms\n", N, club_round1[EVENTS / 2],
           club_round1[EVENTS - 1]);
    /* The largest field the module takes: the slowest of its rounds. */
    double big = 0;
    for (int e = 0; e < 3; e++) {
        play_event(e, (uint64_t)e + 100, NMAX, &n_games);
        for (int r = 0; r < ROUNDS; r++)
            big = round_ms[r][e] > big ? round_ms[r][e] : big;
    }
    printf("pairing %u entrants (the cap), slowest of %d rounds over 3 events: %.2f ms\n", NMAX, ROUNDS, big);
    printf("standings of %d entrants after %d rounds: median %.3f ms\n", N, ROUNDS, st_ms[EVENTS / 2]);
    return 0;
}
