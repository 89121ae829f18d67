/*
 * qr_cli: test driver for src/qr.c. Encodes one argument and writes the symbol to stdout.
 *
 *   qr_cli svg TEXT     SVG with a 4-module quiet zone
 *   qr_cli term TEXT    half-block terminal text
 *   qr_cli info TEXT    "version size mask" on one line
 *
 * Exit status: 0 on success, 2 when the encoder refuses the input, 1 on usage errors.
 */
#include "qr.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: qr_cli svg|term|info TEXT\n");
        return 1;
    }
    qr_t qr;
    int rc = qr_encode((const uint8_t *)argv[2], strlen(argv[2]), &qr);
    if (rc != QR_OK) {
        fprintf(stderr, "qr_cli: encode failed: %d\n", rc);
        return 2;
    }
    static char buf[1 << 16];
    size_t n;
    if (strcmp(argv[1], "svg") == 0) {
        n = qr_svg(&qr, 4, buf, sizeof buf);
    } else if (strcmp(argv[1], "term") == 0) {
        n = qr_terminal(&qr, buf, sizeof buf);
    } else if (strcmp(argv[1], "info") == 0) {
        printf("%d %d %d\n", qr.version, qr.size, qr.mask);
        return 0;
    } else {
        fprintf(stderr, "qr_cli: unknown format %s\n", argv[1]);
        return 1;
    }
    if (n >= sizeof buf) {
        fprintf(stderr, "qr_cli: output too large\n");
        return 1;
    }
    fwrite(buf, 1, n, stdout);
    return 0;
}
