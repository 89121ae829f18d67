/*
 * pairing.c: Swiss pairing and table assignment (see pairing.h and docs/tournaments.md).
 *
 * Both problems are matchings on a graph whose edges are the "allowed" pairs (no
 * rematch, not one club, table not used before). A maximum matching of that graph
 * tells the fewest disallowed pairs any complete pairing must contain. Pairs are then
 * chosen greedily in order of preference (neighbours in the standings, lowest free
 * table), and a choice is kept only if the rest can still be completed with that fewest
 * number: the maximum matching is repaired after each choice by a couple of augmenting
 * searches instead of being rebuilt, which keeps a round of 256 entrants in a few ms.
 * This replaces open-ended backtracking, whose worst case is exponential, with a search
 * that never needs to undo more than one choice.
 */
#include "pairing.h"
#include "mem.h"

#include <stdbool.h>
#include <string.h>

/* ---- maximum matching in a general graph (Edmonds' blossoms) ---------------------- */

typedef struct {
    uint32_t n;
    uint8_t *ok;    /* n * n, symmetric: 1 where the pair is allowed */
    int32_t *mate;  /* partner or -1 */
    uint8_t *alive; /* 0 once a vertex is paired for good */
    uint32_t n_alive, n_matched;
    uint64_t work; /* cells of ok scanned by searches so far: the time budget */
    /* search scratch */
    int32_t *parent, *base, *queue, *saved_mate;
    uint8_t *used, *blossom, *mark;
    uint8_t *spent; /* vertices of failed searches, skipped until the repair ends */
} mt_t;

static void mt_init(mt_t *m, uint32_t n)
{
    memset(m, 0, sizeof *m);
    m->n = n;
    m->ok = mem_zalloc((size_t)n * n);
    m->mate = mem_alloc(n * sizeof(int32_t));
    m->alive = mem_alloc(n);
    m->parent = mem_alloc(n * sizeof(int32_t));
    m->base = mem_alloc(n * sizeof(int32_t));
    m->queue = mem_alloc(n * sizeof(int32_t));
    m->saved_mate = mem_alloc(n * sizeof(int32_t));
    m->used = mem_alloc(n);
    m->blossom = mem_alloc(n);
    m->mark = mem_alloc(n);
    m->spent = mem_zalloc(n);
    for (uint32_t i = 0; i < n; i++)
        m->mate[i] = -1;
    memset(m->alive, 1, n);
    m->n_alive = n;
}

static void mt_free(mt_t *m)
{
    free(m->ok);
    free(m->mate);
    free(m->alive);
    free(m->parent);
    free(m->base);
    free(m->queue);
    free(m->saved_mate);
    free(m->used);
    free(m->blossom);
    free(m->mark);
    free(m->spent);
}

static void mt_allow(mt_t *m, uint32_t a, uint32_t b, bool yes)
{
    m->ok[(size_t)a * m->n + b] = yes;
    m->ok[(size_t)b * m->n + a] = yes;
}

static bool mt_allowed(const mt_t *m, uint32_t a, uint32_t b)
{
    return m->ok[(size_t)a * m->n + b];
}

/* The base of the blossom where the alternating trees through a and b meet. */
static int32_t mt_lca(mt_t *m, int32_t a, int32_t b)
{
    memset(m->mark, 0, m->n);
    for (;;) {
        a = m->base[a];
        m->mark[a] = 1;
        if (m->mate[a] < 0)
            break;
        a = m->parent[m->mate[a]];
    }
    for (;;) {
        b = m->base[b];
        if (m->mark[b])
            return b;
        b = m->parent[m->mate[b]];
    }
}

static void mt_mark_path(mt_t *m, int32_t v, int32_t b, int32_t child)
{
    while (m->base[v] != b) {
        m->blossom[m->base[v]] = 1;
        m->blossom[m->base[m->mate[v]]] = 1;
        m->parent[v] = child;
        child = m->mate[v];
        v = m->parent[m->mate[v]];
    }
}

/* Breadth-first search for an augmenting path from the exposed vertex root; returns its
 * other end or -1. */
static int32_t mt_find_path(mt_t *m, int32_t root)
{
    uint32_t n = m->n, qh = 0, qt = 0;

    m->work += n;
    memset(m->used, 0, n);
    for (uint32_t i = 0; i < n; i++) {
        m->parent[i] = -1;
        m->base[i] = (int32_t)i;
    }
    m->used[root] = 1;
    m->queue[qt++] = root;
    while (qh < qt) {
        int32_t v = m->queue[qh++];
        const uint8_t *row = m->ok + (size_t)v * n;

        m->work += n;
        for (uint32_t u = 0; u < n; u++) {
            int32_t to = (int32_t)u;

            if (!row[u] || !m->alive[u] || m->spent[u] || m->base[v] == m->base[to] || m->mate[v] == to)
                continue;
            if (to == root || (m->mate[to] >= 0 && m->parent[m->mate[to]] >= 0)) {
                int32_t cb = mt_lca(m, v, to);

                m->work += n;
                memset(m->blossom, 0, n);
                mt_mark_path(m, v, cb, to);
                mt_mark_path(m, to, cb, v);
                for (uint32_t i = 0; i < n; i++) {
                    if (m->blossom[m->base[i]]) {
                        m->base[i] = cb;
                        if (!m->used[i]) {
                            m->used[i] = 1;
                            m->queue[qt++] = (int32_t)i;
                        }
                    }
                }
            } else if (m->parent[to] < 0) {
                m->parent[to] = v;
                if (m->mate[to] < 0)
                    return to;
                m->used[m->mate[to]] = 1;
                m->queue[qt++] = m->mate[to];
            }
        }
    }
    return -1;
}

/* Grows the matching by one along a path from root, if there is one. When there is none,
 * the vertices the search reached can be set aside: no later augmentation in the same
 * repair can lead through them (Edmonds' Hungarian tree), which keeps a field where
 * many pairs are forced (a club of most of the field) from costing a full search per
 * exposed vertex. */
static bool mt_augment(mt_t *m, int32_t root)
{
    int32_t v = mt_find_path(m, root);

    if (v < 0) {
        for (uint32_t i = 0; i < m->n; i++)
            if (m->used[i] || m->parent[i] >= 0)
                m->spent[i] = 1;
        m->spent[root] = 1;
        return false;
    }
    while (v >= 0) {
        int32_t pv = m->parent[v], next = m->mate[pv];

        m->mate[v] = pv;
        m->mate[pv] = v;
        v = next;
    }
    m->n_matched++;
    return true;
}

/* Repairs a maximum matching after edges were removed: searches from first and second
 * (the newly exposed vertices, or -1) and stops once `lost` edges are regained, since the
 * matching cannot be larger than before. Otherwise searches once from every exposed live
 * vertex; with Edmonds' rule that a vertex with no augmenting path never gets one later,
 * that leaves a maximum matching. mt_build passes lost 0 for the full pass. */
static void mt_maximize(mt_t *m, int32_t first, int32_t second, uint32_t lost)
{
    uint32_t target = m->n_matched + lost;
    int32_t pick[2] = {first, second};

    for (int k = 0; k < 2; k++)
        if (pick[k] >= 0 && m->mate[pick[k]] < 0 && m->alive[pick[k]] && !m->spent[pick[k]])
            mt_augment(m, pick[k]);
    for (uint32_t v = 0; v < m->n && (lost == 0 || m->n_matched < target); v++)
        if (m->alive[v] && m->mate[v] < 0 && !m->spent[v])
            mt_augment(m, (int32_t)v);
    memset(m->spent, 0, m->n);
}

/* Fewest disallowed pairs in a complete pairing of the live vertices. */
static uint32_t mt_cost(const mt_t *m)
{
    return m->n_alive / 2 - m->n_matched;
}

/* The first maximum matching: each vertex takes the first allowed free one after it
 * (the preferred pairing when nothing is in the way), then augmenting searches. */
static void mt_build(mt_t *m)
{
    for (uint32_t v = 0; v < m->n; v++) {
        if (m->mate[v] >= 0 || !m->alive[v])
            continue;
        for (uint32_t u = v + 1; u < m->n; u++) {
            if (m->alive[u] && m->mate[u] < 0 && mt_allowed(m, v, u)) {
                m->mate[v] = (int32_t)u;
                m->mate[u] = (int32_t)v;
                m->n_matched++;
                break;
            }
        }
    }
    mt_maximize(m, -1, -1, 0);
}

/* Takes the pair (a, b) out of the graph for good and repairs the matching of the rest;
 * returns the fewest disallowed pairs of the rest. mt_undo puts it back. */
static uint32_t mt_take(mt_t *m, int32_t a, int32_t b, uint32_t *saved_matched)
{
    int32_t ma = m->mate[a], mb = m->mate[b];
    uint32_t lost = 0;

    memcpy(m->saved_mate, m->mate, m->n * sizeof(int32_t));
    *saved_matched = m->n_matched;
    m->alive[a] = m->alive[b] = 0;
    m->n_alive -= 2;
    if (ma == b) {
        m->mate[a] = m->mate[b] = -1;
        m->n_matched--;
        return mt_cost(m);
    }
    if (ma >= 0) {
        m->mate[a] = m->mate[ma] = -1;
        m->n_matched--;
        lost++;
    }
    if (mb >= 0) {
        m->mate[b] = m->mate[mb] = -1;
        m->n_matched--;
        lost++;
    }
    if (lost)
        mt_maximize(m, ma, mb, lost);
    return mt_cost(m);
}

static void mt_undo(mt_t *m, int32_t a, int32_t b, uint32_t saved_matched)
{
    memcpy(m->mate, m->saved_mate, m->n * sizeof(int32_t));
    m->n_matched = saved_matched;
    m->alive[a] = m->alive[b] = 1;
    m->n_alive += 2;
}

/* Tries to pair a with b; keeps the pair when the whole can still be completed with the
 * fewest disallowed pairs (*cost, updated). */
static bool mt_try(mt_t *m, int32_t a, int32_t b, uint32_t *cost)
{
    uint32_t bad = !mt_allowed(m, (uint32_t)a, (uint32_t)b), saved, rest;

    if (bad && *cost == 0)
        return false;
    rest = mt_take(m, a, b, &saved);
    if (bad + rest == *cost) {
        *cost = rest;
        return true;
    }
    mt_undo(m, a, b, saved);
    return false;
}

/* The partner of the live vertex v in the current maximum matching, or the next exposed
 * live vertex after it (then the pair is a disallowed one the round cannot avoid). v
 * must be the first live vertex of its side. */
static int32_t mt_partner(const mt_t *m, uint32_t v, uint32_t from, uint32_t to)
{
    if (m->mate[v] >= 0)
        return m->mate[v];
    for (uint32_t u = from; u < to; u++)
        if (u != v && m->alive[u] && m->mate[u] < 0)
            return (int32_t)u;
    return -1;
}

/* Preference-driven tries cost a few searches each; past this much work (a field far
 * from ideal, where many tries fail) the rest of the round takes the maximum matching
 * as it stands, which is just as good by count and only less neat in order. */
#define PAIRING_WORK_BUDGET 20000000u

/* ---- the round ------------------------------------------------------------------- */

/* splitmix64: small, seedable, good enough to shuffle a field. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, bound) without modulo bias. */
static uint32_t rng_below(uint64_t *s, uint32_t bound)
{
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound, x;

    do
        x = rng_next(s);
    while (x >= limit);
    return (uint32_t)(x % bound);
}

static bool same_club(const standings_entrant_t *a, const standings_entrant_t *b)
{
    return a->club && b->club && a->club[0] && strcmp(a->club, b->club) == 0;
}

/* The active entrants in pairing order: the seeded shuffle in round 1, the standings later. */
static int order_entrants(const standings_entrant_t *entrants, size_t n_entrants, const standings_game_t *games, size_t n_games,
                          const pairing_params_t *params, uint32_t *order, uint32_t *k_out)
{
    uint32_t k = 0;

    if (params->round == 1) {
        uint64_t s = params->seed;

        for (uint32_t i = 0; i < n_entrants; i++)
            if (!entrants[i].dropped)
                order[k++] = i;
        for (uint32_t i = k; i > 1; i--) {
            uint32_t j = rng_below(&s, i), t = order[i - 1];

            order[i - 1] = order[j];
            order[j] = t;
        }
    } else {
        standings_row_t *rows = mem_alloc((n_entrants ? n_entrants : 1) * sizeof *rows);

        if (standings_compute(entrants, n_entrants, games, n_games, &params->scoring, rows) != STANDINGS_OK) {
            free(rows);
            return PAIRING_E_INVALID;
        }
        for (size_t i = 0; i < n_entrants; i++)
            if (!rows[i].dropped)
                order[k++] = rows[i].entrant;
        free(rows);
    }
    *k_out = k;
    return PAIRING_OK;
}

/* Chooses the bye: the lowest-ranked entrant who had none (anyone if all had one) whose bye
 * leaves the fewest rematches. Returns the vertex. */
static int32_t choose_bye(mt_t *m, uint32_t k, const uint8_t *had_bye, uint32_t *cost)
{
    int32_t z = (int32_t)k, best = -1;
    uint32_t best_cost = UINT32_MAX, saved;
    bool any_without = false;

    for (uint32_t v = 0; v < k; v++)
        any_without |= !had_bye[v];
    for (uint32_t v = 0; v < k; v++)
        mt_allow(m, v, (uint32_t)z, !any_without || !had_bye[v]);
    mt_build(m);
    *cost = mt_cost(m);
    for (int32_t v = (int32_t)k - 1; v >= 0 && (best < 0 || m->work <= PAIRING_WORK_BUDGET); v--) {
        if (!mt_allowed(m, (uint32_t)v, (uint32_t)z))
            continue;
        uint32_t rest = mt_take(m, v, z, &saved);

        mt_undo(m, v, z, saved);
        if (rest == *cost) {
            best = v;
            break;
        }
        if (rest < best_cost) {
            best_cost = rest;
            best = v;
        }
    }
    *cost = mt_take(m, best, z, &saved);
    return best;
}

/* Assigns tables 1..n_games to out[0..n_games): lowest free table first, top pairing
 * first, no entrant on a table it played on while the record allows. */
static uint32_t assign_tables(pairing_pair_t *out, uint32_t n_pairs, size_t n_entrants, const standings_game_t *games,
                              size_t n_games)
{
    mt_t m;
    int32_t *pair_of = mem_alloc((n_entrants ? n_entrants : 1) * sizeof(int32_t));
    uint32_t cost, repeats = 0;

    mt_init(&m, 2 * n_pairs);
    for (size_t i = 0; i < n_entrants; i++)
        pair_of[i] = -1;
    for (uint32_t p = 0; p < n_pairs; p++) {
        pair_of[out[p].a] = pair_of[out[p].b] = (int32_t)p;
        for (uint32_t t = 0; t < n_pairs; t++)
            mt_allow(&m, p, n_pairs + t, true);
    }
    for (size_t i = 0; i < n_games; i++) {
        const standings_game_t *g = &games[i];

        if (g->b == STANDINGS_BYE || g->table < 1 || g->table > n_pairs)
            continue;
        if (pair_of[g->a] >= 0)
            mt_allow(&m, (uint32_t)pair_of[g->a], n_pairs + g->table - 1, false);
        if (pair_of[g->b] >= 0)
            mt_allow(&m, (uint32_t)pair_of[g->b], n_pairs + g->table - 1, false);
    }
    mt_build(&m);
    cost = mt_cost(&m);
    for (uint32_t p = 0; p < n_pairs; p++) {
        int32_t tv = -1;
        uint32_t saved;

        for (uint32_t t = n_pairs; t < 2 * n_pairs && tv < 0 && m.work <= PAIRING_WORK_BUDGET; t++)
            if (m.alive[t] && mt_try(&m, (int32_t)p, (int32_t)t, &cost))
                tv = (int32_t)t;
        if (tv < 0) {
            tv = mt_partner(&m, p, n_pairs, 2 * n_pairs);
            cost = mt_take(&m, (int32_t)p, tv, &saved);
        }
        out[p].table = (uint32_t)tv - n_pairs + 1;
        repeats += !mt_allowed(&m, p, (uint32_t)tv);
    }
    mt_free(&m);
    free(pair_of);
    return repeats;
}

static int by_table(const void *pa, const void *pb)
{
    const pairing_pair_t *a = pa, *b = pb;
    uint32_t ta = a->table ? a->table : UINT32_MAX, tb = b->table ? b->table : UINT32_MAX; /* the bye last */

    return (ta > tb) - (ta < tb);
}

int pairing_next_round(const standings_entrant_t *entrants, size_t n_entrants, const standings_game_t *games, size_t n_games,
                       const pairing_params_t *params, pairing_pair_t *out, size_t out_cap, pairing_stats_t *stats)
{
    pairing_stats_t st;
    uint32_t *order, *pos, k, cost, n_pairs = 0;
    uint8_t *had_bye;
    pairing_pair_t *pairs, bye = {0, STANDINGS_BYE, 0};
    bool odd;
    int rc;
    mt_t m;

    if (!params || params->round < 1 || params->round > STANDINGS_MAX_ROUNDS || (n_entrants && !entrants) ||
        standings_validate(n_entrants, games, n_games) != STANDINGS_OK)
        return PAIRING_E_INVALID;
    for (size_t i = 0; i < n_games; i++)
        if (games[i].round >= params->round)
            return PAIRING_E_INVALID;
    order = mem_alloc((n_entrants + 1) * sizeof *order);
    rc = order_entrants(entrants, n_entrants, games, n_games, params, order, &k);
    if (rc != PAIRING_OK || k < 2 || out_cap < (k + 1) / 2 || !out) {
        free(order);
        return rc != PAIRING_OK ? rc : k < 2 ? PAIRING_E_TOO_FEW : PAIRING_E_SPACE;
    }
    memset(&st, 0, sizeof st);
    odd = k % 2;
    pos = mem_alloc((n_entrants + 1) * sizeof *pos);
    had_bye = mem_zalloc(k + 1);
    pairs = mem_alloc((k / 2 + 1) * sizeof *pairs);
    for (size_t i = 0; i < n_entrants; i++)
        pos[i] = UINT32_MAX;
    for (uint32_t v = 0; v < k; v++)
        pos[order[v]] = v;

    /* Vertices are positions in the order; the bye is a phantom vertex k at the bottom. */
    mt_init(&m, k + odd);
    for (uint32_t v = 0; v < k; v++)
        for (uint32_t u = v + 1; u < k; u++)
            mt_allow(&m, v, u, params->round > 1 || !same_club(&entrants[order[v]], &entrants[order[u]]));
    for (size_t i = 0; i < n_games; i++) {
        const standings_game_t *g = &games[i];

        if (pos[g->a] == UINT32_MAX)
            continue;
        if (g->b == STANDINGS_BYE)
            had_bye[pos[g->a]] = 1;
        else if (pos[g->b] != UINT32_MAX)
            mt_allow(&m, pos[g->a], pos[g->b], false);
    }
    if (odd) {
        int32_t v;

        v = choose_bye(&m, k, had_bye, &cost);
        bye.a = order[v];
        st.repeat_byes = had_bye[v];
    } else {
        mt_build(&m);
        cost = mt_cost(&m);
    }
    /* Top down: the highest-ranked unpaired entrant takes the nearest one below it that
     * keeps the round at the fewest disallowed pairs.
     * Round 1 has no order to respect beyond the shuffle: the matching is the pairing. */
    for (uint32_t v = 0; v < k; v++) {
        int32_t u = -1;
        uint32_t saved;

        if (!m.alive[v])
            continue;
        for (uint32_t w = v + 1; params->round > 1 && w < k && u < 0 && m.work <= PAIRING_WORK_BUDGET; w++)
            if (m.alive[w] && mt_try(&m, (int32_t)v, (int32_t)w, &cost))
                u = (int32_t)w;
        if (u < 0) {
            u = mt_partner(&m, v, v + 1, k);
            cost = mt_take(&m, (int32_t)v, u, &saved);
        }
        pairs[n_pairs].a = order[v];
        pairs[n_pairs].b = order[u];
        pairs[n_pairs].table = 0;
        n_pairs++;
        if (!mt_allowed(&m, v, (uint32_t)u)) {
            if (params->round == 1)
                st.same_club++;
            else
                st.rematches++;
        }
    }
    mt_free(&m);
    st.repeat_tables = assign_tables(pairs, n_pairs, n_entrants, games, n_games);
    if (odd)
        pairs[n_pairs++] = bye;
    qsort(pairs, n_pairs, sizeof *pairs, by_table);
    memcpy(out, pairs, n_pairs * sizeof *pairs);
    st.n_pairs = n_pairs;
    if (stats)
        *stats = st;
    free(pairs);
    free(had_bye);
    free(pos);
    free(order);
    return PAIRING_OK;
}
