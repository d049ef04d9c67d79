/*
 * outbox.c - rows into rows messages, caches and events (see outbox.h).
 */
#include "outbox.h"

#include "common/entities.h"

#include <stdlib.h>
#include <string.h>

nn_status outbox_init(outbox *o, event_queue *queue, size_t max_records)
{
    o->queue = queue;
    o->rows_sent = 0;
    o->count = nn_entity_count;
    o->entities = calloc(o->count ? o->count : 1, sizeof *o->entities);
    if (!o->entities)
        return NN_ERR_NOMEM;
    for (size_t e = 0; e < o->count; e++) {
        o->entities[e].name = nn_entities[e]->name;
        cache_init(&o->entities[e].cache, max_records);
        nn_buf_init(&o->entities[e].pending);
    }
    return NN_OK;
}

void outbox_free(outbox *o)
{
    for (size_t e = 0; e < o->count; e++) {
        cache_free(&o->entities[e].cache);
        nn_buf_free(&o->entities[e].pending);
    }
    free(o->entities);
    o->entities = NULL;
    o->count = 0;
}

nn_status outbox_push(outbox *o, event *ev)
{
    return event_queue_push(o->queue, ev) ? NN_OK : NN_ERR_UNAVAILABLE;
}

nn_status outbox_flush(outbox *o, size_t e)
{
    outbox_entity *oe = &o->entities[e];
    if (oe->pending_rows == 0)
        return NN_OK;
    nn_buf_puts(&oe->pending, "]}");
    event *ev = event_new(EVENT_ROWS);
    if (!ev) {
        nn_buf_reset(&oe->pending);
        oe->pending_rows = 0;
        return NN_ERR_NOMEM;
    }
    ev->entity = e;
    ev->rows = oe->pending_rows;
    ev->message = wsmsg_from_buf(&oe->pending);
    oe->pending_rows = 0;
    nn_status st = ev->message ? NN_OK : NN_ERR_NOMEM;
    if (st == NN_OK && oe->cache.changed)
        st = cache_snapshot(&oe->cache, oe->name, &ev->snapshot);
    if (st != NN_OK) {
        event_free(ev);
        return st;
    }
    o->rows_sent += ev->rows;
    return outbox_push(o, ev);
}

nn_status outbox_row(outbox *o, size_t e, bool have_key, int64_t key, const char *pk,
                     const char *json)
{
    outbox_entity *oe = &o->entities[e];
    nn_status st = cache_put(&oe->cache, have_key, key, pk, json);
    if (st != NN_OK)
        return st;
    if (oe->pending_rows == 0) {
        nn_buf_reset(&oe->pending);
        nn_buf_puts(&oe->pending, "{\"type\":\"rows\",\"entity\":");
        nn_buf_json_string(&oe->pending, oe->name);
        nn_buf_puts(&oe->pending, ",\"rows\":[");
    } else {
        nn_buf_putc(&oe->pending, ',');
    }
    nn_buf_puts(&oe->pending, json);
    oe->pending_rows++;
    if (nn_buf_status(&oe->pending) != NN_OK) {
        nn_buf_reset(&oe->pending);
        oe->pending_rows = 0;
        return NN_ERR_NOMEM;
    }
    if (oe->pending_rows >= OUTBOX_MAX_ROWS || oe->pending.len >= OUTBOX_MAX_BYTES)
        return outbox_flush(o, e);
    return NN_OK;
}

void outbox_discard(outbox *o)
{
    for (size_t e = 0; e < o->count; e++) {
        nn_buf_reset(&o->entities[e].pending);
        o->entities[e].pending_rows = 0;
    }
}

void outbox_clear(outbox *o, size_t e)
{
    cache_clear(&o->entities[e].cache);
}

nn_status outbox_fill(outbox *o, size_t e, int64_t key, const char *pk, const char *json)
{
    return cache_append(&o->entities[e].cache, key, pk, json);
}

nn_status outbox_snapshot(outbox *o, size_t e, bool complete)
{
    event *ev = event_new(EVENT_SNAPSHOT);
    if (!ev)
        return NN_ERR_NOMEM;
    ev->entity = e;
    ev->complete = complete;
    nn_status st = cache_snapshot(&o->entities[e].cache, o->entities[e].name, &ev->snapshot);
    if (st != NN_OK) {
        event_free(ev);
        return st;
    }
    return outbox_push(o, ev);
}
