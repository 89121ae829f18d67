/* Replay main() for the libFuzzer drivers: built with -DFUZZ_MAIN (and without
 * -fsanitize=fuzzer), a driver runs each file named on the command line through
 * LLVMFuzzerTestOneInput once, so a crash reproduces under a plain debugger. */
#ifndef FUZZ_REPLAY_H
#define FUZZ_REPLAY_H
#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry point, declared for -Wmissing-prototypes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifdef FUZZ_MAIN
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            return 1;
        }
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
        size_t got = fread(buf, 1, n > 0 ? (size_t)n : 0, f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, got);
        free(buf);
        printf("%s: ok\n", argv[i]);
    }
    return 0;
}
#endif
#endif
