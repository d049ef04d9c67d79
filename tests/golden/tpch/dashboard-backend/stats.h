/*
 * stats.h - row counts per entity and message_status counts by status, for
 * GET /api/stats and the "stats" WebSocket messages.
 *
 * Counting is exact (count(*)), so it costs a pass over each table: the
 * poller recounts only when something may have changed (rows were sent, or
 * PostgreSQL's per-table insert/update/delete counters moved), at most once
 * per STATS_MIN_INTERVAL_MS and no more often than 20 times the time the
 * count takes. A "stats" message goes out only when the counts differ from
 * the last ones sent.
 */
#ifndef BACKEND_STATS_H
#define BACKEND_STATS_H

#include "outbox.h"

#include "common/status.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#define STATS_MIN_INTERVAL_MS 1000

typedef struct stats {
    char *sql_counts; /* one row: the count of each persistent entity's table */
    size_t *entities; /* their indexes in nn_entities */
    size_t entity_count;
    int64_t *changes; /* per table (entities, then message_status) at the last count */
    bool pending;     /* a count is wanted */
    int64_t next_ms;  /* no count before this time */
    char *last_body;  /* the counts last sent */
} stats;

nn_status stats_new(stats **out);
void stats_free(stats *s);

/* Forget the last counts: the next count is sent whatever it says. */
void stats_reset(stats *s);

/*
 * Whether to count now. changes: per table (entity_count + 1 of them) the
 * insert + update + delete counter read before the snapshot, -1 unknown;
 * rows_sent: rows went out in this poll.
 */
bool stats_due(stats *s, const int64_t *changes, bool rows_sent, int64_t now_ms);

/* Count inside the poll transaction and send an EVENT_STATS when the counts
 * changed. changes as for stats_due (recorded as counted). */
nn_status stats_run(stats *s, PGconn *conn, const int64_t *changes, int64_t now_ms, outbox *out);

#endif
