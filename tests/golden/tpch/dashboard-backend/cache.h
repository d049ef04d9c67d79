/*
 * cache.h - the newest rows of one entity, as a newly connected client's
 * snapshot shows them.
 *
 * The poller keeps one cache per entity: it is filled from the table when the
 * rows are (re)read whole, then every row broadcast goes through it (new rows
 * enter, updated rows are replaced in place, the oldest fall out beyond
 * MAX_RECORDS). After each change the poller renders the snapshot message
 * from it, so what a client gets on connect always matches the rows
 * messages it will receive next.
 *
 * Rows are ordered by a 64-bit key, newest (highest) first: the primary key
 * of an integer identity, or for other keys a counter the cache assigns in
 * the order rows first appear (cache_put with have_key false).
 */
#ifndef BACKEND_CACHE_H
#define BACKEND_CACHE_H

#include "wsmsg.h"

#include "common/status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cache_row {
    int64_t key;
    char *pk;   /* the primary key as text, identifies the row */
    char *json; /* the row as a JSON object */
} cache_row;

typedef struct cache {
    size_t max;
    cache_row *rows; /* newest first */
    size_t count;
    int64_t next_key; /* for rows without a key of their own */
    bool changed;     /* since the last cache_snapshot */
} cache;

void cache_init(cache *c, size_t max);
void cache_free(cache *c);

/* Empty the cache (before it is refilled). */
void cache_clear(cache *c);

/*
 * Put a row: replaces the row with the same pk, or inserts it at its place.
 * With have_key false the row keeps its key when present and otherwise
 * becomes the newest. A row older than the max-th is ignored.
 */
nn_status cache_put(cache *c, bool have_key, int64_t key, const char *pk, const char *json);

/* Append a row as the oldest so far (filling from a newest-first query). */
nn_status cache_append(cache *c, int64_t key, const char *pk, const char *json);

/* {"type":"snapshot","entity":<entity>,"rows":[newest first]} */
nn_status cache_snapshot(cache *c, const char *entity, wsmsg **out);

#endif
