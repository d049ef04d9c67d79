/*
 * outbox.h - turns the rows the poller finds into messages for the clients.
 *
 * Rows of an entity are collected, in the order they are found, into a
 * {"type":"rows","entity":…,"rows":[…]} message, sent as an EVENT_ROWS once
 * it holds OUTBOX_MAX_ROWS rows or OUTBOX_MAX_BYTES bytes, or when the
 * poller flushes. Every row also goes through the entity's cache, and each
 * event carries the snapshot message as it stands after its rows.
 *
 * Used by the poller thread only.
 */
#ifndef BACKEND_OUTBOX_H
#define BACKEND_OUTBOX_H

#include "cache.h"
#include "events.h"

#include "common/buf.h"
#include "common/status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OUTBOX_MAX_ROWS  500
#define OUTBOX_MAX_BYTES ((size_t)256 * 1024)

typedef struct outbox_entity {
    const char *name;
    cache cache;
    nn_buf pending; /* the rows message being built */
    size_t pending_rows;
} outbox_entity;

typedef struct outbox {
    event_queue *queue;
    outbox_entity *entities; /* indexed like nn_entities */
    size_t count;
    uint64_t rows_sent; /* rows pushed so far, all entities */
} outbox;

/* max_records: rows kept per entity for snapshots. */
nn_status outbox_init(outbox *o, event_queue *queue, size_t max_records);
void outbox_free(outbox *o);

/*
 * One new or updated row of entity e (json: the row object). have_key and
 * key: see cache_put. NN_ERR_UNAVAILABLE when the queue is closed (the
 * server is stopping).
 */
nn_status outbox_row(outbox *o, size_t e, bool have_key, int64_t key, const char *pk,
                     const char *json);

/* Send the rows collected for e, if any. */
nn_status outbox_flush(outbox *o, size_t e);

/* Drop the collected rows of every entity (after a failed poll: the rows
 * already sent are recorded as sent, the others will be found again). */
void outbox_discard(outbox *o);

/* Empty e's cache before it is filled again with outbox_fill. */
void outbox_clear(outbox *o, size_t e);

/* Add a row to e's cache while filling it, newest first. */
nn_status outbox_fill(outbox *o, size_t e, int64_t key, const char *pk, const char *json);

/* Send e's snapshot as an EVENT_SNAPSHOT (complete: the last of a full read). */
nn_status outbox_snapshot(outbox *o, size_t e, bool complete);

/* Push an event (for the poller's own: stats, database state). */
nn_status outbox_push(outbox *o, event *ev);

#endif
