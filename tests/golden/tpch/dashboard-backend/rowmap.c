/*
 * rowmap.c - primary key -> sent version map (see rowmap.h).
 */
#include "rowmap.h"

#include <stdlib.h>
#include <string.h>

/* FNV-1a, 64 bits. */
static uint64_t rowmap_hash(const char *key)
{
    uint64_t h = 14695981039346656037ULL;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    return h;
}

void rowmap_init(rowmap *m)
{
    m->slots = NULL;
    m->cap = 0;
    m->count = 0;
}

void rowmap_clear(rowmap *m)
{
    for (size_t i = 0; i < m->cap; i++) {
        free(m->slots[i].key);
        m->slots[i].key = NULL;
    }
    m->count = 0;
}

void rowmap_free(rowmap *m)
{
    rowmap_clear(m);
    free(m->slots);
    rowmap_init(m);
}

/* The slot holding key, or the free slot where it would go. cap must be > 0. */
static rowmap_entry *rowmap_slot(rowmap_entry *slots, size_t cap, const char *key, uint64_t hash)
{
    size_t i = (size_t)hash & (cap - 1);
    for (;;) {
        rowmap_entry *e = &slots[i];
        if (!e->key || (e->hash == hash && strcmp(e->key, key) == 0))
            return e;
        i = (i + 1) & (cap - 1);
    }
}

bool rowmap_get(const rowmap *m, const char *key, uint64_t *version)
{
    if (m->count == 0)
        return false;
    const rowmap_entry *e = rowmap_slot(m->slots, m->cap, key, rowmap_hash(key));
    if (!e->key)
        return false;
    *version = e->version;
    return true;
}

/* Move the entries whose version is at least min_version into a table of
 * cap slots (cap > count of them); the others' keys are freed. */
static nn_status rowmap_rebuild(rowmap *m, size_t cap, uint64_t min_version)
{
    rowmap_entry *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return NN_ERR_NOMEM;
    size_t count = 0;
    for (size_t i = 0; i < m->cap; i++) {
        rowmap_entry *old = &m->slots[i];
        if (!old->key)
            continue;
        if (old->version < min_version) {
            free(old->key);
            continue;
        }
        *rowmap_slot(slots, cap, old->key, old->hash) = *old;
        count++;
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    m->count = count;
    return NN_OK;
}

nn_status rowmap_put(rowmap *m, const char *key, uint64_t version)
{
    uint64_t hash = rowmap_hash(key);
    if (m->cap) {
        rowmap_entry *e = rowmap_slot(m->slots, m->cap, key, hash);
        if (e->key) {
            e->version = version;
            return NN_OK;
        }
    }
    /* keep the load factor at most 1/2 */
    if ((m->count + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        if (cap < m->cap || rowmap_rebuild(m, cap, 0) != NN_OK)
            return NN_ERR_NOMEM;
    }
    char *copy = strdup(key);
    if (!copy)
        return NN_ERR_NOMEM;
    rowmap_entry *e = rowmap_slot(m->slots, m->cap, key, hash);
    e->key = copy;
    e->hash = hash;
    e->version = version;
    m->count++;
    return NN_OK;
}

nn_status rowmap_prune(rowmap *m, uint64_t min_version)
{
    size_t keep = 0;
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slots[i].key && m->slots[i].version >= min_version)
            keep++;
    }
    if (keep == m->count)
        return NN_OK;
    if (keep == 0) {
        rowmap_free(m);
        return NN_OK;
    }
    size_t cap = 64;
    while (cap < keep * 2)
        cap *= 2;
    return rowmap_rebuild(m, cap, min_version);
}
