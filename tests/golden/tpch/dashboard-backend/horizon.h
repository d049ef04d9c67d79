/*
 * horizon.h - when a range of primary keys can no longer receive new rows.
 *
 * An identity column hands out keys at insert time, but a row becomes
 * visible when its transaction commits, so keys appear out of order. The
 * poller therefore keeps re-reading a trailing window of keys (tracker.c) and
 * needs to know how far the window may start: its horizon.
 *
 * nextval() locks its sequence (RowExclusiveLock) before it hands out a
 * value, and the lock stays until the transaction ends, also when the
 * transaction is prepared (two-phase; pg_locks then shows it as "-1/<xid>").
 * At every poll the poller first reads each identity sequence's last value L
 * (every key up to L was handed out before that read), then the virtual
 * transaction ids holding a lock on one of those sequences (pg_locks). A
 * transaction that took a key <= L either held such a lock at the second
 * read, or had ended. Once none of the holders of that read still runs, no
 * key <= L can become visible any more: the horizon may move up to L.
 * Transactions that never took a key (readers, pg_dump, autovacuum) never
 * hold the horizon back.
 *
 * A horizon_point records (L per entity, holders) for one poll;
 * horizon_settle compares the oldest points with the holders now and hands
 * out the values they release. Points are kept in a small ring; when it is
 * full the newest point is replaced, which only delays the horizon.
 */
#ifndef BACKEND_HORIZON_H
#define BACKEND_HORIZON_H

#include "common/status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HORIZON_POINTS  32
#define HORIZON_UNKNOWN INT64_MIN /* a sequence that has handed out nothing yet */

typedef struct horizon_point {
    uint64_t seq;         /* 1, 2, ...: the order points were recorded in */
    int64_t *last_values; /* per entity, or HORIZON_UNKNOWN */
    uint64_t *running;    /* virtual transaction ids holding the sequences, sorted */
    size_t running_count;
} horizon_point;

typedef struct horizon {
    size_t width; /* entities per point */
    horizon_point points[HORIZON_POINTS];
    size_t count;
    uint64_t next_seq;
    uint64_t settled_seq; /* every point up to this one has been released */
} horizon;

void horizon_init(horizon *h, size_t width);
void horizon_free(horizon *h);

/* Forget every point (after a reset of the followed tables). */
void horizon_clear(horizon *h);

/*
 * Record a poll: last_values (width of them) and the sorted virtual ids
 * running. *seq (may be NULL) receives the point's number, for
 * horizon_settled.
 */
nn_status horizon_record(horizon *h, const int64_t *last_values, const uint64_t *running,
                         size_t running_count, uint64_t *seq);

/*
 * Release every point none of whose transactions is among running (sorted),
 * oldest first: targets[e] is raised to each released last value. Returns
 * how many were released.
 */
size_t horizon_settle(horizon *h, const uint64_t *running, size_t running_count, int64_t *targets);

/* Whether the point numbered seq has been released. */
bool horizon_settled(const horizon *h, uint64_t seq);

/*
 * Parse pg_locks virtual ids "3/1234 4/77 -1/5678" (space-separated; -1 is
 * a prepared transaction) into a sorted array (free() it). NN_ERR_INVALID
 * on anything else.
 */
nn_status horizon_parse_vxids(const char *text, uint64_t **out, size_t *count);

#endif
