/* jsmn's implementation lives in this translation unit only. */
#define JSMN_STRICT
#define JSMN_STATIC /* its functions stay private to this file: every export carries json_ */
#include <jsmn.h>

#include "json.h"

#include <string.h>

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

bool json_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t l = utf8_seq(p + i, n - i);
        if (l == 0)
            return false;
        i += l;
    }
    return true;
}

size_t json_utf8_len(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            count++;
    return count;
}

int json_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = json_hex_digit(p[i]);
        if (h < 0)
            return -1;
        v = (v << 4) | (unsigned)h;
    }
    *out = v;
    return 0;
}

/* Decodes (or, with out == NULL, only checks) the body of a string token. Returns
 * the decoded length or -1. cap counts the terminating NUL. */
static int str_decode(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        unsigned cp;
        if (c < 0x20)
            return -1;
        if (c != '\\') {
            size_t l = utf8_seq((const unsigned char *)s + i, n - i);
            if (l == 0)
                return -1;
            if (out) {
                if (o + l >= cap)
                    return -1;
                memcpy(out + o, s + i, l);
            }
            o += l;
            i += l;
            continue;
        }
        if (i + 1 >= n)
            return -1;
        char e = s[i + 1];
        i += 2;
        switch (e) {
        case '"': cp = '"'; break;
        case '\\': cp = '\\'; break;
        case '/': cp = '/'; break;
        case 'b': cp = '\b'; break;
        case 'f': cp = '\f'; break;
        case 'n': cp = '\n'; break;
        case 'r': cp = '\r'; break;
        case 't': cp = '\t'; break;
        case 'u':
            if (i + 4 > n || hex4(s + i, &cp) != 0)
                return -1;
            i += 4;
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                return -1;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo;
                if (i + 6 > n || s[i] != '\\' || s[i + 1] != 'u' || hex4(s + i + 2, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF)
                    return -1;
                i += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            break;
        default:
            return -1;
        }
        if (cp == 0)
            return -1; /* C strings downstream: refuse embedded NUL */
        char tmp[4];
        size_t l;
        if (cp < 0x80) {
            tmp[0] = (char)cp;
            l = 1;
        } else if (cp < 0x800) {
            tmp[0] = (char)(0xC0 | (cp >> 6));
            tmp[1] = (char)(0x80 | (cp & 0x3F));
            l = 2;
        } else if (cp < 0x10000) {
            tmp[0] = (char)(0xE0 | (cp >> 12));
            tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
            tmp[2] = (char)(0x80 | (cp & 0x3F));
            l = 3;
        } else {
            tmp[0] = (char)(0xF0 | (cp >> 18));
            tmp[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
            tmp[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
            tmp[3] = (char)(0x80 | (cp & 0x3F));
            l = 4;
        }
        if (out) {
            if (o + l >= cap)
                return -1;
            memcpy(out + o, tmp, l);
        }
        o += l;
    }
    if (out)
        out[o] = '\0';
    return o > (size_t)INT32_MAX ? -1 : (int)o;
}

/* JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool number_valid(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    if (i >= n)
        return false;
    if (s[i] == '0') {
        i++;
    } else if (s[i] >= '1' && s[i] <= '9') {
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    } else {
        return false;
    }
    if (i < n && s[i] == '.') {
        i++;
        size_t start = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == start)
            return false;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t start = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == start)
            return false;
    }
    return i == n;
}

static bool tok_is(const json_doc_t *d, int i, const char *lit)
{
    size_t l = strlen(lit);
    const jsmntok_t *t = &d->tok[i];
    return (size_t)(t->end - t->start) == l && memcmp(d->js + t->start, lit, l) == 0;
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Where token i's text begins and ends in the document (strings with quotes). */
static int raw_start(const jsmntok_t *t)
{
    return t->type == JSMN_STRING ? t->start - 1 : t->start;
}

static int raw_end(const jsmntok_t *t)
{
    return t->type == JSMN_STRING ? t->end + 1 : t->end;
}

static int skip_ws(const char *js, int pos, int end)
{
    while (pos < end && is_ws(js[pos]))
        pos++;
    return pos;
}

/* jsmn does not check the punctuation between values (it takes "[1,]" and
 * "{\"a\" 1}"): walk each container and require exactly one ',' between
 * members, one ':' after each key, and nothing else but white space. */
static bool container_valid(const json_doc_t *d, int i)
{
    const jsmntok_t *t = d->tok;
    const char *js = d->js;
    int close = t[i].end - 1;
    int pos = t[i].start + 1;
    int k = i + 1;
    bool obj = t[i].type == JSMN_OBJECT;
    for (int m = 0; m < t[i].size; m++) {
        pos = skip_ws(js, pos, close);
        if (m > 0) {
            if (pos >= close || js[pos] != ',')
                return false;
            pos = skip_ws(js, pos + 1, close);
        }
        if (k >= d->ntok || pos != raw_start(&t[k]))
            return false;
        pos = raw_end(&t[k]);
        if (obj) {
            pos = skip_ws(js, pos, close);
            if (pos >= close || js[pos] != ':')
                return false;
            pos = skip_ws(js, pos + 1, close);
            if (k + 1 >= d->ntok || pos != raw_start(&t[k + 1]))
                return false;
            pos = raw_end(&t[k + 1]);
            k = json_next(d, k + 1);
        } else {
            k = json_next(d, k);
        }
    }
    return skip_ws(js, pos, close + 1) == close;
}

/* jsmn in strict mode wants a delimiter after a primitive, so a document that
 * is a lone number or literal is read here. */
static int parse_lone_primitive(json_doc_t *d, const char *js, size_t len, jsmntok_t *toks, int maxtok)
{
    size_t a = 0, b = len;
    while (a < b && is_ws(js[a]))
        a++;
    while (b > a && is_ws(js[b - 1]))
        b--;
    if (a == b || maxtok < 1 || js[a] == '{' || js[a] == '[' || js[a] == '"' || b > INT32_MAX)
        return JSON_E_SYNTAX;
    toks[0].type = JSMN_PRIMITIVE;
    toks[0].start = (int)a;
    toks[0].end = (int)b;
    toks[0].size = 0;
    d->js = js;
    d->len = len;
    d->tok = toks;
    d->ntok = 1;
    return 0;
}

int json_parse(json_doc_t *d, const char *js, size_t len, jsmntok_t *toks, int maxtok)
{
    jsmn_parser p;
    jsmn_init(&p);
    int n = jsmn_parse(&p, js, len, toks, (unsigned)maxtok);
    if (n == JSMN_ERROR_NOMEM)
        return JSON_E_TOO_DEEP;
    if (n == JSMN_ERROR_PART && parse_lone_primitive(d, js, len, toks, maxtok) == 0)
        n = 1;
    else if (n <= 0)
        return JSON_E_SYNTAX;
    d->js = js;
    d->len = len;
    d->tok = toks;
    d->ntok = n;
    /* Exactly one top-level value and nothing but white space around it. */
    if (json_next(d, 0) != n || (toks[0].type == JSMN_STRING && toks[0].size != 0))
        return JSON_E_SYNTAX;
    for (size_t i = (size_t)toks[0].end + (toks[0].type == JSMN_STRING); i < len; i++)
        if (!is_ws(js[i]))
            return JSON_E_SYNTAX;
    for (int i = 0; i < n; i++) {
        const jsmntok_t *t = &toks[i];
        if (t->start < 0 || t->end < t->start)
            return JSON_E_SYNTAX;
        if (t->type == JSMN_PRIMITIVE) {
            if (!(tok_is(d, i, "true") || tok_is(d, i, "false") || tok_is(d, i, "null") ||
                  number_valid(js + t->start, (size_t)(t->end - t->start))))
                return JSON_E_SYNTAX;
            if (t->size != 0)
                return JSON_E_SYNTAX;
        } else if (t->type == JSMN_STRING) {
            if (str_decode(js + t->start, (size_t)(t->end - t->start), NULL, 0) < 0)
                return JSON_E_SYNTAX;
        } else if ((t->type == JSMN_OBJECT || t->type == JSMN_ARRAY) && !container_valid(d, i)) {
            return JSON_E_SYNTAX;
        } else if (t->type == JSMN_OBJECT) {
            /* Every key must be a string followed by exactly one value. */
            int k = i + 1;
            for (int m = 0; m < t->size; m++) {
                if (k + 1 >= n || toks[k].type != JSMN_STRING || toks[k].size != 1)
                    return JSON_E_SYNTAX;
                if (toks[k + 1].type == JSMN_STRING && toks[k + 1].size != 0)
                    return JSON_E_SYNTAX;
                k = json_next(d, k + 1);
            }
        } else if (t->type == JSMN_ARRAY) {
            int k = i + 1;
            for (int m = 0; m < t->size; m++) {
                if (k >= n || (toks[k].type == JSMN_STRING && toks[k].size != 0))
                    return JSON_E_SYNTAX;
                k = json_next(d, k);
            }
        } else {
            return JSON_E_SYNTAX;
        }
    }
    return 0;
}

json_type_t json_type(const json_doc_t *d, int i)
{
    const jsmntok_t *t = &d->tok[i];
    switch (t->type) {
    case JSMN_OBJECT: return JSON_OBJECT;
    case JSMN_ARRAY: return JSON_ARRAY;
    case JSMN_STRING: return JSON_STRING;
    default: break;
    }
    char c = d->js[t->start];
    if (c == 'n')
        return JSON_NULL;
    if (c == 't' || c == 'f')
        return JSON_BOOL;
    return JSON_NUMBER;
}

int json_next(const json_doc_t *d, int i)
{
    int end = d->tok[i].end;
    int j = i + 1;
    while (j < d->ntok && d->tok[j].start < end)
        j++;
    return j;
}

int json_size(const json_doc_t *d, int i)
{
    return d->tok[i].size;
}

int json_get(const json_doc_t *d, int obj, const char *key)
{
    if (obj < 0 || obj >= d->ntok || d->tok[obj].type != JSMN_OBJECT)
        return -1;
    int found = -1;
    int k = obj + 1;
    for (int m = 0; m < d->tok[obj].size; m++) {
        if (json_str_eq(d, k, key))
            found = k + 1; /* the last duplicate wins, like most JSON readers */
        k = json_next(d, k + 1);
    }
    return found;
}

int json_int(const json_doc_t *d, int i, int64_t *out)
{
    if (i < 0 || json_type(d, i) != JSON_NUMBER)
        return -1;
    const jsmntok_t *t = &d->tok[i];
    const char *s = d->js + t->start;
    size_t n = (size_t)(t->end - t->start);
    bool neg = s[0] == '-';
    size_t k = neg ? 1 : 0;
    uint64_t v = 0;
    for (; k < n; k++) {
        if (s[k] < '0' || s[k] > '9')
            return -1; /* fraction or exponent */
        if (v > (UINT64_C(9223372036854775808) - (uint64_t)(s[k] - '0')) / 10)
            return -1;
        v = v * 10 + (uint64_t)(s[k] - '0');
    }
    if (!neg && v > (uint64_t)INT64_MAX)
        return -1;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

int json_bool(const json_doc_t *d, int i, bool *out)
{
    if (i < 0 || json_type(d, i) != JSON_BOOL)
        return -1;
    *out = d->js[d->tok[i].start] == 't';
    return 0;
}

int json_str(const json_doc_t *d, int i, char *out, size_t cap)
{
    if (i < 0 || d->tok[i].type != JSMN_STRING || cap == 0)
        return -1;
    return str_decode(d->js + d->tok[i].start, (size_t)(d->tok[i].end - d->tok[i].start), out, cap);
}

bool json_str_eq(const json_doc_t *d, int i, const char *s)
{
    if (i < 0 || d->tok[i].type != JSMN_STRING)
        return false;
    const jsmntok_t *t = &d->tok[i];
    size_t n = (size_t)(t->end - t->start);
    size_t l = strlen(s);
    if (memchr(d->js + t->start, '\\', n) == NULL)
        return n == l && memcmp(d->js + t->start, s, l) == 0;
    char tmp[256];
    int got = json_str(d, i, tmp, sizeof(tmp));
    return got >= 0 && (size_t)got == l && memcmp(tmp, s, l) == 0;
}

const char *json_raw(const json_doc_t *d, int i, size_t *len)
{
    const jsmntok_t *t = &d->tok[i];
    if (t->type == JSMN_STRING) {
        *len = (size_t)(t->end - t->start) + 2;
        return d->js + t->start - 1;
    }
    *len = (size_t)(t->end - t->start);
    return d->js + t->start;
}

void json_put_str(buf_t *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    buf_putc(b, '"');
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            i++;
            run++;
            continue;
        }
        buf_append(b, s + i - run, run);
        run = 0;
        if (c >= 0x80) {
            size_t l = utf8_seq(p + i, n - i);
            if (l == 0) {
                buf_puts(b, "\xEF\xBF\xBD");
                i++;
            } else {
                buf_append(b, s + i, l);
                i += l;
            }
            continue;
        }
        switch (c) {
        case '"': buf_puts(b, "\\\""); break;
        case '\\': buf_puts(b, "\\\\"); break;
        case '\n': buf_puts(b, "\\n"); break;
        case '\r': buf_puts(b, "\\r"); break;
        case '\t': buf_puts(b, "\\t"); break;
        default: {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            buf_append(b, e, 6);
        }
        }
        i++;
    }
    buf_append(b, s + n - run, run);
    buf_putc(b, '"');
}

void json_put_cstr(buf_t *b, const char *s)
{
    json_put_str(b, s, strlen(s));
}

void json_put_key(buf_t *b, const char *key, bool first)
{
    if (!first)
        buf_putc(b, ',');
    json_put_cstr(b, key);
    buf_putc(b, ':');
}
