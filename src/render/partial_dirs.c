/*
 * partial_dirs.c - partials read from folders (see partial_dirs.h).
 */
#include "render/partial_dirs.h"

#include "base/fs.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>

nn_status nn_partial_dirs_load(void *ctx, const char *name, char **text, size_t *len)
{
    const nn_partial_dirs *pd = ctx;
    *text = NULL;
    *len = 0;
    if (!*name || strchr(name, '/') || strstr(name, ".."))
        return NN_OK;
    for (size_t i = 0; i < sizeof pd->dirs / sizeof pd->dirs[0]; i++) {
        if (!pd->dirs[i])
            continue;
        char *path = nn_xasprintf("%s/%s.mustache", pd->dirs[i], name);
        if (!nn_fs_exists(path)) {
            free(path);
            continue;
        }
        nn_error ignored;
        nn_error_init(&ignored);
        nn_status st = nn_fs_read(path, text, len, &ignored);
        nn_error_free(&ignored);
        free(path);
        return st;
    }
    return NN_OK;
}
