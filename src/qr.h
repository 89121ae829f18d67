/*
 * qr: a small QR code encoder (ISO/IEC 18004) for invite URLs.
 *
 * Only what the appliance needs: byte mode, error-correction level M, versions 1 to 10
 * (21x21 to 57x57 modules, up to 213 bytes). Everything is pure: no I/O, no allocation,
 * no global state, so it can be called from any thread and tested byte for byte.
 * The caller owns every buffer; nothing here keeps a pointer after returning.
 */
#ifndef QR_H
#define QR_H

#include <stddef.h>
#include <stdint.h>

/** Smallest and largest version this encoder produces. */
#define QR_VERSION_MIN 1
#define QR_VERSION_MAX 10

/** Side of the largest symbol in modules (version 10: 17 + 4 * 10). */
#define QR_SIZE_MAX 57

/** Longest input accepted: the byte-mode capacity of version 10 at level M. */
#define QR_MAX_BYTES 213

/** Error codes returned (negated) by qr_encode and the helpers below. */
enum {
    QR_OK = 0,
    QR_ERR_ARG = -1,     /* NULL pointer or a parameter out of range */
    QR_ERR_TOO_LONG = -2 /* input longer than QR_MAX_BYTES */
};

/**
 * An encoded symbol. `modules` is a bitmap, row-major, bit (y * size + x) set for a dark
 * module; read it with qr_module(). Plain value type: copy it freely, nothing to free.
 */
typedef struct {
    int version; /* 1..10 */
    int size;    /* modules per side: 17 + 4 * version */
    int mask;    /* mask pattern chosen by the penalty rules, 0..7 */
    uint8_t modules[(QR_SIZE_MAX * QR_SIZE_MAX + 7) / 8];
} qr_t;

/**
 * Encode `len` bytes of `data` (any bytes; callers pass UTF-8 text) in byte mode at level M,
 * using the smallest version that holds them and the mask with the lowest penalty.
 * `data` may be NULL when `len` is 0. Returns QR_OK, QR_ERR_TOO_LONG when len exceeds
 * QR_MAX_BYTES, or QR_ERR_ARG. On error `*out` is left zeroed.
 */
int qr_encode(const uint8_t *data, size_t len, qr_t *out);

/**
 * 1 if the module at column x, row y is dark, 0 if light. Coordinates outside the symbol
 * read as light, which is what the quiet zone around it is, so renderers need no bounds logic.
 */
int qr_module(const qr_t *qr, int x, int y);

/**
 * Write the symbol as a compact SVG document to `out` (at most `cap` bytes, always
 * NUL-terminated when cap > 0) and return the length the full document needs, excluding
 * the NUL, like snprintf: a return value >= cap means the output was truncated.
 * `quiet_zone` is the light margin in modules (the standard asks for 4; 0..16 accepted,
 * others clamped). One unit of the viewBox is one module and the document has no fixed
 * width or height, so it scales to whatever box CSS gives it.
 */
size_t qr_svg(const qr_t *qr, int quiet_zone, char *out, size_t cap);

/**
 * Write the symbol as UTF-8 text for a terminal or a log file, two module rows per line
 * using the half blocks U+2580, U+2584, U+2588 and space, with a 2-module quiet zone and
 * no escape codes. Light modules are drawn as ink and dark modules as blank, so on the usual
 * light-on-dark terminal the symbol appears dark-on-light as scanners expect (on a
 * dark-on-light terminal it appears inverted). Same buffer and return rules as qr_svg().
 */
size_t qr_terminal(const qr_t *qr, char *out, size_t cap);

/** The terminal drawing of text's QR code, in a new NUL-terminated string that the
 *  caller frees; NULL when text does not fit in a QR code. */
char *qr_terminal_text(const char *text);

/**
 * Byte-mode capacity of `version` at level M (14 for version 1 ... 213 for version 10),
 * or QR_ERR_ARG for a version outside 1..10.
 */
int qr_capacity(int version);

/*
 * The building blocks below are exported so the unit tests can check each one against
 * values derived from the standard; production code needs only the functions above.
 */

/**
 * Fill `gen[0..n]` with the Reed-Solomon generator polynomial of degree n over GF(256)
 * (field polynomial x^8+x^4+x^3+x^2+1), the product of (x - a^i) for i = 0..n-1.
 * gen[0] is the coefficient of x^n (always 1) and gen[n] the constant term.
 * Returns QR_OK, or QR_ERR_ARG unless 1 <= n <= 30.
 */
int qr_rs_generator(int n, uint8_t *gen);

/**
 * Compute the `n` error-correction codewords for `data_len` data codewords into `ecc`
 * (the remainder of data(x) * x^n divided by the generator). Returns QR_OK or QR_ERR_ARG.
 */
int qr_rs_ecc(const uint8_t *data, size_t data_len, int n, uint8_t *ecc);

/**
 * The 15-bit format information for level M and `mask` (BCH(15,5) code, XOR 0x5412),
 * most significant bit first as bit 14; QR_ERR_ARG for a mask outside 0..7.
 */
int qr_format_bits(int mask);

/**
 * The 18-bit version information for `version` (BCH(18,6) code), only defined from
 * version 7 on; QR_ERR_ARG for versions outside 7..40.
 */
long qr_version_bits(int version);

/**
 * Build the final codeword sequence of `version` for `len` bytes of `data`: mode,
 * count, data, terminator and padding, split into blocks, error correction added and
 * blocks interleaved. `out` must hold `cap` >= the version's total codewords (346 for
 * version 10). Returns the number of codewords written, QR_ERR_TOO_LONG if the data does
 * not fit this version, or QR_ERR_ARG.
 */
int qr_codewords(const uint8_t *data, size_t len, int version, uint8_t *out, size_t cap);

#endif
