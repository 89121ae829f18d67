/*
 * QR code encoder: byte mode, level M, versions 1-10, written from ISO/IEC 18004.
 *
 * The symbol is built in three steps. First the codewords: mode and length header, the
 * data, padding, Reed-Solomon error correction per block, then the blocks interleaved so a
 * local smudge damages several blocks a little rather than one block beyond repair.
 * Second the grid: the function patterns a reader locks onto (finders, timing, alignment),
 * the reserved format and version areas, and the codeword bits in the standard's two-column
 * zigzag. Third the mask: each of the eight patterns is tried and scored with the penalty
 * rules, because a symbol with long runs or finder look-alikes is harder to scan.
 *
 * Grids are kept one byte per module while building (at most 57 * 57 bytes on the stack)
 * and packed into the caller's bitmap at the end.
 */
#include "qr.h"

#include <stdlib.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Error correction layout of one version at level M (ISO/IEC 18004 table 9). Blocks of
 * group 1 come first and have one data codeword fewer than blocks of group 2. */
typedef struct {
    uint8_t ec_per_block;
    uint8_t g1_blocks, g1_data;
    uint8_t g2_blocks, g2_data;
} qr_layout_t;

static const qr_layout_t qr_layouts[QR_VERSION_MAX + 1] = {
    {0, 0, 0, 0, 0},    /* no version 0 */
    {10, 1, 16, 0, 0},  /* 1: 26 codewords */
    {16, 1, 28, 0, 0},  /* 2: 44 */
    {26, 1, 44, 0, 0},  /* 3: 70 */
    {18, 2, 32, 0, 0},  /* 4: 100 */
    {24, 2, 43, 0, 0},  /* 5: 134 */
    {16, 4, 27, 0, 0},  /* 6: 172 */
    {18, 4, 31, 0, 0},  /* 7: 196 */
    {22, 2, 38, 2, 39}, /* 8: 242 */
    {22, 3, 36, 2, 37}, /* 9: 292 */
    {26, 4, 43, 1, 44}, /* 10: 346 */
};

/* Centre coordinates of alignment patterns per version (table E.1); 0 ends a row. */
static const uint8_t qr_align[QR_VERSION_MAX + 1][4] = {
    {0}, {0}, {6, 18}, {6, 22}, {6, 26}, {6, 30}, {6, 34}, {6, 22, 38}, {6, 24, 42}, {6, 26, 46}, {6, 28, 50},
};

#define QR_MAX_BLOCKS 5
#define QR_MAX_DATA 216  /* data codewords of version 10-M */
#define QR_MAX_TOTAL 346 /* all codewords of version 10 */
#define QR_MAX_EC 30

/* Penalty weights N1..N4 of the mask evaluation rules. */
#define QR_N1 3
#define QR_N2 3
#define QR_N3 40
#define QR_N4 10

static int qr_data_codewords(const qr_layout_t *l)
{
    return l->g1_blocks * l->g1_data + l->g2_blocks * l->g2_data;
}

static int qr_total_codewords(const qr_layout_t *l)
{
    return qr_data_codewords(l) + (l->g1_blocks + l->g2_blocks) * l->ec_per_block;
}

/* The character count indicator grows from 8 to 16 bits at version 10 in byte mode. */
static int qr_count_bits(int version)
{
    return version < 10 ? 8 : 16;
}

int qr_capacity(int version)
{
    if (version < QR_VERSION_MIN || version > QR_VERSION_MAX)
        return QR_ERR_ARG;
    return (qr_data_codewords(&qr_layouts[version]) * 8 - 4 - qr_count_bits(version)) / 8;
}

/* ---- GF(256) and Reed-Solomon ---- */

/* Multiplication in GF(256) modulo x^8+x^4+x^3+x^2+1 by shift-and-add: a few hundred
 * codewords per symbol do not justify log tables or global state. */
static uint8_t qr_gf_mul(uint8_t a, uint8_t b)
{
    unsigned acc = 0, x = a;
    for (; b != 0; b >>= 1) {
        if (b & 1)
            acc ^= x;
        x <<= 1;
        if (x & 0x100)
            x ^= 0x11d;
    }
    return (uint8_t)acc;
}

int qr_rs_generator(int n, uint8_t *gen)
{
    if (gen == NULL || n < 1 || n > QR_MAX_EC)
        return QR_ERR_ARG;
    memset(gen, 0, (size_t)n + 1);
    gen[0] = 1;
    uint8_t root = 1; /* a^0 */
    for (int d = 0; d < n; d++) {
        /* Multiply the degree-d polynomial by (x + root); subtraction is XOR here. */
        gen[d + 1] = qr_gf_mul(gen[d], root);
        for (int k = d; k >= 1; k--)
            gen[k] ^= qr_gf_mul(gen[k - 1], root);
        root = qr_gf_mul(root, 2);
    }
    return QR_OK;
}

int qr_rs_ecc(const uint8_t *data, size_t data_len, int n, uint8_t *ecc)
{
    uint8_t gen[QR_MAX_EC + 1];
    if ((data == NULL && data_len > 0) || ecc == NULL || qr_rs_generator(n, gen) != QR_OK)
        return QR_ERR_ARG;
    memset(ecc, 0, (size_t)n);
    /* Polynomial long division, keeping only the running remainder. */
    for (size_t i = 0; i < data_len; i++) {
        uint8_t factor = data[i] ^ ecc[0];
        memmove(ecc, ecc + 1, (size_t)n - 1);
        ecc[n - 1] = 0;
        for (int k = 0; k < n; k++)
            ecc[k] ^= qr_gf_mul(gen[k + 1], factor);
    }
    return QR_OK;
}

/* ---- BCH codes for format and version information ---- */

/* Append the remainder of value * x^(deg) modulo poly (of degree deg) to value. */
static long qr_bch(long value, long poly, int deg)
{
    long rem = value << deg;
    for (int bit = 30; bit >= deg; bit--)
        if (rem & (1L << bit))
            rem ^= poly << (bit - deg);
    return (value << deg) | rem;
}

int qr_format_bits(int mask)
{
    if (mask < 0 || mask > 7)
        return QR_ERR_ARG;
    /* Level M is indicator 00, so the 5 data bits are just the mask. The XOR keeps the
     * all-zero word (level M, mask 0) from being all light. */
    return (int)(qr_bch(mask, 0x537, 10) ^ 0x5412);
}

long qr_version_bits(int version)
{
    if (version < 7 || version > 40)
        return QR_ERR_ARG;
    return qr_bch(version, 0x1f25, 12);
}

/* ---- codewords ---- */

static void qr_put_bits(uint8_t *buf, int *pos, unsigned value, int nbits)
{
    for (int i = nbits - 1; i >= 0; i--, (*pos)++)
        if ((value >> i) & 1)
            buf[*pos >> 3] |= (uint8_t)(0x80 >> (*pos & 7));
}

int qr_codewords(const uint8_t *data, size_t len, int version, uint8_t *out, size_t cap)
{
    if ((data == NULL && len > 0) || out == NULL || version < QR_VERSION_MIN || version > QR_VERSION_MAX)
        return QR_ERR_ARG;
    const qr_layout_t *l = &qr_layouts[version];
    int ndata = qr_data_codewords(l), total = qr_total_codewords(l);
    if (cap < (size_t)total)
        return QR_ERR_ARG;
    if (len > (size_t)qr_capacity(version))
        return QR_ERR_TOO_LONG;

    uint8_t buf[QR_MAX_DATA] = {0};
    int pos = 0;
    qr_put_bits(buf, &pos, 0x4, 4); /* byte mode */
    qr_put_bits(buf, &pos, (unsigned)len, qr_count_bits(version));
    for (size_t i = 0; i < len; i++)
        qr_put_bits(buf, &pos, data[i], 8);
    /* Terminator of up to four zero bits, then zero bits to a byte boundary: the buffer
     * is already zero, so both are only a move of the position. */
    pos += 4;
    int used = (pos + 7) / 8;
    for (int i = used; i < ndata; i++)
        buf[i] = ((i - used) & 1) ? 0x11 : 0xec;

    uint8_t ecc[QR_MAX_BLOCKS][QR_MAX_EC];
    int nblocks = l->g1_blocks + l->g2_blocks, offset[QR_MAX_BLOCKS], dlen[QR_MAX_BLOCKS];
    for (int b = 0, off = 0; b < nblocks; b++) {
        dlen[b] = b < l->g1_blocks ? l->g1_data : l->g2_data;
        offset[b] = off;
        qr_rs_ecc(buf + off, (size_t)dlen[b], l->ec_per_block, ecc[b]);
        off += dlen[b];
    }

    int k = 0, maxd = l->g2_blocks ? l->g2_data : l->g1_data;
    for (int i = 0; i < maxd; i++)
        for (int b = 0; b < nblocks; b++)
            if (i < dlen[b])
                out[k++] = buf[offset[b] + i];
    for (int i = 0; i < l->ec_per_block; i++)
        for (int b = 0; b < nblocks; b++)
            out[k++] = ecc[b][i];
    return k;
}

/* ---- the module grid ---- */

typedef struct {
    int size;
    uint8_t dark[QR_SIZE_MAX * QR_SIZE_MAX];
    uint8_t reserved[QR_SIZE_MAX * QR_SIZE_MAX]; /* function pattern or format/version area */
} qr_grid_t;

static void qr_set_fn(qr_grid_t *g, int x, int y, int dark)
{
    if (x < 0 || y < 0 || x >= g->size || y >= g->size)
        return;
    g->dark[y * g->size + x] = (uint8_t)(dark != 0);
    g->reserved[y * g->size + x] = 1;
}

static int qr_chebyshev(int dx, int dy)
{
    dx = dx < 0 ? -dx : dx;
    dy = dy < 0 ? -dy : dy;
    return dx > dy ? dx : dy;
}

/* A 7x7 finder (rings: dark 3x3, light, dark) plus its light separator, clipped at the edge. */
static void qr_draw_finder(qr_grid_t *g, int cx, int cy)
{
    for (int dy = -4; dy <= 4; dy++)
        for (int dx = -4; dx <= 4; dx++) {
            int d = qr_chebyshev(dx, dy);
            qr_set_fn(g, cx + dx, cy + dy, d != 2 && d != 4);
        }
}

static void qr_draw_alignment(qr_grid_t *g, int cx, int cy)
{
    for (int dy = -2; dy <= 2; dy++)
        for (int dx = -2; dx <= 2; dx++)
            qr_set_fn(g, cx + dx, cy + dy, qr_chebyshev(dx, dy) != 1);
}

/* Format information, both copies: one around the top-left finder, one split between
 * the top-right and bottom-left finders, so either half of a damaged symbol carries it.
 * Bit 0 is the least significant of the 15. */
static void qr_draw_format(qr_grid_t *g, int mask)
{
    int bits = qr_format_bits(mask), n = g->size;
    for (int i = 0; i < 15; i++) {
        int bit = (bits >> i) & 1;
        /* First copy: down column 8 from row 0 skipping the timing row, then left along row 8. */
        if (i < 6)
            qr_set_fn(g, 8, i, bit);
        else if (i < 8)
            qr_set_fn(g, 8, i + 1, bit);
        else if (i == 8)
            qr_set_fn(g, 7, 8, bit);
        else
            qr_set_fn(g, 14 - i, 8, bit);
        /* Second copy: bits 0-7 along row 8 from the right edge, 8-14 down column 8. */
        if (i < 8)
            qr_set_fn(g, n - 1 - i, 8, bit);
        else
            qr_set_fn(g, 8, n - 15 + i, bit);
    }
    qr_set_fn(g, 8, n - 8, 1); /* the always-dark module beside the bottom-left finder */
}

static void qr_draw_function_patterns(qr_grid_t *g, int version)
{
    int n = g->size;
    for (int i = 0; i < n; i++) {
        qr_set_fn(g, 6, i, i % 2 == 0);
        qr_set_fn(g, i, 6, i % 2 == 0);
    }
    qr_draw_finder(g, 3, 3);
    qr_draw_finder(g, n - 4, 3);
    qr_draw_finder(g, 3, n - 4);

    const uint8_t *pos = qr_align[version];
    int count = 0;
    while (count < 4 && pos[count] != 0)
        count++;
    for (int i = 0; i < count; i++)
        for (int j = 0; j < count; j++) {
            /* Skip the three positions that would sit on a finder. */
            if ((i == 0 && j == 0) || (i == 0 && j == count - 1) || (i == count - 1 && j == 0))
                continue;
            qr_draw_alignment(g, pos[i], pos[j]);
        }

    /* Reserve the format areas now (mask 0 as a placeholder) so data placement skips them. */
    qr_draw_format(g, 0);

    if (version >= 7) {
        long bits = qr_version_bits(version);
        for (int i = 0; i < 18; i++) {
            int bit = (int)((bits >> i) & 1), a = n - 11 + i % 3, b = i / 3;
            qr_set_fn(g, a, b, bit); /* above the top-right finder */
            qr_set_fn(g, b, a, bit); /* left of the bottom-left finder */
        }
    }
}

/* Codeword bits, most significant first, in two-module-wide columns from the bottom-right
 * corner, alternately upwards and downwards, skipping reserved modules and the vertical
 * timing column. Modules left over at the end are remainder bits and stay light (0). */
static void qr_place_data(qr_grid_t *g, const uint8_t *cw, int ncw)
{
    int n = g->size, bit = 0, nbits = ncw * 8, upward = 1;
    for (int right = n - 1; right >= 1; right -= 2) {
        if (right == 6)
            right = 5;
        for (int step = 0; step < n; step++) {
            int y = upward ? n - 1 - step : step;
            for (int x = right; x >= right - 1; x--) {
                int idx = y * n + x;
                if (g->reserved[idx])
                    continue;
                if (bit < nbits)
                    g->dark[idx] = (cw[bit >> 3] >> (7 - (bit & 7))) & 1;
                bit++;
            }
        }
        upward = !upward;
    }
}

/* The eight mask conditions of the standard; i is the row, j the column. */
static int qr_mask_hit(int mask, int i, int j)
{
    switch (mask) {
    case 0:
        return (i + j) % 2 == 0;
    case 1:
        return i % 2 == 0;
    case 2:
        return j % 3 == 0;
    case 3:
        return (i + j) % 3 == 0;
    case 4:
        return (i / 2 + j / 3) % 2 == 0;
    case 5:
        return (i * j) % 2 + (i * j) % 3 == 0;
    case 6:
        return ((i * j) % 2 + (i * j) % 3) % 2 == 0;
    default:
        return ((i + j) % 2 + (i * j) % 3) % 2 == 0;
    }
}

static void qr_apply_mask(qr_grid_t *g, int mask)
{
    for (int y = 0; y < g->size; y++)
        for (int x = 0; x < g->size; x++)
            if (!g->reserved[y * g->size + x] && qr_mask_hit(mask, y, x))
                g->dark[y * g->size + x] ^= 1;
}

/* Rules N1 (runs of five or more) and N3 (a 1:1:3:1:1 finder look-alike with four light
 * modules on either side) for one row or column. Modules beyond the edge count as light
 * because the quiet zone is what a reader sees there. */
static long qr_line_penalty(const uint8_t *line, int n)
{
    static const uint8_t finder[7] = {1, 0, 1, 1, 1, 0, 1};
    long score = 0;
    int run = 1;
    for (int i = 1; i <= n; i++) {
        if (i < n && line[i] == line[i - 1]) {
            run++;
            continue;
        }
        if (run >= 5)
            score += QR_N1 + (run - 5);
        run = 1;
    }
    for (int i = 0; i + 7 <= n; i++) {
        if (memcmp(line + i, finder, sizeof finder) != 0)
            continue;
        int light_before = 1, light_after = 1;
        for (int k = 1; k <= 4; k++) {
            if (i - k >= 0 && line[i - k])
                light_before = 0;
            if (i + 6 + k < n && line[i + 6 + k])
                light_after = 0;
        }
        if (light_before || light_after)
            score += QR_N3;
    }
    return score;
}

static long qr_penalty(const qr_grid_t *g)
{
    int n = g->size;
    long score = 0, dark = 0;
    uint8_t line[QR_SIZE_MAX];
    for (int y = 0; y < n; y++)
        score += qr_line_penalty(g->dark + y * n, n);
    for (int x = 0; x < n; x++) {
        for (int y = 0; y < n; y++)
            line[y] = g->dark[y * n + x];
        score += qr_line_penalty(line, n);
    }
    for (int y = 0; y + 1 < n; y++)
        for (int x = 0; x + 1 < n; x++) {
            uint8_t c = g->dark[y * n + x];
            if (c == g->dark[y * n + x + 1] && c == g->dark[(y + 1) * n + x] && c == g->dark[(y + 1) * n + x + 1])
                score += QR_N2;
        }
    for (int i = 0; i < n * n; i++)
        dark += g->dark[i];
    /* N4: ten points for every full 5% the dark share is away from 50%. */
    long total = (long)n * n, dev = dark * 100 - total * 50;
    if (dev < 0)
        dev = -dev;
    score += QR_N4 * (dev / (total * 5));
    return score;
}

int qr_encode(const uint8_t *data, size_t len, qr_t *out)
{
    if (out == NULL)
        return QR_ERR_ARG;
    memset(out, 0, sizeof *out);
    if (data == NULL && len > 0)
        return QR_ERR_ARG;
    if (len > QR_MAX_BYTES)
        return QR_ERR_TOO_LONG;

    int version = QR_VERSION_MIN;
    while (len > (size_t)qr_capacity(version))
        version++;

    uint8_t cw[QR_MAX_TOTAL];
    int ncw = qr_codewords(data, len, version, cw, sizeof cw);
    if (ncw < 0)
        return ncw;

    qr_grid_t base, trial;
    memset(&base, 0, sizeof base);
    base.size = 17 + 4 * version;
    qr_draw_function_patterns(&base, version);
    qr_place_data(&base, cw, ncw);

    long best_score = -1;
    int best_mask = 0;
    for (int mask = 0; mask < 8; mask++) {
        trial = base;
        qr_apply_mask(&trial, mask);
        qr_draw_format(&trial, mask);
        long score = qr_penalty(&trial);
        if (best_score < 0 || score < best_score) {
            best_score = score;
            best_mask = mask;
        }
    }
    /* Redo the winner rather than keep a third 6 KB grid on the stack. */
    trial = base;
    qr_apply_mask(&trial, best_mask);
    qr_draw_format(&trial, best_mask);

    out->version = version;
    out->size = trial.size;
    out->mask = best_mask;
    for (int i = 0; i < trial.size * trial.size; i++)
        if (trial.dark[i])
            out->modules[i >> 3] |= (uint8_t)(1u << (i & 7));
    return QR_OK;
}

int qr_module(const qr_t *qr, int x, int y)
{
    if (qr == NULL || x < 0 || y < 0 || x >= qr->size || y >= qr->size)
        return 0;
    int i = y * qr->size + x;
    return (qr->modules[i >> 3] >> (i & 7)) & 1;
}

/* ---- renderers ---- */

/* snprintf-style appender: counts everything, stores what fits, keeps room for the NUL. */
typedef struct {
    char *out;
    size_t cap, len;
} qr_sink_t;

static void qr_put(qr_sink_t *s, const char *str, size_t n)
{
    if (s->len < s->cap) {
        size_t room = s->cap - 1 - s->len;
        memcpy(s->out + s->len, str, n < room ? n : room);
    }
    s->len += n;
}

/* Formats short fragments only (a tag or one path command), so a small buffer is enough. */
__attribute__((format(printf, 2, 3))) static void qr_putf(qr_sink_t *s, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        qr_put(s, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static size_t qr_finish(qr_sink_t *s)
{
    if (s->cap > 0)
        s->out[s->len < s->cap ? s->len : s->cap - 1] = '\0';
    return s->len;
}

size_t qr_svg(const qr_t *qr, int quiet_zone, char *out, size_t cap)
{
    qr_sink_t s = {out, out ? cap : 0, 0};
    if (qr == NULL || qr->size <= 0)
        return qr_finish(&s);
    int q = quiet_zone < 0 ? 0 : quiet_zone > 16 ? 16 : quiet_zone, w = qr->size + 2 * q;
    qr_putf(&s, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">", w, w);
    qr_putf(&s, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path d=\"", w, w);
    /* One closed rectangle per horizontal run of dark modules: far fewer path commands
     * than one square per module, and runs never overlap so there are no seams. */
    for (int y = 0; y < qr->size; y++)
        for (int x = 0; x < qr->size;) {
            if (!qr_module(qr, x, y)) {
                x++;
                continue;
            }
            int start = x;
            while (x < qr->size && qr_module(qr, x, y))
                x++;
            qr_putf(&s, "M%d %dh%dv1H%dz", start + q, y + q, x - start, start + q);
        }
    qr_put(&s, "\"/></svg>\n", 10);
    return qr_finish(&s);
}

size_t qr_terminal(const qr_t *qr, char *out, size_t cap)
{
    /* Indexed by (top light) | (bottom light) << 1: ink shows light, blank shows dark. */
    static const char *const glyph[4] = {" ", "\xe2\x96\x80", "\xe2\x96\x84", "\xe2\x96\x88"};
    const int q = 2;
    qr_sink_t s = {out, out ? cap : 0, 0};
    if (qr == NULL || qr->size <= 0)
        return qr_finish(&s);
    int end = qr->size + q;
    for (int y = -q; y < end; y += 2) {
        for (int x = -q; x < end; x++) {
            int top = !qr_module(qr, x, y);
            /* Past the last quiet-zone row is the terminal's own (dark) background. */
            int bottom = y + 1 < end && !qr_module(qr, x, y + 1);
            const char *gl = glyph[top | bottom << 1];
            qr_put(&s, gl, strlen(gl));
        }
        qr_put(&s, "\n", 1);
    }
    return qr_finish(&s);
}

char *qr_terminal_text(const char *text)
{
    qr_t qr;
    if (qr_encode((const uint8_t *)text, strlen(text), &qr) != QR_OK)
        return NULL;
    size_t need = qr_terminal(&qr, NULL, 0);
    char *art = malloc(need + 1);
    if (art)
        qr_terminal(&qr, art, need + 1);
    return art;
}
