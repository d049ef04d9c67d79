/*
 * rowmap.h - the row versions already sent, for de-duplication.
 *
 * Maps a row's primary key (as text) to the 64-bit transaction id of the
 * version that was sent (see tracker.c: a row updated later has a new
 * version and is sent again). Open addressing with linear probing; entries
 * are only removed by rowmap_prune, which rebuilds the table.
 */
#ifndef BACKEND_ROWMAP_H
#define BACKEND_ROWMAP_H

#include "common/status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct rowmap_entry {
    char *key; /* NULL: free slot */
    uint64_t hash;
    uint64_t version;
} rowmap_entry;

typedef struct rowmap {
    rowmap_entry *slots;
    size_t cap; /* a power of two, or 0 */
    size_t count;
} rowmap;

void rowmap_init(rowmap *m);
void rowmap_free(rowmap *m);

/* Remove every entry. */
void rowmap_clear(rowmap *m);

/* Whether key is present; its version in *version when it is. */
bool rowmap_get(const rowmap *m, const char *key, uint64_t *version);

/* Insert key or update its version. NN_ERR_NOMEM leaves the map as it was. */
nn_status rowmap_put(rowmap *m, const char *key, uint64_t version);

/* Drop every entry whose version is below min_version. NN_ERR_NOMEM leaves
 * the map as it was (still correct, only larger). */
nn_status rowmap_prune(rowmap *m, uint64_t min_version);

#endif
