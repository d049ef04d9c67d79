/*
 * partial_dirs.h - finds Mustache partials as files: partial NAME is the
 * first DIR/NAME.mustache that exists in a list of folders.
 */
#ifndef NN_PARTIAL_DIRS_H
#define NN_PARTIAL_DIRS_H

#include "base/error.h"

#include <stddef.h>

typedef struct nn_partial_dirs {
    const char *dirs[4]; /* searched in order; NULL entries are skipped */
} nn_partial_dirs;

/*
 * An nn_mustache_partial_fn: ctx is an nn_partial_dirs. A missing partial
 * gives *text == NULL (it renders as nothing, as the spec says); names that
 * are paths ("a/b", "..") are never looked up.
 */
nn_status nn_partial_dirs_load(void *ctx, const char *name, char **text, size_t *len);

#endif
