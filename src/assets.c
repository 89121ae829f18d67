#include "assets.h"

#include <string.h>

const assets_file_t *assets_find(const char *path, size_t len)
{
    for (size_t i = 0; i < assets_nfiles; i++)
        if (strlen(assets_files[i].path) == len && memcmp(assets_files[i].path, path, len) == 0)
            return &assets_files[i];
    return NULL;
}

int assets_is_app_route(const char *path, size_t len)
{
    static const char *const routes[] = {"/", "/play", "/watch", "/display", "/host", "/overlay"};
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
        if (strlen(routes[i]) == len && memcmp(routes[i], path, len) == 0)
            return 1;
    /* /j/<code>: a join link from a QR code; the app validates the code itself. */
    if (len > 3 && len <= 3 + 16 && memcmp(path, "/j/", 3) == 0 && memchr(path + 3, '/', len - 3) == NULL)
        return 1;
    return 0;
}
