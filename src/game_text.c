/*
 * game_text.c: the shared block of settings and private notes, the checks of text
 * and settings, and settings_update (part of module game, see game_impl.h).
 */
#include "game_impl.h"
#include "json.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- text checks ---------------------------------------------------------------- */

/* C0, DEL and C1 controls: they have no business in a name shown on a scoreboard. */
static bool is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

bool game_valid_text(const char *s, size_t len, size_t max_chars, size_t size)
{
    size_t chars = 0, n;
    uint32_t cp;

    if (len >= size)
        return false;
    for (size_t i = 0; i < len; i += n) {
        n = utf8_next((const unsigned char *)s + i, len - i, &cp);
        if (n == 0 || is_control(cp) || ++chars > max_chars)
            return false;
    }
    return true;
}

/* Names and factions: UTF-8, no controls, at most GAME_NAME_CHARS code points. */
bool game_valid_name(const char *s, size_t len)
{
    return game_valid_text(s, len, GAME_NAME_CHARS, GAME_NAME_SIZE);
}

/* Game ids and setting keys: they end up in URLs and JSON keys, so keep them plain. */
bool game_valid_token(const char *s, size_t len, size_t max)
{
    if (len == 0 || len > max)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

static bool is_json_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Private notes: the edge parsed the JSON; here only the size, UTF-8 and the {...} outline. */
bool game_valid_private(const char *s, size_t len)
{
    size_t n, b = 0, e = len;
    uint32_t cp;

    if (len > GAME_PRIVATE_MAX)
        return false;
    for (size_t i = 0; i < len; i += n) {
        n = utf8_next((const unsigned char *)s + i, len - i, &cp);
        if (n == 0 || cp == 0)
            return false;
    }
    while (b < e && is_json_ws(s[b]))
        b++;
    while (e > b && is_json_ws(s[e - 1]))
        e--;
    return e - b >= 2 && s[b] == '{' && s[e - 1] == '}';
}

/* Copies a slice into a fixed buffer, zero-filling the rest so equal states are equal bytes. */
void game_set_buf(char *dst, size_t size, game_str_t s)
{
    memset(dst, 0, size);
    memcpy(dst, s.base, s.len < size ? s.len : size - 1);
}

/* The buffer holds a NUL-terminated string (a state from outside may not). */
bool game_terminated(const char *buf, size_t size)
{
    return memchr(buf, '\0', size) != NULL;
}

int game_bad(const char **bf, const char *field)
{
    *bf = field;
    return GAME_E_BAD;
}

/* ---- settings ------------------------------------------------------------------- */

/* The settings the rules read: integers within [min, max], or (judge_pauses) a boolean.
 * The first NDEFAULT are in every new game; the others are absent until set. The
 * order matches GAME_K_* in game_impl.h. */
#define STR_(x) #x
#define STR(x) STR_(x)
static const struct known_setting known_settings[] = {
    {"clock_ms", GAME_CLOCK_MS_MIN, GAME_CLOCK_MS_MAX, GAME_CLOCK_MS_DEFAULT, STR(GAME_CLOCK_MS_DEFAULT), GAME_V_NUMBER},
    {"rounds", GAME_ROUNDS_MIN, GAME_ROUNDS_MAX, GAME_ROUNDS_DEFAULT, STR(GAME_ROUNDS_DEFAULT), GAME_V_NUMBER},
    {"cp_per_turn", 0, GAME_CP_PER_TURN_MAX, GAME_CP_PER_TURN_DEFAULT, STR(GAME_CP_PER_TURN_DEFAULT), GAME_V_NUMBER},
    {"primary_round_cap", 0, GAME_SCORE_MAX, 0, "0", GAME_V_NUMBER},
    {"primary_cap", 0, GAME_SCORE_MAX, 0, "0", GAME_V_NUMBER},
    {"secondary_round_cap", 0, GAME_SCORE_MAX, 0, "0", GAME_V_NUMBER},
    {"secondary_cap", 0, GAME_SCORE_MAX, 0, "0", GAME_V_NUMBER},
    {"judge_pauses", 0, 1, 1, "true", GAME_V_BOOL},
};
#define NDEFAULT 3
#define NKNOWN (sizeof(known_settings) / sizeof(known_settings[0]))

bool game_slice_is(const char *s, size_t len, const char *lit)
{
    return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

const struct known_setting *game_find_known(const char *key, size_t len)
{
    for (size_t i = 0; i < NKNOWN; i++)
        if (game_slice_is(key, len, known_settings[i].key))
            return &known_settings[i];
    return NULL;
}

/* A value of the given type, and in range when the key is a known one. */
bool game_valid_value(const struct known_setting *k, game_vtype_t type, const char *v, size_t len)
{
    int64_t x;
    long chars;

    if (len > GAME_VALUE_MAX)
        return false;
    if (k != NULL && k->type == GAME_V_BOOL)
        return type == GAME_V_BOOL && (game_slice_is(v, len, "true") || game_slice_is(v, len, "false"));
    if (k != NULL)
        return type == GAME_V_NUMBER && json_lit_int(v, len, &x) && x >= k->min && x <= k->max;
    switch (type) {
    case GAME_V_STRING:
        chars = json_lit_string_chars(v, len);
        return chars >= 0 && chars <= GAME_VALUE_CHARS;
    case GAME_V_NUMBER:
        return len <= GAME_VALUE_CHARS && json_lit_number(v, len);
    case GAME_V_BOOL:
        return game_slice_is(v, len, "true") || game_slice_is(v, len, "false");
    default:
        return false;
    }
}

/* Index of the setting with this key, or -1. */
int game_find_setting(const game_t *g, const char *key, size_t len)
{
    for (size_t i = 0; i < g->nsettings && i < GAME_SETTINGS_MAX; i++)
        if (game_slice_is(key, len, g->settings[i].key))
            return (int)i;
    return -1;
}

static int64_t setting_int(const game_t *g, const struct known_setting *k)
{
    int i = game_find_setting(g, k->key, strlen(k->key));
    int64_t v;

    if (i < 0)
        return k->def;
    const char *s = g->settings[i].value;
    if (k->type == GAME_V_BOOL)
        return g->settings[i].type == GAME_V_BOOL ? s[0] == 't' : k->def;
    if (g->settings[i].type != GAME_V_NUMBER)
        return k->def;
    return json_lit_int(s, strlen(s), &v) && v >= k->min && v <= k->max ? v : k->def;
}

int64_t game_known_int(const game_t *g, int k)
{
    return setting_int(g, &known_settings[k]);
}

/* ---- the text block: settings and private notes ------------------------------------ */

/* One allocation: the header (struct game_text, game_impl.h), then the settings array,
 * then every string (NUL-terminated). */

static const game_setting_t default_settings[] = {
    {"clock_ms", STR(GAME_CLOCK_MS_DEFAULT), GAME_V_NUMBER},
    {"rounds", STR(GAME_ROUNDS_DEFAULT), GAME_V_NUMBER},
    {"cp_per_turn", STR(GAME_CP_PER_TURN_DEFAULT), GAME_V_NUMBER},
};
static game_text_t default_text = {0, true, NDEFAULT, (game_setting_t *)default_settings, {"{}", "{}"}};


game_str_t game_cstr(const char *s)
{
    return (game_str_t){s, strlen(s)};
}

void game_text_in_from(const game_t *g, game_text_in_t *t)
{
    t->n = g->nsettings;
    for (size_t i = 0; i < g->nsettings; i++)
        t->items[i] = (game_setting_in_t){game_cstr(g->settings[i].key), game_cstr(g->settings[i].value), g->settings[i].type};
    for (int i = 0; i < 2; i++)
        t->private_json[i] = game_cstr(g->players[i].private_json);
}

static char *put_str(char **p, game_str_t s)
{
    char *at = *p;
    if (s.len)
        memcpy(at, s.base, s.len);
    at[s.len] = '\0';
    *p += s.len + 1;
    return at;
}

/* Builds a block (refs 0) from t; aborts on out of memory like every allocation here. */
game_text_t *game_text_build(const game_text_in_t *t)
{
    static const game_str_t empty_notes = {"{}", 2};
    size_t size = sizeof(game_text_t) + t->n * sizeof(game_setting_t);
    for (size_t i = 0; i < t->n; i++)
        size += t->items[i].key.len + t->items[i].value.len + 2;
    for (int i = 0; i < 2; i++)
        size += (t->private_json[i].base ? t->private_json[i].len : 2) + 1;
    game_text_t *x = malloc(size);
    if (x == NULL)
        abort();
    x->refs = 0;
    x->immortal = false;
    x->nsettings = t->n;
    x->settings = (game_setting_t *)(x + 1);
    char *p = (char *)(x->settings + t->n);
    for (size_t i = 0; i < t->n; i++) {
        x->settings[i].key = put_str(&p, t->items[i].key);
        x->settings[i].value = put_str(&p, t->items[i].value);
        x->settings[i].type = t->items[i].type;
    }
    for (int i = 0; i < 2; i++)
        x->private_json[i] = put_str(&p, t->private_json[i].base ? t->private_json[i] : empty_notes);
    return x;
}

/* Points g at block x (taking no reference). */
void game_text_use(game_t *g, game_text_t *x)
{
    g->text = x;
    g->nsettings = x->nsettings;
    g->settings = x->settings;
    for (int i = 0; i < 2; i++)
        g->players[i].private_json = x->private_json[i];
}

void game_text_retain(game_text_t *x)
{
    if (x && !x->immortal)
        x->refs++;
}

void game_text_drop(game_text_t *x)
{
    if (x && !x->immortal && (x->refs == 0 || --x->refs == 0))
        free(x);
}

void game_text_use_default(game_t *g)
{
    game_text_use(g, &default_text);
}

/* ---- settings_update ---------------------------------------------------------- */

static int check_setting_in(const game_setting_in_t *it, const char **bf)
{
    const struct known_setting *k;

    if (it->key.base == NULL || !game_valid_token(it->key.base, it->key.len, GAME_KEY_MAX))
        return game_bad(bf, "settings");
    k = game_find_known(it->key.base, it->key.len);
    if (it->type == GAME_V_NULL)
        return GAME_OK;
    if (it->value.base == NULL || !game_valid_value(k, it->type, it->value.base, it->value.len))
        return game_bad(bf, k ? k->key : "settings");
    return GAME_OK;
}

/* Sets, replaces or (null) removes one setting; a known key set to null goes back to its default. */
static int put_setting(game_text_in_t *t, const game_setting_in_t *it, const char **bf)
{
    const struct known_setting *k = game_find_known(it->key.base, it->key.len);
    int i = -1;

    for (size_t j = 0; j < t->n; j++)
        if (t->items[j].key.len == it->key.len && memcmp(t->items[j].key.base, it->key.base, it->key.len) == 0)
            i = (int)j;
    if (it->type == GAME_V_NULL && (k == NULL || k >= &known_settings[NDEFAULT])) {
        if (i >= 0) {
            memmove(&t->items[i], &t->items[i + 1], (t->n - (size_t)i - 1) * sizeof(t->items[0]));
            t->n--;
        }
        return GAME_OK;
    }
    if (i < 0) {
        if (t->n >= GAME_SETTINGS_MAX)
            return game_bad(bf, "settings");
        i = (int)t->n++;
    }
    if (it->type == GAME_V_NULL)
        t->items[i] = (game_setting_in_t){game_cstr(k->key), game_cstr(k->def_text), GAME_V_NUMBER};
    else
        t->items[i] = *it;
    return GAME_OK;
}

/* settings_update: all or nothing. Changing clock_ms in setup resets both clocks to it; later it only applies to new games. */
int game_do_settings(const game_t *in, game_t *w, const game_action_t *a, int64_t now, const char **bf)
{
    const struct game_settings_args *s = &a->settings;
    bool clock = false, rounds = false;
    int rc;

    (void)in, (void)now;
    if (s->n == 0 || s->n > GAME_SETTINGS_MAX)
        return game_bad(bf, "settings");
    for (size_t i = 0; i < s->n; i++)
        if ((rc = check_setting_in(&s->items[i], bf)) != GAME_OK)
            return rc;
    if (a->actor != GAME_ACTOR_HOST)
        return GAME_E_FORBIDDEN;
    game_text_in_t t;
    game_text_in_from(w, &t);
    for (size_t i = 0; i < s->n; i++) {
        if ((rc = put_setting(&t, &s->items[i], bf)) != GAME_OK)
            return rc;
        clock = clock || game_slice_is(s->items[i].key.base, s->items[i].key.len, "clock_ms");
        rounds = rounds || game_slice_is(s->items[i].key.base, s->items[i].key.len, "rounds");
    }
    game_text_use(w, game_text_build(&t));
    /* rounds may not drop under a round that holds a score: the cells would vanish from the wire */
    for (int r = rounds ? game_rounds(w) : GAME_ROUNDS_MAX; r < GAME_ROUNDS_MAX; r++)
        for (int i = 0; i < 2; i++)
            if (w->players[i].rounds[r].primary || w->players[i].rounds[r].secondary)
                return game_bad(bf, "rounds");
    if (clock && w->status == GAME_SETUP) {
        game_clock_reset(&w->players[0].clock, game_clock_ms(w));
        game_clock_reset(&w->players[1].clock, game_clock_ms(w));
    }
    return GAME_OK;
}

/* ---- copies and settings of a game -------------------------------------------- */

void game_copy(game_t *dst, const game_t *src)
{
    memcpy(dst, src, sizeof(*dst));
    game_text_retain(dst->text);
}

void game_release(game_t *g)
{
    game_text_drop(g->text);
    g->text = NULL;
}

int game_set_text(game_t *g, const game_setting_in_t *items, size_t n, game_str_t private1, game_str_t private2)
{
    game_text_in_t t;

    if (n > GAME_SETTINGS_MAX)
        return GAME_E_BAD;
    t.n = n;
    memcpy(t.items, items, n * sizeof(items[0]));
    t.private_json[0] = private1;
    t.private_json[1] = private2;
    game_text_t *x = game_text_build(&t);
    x->refs = 1;
    game_text_drop(g->text);
    game_text_use(g, x);
    return GAME_OK;
}

bool game_settings_equal(const game_t *a, const game_t *b)
{
    if (a->nsettings != b->nsettings)
        return false;
    for (size_t i = 0; i < a->nsettings; i++)
        if (a->settings[i].type != b->settings[i].type || strcmp(a->settings[i].key, b->settings[i].key) != 0 ||
            strcmp(a->settings[i].value, b->settings[i].value) != 0)
            return false;
    return true;
}

const game_setting_t *game_setting_find(const game_t *g, const char *key)
{
    int i = game_find_setting(g, key, strlen(key));

    return i < 0 ? NULL : &g->settings[i];
}

int64_t game_clock_ms(const game_t *g)
{
    return setting_int(g, &known_settings[0]);
}

int game_rounds(const game_t *g)
{
    return (int)setting_int(g, &known_settings[1]);
}

int game_cp_per_turn(const game_t *g)
{
    return (int)setting_int(g, &known_settings[2]);
}

