/*
 * sql.h - the statements the worker prepares (sql.c is generated from the
 * entity definitions).
 *
 * Rows are written a table at a time: every column travels as one array
 * parameter and the statement unnests them, so one prepared statement writes
 * one row or a whole batch in a single round trip, with no limit on the
 * number of rows (FIELD-NOTES: round trips dominate). When several rows of a
 * table share their unicity fields, the last one wins (DISTINCT ON ... ORDER
 * BY "_ord" DESC), as if they had been written one after the other; rows go
 * in in the order of their unicity fields, so concurrent workers lock them in
 * the same order and do not deadlock. An entity without unicity fields has no
 * key to upsert on: its rows of a message replace the rows that message
 * wrote before (by "_message_id"), so a redelivery still leaves one copy
 * (give such a table an index on "_message_id" when it grows large).
 */
#ifndef WORKER_SQL_H
#define WORKER_SQL_H

#include <stddef.h>

typedef struct worker_upsert_sql {
    const char *entity; /* the entity name, as in nn_entity.name */
    /* $1..$column_count: one array per persisted column (nn_field.param
     * order), $column_count+1: the message id of each row (UUID[]) */
    const char *sql;
} worker_upsert_sql;

/* One per persistent entity. */
extern const worker_upsert_sql worker_upserts[];
extern const size_t worker_upsert_count;

/*
 * message_status of many messages: $1 message_id UUID[], $2 entity_type
 * TEXT[], $3 status TEXT[], $4 attempts INT[], $5 received_at TIMESTAMPTZ[],
 * $6 error TEXT[], $7 source TEXT[]; processed_at is the transaction time.
 */
extern const char worker_status_sql[];
#define WORKER_STATUS_PARAMS 7

#endif
