/*
 * Unit tests for src/qr.c. Known answers come from ISO/IEC 18004 (format and version
 * information tables, generator polynomials of annex A, the worked 1-M example of annex I)
 * or are derived by hand below; anything else is checked against a second, deliberately
 * different GF(256) implementation (log/antilog tables) written here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "qr.h"

/* ---- reference GF(256) with tables, independent of the encoder's shift-and-add ---- */

static uint8_t ref_exp[512];
static int ref_log[256];

static void ref_init(void)
{
    unsigned x = 1;
    for (int i = 0; i < 255; i++) {
        ref_exp[i] = (uint8_t)x;
        ref_log[x] = i;
        x <<= 1;
        if (x & 0x100)
            x ^= 0x11d;
    }
    for (int i = 255; i < 512; i++)
        ref_exp[i] = ref_exp[i - 255];
    ref_log[0] = -1;
}

static uint8_t ref_mul(uint8_t a, uint8_t b)
{
    if (a == 0 || b == 0)
        return 0;
    return ref_exp[ref_log[a] + ref_log[b]];
}

/* Remainder of data(x) * x^n modulo gen by schoolbook long division on a full copy. */
static void ref_ecc(const uint8_t *data, int len, int n, uint8_t *ecc)
{
    uint8_t gen[31], work[400] = {0};
    assert_int_equal(qr_rs_generator(n, gen), QR_OK);
    memcpy(work, data, (size_t)len);
    for (int i = 0; i < len; i++) {
        uint8_t lead = work[i];
        for (int k = 0; k <= n; k++)
            work[i + k] ^= ref_mul(gen[k], lead);
    }
    memcpy(ecc, work + len, (size_t)n);
}

static int setup(void **state)
{
    (void)state;
    ref_init();
    return 0;
}

/* ---- Reed-Solomon ---- */

/* Annex A lists generators as exponents of a; x^7 + a^87 x^6 + a^229 x^5 + ... */
static void test_rs_generator_annex_a(void **state)
{
    (void)state;
    static const int exp7[] = {0, 87, 229, 146, 149, 238, 102, 21};
    static const int exp10[] = {0, 251, 67, 46, 61, 118, 70, 64, 94, 32, 45};
    uint8_t gen[31];
    assert_int_equal(qr_rs_generator(7, gen), QR_OK);
    for (int i = 0; i <= 7; i++)
        assert_int_equal(gen[i], ref_exp[exp7[i]]);
    assert_int_equal(qr_rs_generator(10, gen), QR_OK);
    for (int i = 0; i <= 10; i++)
        assert_int_equal(gen[i], ref_exp[exp10[i]]);
}

/* By definition the generator of degree n vanishes at a^0 .. a^(n-1) and nowhere else
 * among the powers a^0 .. a^n. */
static void test_rs_generator_roots(void **state)
{
    (void)state;
    uint8_t gen[31];
    for (int n = 1; n <= 30; n++) {
        assert_int_equal(qr_rs_generator(n, gen), QR_OK);
        assert_int_equal(gen[0], 1);
        for (int r = 0; r <= n; r++) {
            uint8_t x = ref_exp[r], acc = 0;
            for (int k = 0; k <= n; k++) /* Horner */
                acc = ref_mul(acc, x) ^ gen[k];
            if (r < n)
                assert_int_equal(acc, 0);
            else
                assert_int_not_equal(acc, 0);
        }
    }
    assert_int_equal(qr_rs_generator(0, gen), QR_ERR_ARG);
    assert_int_equal(qr_rs_generator(31, gen), QR_ERR_ARG);
    assert_int_equal(qr_rs_generator(5, NULL), QR_ERR_ARG);
}

/* Annex I: "01234567" as version 1-M, numeric mode. The data codewords and the ten error
 * correction codewords are printed in the standard. */
static void test_rs_ecc_annex_i(void **state)
{
    (void)state;
    static const uint8_t data[16] = {0x10, 0x20, 0x0c, 0x56, 0x61, 0x80, 0xec, 0x11,
                                     0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11};
    static const uint8_t want[10] = {0xa5, 0x24, 0xd4, 0xc1, 0xed, 0x36, 0xc7, 0x87, 0x2c, 0x55};
    uint8_t ecc[10];
    assert_int_equal(qr_rs_ecc(data, sizeof data, 10, ecc), QR_OK);
    assert_memory_equal(ecc, want, sizeof want);
}

/* Appending the ECC makes a codeword polynomial divisible by the generator, i.e. zero at
 * every root: check that for pseudo-random data of every block length used in 1-10. */
static void test_rs_ecc_is_codeword(void **state)
{
    (void)state;
    uint8_t msg[80], ecc[30], want[30];
    unsigned seed = 12345;
    for (int n = 10; n <= 26; n += 2)
        for (int len = 1; len <= 44; len += 7) {
            for (int i = 0; i < len; i++) {
                seed = seed * 1103515245u + 12345u;
                msg[i] = (uint8_t)(seed >> 16);
            }
            assert_int_equal(qr_rs_ecc(msg, (size_t)len, n, ecc), QR_OK);
            ref_ecc(msg, len, n, want);
            assert_memory_equal(ecc, want, (size_t)n);
            memcpy(msg + len, ecc, (size_t)n);
            for (int r = 0; r < n; r++) {
                uint8_t acc = 0;
                for (int k = 0; k < len + n; k++)
                    acc = ref_mul(acc, ref_exp[r]) ^ msg[k];
                assert_int_equal(acc, 0);
            }
        }
}

/* ---- format and version information ---- */

/* Table C.1 rows for level M (indicator 00), masks 000 to 111, after the XOR with
 * 101010000010010. */
static void test_format_bits_level_m(void **state)
{
    (void)state;
    static const int want[8] = {
        0x5412, /* 101010000010010 */
        0x5125, /* 101000100100101 */
        0x5e7c, /* 101111001111100 */
        0x5b4b, /* 101101101001011 */
        0x45f9, /* 100010111111001 */
        0x40ce, /* 100000011001110 */
        0x4f97, /* 100111110010111 */
        0x4aa0, /* 100101010100000 */
    };
    for (int m = 0; m < 8; m++)
        assert_int_equal(qr_format_bits(m), want[m]);
    assert_int_equal(qr_format_bits(-1), QR_ERR_ARG);
    assert_int_equal(qr_format_bits(8), QR_ERR_ARG);
}

/* Table D.1: 6 version bits followed by 12 BCH bits. */
static void test_version_bits(void **state)
{
    (void)state;
    assert_int_equal(qr_version_bits(7), 0x07c94);  /* 000111 110010010100 */
    assert_int_equal(qr_version_bits(8), 0x085bc);  /* 001000 010110111100 */
    assert_int_equal(qr_version_bits(9), 0x09a99);  /* 001001 101010011001 */
    assert_int_equal(qr_version_bits(10), 0x0a4d3); /* 001010 010011010011 */
    assert_int_equal(qr_version_bits(40), 0x28c69); /* last row of the table */
    assert_int_equal(qr_version_bits(6), QR_ERR_ARG);
    assert_int_equal(qr_version_bits(41), QR_ERR_ARG);
}

/* ---- codewords and version selection ---- */

/* Largest byte-mode payloads at level M (table 7), derived as
 * floor((8 * data codewords - 4 - count bits) / 8). */
static const int capacity_m[11] = {0, 14, 26, 42, 62, 84, 106, 122, 152, 180, 213};
/* Total codewords per version (table 1), independent of the error correction level. */
static const int total_cw[11] = {0, 26, 44, 70, 100, 134, 172, 196, 242, 292, 346};

static void test_capacity(void **state)
{
    (void)state;
    for (int v = 1; v <= 10; v++)
        assert_int_equal(qr_capacity(v), capacity_m[v]);
    assert_int_equal(qr_capacity(0), QR_ERR_ARG);
    assert_int_equal(qr_capacity(11), QR_ERR_ARG);
    assert_int_equal(QR_MAX_BYTES, capacity_m[10]);
}

/* "QR" in 1-M, derived bit by bit:
 *   mode 0100, count 00000010, 'Q' 01010001, 'R' 01010010, terminator 0000
 *   = 01000000 00100101 00010101 00100000 = 40 25 15 20, then pads EC 11 EC 11 ...
 * and the ten ECC codewords after the sixteen data codewords (a single block). */
static void test_codewords_version1(void **state)
{
    (void)state;
    static const uint8_t want_data[16] = {0x40, 0x25, 0x15, 0x20, 0xec, 0x11, 0xec, 0x11,
                                          0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11};
    uint8_t cw[346], ecc[10];
    assert_int_equal(qr_codewords((const uint8_t *)"QR", 2, 1, cw, sizeof cw), 26);
    assert_memory_equal(cw, want_data, 16);
    ref_ecc(want_data, 16, 10, ecc);
    assert_memory_equal(cw + 16, ecc, 10);

    /* A full version 1: 14 bytes leave 4 bits, exactly room for the terminator, no pad. */
    const char *full = "ABCDEFGHIJKLMN";
    assert_int_equal(qr_codewords((const uint8_t *)full, 14, 1, cw, sizeof cw), 26);
    assert_int_equal(cw[0], 0x40);
    assert_int_equal(cw[1], 0xe4);  /* low half of count 00001110, high half of 'A' 0x41 */
    assert_int_equal(cw[15], 0xe0); /* low nibble of 'N' (0x4e) and the terminator */
    assert_int_equal(qr_codewords((const uint8_t *)"ABCDEFGHIJKLMNO", 15, 1, cw, sizeof cw), QR_ERR_TOO_LONG);
}

/* Version 10 uses a 16-bit count, and 4 blocks of 43 plus 1 of 44 data codewords with 26
 * ECC each. Rebuild the bit stream and the interleaving here and compare. */
static void test_codewords_version10_interleave(void **state)
{
    (void)state;
    uint8_t msg[200], stream[216] = {0}, cw[346], ecc[26];
    for (int i = 0; i < 200; i++)
        msg[i] = (uint8_t)(i * 7 + 3);
    /* 0100, 16-bit count 200 = 0x00c8, data; the header is 20 bits, so every data byte is
     * split across two codewords by a nibble. */
    stream[0] = 0x40;
    stream[1] = 0x0c;
    for (int i = 0; i < 200; i++) {
        stream[2 + i] = (uint8_t)((i == 0 ? 0x80 : (msg[i - 1] << 4)) | (msg[i] >> 4));
        stream[3 + i] = (uint8_t)(msg[i] << 4); /* then the 4-bit terminator */
    }
    for (int i = 203, pad = 0; i < 216; i++, pad++)
        stream[i] = (pad & 1) ? 0x11 : 0xec;

    assert_int_equal(qr_codewords(msg, sizeof msg, 10, cw, sizeof cw), 346);
    static const int len[5] = {43, 43, 43, 43, 44}, off[5] = {0, 43, 86, 129, 172};
    int k = 0;
    for (int i = 0; i < 44; i++)
        for (int b = 0; b < 5; b++)
            if (i < len[b])
                assert_int_equal(cw[k++], stream[off[b] + i]);
    assert_int_equal(k, 216);
    for (int b = 0; b < 5; b++) {
        ref_ecc(stream + off[b], len[b], 26, ecc);
        for (int i = 0; i < 26; i++)
            assert_int_equal(cw[216 + i * 5 + b], ecc[i]);
    }
}

static void test_codeword_counts(void **state)
{
    (void)state;
    uint8_t cw[346];
    for (int v = 1; v <= 10; v++) {
        assert_int_equal(qr_codewords((const uint8_t *)"x", 1, v, cw, sizeof cw), total_cw[v]);
        assert_int_equal(qr_codewords((const uint8_t *)"x", 1, v, cw, (size_t)total_cw[v] - 1), QR_ERR_ARG);
    }
}

static void test_version_selection(void **state)
{
    (void)state;
    uint8_t msg[300];
    memset(msg, 'a', sizeof msg);
    qr_t qr;
    assert_int_equal(qr_encode(msg, 0, &qr), QR_OK);
    assert_int_equal(qr.version, 1);
    assert_int_equal(qr_encode(NULL, 0, &qr), QR_OK);
    for (int v = 1; v <= 10; v++) {
        assert_int_equal(qr_encode(msg, (size_t)capacity_m[v], &qr), QR_OK);
        assert_int_equal(qr.version, v);
        assert_int_equal(qr.size, 17 + 4 * v);
        if (v > 1) {
            assert_int_equal(qr_encode(msg, (size_t)capacity_m[v - 1] + 1, &qr), QR_OK);
            assert_int_equal(qr.version, v);
        }
    }
}

static void test_refusals(void **state)
{
    (void)state;
    uint8_t msg[1000];
    memset(msg, 'a', sizeof msg);
    qr_t qr;
    memset(&qr, 0x55, sizeof qr);
    assert_int_equal(qr_encode(msg, 214, &qr), QR_ERR_TOO_LONG);
    assert_int_equal(qr.size, 0); /* zeroed on error */
    assert_int_equal(qr_module(&qr, 0, 0), 0);
    assert_int_equal(qr_encode(msg, sizeof msg, &qr), QR_ERR_TOO_LONG);
    assert_int_equal(qr_encode(msg, SIZE_MAX, &qr), QR_ERR_TOO_LONG);
    assert_int_equal(qr_encode(NULL, 3, &qr), QR_ERR_ARG);
    assert_int_equal(qr_encode(msg, 3, NULL), QR_ERR_ARG);
    assert_int_equal(qr_module(NULL, 0, 0), 0);
    uint8_t cw[346];
    assert_int_equal(qr_codewords(msg, 3, 0, cw, sizeof cw), QR_ERR_ARG);
    assert_int_equal(qr_codewords(msg, 3, 11, cw, sizeof cw), QR_ERR_ARG);
    assert_int_equal(qr_codewords(msg, 3, 1, NULL, sizeof cw), QR_ERR_ARG);
}

/* ---- symbol structure ---- */

/* A finder is three concentric squares around (left+3, top+3): dark 3x3 centre, light
 * ring, dark ring; the separator around it is light. */
static void check_finder(const qr_t *qr, int left, int top)
{
    for (int dy = -4; dy <= 4; dy++)
        for (int dx = -4; dx <= 4; dx++) {
            int x = left + 3 + dx, y = top + 3 + dy;
            if (x < 0 || y < 0 || x >= qr->size || y >= qr->size)
                continue;
            int adx = abs(dx), ady = abs(dy), ring = adx > ady ? adx : ady;
            assert_int_equal(qr_module(qr, x, y), ring == 0 || ring == 1 || ring == 3);
        }
}

/* Read the 15 format bits back out of the symbol, per figure 25, from both copies. */
static int read_format(const qr_t *qr, int copy)
{
    int n = qr->size, bits = 0;
    for (int i = 0; i < 15; i++) {
        int x, y;
        if (copy == 0) {
            x = i < 8 ? 8 : i == 8 ? 7 : 14 - i;
            y = i < 6 ? i : i < 8 ? i + 1 : 8;
        } else {
            x = i < 8 ? n - 1 - i : 8;
            y = i < 8 ? 8 : n - 15 + i;
        }
        bits |= qr_module(qr, x, y) << i;
    }
    return bits;
}

static void test_symbol_structure(void **state)
{
    (void)state;
    uint8_t msg[213];
    for (int i = 0; i < 213; i++)
        msg[i] = (uint8_t)('0' + i % 43);
    for (int v = 1; v <= 10; v++) {
        qr_t qr;
        assert_int_equal(qr_encode(msg, (size_t)capacity_m[v], &qr), QR_OK);
        int n = qr.size;
        check_finder(&qr, 0, 0);
        check_finder(&qr, n - 7, 0);
        check_finder(&qr, 0, n - 7);
        for (int i = 8; i < n - 8; i++) {
            assert_int_equal(qr_module(&qr, i, 6), i % 2 == 0);
            assert_int_equal(qr_module(&qr, 6, i), i % 2 == 0);
        }
        assert_int_equal(qr_module(&qr, 8, n - 8), 1);
        if (v >= 2) /* the bottom-right alignment pattern: centre dark, ring light */
            for (int d = -2; d <= 2; d++) {
                int c = n - 7;
                assert_int_equal(qr_module(&qr, c + d, c), d != -1 && d != 1);
                assert_int_equal(qr_module(&qr, c, c + d), d != -1 && d != 1);
            }
        assert_in_range(qr.mask, 0, 7);
        assert_int_equal(read_format(&qr, 0), qr_format_bits(qr.mask));
        assert_int_equal(read_format(&qr, 1), qr_format_bits(qr.mask));
        if (v >= 7) {
            long want = qr_version_bits(v), tr = 0, bl = 0;
            for (int i = 0; i < 18; i++) {
                tr |= (long)qr_module(&qr, n - 11 + i % 3, i / 3) << i;
                bl |= (long)qr_module(&qr, i / 3, n - 11 + i % 3) << i;
            }
            assert_int_equal(tr, want);
            assert_int_equal(bl, want);
        }
        assert_int_equal(qr_module(&qr, -1, 0), 0);
        assert_int_equal(qr_module(&qr, n, n - 1), 0);
    }
}

/* Every length with arbitrary bytes (NULs and 0xff included) picks the smallest version
 * and carries a valid format word; mostly here so ASan/UBSan walk every path. */
static void test_all_lengths_binary(void **state)
{
    (void)state;
    uint8_t msg[QR_MAX_BYTES];
    unsigned seed = 99;
    for (int len = 0; len <= QR_MAX_BYTES; len++) {
        for (int i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            msg[i] = (uint8_t)(seed >> 13);
        }
        qr_t qr;
        assert_int_equal(qr_encode(msg, (size_t)len, &qr), QR_OK);
        int v = 1;
        while (capacity_m[v] < len)
            v++;
        assert_int_equal(qr.version, v);
        assert_int_equal(read_format(&qr, 0), qr_format_bits(qr.mask));
    }
}

/* Same input, same symbol: the mask choice must not depend on anything but the data. */
static void test_deterministic(void **state)
{
    (void)state;
    const char *url = "http://192.168.1.23:8765/j/ABC234";
    qr_t a, b;
    assert_int_equal(qr_encode((const uint8_t *)url, strlen(url), &a), QR_OK);
    assert_int_equal(qr_encode((const uint8_t *)url, strlen(url), &b), QR_OK);
    assert_memory_equal(&a, &b, sizeof a);
    assert_int_equal(a.version, 3); /* 33 bytes: more than 26, at most 42 */
}

/* ---- renderers ---- */

static void test_svg(void **state)
{
    (void)state;
    qr_t qr;
    assert_int_equal(qr_encode((const uint8_t *)"QR", 2, &qr), QR_OK);
    size_t need = qr_svg(&qr, 4, NULL, 0);
    assert_true(need > 100);
    char *buf = malloc(need + 1);
    assert_non_null(buf);
    assert_int_equal(qr_svg(&qr, 4, buf, need + 1), need);
    assert_int_equal(strlen(buf), need);
    assert_non_null(strstr(buf, "viewBox=\"0 0 29 29\""));
    assert_non_null(strstr(buf, "shape-rendering=\"crispEdges\""));
    assert_non_null(strstr(buf, "<rect width=\"29\" height=\"29\" fill=\"#fff\"/>"));
    const char *p = strstr(buf, "<path");
    assert_non_null(p);
    assert_null(strstr(p + 1, "<path"));

    /* Paint the runs back into a grid and compare with the symbol. */
    const char *d = strstr(p, "d=\"") + 3;
    int grid[29][29] = {{0}};
    while (*d == 'M') {
        int x, y, w, x2, used;
        assert_int_equal(sscanf(d, "M%d %dh%dv1H%dz%n", &x, &y, &w, &x2, &used), 4);
        assert_int_equal(x, x2);
        for (int i = 0; i < w; i++) {
            assert_int_equal(grid[y][x + i], 0); /* runs never overlap */
            grid[y][x + i] = 1;
        }
        d += used;
    }
    assert_int_equal(*d, '"');
    for (int y = 0; y < 29; y++)
        for (int x = 0; x < 29; x++)
            assert_int_equal(grid[y][x], qr_module(&qr, x - 4, y - 4));

    /* snprintf contract: truncated output is NUL-terminated and the length still reported. */
    char small[16];
    memset(small, 'z', sizeof small);
    assert_int_equal(qr_svg(&qr, 4, small, sizeof small), need);
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_memory_equal(small, buf, sizeof small - 1);
    assert_int_equal(qr_svg(&qr, 0, buf, need + 1) < need, 1);
    assert_non_null(strstr(buf, "viewBox=\"0 0 21 21\""));
    free(buf);

    char one[1] = {'z'};
    assert_int_equal(qr_svg(NULL, 4, one, 1), 0);
    assert_int_equal(one[0], '\0');
}

static void test_terminal(void **state)
{
    (void)state;
    const char *url = "http://192.168.1.23:8765/j/ABC234";
    qr_t qr;
    assert_int_equal(qr_encode((const uint8_t *)url, strlen(url), &qr), QR_OK);
    char buf[8192];
    size_t n = qr_terminal(&qr, buf, sizeof buf);
    assert_true(n < sizeof buf);
    assert_int_equal(strlen(buf), n);
    assert_int_equal(qr_terminal(&qr, NULL, 0), n);

    /* Decode the half blocks: ink is light, blank is dark, two module rows per line. */
    int w = qr.size + 4, lines = 0, col = 0;
    for (const char *p = buf; *p;) {
        int top, bottom;
        if (*p == '\n') {
            assert_int_equal(col, w);
            lines++;
            col = 0;
            p++;
            continue;
        }
        if (*p == ' ') {
            top = bottom = 0;
            p++;
        } else {
            assert_int_equal((uint8_t)p[0], 0xe2);
            assert_int_equal((uint8_t)p[1], 0x96);
            uint8_t c = (uint8_t)p[2];
            assert_true(c == 0x80 || c == 0x84 || c == 0x88);
            top = c != 0x84;
            bottom = c != 0x80;
            p += 3;
        }
        int x = col - 2, y = lines * 2 - 2;
        assert_int_equal(top, !qr_module(&qr, x, y));
        if (y + 1 < qr.size + 2)
            assert_int_equal(bottom, !qr_module(&qr, x, y + 1));
        else
            assert_int_equal(bottom, 0); /* past the quiet zone: terminal background */
        col++;
    }
    assert_int_equal(lines, (w + 1) / 2);

    char tiny[4];
    assert_int_equal(qr_terminal(&qr, tiny, sizeof tiny), n);
    assert_int_equal(strlen(tiny), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rs_generator_annex_a),
        cmocka_unit_test(test_rs_generator_roots),
        cmocka_unit_test(test_rs_ecc_annex_i),
        cmocka_unit_test(test_rs_ecc_is_codeword),
        cmocka_unit_test(test_format_bits_level_m),
        cmocka_unit_test(test_version_bits),
        cmocka_unit_test(test_capacity),
        cmocka_unit_test(test_codewords_version1),
        cmocka_unit_test(test_codewords_version10_interleave),
        cmocka_unit_test(test_codeword_counts),
        cmocka_unit_test(test_version_selection),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_symbol_structure),
        cmocka_unit_test(test_all_lengths_binary),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_svg),
        cmocka_unit_test(test_terminal),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
