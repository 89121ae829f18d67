/* raster: the pixel canvas, its shapes, text through stb_truetype and QR symbols. */
#include "raster.h"

#include <math.h>
#include <string.h>
#include <zlib.h>

#include "mem.h"
#include "utf8.h"

/* stb_truetype is compiled here, privately: every function static, so the binary
 * exports none of its names. Its allocations go through the aborting wrappers. */
#define STBTT_STATIC
#define STB_TRUETYPE_IMPLEMENTATION
#define STBTT_malloc(n, u) ((void)(u), mem_alloc(n))
#define STBTT_free(p, u) ((void)(u), free(p))
#include <stb_truetype.h>

/* The font file, deflated by the build (src/tools/deflate.c, into raster_data.c). */
extern const unsigned char raster_font_z[];
extern const size_t raster_font_z_len;
extern const size_t raster_font_len;

#define GLYPH_SLOTS 4096             /* rendered glyphs kept; a power of two */
#define CMAP_SLOTS 2048              /* code point -> glyph lookups kept; a power of two */
#define CACHE_BYTES_MAX (48u << 20)  /* bitmaps past this empty the cache (a 4K frame's big digits fit) */
#define SIZE_MAX_PX 1024

typedef struct {
    uint32_t cp;  /* key with size; size 0 marks an empty slot */
    int size;
    int w, h, xoff, yoff;
    uint8_t *bm;
} glyph_t;

typedef struct {
    uint32_t key; /* code point + 1; 0 marks an empty slot */
    int glyph;
    int advance; /* font units */
} cmap_t;

struct raster_font {
    unsigned char *data;
    stbtt_fontinfo info;
    float em1; /* scale for one pixel per em */
    int ascent, descent, digit_h; /* font units; descent positive */
    glyph_t glyphs[GLYPH_SLOTS];
    size_t nglyphs, bytes;
    cmap_t cmap[CMAP_SLOTS];
    size_t ncmap;
};

int raster_init(raster_t *r, int w, int h, uint32_t color)
{
    memset(r, 0, sizeof(*r));
    if (w < 1 || h < 1 || w > RASTER_SIDE_MAX || h > RASTER_SIDE_MAX)
        return -1;
    r->px = mem_alloc((size_t)w * (size_t)h * sizeof(uint32_t));
    r->w = w;
    r->h = h;
    r->stride = w;
    raster_fill(r, (raster_rect_t){0, 0, w, h}, (raster_rect_t){0, 0, w, h}, color);
    return 0;
}

void raster_free(raster_t *r)
{
    free(r->px);
    memset(r, 0, sizeof(*r));
}

raster_rect_t raster_intersect(raster_rect_t a, raster_rect_t b)
{
    int x0 = a.x > b.x ? a.x : b.x, y0 = a.y > b.y ? a.y : b.y;
    int x1 = a.x + a.w < b.x + b.w ? a.x + a.w : b.x + b.w;
    int y1 = a.y + a.h < b.y + b.h ? a.y + a.h : b.y + b.h;
    if (x1 <= x0 || y1 <= y0)
        return (raster_rect_t){x0, y0, 0, 0};
    return (raster_rect_t){x0, y0, x1 - x0, y1 - y0};
}

static raster_rect_t clip_of(const raster_t *r, raster_rect_t clip)
{
    return raster_intersect(clip, (raster_rect_t){0, 0, r->w, r->h});
}

/* d blended towards s by a/255, two channels at a time. */
static inline uint32_t blend(uint32_t d, uint32_t s, unsigned a)
{
    uint32_t rb = (s & 0xff00ffu) * a + (d & 0xff00ffu) * (255 - a) + 0x800080u;
    rb = ((rb + ((rb >> 8) & 0xff00ffu)) >> 8) & 0xff00ffu;
    uint32_t g = (s & 0xff00u) * a + (d & 0xff00u) * (255 - a) + 0x8000u;
    g = ((g + ((g >> 8) & 0xff00u)) >> 8) & 0xff00u;
    return rb | g;
}

/* Fills rc, already clipped: the first row pixel by pixel, the others copied from it,
 * because memcpy moves many pixels an instruction and a plain store loop moves one
 * (at -O2 the compiler does not vectorize it): a full 1920x1080 clear is about 0.3
 * million instructions instead of 4. */
static void fill_rows(raster_t *r, raster_rect_t rc, uint32_t color)
{
    if (rc.w <= 0 || rc.h <= 0)
        return;
    uint32_t *first = r->px + (size_t)rc.y * (size_t)r->stride + rc.x;
    for (int i = 0; i < rc.w; i++)
        first[i] = color;
    for (int y = 1; y < rc.h; y++)
        memcpy(first + (size_t)y * (size_t)r->stride, first, (size_t)rc.w * sizeof(uint32_t));
}

void raster_fill(raster_t *r, raster_rect_t clip, raster_rect_t rc, uint32_t color)
{
    fill_rows(r, raster_intersect(rc, clip_of(r, clip)), color);
}

/* Coverage of the pixel at (x, y) by a rounded corner whose circle has its centre at
 * (cx, cy) in pixel-edge coordinates. */
static unsigned corner_cover(int x, int y, float cx, float cy, float rad)
{
    float dx = (float)x + 0.5f - cx, dy = (float)y + 0.5f - cy;
    float cov = rad - sqrtf(dx * dx + dy * dy) + 0.5f;
    return cov >= 1 ? 255 : cov <= 0 ? 0 : (unsigned)(cov * 255.0f + 0.5f);
}

void raster_round_rect(raster_t *r, raster_rect_t clip, raster_rect_t rc, int radius, uint32_t color)
{
    if (rc.w <= 0 || rc.h <= 0)
        return;
    int half = (rc.w < rc.h ? rc.w : rc.h) / 2;
    if (radius > half)
        radius = half;
    raster_rect_t c = raster_intersect(rc, clip_of(r, clip));
    if (radius <= 0 || c.w <= 0) {
        fill_rows(r, c, color);
        return;
    }
    /* The rows between the corners are a plain rectangle. */
    int mid0 = rc.y + radius, mid1 = rc.y + rc.h - radius;
    fill_rows(r, raster_intersect(c, (raster_rect_t){rc.x, mid0, rc.w, mid1 - mid0}), color);
    float rad = (float)radius;
    float lx = (float)(rc.x + radius), rx = (float)(rc.x + rc.w - radius);
    for (int y = c.y; y < c.y + c.h; y++) {
        if (y >= mid0 && y < mid1)
            continue;
        float cy = y < mid0 ? (float)mid0 : (float)mid1;
        uint32_t *row = r->px + (size_t)y * (size_t)r->stride;
        for (int x = c.x; x < c.x + c.w; x++) {
            unsigned a;
            if (x < rc.x + radius)
                a = corner_cover(x, y, lx, cy, rad);
            else if (x >= rc.x + rc.w - radius)
                a = corner_cover(x, y, rx, cy, rad);
            else
                a = 255;
            if (a == 255)
                row[x] = color;
            else if (a)
                row[x] = blend(row[x], color, a);
        }
    }
}

int raster_qr_side(const qr_t *qr, int module)
{
    return (qr->size + 8) * module;
}

int raster_qr(raster_t *r, raster_rect_t clip, const qr_t *qr, int x, int y, int module, uint32_t dark, uint32_t light)
{
    int side = raster_qr_side(qr, module);
    raster_fill(r, clip, (raster_rect_t){x, y, side, side}, light);
    for (int my = 0; my < qr->size; my++) {
        for (int mx = 0; mx < qr->size; mx++) {
            /* Runs of dark modules in a row are one fill. */
            if (!qr_module(qr, mx, my))
                continue;
            int run = 1;
            while (mx + run < qr->size && qr_module(qr, mx + run, my))
                run++;
            raster_fill(r, clip, (raster_rect_t){x + (4 + mx) * module, y + (4 + my) * module, run * module, module}, dark);
            mx += run - 1;
        }
    }
    return side;
}

/* ---- font ---- */

raster_font_t *raster_font_new(void)
{
    raster_font_t *f = mem_zalloc(sizeof(*f));
    f->data = mem_alloc(raster_font_len);
    uLongf n = raster_font_len;
    if (uncompress(f->data, &n, raster_font_z, raster_font_z_len) != Z_OK || n != raster_font_len ||
        !stbtt_InitFont(&f->info, f->data, stbtt_GetFontOffsetForIndex(f->data, 0))) {
        raster_font_free(f);
        return NULL;
    }
    f->em1 = stbtt_ScaleForMappingEmToPixels(&f->info, 1.0f);
    int asc, desc, gap, x0, y0, x1, y1;
    stbtt_GetFontVMetrics(&f->info, &asc, &desc, &gap);
    f->ascent = asc;
    f->descent = -desc;
    if (stbtt_GetCodepointBox(&f->info, '0', &x0, &y0, &x1, &y1))
        f->digit_h = y1;
    else
        f->digit_h = asc * 3 / 4;
    return f;
}

static void cache_clear(raster_font_t *f)
{
    for (size_t i = 0; i < GLYPH_SLOTS; i++) {
        free(f->glyphs[i].bm);
        f->glyphs[i].bm = NULL;
        f->glyphs[i].size = 0;
    }
    f->nglyphs = 0;
    f->bytes = 0;
}

void raster_font_free(raster_font_t *f)
{
    if (!f)
        return;
    cache_clear(f);
    free(f->data);
    free(f);
}

size_t raster_font_cache_bytes(const raster_font_t *f)
{
    return f->bytes;
}

static int px_of(raster_font_t *f, int size, int units)
{
    return (int)ceilf((float)units * f->em1 * (float)size);
}

int raster_font_ascent(raster_font_t *f, int size)
{
    return px_of(f, size, f->ascent);
}

int raster_font_descent(raster_font_t *f, int size)
{
    return px_of(f, size, f->descent);
}

int raster_font_digit_height(raster_font_t *f, int size)
{
    return px_of(f, size, f->digit_h);
}

static const cmap_t *lookup(raster_font_t *f, uint32_t cp)
{
    uint32_t i = (cp * 2654435761u) & (CMAP_SLOTS - 1);
    while (f->cmap[i].key) {
        if (f->cmap[i].key == cp + 1)
            return &f->cmap[i];
        i = (i + 1) & (CMAP_SLOTS - 1);
    }
    if (f->ncmap >= CMAP_SLOTS / 2) {
        memset(f->cmap, 0, sizeof(f->cmap));
        f->ncmap = 0;
        i = (cp * 2654435761u) & (CMAP_SLOTS - 1);
    }
    cmap_t *c = &f->cmap[i];
    c->key = cp + 1;
    c->glyph = stbtt_FindGlyphIndex(&f->info, (int)cp); /* 0, the empty box, when missing */
    int lsb;
    stbtt_GetGlyphHMetrics(&f->info, c->glyph, &c->advance, &lsb);
    f->ncmap++;
    return c;
}

static const glyph_t *glyph(raster_font_t *f, uint32_t cp, int size)
{
    uint32_t i = ((cp * 2654435761u) ^ ((uint32_t)size * 40503u)) & (GLYPH_SLOTS - 1);
    while (f->glyphs[i].size) {
        if (f->glyphs[i].cp == cp && f->glyphs[i].size == size)
            return &f->glyphs[i];
        i = (i + 1) & (GLYPH_SLOTS - 1);
    }
    if (f->nglyphs >= GLYPH_SLOTS / 2 || f->bytes > CACHE_BYTES_MAX) {
        cache_clear(f);
        i = ((cp * 2654435761u) ^ ((uint32_t)size * 40503u)) & (GLYPH_SLOTS - 1);
    }
    glyph_t *g = &f->glyphs[i];
    float scale = f->em1 * (float)size;
    int gi = lookup(f, cp)->glyph, x0, y0, x1, y1;
    stbtt_GetGlyphBitmapBox(&f->info, gi, scale, scale, &x0, &y0, &x1, &y1);
    g->cp = cp;
    g->size = size;
    g->w = x1 - x0;
    g->h = y1 - y0;
    g->xoff = x0;
    g->yoff = y0;
    g->bm = NULL;
    if (g->w > 0 && g->h > 0) {
        size_t n = (size_t)g->w * (size_t)g->h;
        g->bm = mem_zalloc(n);
        stbtt_MakeGlyphBitmap(&f->info, g->bm, g->w, g->h, g->w, scale, scale, gi);
        f->bytes += n;
    }
    f->nglyphs++;
    return g;
}

static int clamp_size(int size)
{
    return size < 1 ? 1 : size > SIZE_MAX_PX ? SIZE_MAX_PX : size;
}

/* The next code point of s[*i..len), U+FFFD for a byte that starts no valid sequence. */
static uint32_t next_cp(const char *s, size_t len, size_t *i)
{
    uint32_t cp;
    size_t n = utf8_next((const unsigned char *)s + *i, len - *i, &cp);
    if (n == 0) {
        *i += 1;
        return 0xfffd;
    }
    *i += n;
    return cp;
}

int raster_text_width(raster_font_t *f, int size, const char *s, size_t len)
{
    size = clamp_size(size);
    long units = 0;
    for (size_t i = 0; i < len;)
        units += lookup(f, next_cp(s, len, &i))->advance;
    return (int)ceilf((float)units * f->em1 * (float)size);
}

static void draw_glyph(raster_t *r, raster_rect_t c, const glyph_t *g, int x, int y, uint32_t color)
{
    raster_rect_t b = raster_intersect((raster_rect_t){x + g->xoff, y + g->yoff, g->w, g->h}, c);
    for (int yy = b.y; yy < b.y + b.h; yy++) {
        const uint8_t *src = g->bm + (size_t)(yy - (y + g->yoff)) * (size_t)g->w + (b.x - (x + g->xoff));
        uint32_t *dst = r->px + (size_t)yy * (size_t)r->stride + b.x;
        for (int i = 0; i < b.w; i++) {
            unsigned a = src[i];
            if (a == 255)
                dst[i] = color;
            else if (a)
                dst[i] = blend(dst[i], color, a);
        }
    }
}

int raster_text(raster_t *r, raster_rect_t clip, raster_font_t *f, int x, int y, int size, uint32_t color, const char *s,
                size_t len)
{
    size = clamp_size(size);
    raster_rect_t c = clip_of(r, clip);
    float scale = f->em1 * (float)size, pen = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp = next_cp(s, len, &i);
        int gx = x + (int)lroundf(pen);
        pen += (float)lookup(f, cp)->advance * scale;
        if (c.w <= 0 || gx > c.x + c.w)
            continue; /* still measured, not drawn */
        const glyph_t *g = glyph(f, cp, size);
        if (g->bm)
            draw_glyph(r, c, g, gx, y, color);
    }
    return (int)ceilf(pen);
}

int raster_text_box(raster_t *r, raster_rect_t clip, raster_font_t *f, raster_rect_t box, int max_size, int min_size,
                    raster_align_t align, int digits, uint32_t color, const char *s, size_t len)
{
    if (box.w <= 0 || box.h <= 0)
        return 0;
    max_size = clamp_size(max_size);
    /* Never taller than the box: the line (or the digits) must fit its height. */
    float per_px = digits ? (float)f->digit_h * f->em1 : (float)(f->ascent + f->descent) * f->em1;
    int hmax = (int)((float)box.h / per_px);
    if (max_size > hmax)
        max_size = clamp_size(hmax);
    if (min_size > max_size)
        min_size = max_size;
    min_size = clamp_size(min_size);
    int size = max_size, w = raster_text_width(f, size, s, len);
    size_t cut = len;
    static const char ell[] = "\xe2\x80\xa6"; /* U+2026 */
    int ellw = 0;
    if (w > box.w) {
        size = (int)((long)max_size * box.w / w);
        while (size > min_size && raster_text_width(f, size, s, len) > box.w)
            size--;
        if (size <= min_size) {
            size = min_size;
            w = raster_text_width(f, size, s, len);
            if (w > box.w) {
                /* Cut at a code point so that the rest and the ellipsis fit. */
                ellw = raster_text_width(f, size, ell, 3);
                float scale = f->em1 * (float)size, pen = 0;
                size_t i = 0;
                cut = 0;
                while (i < len) {
                    size_t j = i;
                    pen += (float)lookup(f, next_cp(s, len, &j))->advance * scale;
                    if ((int)ceilf(pen) + ellw > box.w)
                        break;
                    cut = i = j;
                }
                w = raster_text_width(f, size, s, cut) + ellw;
            }
        } else {
            w = raster_text_width(f, size, s, len);
        }
    }
    int x = box.x;
    if (align == RASTER_CENTER)
        x = box.x + (box.w - w) / 2;
    else if (align == RASTER_RIGHT)
        x = box.x + box.w - w;
    int y;
    if (digits)
        y = box.y + (box.h + raster_font_digit_height(f, size)) / 2;
    else
        y = box.y + (box.h - raster_font_ascent(f, size) - raster_font_descent(f, size)) / 2 + raster_font_ascent(f, size);
    raster_rect_t c = raster_intersect(clip, box);
    int adv = raster_text(r, c, f, x, y, size, color, s, cut);
    if (cut < len)
        raster_text(r, c, f, x + adv, y, size, color, ell, 3);
    return size;
}
