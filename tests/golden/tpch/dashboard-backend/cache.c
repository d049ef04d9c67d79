/*
 * cache.c - newest rows per entity and their snapshot message (see cache.h).
 */
#include "cache.h"

#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

void cache_init(cache *c, size_t max)
{
    c->max = max;
    c->rows = NULL;
    c->count = 0;
    c->next_key = 0;
    c->changed = true;
}

static void cache_row_free(cache_row *r)
{
    free(r->pk);
    free(r->json);
}

void cache_clear(cache *c)
{
    for (size_t i = 0; i < c->count; i++)
        cache_row_free(&c->rows[i]);
    c->count = 0;
    c->next_key = 0;
    c->changed = true;
}

void cache_free(cache *c)
{
    cache_clear(c);
    free(c->rows);
    c->rows = NULL;
}

/* Index of the row called pk, or count. Caches are small (MAX_RECORDS). */
static size_t cache_find(const cache *c, const char *pk)
{
    for (size_t i = 0; i < c->count; i++) {
        if (strcmp(c->rows[i].pk, pk) == 0)
            return i;
    }
    return c->count;
}

/* Where a row with this key goes: before the first row with a lower key. */
static size_t cache_position(const cache *c, int64_t key)
{
    size_t lo = 0, hi = c->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->rows[mid].key > key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static nn_status cache_insert(cache *c, size_t at, int64_t key, const char *pk, const char *json)
{
    if (!c->rows) {
        c->rows = calloc(c->max + 1, sizeof *c->rows);
        if (!c->rows)
            return NN_ERR_NOMEM;
    }
    cache_row row = {.key = key, .pk = strdup(pk), .json = strdup(json)};
    if (!row.pk || !row.json) {
        cache_row_free(&row);
        return NN_ERR_NOMEM;
    }
    /* rows has room for max + 1: insert, then drop the oldest when over */
    memmove(&c->rows[at + 1], &c->rows[at], (c->count - at) * sizeof *c->rows);
    c->rows[at] = row;
    c->count++;
    if (c->count > c->max) {
        cache_row_free(&c->rows[c->count - 1]);
        c->count--;
    }
    c->changed = true;
    return NN_OK;
}

nn_status cache_put(cache *c, bool have_key, int64_t key, const char *pk, const char *json)
{
    if (c->max == 0)
        return NN_OK;
    size_t found = cache_find(c, pk);
    if (found < c->count) {
        char *copy = strdup(json);
        if (!copy)
            return NN_ERR_NOMEM;
        free(c->rows[found].json);
        c->rows[found].json = copy;
        c->changed = true;
        return NN_OK;
    }
    if (!have_key) {
        key = c->next_key++;
        return cache_insert(c, 0, key, pk, json);
    }
    size_t at = cache_position(c, key);
    if (at >= c->max)
        return NN_OK; /* older than everything kept */
    return cache_insert(c, at, key, pk, json);
}

nn_status cache_append(cache *c, int64_t key, const char *pk, const char *json)
{
    if (c->count >= c->max)
        return NN_OK;
    return cache_insert(c, c->count, key, pk, json);
}

nn_status cache_snapshot(cache *c, const char *entity, wsmsg **out)
{
    nn_buf b = NN_BUF_INIT;
    nn_buf_puts(&b, "{\"type\":\"snapshot\",\"entity\":");
    nn_buf_json_string(&b, entity);
    nn_buf_puts(&b, ",\"rows\":[");
    for (size_t i = 0; i < c->count; i++) {
        if (i)
            nn_buf_putc(&b, ',');
        nn_buf_puts(&b, c->rows[i].json);
    }
    nn_buf_puts(&b, "]}");
    *out = wsmsg_from_buf(&b);
    nn_buf_free(&b);
    if (!*out)
        return NN_ERR_NOMEM;
    c->changed = false;
    return NN_OK;
}
