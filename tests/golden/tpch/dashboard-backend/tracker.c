/*
 * tracker.c - new and updated rows of one table, exactly once (see tracker.h).
 *
 * Every statement is parameterised; the identifiers in them come from the
 * entity descriptors (common/entities.c), already quoted.
 */
#include "tracker.h"

#include "backend_metrics.h"
#include "db.h"
#include "horizon.h"
#include "monotime.h"

#include "common/buf.h"
#include "common/log.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows read per statement (tail pages, cursor fetches). */
#define TRACKER_PAGE      "1000"
#define TRACKER_PAGE_ROWS 1000

/* A scan runs no more often than this many times its own duration. */
#define TRACKER_SCAN_SPACING 20

/* The 64-bit id of row t's xmin, relative to the snapshot's xmax ($n): the
 * epoch is the one that puts it just below xmax. */
static void tracker_put_xid8(nn_buf *b, int param)
{
    nn_buf_printf(b, "($%d::bigint - (($%d::bigint - t.xmin::text::bigint) & 4294967295))", param,
                  param);
}

/* "t."pk", t."field", ..., t."_message_id", t."_ingested_at"": every column. */
static void tracker_put_columns(nn_buf *b, const nn_entity *e)
{
    nn_buf_printf(b, "t.%s", e->pk_column_sql);
    for (size_t i = 0; i < e->field_count; i++) {
        if (e->fields[i].persisted)
            nn_buf_printf(b, ", t.%s", e->fields[i].column_sql);
    }
    nn_buf_puts(b, ", t.\"_message_id\", t.\"_ingested_at\"");
}

/* SELECT pk, xid8, row FROM table t ... (the start every read shares). */
static void tracker_put_select(nn_buf *b, const nn_entity *e, int xmax_param)
{
    nn_buf_printf(b, "SELECT t.%s::text, ", e->pk_column_sql);
    tracker_put_xid8(b, xmax_param);
    nn_buf_puts(b, "::text, row_to_json(r)::text FROM ");
    nn_buf_puts(b, e->table_sql);
    nn_buf_puts(b, " t CROSS JOIN LATERAL (SELECT ");
    tracker_put_columns(b, e);
    nn_buf_puts(b, ") r");
}

static nn_status tracker_build_sql(tracker *t)
{
    const nn_entity *e = t->entity;
    nn_buf b = NN_BUF_INIT;

    /* the tail: $1 horizon, $2 minimum xmin, $3 snapshot xmax, $4 page size */
    tracker_put_select(&b, e, 3);
    nn_buf_printf(&b, " WHERE t.%s > $1::bigint AND ", e->pk_column_sql);
    tracker_put_xid8(&b, 3);
    nn_buf_printf(&b, " >= $2::bigint ORDER BY t.%s LIMIT $4::bigint", e->pk_column_sql);
    t->sql_window = nn_buf_detach(&b);

    /* the scan of identity tables: $1 highest key, $2 minimum xmin, $3 snapshot xmax */
    nn_buf_puts(&b, "DECLARE nomnom_scan NO SCROLL CURSOR FOR ");
    tracker_put_select(&b, e, 3);
    nn_buf_printf(&b, " WHERE t.%s <= $1::bigint AND ", e->pk_column_sql);
    tracker_put_xid8(&b, 3);
    nn_buf_puts(&b, " >= $2::bigint");
    t->sql_scan_keyed = nn_buf_detach(&b);

    /* the scan of the whole table: $1 minimum xmin, $2 snapshot xmax */
    nn_buf_puts(&b, "DECLARE nomnom_scan NO SCROLL CURSOR FOR ");
    tracker_put_select(&b, e, 2);
    nn_buf_puts(&b, " WHERE ");
    tracker_put_xid8(&b, 2);
    nn_buf_puts(&b, " >= $1::bigint");
    t->sql_scan_all = nn_buf_detach(&b);

    /* the newest rows ($1 how many): by key for identity tables (the primary
     * key index), else by arrival */
    for (int by_key = 0; by_key < 2; by_key++) {
        nn_buf_printf(&b,
                      "SELECT t.%s::text, row_to_json(r)::text FROM %s t CROSS JOIN LATERAL "
                      "(SELECT ",
                      e->pk_column_sql, e->table_sql);
        tracker_put_columns(&b, e);
        if (by_key)
            nn_buf_printf(&b, ") r ORDER BY t.%s DESC LIMIT $1::bigint", e->pk_column_sql);
        else
            nn_buf_printf(&b, ") r ORDER BY t.\"_ingested_at\" DESC, t.%s DESC LIMIT $1::bigint",
                          e->pk_column_sql);
        if (by_key)
            t->sql_newest_keyed = nn_buf_detach(&b);
        else
            t->sql_newest_all = nn_buf_detach(&b);
    }

    return t->sql_window && t->sql_scan_keyed && t->sql_scan_all && t->sql_newest_keyed &&
                   t->sql_newest_all
               ? NN_OK
               : NN_ERR_NOMEM;
}

nn_status tracker_init(tracker *t, size_t index, int64_t max_records)
{
    memset(t, 0, sizeof *t);
    t->entity = nn_entities[index];
    t->index = index;
    t->max_records = max_records;
    rowmap_init(&t->sent);
    t->label = backend_metrics_entity_label(t->entity->name);
    if (!t->label || tracker_build_sql(t) != NN_OK) {
        tracker_destroy(t);
        return NN_ERR_NOMEM;
    }
    return NN_OK;
}

void tracker_destroy(tracker *t)
{
    free(t->sql_window);
    free(t->sql_scan_keyed);
    free(t->sql_scan_all);
    free(t->sql_newest_keyed);
    free(t->sql_newest_all);
    free(t->label);
    rowmap_free(&t->sent);
    memset(t, 0, sizeof *t);
}

/* Log a failed statement of this tracker. */
static void tracker_log_error(const tracker *t, PGconn *conn, const char *what)
{
    nn_buf err = NN_BUF_INIT;
    db_error(conn, &err);
    nn_log_warn("query failed", NN_LOG_STR("entity", t->entity->name), NN_LOG_STR("query", what),
                NN_LOG_STR("error", nn_buf_str(&err)));
    nn_buf_free(&err);
}

nn_status tracker_attach(tracker *t, PGconn *conn, bool *moved)
{
    static const char sql[] =
        "SELECT c.oid::bigint, pg_relation_filenode(c.oid)::bigint, s.seqrelid::bigint, "
        "s.seqcache, has_sequence_privilege(s.seqrelid, 'SELECT, USAGE') FROM pg_class c "
        "LEFT JOIN pg_sequence s ON s.seqrelid = pg_get_serial_sequence($1, $2)::regclass "
        "WHERE c.oid = $1::regclass";
    const char *params[] = {t->entity->table_sql, t->entity->pk_column};
    PGresult *res;
    *moved = false;
    nn_status st = db_exec(conn, sql, 2, params, PGRES_TUPLES_OK, &res);
    if (st != NN_OK) {
        tracker_log_error(t, conn, "look up the table");
        return st;
    }
    int64_t oid = 0, filenode = 0, seq = 0, seqcache = 0;
    if (PQntuples(res) != 1 || !db_get_int64(res, 0, 0, &oid)) {
        PQclear(res);
        return NN_ERR_INVALID;
    }
    if (!db_get_int64(res, 0, 1, &filenode))
        filenode = 0;
    bool has_seq = db_get_int64(res, 0, 2, &seq) && db_get_int64(res, 0, 3, &seqcache);
    bool readable = strcmp(PQgetvalue(res, 0, 4), "t") == 0;
    PQclear(res);

    /* the horizon needs the sequence's last value, and keys handed out in order */
    bool identity = has_seq && seqcache == 1 && readable;
    if (has_seq && seqcache != 1)
        nn_log_warn("the key sequence caches values: new rows are found by scanning the table",
                    NN_LOG_STR("entity", t->entity->name), NN_LOG_INT("cache", seqcache));
    else if (has_seq && !readable)
        nn_log_warn("no SELECT or USAGE on the key sequence: new rows are found by scanning the "
                    "table",
                    NN_LOG_STR("entity", t->entity->name));
    *moved = t->ready && (oid != t->table_oid || filenode != t->filenode ||
                          identity != t->identity || (identity && seq != t->sequence_oid));
    t->table_oid = oid;
    t->filenode = filenode;
    t->identity = identity;
    t->sequence_oid = identity ? seq : 0;
    return NN_OK;
}

void tracker_raise(tracker *t, int64_t target)
{
    if (target > t->target)
        t->target = target;
}

bool tracker_scan_due(const tracker *t, const tracker_snapshot *snap, int64_t updates,
                      bool must_scan, int64_t now_ms)
{
    if (!t->identity || must_scan)
        return true;
    /* too much remembered: a scan lets older versions go, if the oldest
     * running transaction moved on since the last one */
    bool crowded = t->sent.count > TRACKER_REMEMBER_LIMIT && snap->xmin > t->scan_min;
    if (crowded || updates < 0 || updates != t->updates_scanned)
        return tracker_scan_allowed(t, now_ms);
    return false;
}

/* One row of a result, with what it is sorted by. */
typedef struct tracker_row {
    int row;
    int64_t key;      /* identity: the primary key */
    uint64_t version; /* 64-bit xmin */
} tracker_row;

static int tracker_row_compare(const void *a, const void *b)
{
    const tracker_row *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    if (x->version != y->version)
        return x->version < y->version ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

static bool tracker_parse_u64(const char *text, uint64_t *out)
{
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno == ERANGE || end == text || *end != '\0' || *text == '-')
        return false;
    *out = (uint64_t)v;
    return true;
}

/*
 * Take the rows of res (pk, xid8, row json): send those not sent yet, oldest
 * first (by key for identity tables, else by version), or with send false
 * only remember them. Each row sent is remembered once out took it.
 */
static nn_status tracker_take(tracker *t, const PGresult *res, bool send, outbox *out)
{
    int n = PQntuples(res);
    if (n == 0)
        return NN_OK;
    tracker_row *rows = malloc((size_t)n * sizeof *rows);
    if (!rows)
        return NN_ERR_NOMEM;
    int count = 0;
    for (int i = 0; i < n; i++) {
        const char *pk = PQgetvalue(res, i, 0);
        tracker_row r = {.row = i, .key = 0};
        if (PQgetisnull(res, i, 0) || !tracker_parse_u64(PQgetvalue(res, i, 1), &r.version) ||
            PQgetisnull(res, i, 2)) {
            free(rows);
            return NN_ERR_INVALID;
        }
        uint64_t sent;
        if (rowmap_get(&t->sent, pk, &sent) && sent == r.version)
            continue;
        if (t->identity && !db_get_int64(res, i, 0, &r.key)) {
            free(rows);
            return NN_ERR_INVALID;
        }
        if (!t->identity)
            r.key = 0; /* by version only */
        rows[count++] = r;
    }
    if (send)
        qsort(rows, (size_t)count, sizeof *rows, tracker_row_compare);
    nn_status st = NN_OK;
    for (int i = 0; i < count && st == NN_OK; i++) {
        const char *pk = PQgetvalue(res, rows[i].row, 0);
        if (send)
            st = outbox_row(out, t->index, t->identity, rows[i].key, pk,
                            PQgetvalue(res, rows[i].row, 2));
        if (st == NN_OK)
            st = rowmap_put(&t->sent, pk, rows[i].version);
    }
    if (st == NN_OK && send)
        st = outbox_flush(out, t->index);
    free(rows);
    return st;
}

/* Read the tail above the horizon, page by page. */
static nn_status tracker_read_window(tracker *t, PGconn *conn, const char *xmax, uint64_t min,
                                     bool send, outbox *out)
{
    char lower[32], min_text[32];
    snprintf(lower, sizeof lower, "%" PRId64, t->horizon);
    snprintf(min_text, sizeof min_text, "%" PRIu64, min);
    for (;;) {
        const char *params[] = {lower, min_text, xmax, TRACKER_PAGE};
        PGresult *res;
        nn_status st = db_exec(conn, t->sql_window, 4, params, PGRES_TUPLES_OK, &res);
        if (st != NN_OK) {
            tracker_log_error(t, conn, "read new rows");
            return st;
        }
        int n = PQntuples(res);
        int64_t last = 0;
        if (n > 0 && !db_get_int64(res, n - 1, 0, &last))
            st = NN_ERR_INVALID;
        if (st == NN_OK)
            st = tracker_take(t, res, send, out);
        PQclear(res);
        if (st != NN_OK || n < TRACKER_PAGE_ROWS)
            return st;
        snprintf(lower, sizeof lower, "%" PRId64, last);
    }
}

/* Scan the table for versions with xmin >= min (and key <= highest for
 * identity tables; INT64_MAX: every key). */
static nn_status tracker_scan(tracker *t, PGconn *conn, const char *xmax, uint64_t min,
                              int64_t highest, bool send, outbox *out)
{
    char high[32], min_text[32];
    snprintf(high, sizeof high, "%" PRId64, highest);
    snprintf(min_text, sizeof min_text, "%" PRIu64, min);
    const char *keyed[] = {high, min_text, xmax};
    const char *all[] = {min_text, xmax};
    nn_status st = t->identity && highest != INT64_MAX
                       ? db_exec(conn, t->sql_scan_keyed, 3, keyed, PGRES_COMMAND_OK, NULL)
                       : db_exec(conn, t->sql_scan_all, 2, all, PGRES_COMMAND_OK, NULL);
    if (st != NN_OK) {
        tracker_log_error(t, conn, "scan for updates");
        return st;
    }
    for (;;) {
        PGresult *res;
        st = db_exec(conn, "FETCH " TRACKER_PAGE " FROM nomnom_scan", 0, NULL, PGRES_TUPLES_OK,
                     &res);
        if (st != NN_OK) {
            tracker_log_error(t, conn, "scan for updates");
            return st;
        }
        int n = PQntuples(res);
        st = tracker_take(t, res, send, out);
        PQclear(res);
        if (st != NN_OK)
            return st;
        if (n < TRACKER_PAGE_ROWS)
            break;
    }
    st = db_exec(conn, "CLOSE nomnom_scan", 0, NULL, PGRES_COMMAND_OK, NULL);
    if (st != NN_OK)
        tracker_log_error(t, conn, "scan for updates");
    return st;
}

static nn_status tracker_read_newest(tracker *t, PGconn *conn, outbox *out)
{
    char limit[32];
    snprintf(limit, sizeof limit, "%" PRId64, t->max_records);
    const char *params[] = {limit};
    PGresult *res;
    nn_status st = db_exec(conn, t->identity ? t->sql_newest_keyed : t->sql_newest_all, 1, params,
                           PGRES_TUPLES_OK, &res);
    if (st != NN_OK) {
        tracker_log_error(t, conn, "read the newest rows");
        return st;
    }
    outbox_clear(out, t->index);
    int n = PQntuples(res);
    for (int i = 0; i < n && st == NN_OK; i++) {
        int64_t key = -1 - (int64_t)i; /* arrival order, below any row to come */
        if (t->identity && !db_get_int64(res, i, 0, &key))
            st = NN_ERR_INVALID;
        else
            st = outbox_fill(out, t->index, key, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1));
    }
    PQclear(res);
    return st;
}

nn_status tracker_baseline(tracker *t, PGconn *conn, const tracker_snapshot *snap,
                           int64_t last_value, outbox *out)
{
    char xmax[32];
    snprintf(xmax, sizeof xmax, "%" PRIu64, snap->xmax);
    t->ready = false;
    rowmap_clear(&t->sent);
    nn_status st = tracker_read_newest(t, conn, out);
    /* every version that a later read could take for new: xmin >= S.xmin */
    if (st == NN_OK)
        st = tracker_scan(t, conn, xmax, snap->xmin, INT64_MAX, false, out);
    if (st != NN_OK)
        return st;
    t->horizon = t->target = last_value == HORIZON_UNKNOWN ? 0 : last_value;
    t->window_min = t->scan_min = snap->xmin;
    t->updates_scanned = -1;
    t->next_scan_ms = 0;
    t->ready = true;
    tracker_forget(t);
    return NN_OK;
}

nn_status tracker_scan_updates(tracker *t, PGconn *conn, const tracker_snapshot *snap,
                               int64_t updates, int64_t now_ms, int64_t min_gap_ms, outbox *out)
{
    char xmax[32];
    snprintf(xmax, sizeof xmax, "%" PRIu64, snap->xmax);
    double started = monotime_s();
    nn_status st =
        tracker_scan(t, conn, xmax, t->scan_min, t->identity ? t->horizon : INT64_MAX, true, out);
    if (st != NN_OK)
        return st;
    int64_t took_ms = (int64_t)((monotime_s() - started) * 1000.0);
    int64_t spacing = took_ms * TRACKER_SCAN_SPACING;
    t->next_scan_ms = now_ms + (spacing > min_gap_ms ? spacing : min_gap_ms);
    t->scan_min = snap->xmin;
    t->updates_scanned = updates;
    if (t->identity)
        nn_log_debug("scanned for updates", NN_LOG_STR("entity", t->entity->name),
                     NN_LOG_INT("ms", took_ms));
    return NN_OK;
}

nn_status tracker_read_new(tracker *t, PGconn *conn, const tracker_snapshot *snap, outbox *out)
{
    if (!t->identity)
        return NN_OK; /* found by the scan, every poll */
    char xmax[32];
    snprintf(xmax, sizeof xmax, "%" PRIu64, snap->xmax);
    nn_status st = tracker_read_window(t, conn, xmax, t->window_min, true, out);
    if (st != NN_OK)
        return st;
    t->window_min = snap->xmin;
    if (t->target > t->horizon)
        t->horizon = t->target;
    return NN_OK;
}

bool tracker_scan_allowed(const tracker *t, int64_t now_ms)
{
    return now_ms >= t->next_scan_ms;
}

void tracker_forget(tracker *t)
{
    uint64_t min = t->scan_min;
    if (t->identity && t->window_min < min)
        min = t->window_min;
    if (rowmap_prune(&t->sent, min) != NN_OK)
        nn_log_warn("out of memory while forgetting sent rows",
                    NN_LOG_STR("entity", t->entity->name));
}
