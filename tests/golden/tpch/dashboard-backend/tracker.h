/*
 * tracker.h - finds the new and updated rows of one entity's table, exactly
 * once each, although concurrent transactions commit out of key order.
 *
 * Every row version carries xmin, the id of the transaction that wrote it
 * (an insert, or an update: an upsert that updates writes a new version).
 * The poller reads all tables in one REPEATABLE READ transaction; call its
 * snapshot S, S.xmin the oldest transaction still running when S was taken.
 * A version that became visible after the previous poll's snapshot P was
 * written by a transaction that was running at P or started after it, so its
 * 64-bit xmin is >= P.xmin (sub-transaction ids, as the worker's savepoints
 * produce, are larger than their parent's, so this holds for them too, where
 * pg_visible_in_snapshot would not). Reading "xmin >= P.xmin" therefore
 * finds every new version, plus a few sent already (committed between P.xmin
 * and P): those are recognised by the map of versions sent (rowmap), which
 * only has to remember versions with xmin >= P.xmin.
 *
 * Finding the candidates must not read the whole table at every poll:
 * - Tables keyed by an identity column (the generated schema's) are read
 *   through the primary-key index from a horizon H (horizon.h): new rows get
 *   keys above H, so "pk > H AND xmin >= P.xmin" reads only the recent tail.
 * - Updates of rows below H are found by a scan of the table for
 *   "pk <= H AND xmin >= W" (W: the S.xmin of the previous scan). It runs
 *   when a notification came and no table had new rows (an upsert that only
 *   updated), when PostgreSQL's statistics count updates of the table since
 *   the last scan (pg_stat_get_tuples_updated, read before S; a session
 *   publishes its counts at most once a second, and 10 s after its last
 *   write when it then falls idle, so this is the slower path), when too
 *   many versions are remembered, and while the transactions running at
 *   start-up may still commit; and then no more often than 20 times its own
 *   duration, so a large table is scanned seldom.
 * - Tables without an identity key (uuid keys) can only be scanned: every
 *   poll scans them (correct, not cheap on large tables).
 *
 * A tracker belongs to the poller thread.
 */
#ifndef BACKEND_TRACKER_H
#define BACKEND_TRACKER_H

#include "outbox.h"
#include "rowmap.h"

#include "common/entities.h"
#include "common/status.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

/* Versions remembered beyond which a scan is run to forget older ones. */
#define TRACKER_REMEMBER_LIMIT 50000

/* The poll transaction's snapshot, as 64-bit transaction ids. */
typedef struct tracker_snapshot {
    uint64_t xmin; /* oldest transaction running */
    uint64_t xmax; /* first transaction id not yet assigned */
} tracker_snapshot;

typedef struct tracker {
    const nn_entity *entity;
    size_t index;           /* in nn_entities */
    char *label;            /* entity="<name>", for the metrics */
    char *sql_window;       /* identity tables: the tail above H */
    char *sql_scan_keyed;   /* DECLARE of the scan cursor, keys up to H */
    char *sql_scan_all;     /* DECLARE of the scan cursor, the whole table */
    char *sql_newest_keyed; /* the newest MAX_RECORDS rows by key */
    char *sql_newest_all;   /* the same by arrival (tables without identity) */
    int64_t max_records;

    /* what the database says (tracker_attach) */
    int64_t table_oid;
    int64_t filenode; /* changes when the table is truncated or rewritten */
    bool identity;    /* keyed by an identity sequence that hands out keys in order */
    int64_t sequence_oid;

    /* what has been read */
    bool ready;              /* a baseline was read */
    int64_t horizon;         /* keys <= horizon can no longer appear */
    int64_t target;          /* the horizon to take once the tail is read again */
    uint64_t window_min;     /* xmin threshold of the next tail read (P.xmin) */
    uint64_t scan_min;       /* xmin threshold of the next scan (W) */
    rowmap sent;             /* versions sent with xmin >= min(window_min, scan_min) */
    int64_t updates_scanned; /* update count read before the last scan */
    int64_t next_scan_ms;    /* monotonic time before which no optional scan runs */
} tracker;

/* Set t up for the persistent entity nn_entities[index]. */
nn_status tracker_init(tracker *t, size_t index, int64_t max_records);
void tracker_destroy(tracker *t);

/*
 * Look the table up on a new connection: its oid, file node and identity
 * sequence. *moved is set when the table is not the one followed before
 * (dropped and created again): the tracker must read a baseline again.
 */
nn_status tracker_attach(tracker *t, PGconn *conn, bool *moved);

/*
 * Read the starting point inside the poll transaction: the newest rows into
 * the entity's cache (the snapshot clients get) and every version that
 * could still be mistaken for a new one into the map. last_value: the
 * sequence's last value read before the snapshot, or HORIZON_UNKNOWN.
 * Nothing is sent.
 */
nn_status tracker_baseline(tracker *t, PGconn *conn, const tracker_snapshot *snap,
                           int64_t last_value, outbox *out);

/* Keys up to target can no longer appear (from horizon_settle). */
void tracker_raise(tracker *t, int64_t target);

/*
 * Whether this poll should scan the table for updates. snap: this poll's
 * snapshot; updates: the table's update count read before it (-1: the
 * statistics are off); must_scan forces it (transactions of the start-up may
 * still commit); now_ms: a monotonic clock. Tables without identity: always.
 */
bool tracker_scan_due(const tracker *t, const tracker_snapshot *snap, int64_t updates,
                      bool must_scan, int64_t now_ms);

/* Whether an optional scan may run now (its spacing is respected). */
bool tracker_scan_allowed(const tracker *t, int64_t now_ms);

/*
 * Scan for versions written since the last scan (keys up to the horizon for
 * identity tables, the whole table otherwise) and send those not sent yet.
 * updates: as for tracker_scan_due; min_gap_ms: the least spacing of scans.
 */
nn_status tracker_scan_updates(tracker *t, PGconn *conn, const tracker_snapshot *snap,
                               int64_t updates, int64_t now_ms, int64_t min_gap_ms, outbox *out);

/* Read the tail above the horizon (identity tables) and send what is new;
 * then the horizon moves up to its target. */
nn_status tracker_read_new(tracker *t, PGconn *conn, const tracker_snapshot *snap, outbox *out);

/* After a poll: forget the versions no later read can meet again. */
void tracker_forget(tracker *t);

#endif
