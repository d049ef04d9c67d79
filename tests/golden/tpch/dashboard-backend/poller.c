/*
 * poller.c - the database-reading thread (see poller.h).
 *
 * A poll, in this order (the order is what makes it correct, see horizon.h
 * and tracker.h):
 *   1. the last value of every identity sequence;
 *   2. the virtual transaction ids holding a lock on those sequences (the
 *      transactions that took keys and have not ended), and per table its
 *      update and change counters and file node;
 *   3. BEGIN ISOLATION LEVEL REPEATABLE READ, and the snapshot's xmin/xmax;
 *   4. per table: the scan for updated rows when due (tracker_scan_updates),
 *      the new rows above the horizon (tracker_read_new), the scan after all
 *      when a notification brought no new row; then the counts when they
 *      may have changed (stats_run);
 *   5. COMMIT.
 * The horizon points recorded in step 2 release key ranges at later polls.
 */
#include "poller.h"

#include "backend_metrics.h"
#include "db.h"
#include "horizon.h"
#include "monotime.h"
#include "outbox.h"
#include "stats.h"
#include "tracker.h"

#include "common/buf.h"
#include "common/entities.h"
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define POLLER_APPLICATION_NAME "nomnom-dashboard-backend"

/* Keys re-read at each poll beyond which a warning is logged. */
#define POLL_WIDE_WINDOW 100000

/* What clients are told while the database cannot be reached. */
#define POLLER_DOWN_MESSAGE                                                                        \
    "{\"type\":\"error\",\"message\":\"The database is unavailable; live updates resume when it "  \
    "is back.\"}"

struct poller {
    const backend_settings *settings;
    event_queue *queue;
    nn_metrics *metrics;
    outbox out;
    tracker *trackers; /* one per persistent entity, in nn_entities order */
    size_t tracker_count;
    stats *stats;
    horizon horizon;
    uint64_t baseline_seq; /* the horizon point of the last baseline */

    PGconn *conn;        /* polls */
    PGconn *listen;      /* LISTEN nomnom_changes */
    int64_t status_oid;  /* message_status */
    char *table_oids;    /* "{oid,...}": every tracker's table, then message_status */
    char *sequence_oids; /* "{oid,...}": the identity trackers' sequences; NULL: none */

    /* per poll, one slot per tracker (changes: one more, message_status) */
    int64_t *last_values;
    int64_t *targets;
    int64_t *updates;
    int64_t *changes;
    bool *scanned;

    int64_t backoff_ms;
    int64_t window_warned_ms; /* the last warning about a held-back horizon */
    int64_t last_start_ms;
    int64_t last_end_ms;

    pthread_t thread;
    pthread_mutex_t cancel_lock;
    PGcancel *cancel; /* cancels the running query of conn; under cancel_lock */
    int wake[2];      /* a byte written to wake[1] interrupts the thread's waits */
    atomic_bool stopping;
    bool started;
    bool baselined;
    bool track_counts;
    bool down_reported;
    bool up_reported;
    bool notified;
    bool busy; /* the last poll found rows */
};

/* ---- set-up ------------------------------------------------------------- */

nn_status poller_new(const backend_settings *settings, event_queue *queue, nn_metrics *metrics,
                     poller **out)
{
    poller *p = calloc(1, sizeof *p);
    if (!p)
        return NN_ERR_NOMEM;
    p->settings = settings;
    p->queue = queue;
    p->metrics = metrics;
    p->wake[0] = p->wake[1] = -1;
    p->backoff_ms = POLL_BACKOFF_MIN_MS;
    p->window_warned_ms = INT64_MIN / 2;
    atomic_init(&p->stopping, false);
    horizon_init(&p->horizon, 0);
    nn_status st = NN_ERR_NOMEM;
    if (pthread_mutex_init(&p->cancel_lock, NULL) != 0) {
        free(p);
        return NN_ERR_NOMEM;
    }
    if (outbox_init(&p->out, queue, (size_t)settings->max_records) != NN_OK)
        goto fail;
    size_t count = 0;
    for (size_t i = 0; i < nn_entity_count; i++)
        count += nn_entities[i]->persistent;
    p->trackers = calloc(count ? count : 1, sizeof *p->trackers);
    p->last_values = calloc(count + 1, sizeof *p->last_values);
    p->targets = calloc(count + 1, sizeof *p->targets);
    p->updates = calloc(count + 1, sizeof *p->updates);
    p->changes = calloc(count + 1, sizeof *p->changes);
    p->scanned = calloc(count + 1, sizeof *p->scanned);
    if (!p->trackers || !p->last_values || !p->targets || !p->updates || !p->changes || !p->scanned)
        goto fail;
    for (size_t i = 0; i < nn_entity_count; i++) {
        if (!nn_entities[i]->persistent)
            continue;
        if (tracker_init(&p->trackers[p->tracker_count], i, settings->max_records) != NN_OK)
            goto fail;
        p->tracker_count++;
    }
    horizon_init(&p->horizon, p->tracker_count);
    if (stats_new(&p->stats) != NN_OK)
        goto fail;
    if (pipe(p->wake) != 0) {
        st = NN_ERR_IO;
        goto fail;
    }
    for (int i = 0; i < 2; i++) {
        int flags = fcntl(p->wake[i], F_GETFL);
        if (flags < 0 || fcntl(p->wake[i], F_SETFL, flags | O_NONBLOCK) != 0 ||
            fcntl(p->wake[i], F_SETFD, FD_CLOEXEC) != 0) {
            st = NN_ERR_IO;
            goto fail;
        }
    }
    *out = p;
    return NN_OK;
fail:
    poller_free(p);
    return st;
}

static void poller_disconnect(poller *p)
{
    pthread_mutex_lock(&p->cancel_lock);
    PQfreeCancel(p->cancel);
    p->cancel = NULL;
    pthread_mutex_unlock(&p->cancel_lock);
    PQfinish(p->conn);
    PQfinish(p->listen);
    p->conn = p->listen = NULL;
}

void poller_free(poller *p)
{
    if (!p)
        return;
    poller_disconnect(p);
    for (size_t i = 0; i < p->tracker_count; i++)
        tracker_destroy(&p->trackers[i]);
    free(p->trackers);
    stats_free(p->stats);
    horizon_free(&p->horizon);
    outbox_free(&p->out);
    free(p->table_oids);
    free(p->sequence_oids);
    free(p->last_values);
    free(p->targets);
    free(p->updates);
    free(p->changes);
    free(p->scanned);
    for (int i = 0; i < 2; i++) {
        if (p->wake[i] >= 0)
            close(p->wake[i]);
    }
    pthread_mutex_destroy(&p->cancel_lock);
    free(p);
}

/* ---- talking to the server thread --------------------------------------- */

static bool poller_stopping(poller *p)
{
    return atomic_load(&p->stopping);
}

/* The database works again (after a baseline or a poll succeeded). */
static void poller_report_up(poller *p)
{
    p->backoff_ms = POLL_BACKOFF_MIN_MS;
    if (p->up_reported)
        return;
    event *ev = event_new(EVENT_DB_UP);
    if (!ev || outbox_push(&p->out, ev) != NN_OK)
        return; /* out of memory or stopping: the next poll tries again */
    p->up_reported = true;
    if (p->down_reported)
        nn_log_info("database reachable again: following the tables");
    p->down_reported = false;
    nn_metrics_set(p->metrics, BM_DATABASE_UP, "", 1);
}

/* Something failed: drop the connections, tell the clients once per outage. */
static void poller_report_down(poller *p, const char *what, const char *error)
{
    nn_metrics_add(p->metrics, BM_POLL_ERRORS, "", 1);
    if (p->conn && db_alive(p->conn))
        (void)db_exec(p->conn, "ROLLBACK", 0, NULL, PGRES_COMMAND_OK, NULL); /* best effort */
    poller_disconnect(p);
    outbox_discard(&p->out);
    if (poller_stopping(p))
        return;
    nn_log_warn("database unavailable", NN_LOG_STR("during", what), NN_LOG_STR("error", error),
                NN_LOG_INT("retry_ms", p->backoff_ms));
    nn_metrics_set(p->metrics, BM_DATABASE_UP, "", 0);
    if (p->down_reported)
        return;
    event *ev = event_new(EVENT_DB_DOWN);
    if (ev)
        ev->message = wsmsg_new(POLLER_DOWN_MESSAGE, strlen(POLLER_DOWN_MESSAGE));
    if (!ev || !ev->message) {
        event_free(ev);
        return;
    }
    if (outbox_push(&p->out, ev) == NN_OK) {
        p->down_reported = true;
        p->up_reported = false;
    }
}

/* Report a failed statement of conn. */
static void poller_report_db_error(poller *p, const char *what)
{
    nn_buf err = NN_BUF_INIT;
    if (p->conn)
        db_error(p->conn, &err);
    else
        nn_buf_puts(&err, "not connected");
    poller_report_down(p, what, nn_buf_str(&err));
    nn_buf_free(&err);
}

/* ---- waiting ------------------------------------------------------------ */

static void poller_drain_wake(poller *p)
{
    char buf[64];
    ssize_t n;
    do
        n = read(p->wake[0], buf, sizeof buf);
    while (n > 0);
}

/* Read the notifications that arrived; false when the connection failed. */
static bool poller_take_notifications(poller *p)
{
    if (!PQconsumeInput(p->listen))
        return false;
    PGnotify *n;
    while ((n = PQnotifies(p->listen)) != NULL) {
        PQfreemem(n);
        p->notified = true;
        nn_metrics_add(p->metrics, BM_NOTIFICATIONS, "", 1);
    }
    return true;
}

/* Sleep until due_ms (monotonic), the stop request, or (listen true) a
 * notification moves the next poll closer. */
static void poller_wait_until(poller *p, int64_t due_ms, bool listen)
{
    int64_t gap = p->busy ? POLL_BUSY_GAP_MS : POLL_MIN_GAP_MS;
    if (gap > p->settings->poll_interval_ms)
        gap = p->settings->poll_interval_ms;
    while (!poller_stopping(p)) {
        if (listen && p->notified) {
            int64_t soon = p->last_end_ms + gap;
            if (soon < due_ms)
                due_ms = soon;
        }
        int64_t now = monotime_ms();
        if (now >= due_ms)
            return;
        struct pollfd fds[2] = {{.fd = p->wake[0], .events = POLLIN}, {.fd = -1}};
        nfds_t nfds = 1;
        if (listen && p->listen && PQsocket(p->listen) >= 0) {
            fds[1].fd = PQsocket(p->listen);
            fds[1].events = POLLIN;
            nfds = 2;
        }
        int64_t wait = due_ms - now;
        int n = poll(fds, nfds, wait > 60000 ? 60000 : (int)wait);
        if (n < 0 && errno != EINTR) {
            nn_log_error("poll failed", NN_LOG_STR("error", strerror(errno)));
            return;
        }
        if (n <= 0)
            continue;
        if (fds[0].revents)
            poller_drain_wake(p);
        if (nfds == 2 && fds[1].revents && !poller_take_notifications(p)) {
            /* the listening connection broke: poll now, which reconnects */
            nn_log_warn("lost the LISTEN connection");
            PQfinish(p->listen);
            p->listen = NULL;
            return;
        }
    }
}

/* ---- connecting --------------------------------------------------------- */

/* "{a,b,c}" of the given integers. */
static char *poller_array(const int64_t *values, size_t count)
{
    nn_buf b = NN_BUF_INIT;
    nn_buf_putc(&b, '{');
    for (size_t i = 0; i < count; i++)
        nn_buf_printf(&b, "%s%" PRId64, i ? "," : "", values[i]);
    nn_buf_putc(&b, '}');
    return nn_buf_detach(&b);
}

/* The parameters naming the tables and sequences, after the trackers attached. */
static nn_status poller_build_oids(poller *p)
{
    free(p->table_oids);
    free(p->sequence_oids);
    p->table_oids = p->sequence_oids = NULL;
    int64_t *oids = calloc(p->tracker_count + 1, sizeof *oids);
    if (!oids)
        return NN_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < p->tracker_count; i++) {
        if (p->trackers[i].identity)
            oids[n++] = p->trackers[i].sequence_oid;
    }
    if (n) {
        p->sequence_oids = poller_array(oids, n);
        if (!p->sequence_oids) {
            free(oids);
            return NN_ERR_NOMEM;
        }
    }
    for (size_t i = 0; i < p->tracker_count; i++)
        oids[i] = p->trackers[i].table_oid;
    oids[p->tracker_count] = p->status_oid;
    p->table_oids = poller_array(oids, p->tracker_count + 1);
    free(oids);
    return p->table_oids ? NN_OK : NN_ERR_NOMEM;
}

/* Set up the session of the polling connection and look the tables up. */
static nn_status poller_prepare(poller *p)
{
    static const char *const setup[] = {
        "SET TimeZone = 'UTC'",       /* timestamps in RFC 3339 with +00:00 */
        "SET extra_float_digits = 3", /* floats rendered exactly (shortest round trip) */
        "SET default_transaction_read_only = on",
        "SET cursor_tuple_fraction = 1.0", /* scans read whole tables: no fast-start plans */
    };
    for (size_t i = 0; i < sizeof setup / sizeof setup[0]; i++) {
        if (db_exec(p->conn, setup[i], 0, NULL, PGRES_COMMAND_OK, NULL) != NN_OK)
            return NN_ERR_UNAVAILABLE;
    }
    PGresult *res;
    if (db_exec(p->conn,
                "SELECT current_setting('track_counts')::boolean, "
                "'\"message_status\"'::regclass::oid::bigint, pg_is_in_recovery()",
                0, NULL, PGRES_TUPLES_OK, &res) != NN_OK)
        return NN_ERR_UNAVAILABLE;
    p->track_counts = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    bool standby = strcmp(PQgetvalue(res, 0, 2), "t") == 0;
    bool ok = db_get_int64(res, 0, 1, &p->status_oid);
    PQclear(res);
    if (!ok)
        return NN_ERR_INVALID;
    if (!p->track_counts)
        nn_log_warn("track_counts is off: tables are scanned for updates at every poll");
    if (standby)
        nn_log_warn("connected to a standby: follow the primary, a standby's sequences run ahead");
    bool moved_any = false;
    for (size_t i = 0; i < p->tracker_count; i++) {
        bool moved = false;
        nn_status st = tracker_attach(&p->trackers[i], p->conn, &moved);
        if (st != NN_OK)
            return st;
        moved_any = moved_any || moved;
    }
    if (moved_any) {
        nn_log_warn("a table was replaced: reading every table again");
        p->baselined = false;
    }
    return poller_build_oids(p);
}

/* Open the LISTEN connection (the polling one is open). */
static nn_status poller_listen(poller *p)
{
    char *error = NULL;
    nn_status st =
        db_connect(p->settings->database_url, POLLER_APPLICATION_NAME, &p->listen, &error);
    if (st != NN_OK) {
        poller_report_down(p, "connect", error ? error : nn_status_str(st));
        free(error);
        return st;
    }
    if (db_exec(p->listen, "LISTEN nomnom_changes", 0, NULL, PGRES_COMMAND_OK, NULL) != NN_OK) {
        nn_buf err = NN_BUF_INIT;
        db_error(p->listen, &err);
        poller_report_down(p, "listen", nn_buf_str(&err));
        nn_buf_free(&err);
        return NN_ERR_UNAVAILABLE;
    }
    return NN_OK;
}

static nn_status poller_connect(poller *p)
{
    char *error = NULL;
    nn_status st = db_connect(p->settings->database_url, POLLER_APPLICATION_NAME, &p->conn, &error);
    if (st != NN_OK) {
        poller_report_down(p, "connect", error ? error : nn_status_str(st));
        free(error);
        return st;
    }
    st = poller_listen(p);
    if (st != NN_OK)
        return st;
    st = poller_prepare(p);
    if (st != NN_OK) {
        poller_report_db_error(p, "look up the tables");
        return st;
    }
    PGcancel *cancel = PQgetCancel(p->conn);
    pthread_mutex_lock(&p->cancel_lock);
    p->cancel = cancel;
    pthread_mutex_unlock(&p->cancel_lock);
    nn_log_info("connected to the database", NN_LOG_INT("tables", (int64_t)p->tracker_count),
                NN_LOG_BOOL("track_counts", p->track_counts));
    return NN_OK;
}

/* ---- one poll ----------------------------------------------------------- */

/* Step 1: the identity sequences' last values into p->last_values. */
static nn_status poller_read_sequences(poller *p)
{
    for (size_t i = 0; i < p->tracker_count; i++)
        p->last_values[i] = HORIZON_UNKNOWN;
    if (!p->sequence_oids)
        return NN_OK;
    const char *params[] = {p->sequence_oids};
    PGresult *res;
    nn_status st = db_exec(p->conn,
                           "SELECT pg_sequence_last_value(u.s::regclass) FROM unnest($1::oid[]) "
                           "WITH ORDINALITY AS u(s, n) ORDER BY u.n",
                           1, params, PGRES_TUPLES_OK, &res);
    if (st != NN_OK)
        return st;
    int row = 0;
    for (size_t i = 0; i < p->tracker_count; i++) {
        if (!p->trackers[i].identity)
            continue;
        if (row >= PQntuples(res) || !db_get_int64(res, row, 0, &p->last_values[i]))
            p->last_values[i] = HORIZON_UNKNOWN;
        row++;
    }
    PQclear(res);
    return NN_OK;
}

/*
 * Step 2: the virtual ids of the transactions holding a lock on an identity
 * sequence (sorted, into *holders), and the per-table counters. *moved when
 * a table's file node changed (truncated or rewritten: read everything
 * again).
 */
static nn_status poller_read_activity(poller *p, uint64_t **holders, size_t *holder_count,
                                      bool *moved)
{
    const char *params[] = {p->table_oids, p->sequence_oids ? p->sequence_oids : "{}"};
    PGresult *res;
    nn_status st =
        db_exec(p->conn,
                "SELECT l.holders, pg_stat_get_tuples_updated(u.o), "
                "pg_stat_get_tuples_inserted(u.o) + pg_stat_get_tuples_updated(u.o) + "
                "pg_stat_get_tuples_deleted(u.o), pg_relation_filenode(u.o)::bigint "
                "FROM unnest($1::oid[]) WITH ORDINALITY AS u(o, n) CROSS JOIN "
                "(SELECT coalesce(string_agg(DISTINCT virtualtransaction, ' '), '') AS holders "
                "FROM pg_locks WHERE locktype = 'relation' AND granted "
                "AND relation = ANY($2::oid[])) l ORDER BY u.n",
                2, params, PGRES_TUPLES_OK, &res);
    if (st != NN_OK)
        return st;
    if ((size_t)PQntuples(res) != p->tracker_count + 1) {
        PQclear(res);
        return NN_ERR_INVALID;
    }
    *moved = false;
    for (size_t i = 0; i <= p->tracker_count; i++) {
        int row = (int)i;
        int64_t changes = -1, updates = -1, filenode = 0;
        if (p->track_counts) {
            if (!db_get_int64(res, row, 1, &updates))
                updates = -1;
            if (!db_get_int64(res, row, 2, &changes))
                changes = -1;
        }
        if (!db_get_int64(res, row, 3, &filenode))
            filenode = 0;
        p->changes[i] = changes;
        if (i < p->tracker_count) {
            p->updates[i] = updates;
            if (filenode != p->trackers[i].filenode)
                *moved = true;
        }
    }
    st = horizon_parse_vxids(PQgetvalue(res, 0, 0), holders, holder_count);
    PQclear(res);
    return st;
}

/* Step 3: BEGIN REPEATABLE READ and the snapshot. */
static nn_status poller_begin(poller *p, tracker_snapshot *snap)
{
    nn_status st = db_exec(p->conn, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", 0, NULL,
                           PGRES_COMMAND_OK, NULL);
    PGresult *res = NULL;
    if (st == NN_OK)
        st = db_exec(p->conn,
                     "SELECT pg_snapshot_xmin(s)::text::bigint, pg_snapshot_xmax(s)::text::bigint "
                     "FROM pg_current_snapshot() AS s",
                     0, NULL, PGRES_TUPLES_OK, &res);
    if (st != NN_OK)
        return st;
    int64_t xmin, xmax;
    bool ok = db_get_int64(res, 0, 0, &xmin) && db_get_int64(res, 0, 1, &xmax) && xmin >= 0 &&
              xmax >= xmin;
    PQclear(res);
    if (!ok)
        return NN_ERR_INVALID;
    snap->xmin = (uint64_t)xmin;
    snap->xmax = (uint64_t)xmax;
    return NN_OK;
}

/* Read every table whole again: the caches (snapshots) and the versions
 * already there. Clients get the new snapshots. */
static nn_status poller_baseline(poller *p)
{
    uint64_t *running = NULL;
    size_t running_count = 0;
    bool moved = false;
    nn_status st = poller_read_sequences(p);
    if (st == NN_OK)
        st = poller_read_activity(p, &running, &running_count, &moved);
    if (st == NN_OK) {
        horizon_clear(&p->horizon);
        st = horizon_record(&p->horizon, p->last_values, running, running_count, &p->baseline_seq);
    }
    free(running);
    tracker_snapshot snap;
    if (st == NN_OK)
        st = poller_begin(p, &snap);
    int64_t now = monotime_ms();
    for (size_t i = 0; i < p->tracker_count && st == NN_OK; i++)
        st = tracker_baseline(&p->trackers[i], p->conn, &snap, p->last_values[i], &p->out);
    if (st == NN_OK) {
        stats_reset(p->stats);
        st = stats_run(p->stats, p->conn, p->changes, now, &p->out);
    }
    if (st == NN_OK)
        st = db_exec(p->conn, "COMMIT", 0, NULL, PGRES_COMMAND_OK, NULL);
    for (size_t i = 0; i < p->tracker_count && st == NN_OK; i++)
        st = outbox_snapshot(&p->out, p->trackers[i].index, i + 1 == p->tracker_count);
    if (st != NN_OK)
        return st;
    p->baselined = true;
    nn_log_info("read the current rows of every table");
    return NN_OK;
}

/* Report how many keys tracker i re-reads at each poll; warn (once a
 * minute) when a long-running transaction holds its horizon far back. */
static void poller_watch_window(poller *p, size_t i, int64_t now)
{
    tracker *t = &p->trackers[i];
    if (!t->identity || p->last_values[i] == HORIZON_UNKNOWN)
        return;
    int64_t width = p->last_values[i] > t->target ? p->last_values[i] - t->target : 0;
    nn_metrics_set(p->metrics, BM_WINDOW_KEYS, t->label, (double)width);
    if (width > POLL_WIDE_WINDOW && now - p->window_warned_ms > 60000) {
        p->window_warned_ms = now;
        nn_log_warn("a long-running transaction keeps old keys open: every poll re-reads them",
                    NN_LOG_STR("entity", t->entity->name), NN_LOG_INT("keys", width));
    }
}

/* Scan tracker i's table for updated rows. */
static nn_status poller_scan(poller *p, size_t i, const tracker_snapshot *snap, int64_t now)
{
    tracker *t = &p->trackers[i];
    if (t->identity)
        nn_metrics_add(p->metrics, BM_UPDATE_SCANS, t->label, 1);
    return tracker_scan_updates(t, p->conn, snap, p->updates[i], now, POLL_MIN_GAP_MS, &p->out);
}

static nn_status poller_poll(poller *p)
{
    double started = monotime_s();
    int64_t now = monotime_ms();
    p->last_start_ms = now;
    bool notified = p->notified;
    p->notified = false;

    uint64_t *running = NULL;
    size_t running_count = 0;
    bool moved = false;
    nn_status st = poller_read_sequences(p);
    if (st == NN_OK)
        st = poller_read_activity(p, &running, &running_count, &moved);
    if (st == NN_OK && moved) {
        free(running);
        nn_log_warn("a table was truncated or rewritten: reading every table again");
        st = poller_prepare(p);
        return st == NN_OK ? poller_baseline(p) : st;
    }
    bool must_scan = !horizon_settled(&p->horizon, p->baseline_seq);
    if (st == NN_OK) {
        for (size_t i = 0; i < p->tracker_count; i++)
            p->targets[i] = HORIZON_UNKNOWN;
        horizon_settle(&p->horizon, running, running_count, p->targets);
        for (size_t i = 0; i < p->tracker_count; i++) {
            tracker_raise(&p->trackers[i], p->targets[i]);
            poller_watch_window(p, i, now);
        }
        st = horizon_record(&p->horizon, p->last_values, running, running_count, NULL);
    }
    free(running);

    tracker_snapshot snap;
    if (st == NN_OK)
        st = poller_begin(p, &snap);
    uint64_t rows_before = p->out.rows_sent;
    for (size_t i = 0; i < p->tracker_count && st == NN_OK; i++) {
        p->scanned[i] = tracker_scan_due(&p->trackers[i], &snap, p->updates[i], must_scan, now);
        if (p->scanned[i])
            st = poller_scan(p, i, &snap, now);
    }
    for (size_t i = 0; i < p->tracker_count && st == NN_OK; i++)
        st = tracker_read_new(&p->trackers[i], p->conn, &snap, &p->out);
    /* woken by a notification that brought no new row: an upsert updated rows */
    bool quiet = notified && p->out.rows_sent == rows_before;
    for (size_t i = 0; i < p->tracker_count && st == NN_OK && quiet; i++) {
        if (!p->scanned[i] && tracker_scan_allowed(&p->trackers[i], now))
            st = poller_scan(p, i, &snap, now);
    }
    for (size_t i = 0; i < p->tracker_count; i++)
        tracker_forget(&p->trackers[i]);
    if (st == NN_OK && stats_due(p->stats, p->changes, p->out.rows_sent != rows_before, now))
        st = stats_run(p->stats, p->conn, p->changes, now, &p->out);
    if (st == NN_OK)
        st = db_exec(p->conn, "COMMIT", 0, NULL, PGRES_COMMAND_OK, NULL);
    if (st != NN_OK)
        return st;

    p->last_end_ms = monotime_ms();
    p->busy = p->out.rows_sent != rows_before;
    nn_metrics_add(p->metrics, BM_POLLS, "", 1);
    nn_metrics_observe(p->metrics, BM_POLL_DURATION, "", monotime_s() - started);
    for (size_t i = 0; i < p->tracker_count; i++)
        nn_metrics_set(p->metrics, BM_TRACKED_VERSIONS, p->trackers[i].label,
                       (double)p->trackers[i].sent.count);
    return NN_OK;
}

/* ---- the thread --------------------------------------------------------- */

static void poller_backoff(poller *p)
{
    poller_wait_until(p, monotime_ms() + p->backoff_ms, false);
    p->backoff_ms =
        p->backoff_ms * 2 > POLL_BACKOFF_MAX_MS ? POLL_BACKOFF_MAX_MS : p->backoff_ms * 2;
}

static void *poller_main(void *arg)
{
    poller *p = arg;
    /* "poller" in top -H and /proc/<pid>/task/<tid>/comm */
    if (prctl(PR_SET_NAME, "poller", 0, 0, 0) != 0)
        nn_log_debug("cannot name the poller thread", NN_LOG_STR("error", strerror(errno)));
    while (!poller_stopping(p)) {
        if (!p->conn && poller_connect(p) != NN_OK) {
            poller_backoff(p);
            continue;
        }
        if (!p->listen && poller_listen(p) != NN_OK) {
            poller_backoff(p);
            continue;
        }
        if (!p->baselined && poller_baseline(p) != NN_OK) {
            poller_report_db_error(p, "read the tables");
            poller_backoff(p);
            continue;
        }
        if (poller_poll(p) != NN_OK) {
            poller_report_db_error(p, "poll");
            poller_backoff(p);
            continue;
        }
        poller_report_up(p);
        poller_wait_until(p, p->last_start_ms + p->settings->poll_interval_ms, true);
    }
    poller_disconnect(p);
    return NULL;
}

nn_status poller_start(poller *p)
{
    if (pthread_create(&p->thread, NULL, poller_main, p) != 0)
        return NN_ERR_NOMEM;
    p->started = true;
    return NN_OK;
}

void poller_stop(poller *p)
{
    if (!p->started)
        return;
    atomic_store(&p->stopping, true);
    event_queue_close(p->queue);
    if (write(p->wake[1], "x", 1) < 0 && errno != EAGAIN)
        nn_log_warn("cannot wake the poller", NN_LOG_STR("error", strerror(errno)));
    pthread_mutex_lock(&p->cancel_lock);
    if (p->cancel) {
        char err[256];
        if (!PQcancel(p->cancel, err, sizeof err))
            nn_log_debug("cancel of the running query failed", NN_LOG_STR("error", err));
    }
    pthread_mutex_unlock(&p->cancel_lock);
    int rc = pthread_join(p->thread, NULL);
    if (rc != 0)
        nn_log_error("cannot join the poller thread", NN_LOG_STR("error", strerror(rc)));
    p->started = false;
}
