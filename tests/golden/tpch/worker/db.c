/*
 * db.c - PostgreSQL connection, prepared statements, failure sorting (see db.h).
 */
#include "db.h"

#include "sql.h"

#include "common/buf.h"
#include "common/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORKER_STATUS_STATEMENT "worker_status"

void worker_db_init(worker_db *db, const char *url)
{
    db->url = url;
    db->conn = NULL;
    db->queued = 0;
    db->synced = false;
    atomic_init(&db->up, false);
}

void worker_db_close(worker_db *db)
{
    atomic_store(&db->up, false);
    if (db->conn)
        PQfinish(db->conn);
    db->conn = NULL;
    db->queued = 0;
    db->synced = false;
}

bool worker_db_is_up(worker_db *db)
{
    return atomic_load(&db->up);
}

bool worker_db_connected(const worker_db *db)
{
    return db->conn && PQstatus(db->conn) == CONNECTION_OK;
}

/* libpq's last error without its trailing newline, as a new string. */
static char *worker_db_conn_error(PGconn *conn)
{
    const char *text = conn ? PQerrorMessage(conn) : "out of memory";
    size_t len = strlen(text);
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
        len--;
    nn_buf b = NN_BUF_INIT;
    nn_buf_append(&b, text, len);
    if (len == 0)
        nn_buf_puts(&b, "connection lost");
    return nn_buf_detach(&b);
}

/* Server notices and warnings go to the log rather than straight to stderr. */
static void worker_db_notice(void *arg, const char *message)
{
    (void)arg;
    size_t len = strlen(message);
    while (len > 0 && message[len - 1] == '\n')
        len--;
    nn_buf b = NN_BUF_INIT;
    nn_buf_append(&b, message, len);
    if (nn_buf_status(&b) == NN_OK)
        nn_log_debug("database notice", NN_LOG_STR("message", nn_buf_str(&b)));
    nn_buf_free(&b);
}

nn_status worker_db_connect(worker_db *db)
{
    worker_db_close(db);
    /* defaults first: what the URL says wins (expand_dbname) */
    const char *const keys[] = {"connect_timeout", "application_name", "client_encoding", "dbname",
                                NULL};
    const char *const values[] = {"5", "worker", "UTF8", db->url, NULL};
    db->conn = PQconnectdbParams(keys, values, 1);
    if (db->conn && PQstatus(db->conn) == CONNECTION_OK) {
        PQsetNoticeProcessor(db->conn, worker_db_notice, NULL);
        return NN_OK;
    }
    char *error = worker_db_conn_error(db->conn);
    nn_log_warn("database connection failed", NN_LOG_STR("error", error ? error : "?"));
    free(error);
    worker_db_close(db);
    return NN_ERR_UNAVAILABLE;
}

/* SQLSTATE classes caused by the data itself: retrying cannot help. */
static bool worker_db_permanent(const char *sqlstate)
{
    static const char *const classes[] = {"21", "22", "23", "44", "54"};
    if (!sqlstate || strlen(sqlstate) != 5)
        return false;
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        if (strncmp(sqlstate, classes[i], 2) == 0)
            return true;
    }
    return false;
}

/* Sort the outcome of a command; res is cleared. */
static nn_status worker_db_outcome(worker_db *db, PGresult *res, char **error)
{
    *error = NULL;
    ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
        PQclear(res);
        return NN_OK;
    }
    const char *sqlstate = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
    nn_status st = worker_db_permanent(sqlstate) ? NN_ERR_INVALID : NN_ERR_UNAVAILABLE;
    if (!worker_db_connected(db)) {
        st = NN_ERR_UNAVAILABLE;
        atomic_store(&db->up, false);
    }
    nn_buf b = NN_BUF_INIT;
    if (primary) {
        nn_buf_printf(&b, "%s: %s", sqlstate ? sqlstate : "?????", primary);
        if (detail)
            nn_buf_printf(&b, " (%s)", detail);
    } else {
        char *conn_error = worker_db_conn_error(db->conn);
        nn_buf_puts(&b, conn_error ? conn_error : "connection lost");
        free(conn_error);
    }
    PQclear(res);
    *error = nn_buf_detach(&b);
    return *error ? st : NN_ERR_NOMEM;
}

static nn_status worker_db_not_connected(char **error)
{
    nn_buf b = NN_BUF_INIT;
    nn_buf_puts(&b, "not connected to the database");
    *error = nn_buf_detach(&b);
    return *error ? NN_ERR_UNAVAILABLE : NN_ERR_NOMEM;
}

nn_status worker_db_prepare(worker_db *db, char **error)
{
    *error = NULL;
    if (!db->conn)
        return worker_db_not_connected(error);
    for (size_t i = 0; i < worker_upsert_count; i++) {
        char name[64];
        snprintf(name, sizeof name, "worker_upsert_%zu", i);
        nn_status st =
            worker_db_outcome(db, PQprepare(db->conn, name, worker_upserts[i].sql, 0, NULL), error);
        if (st != NN_OK)
            return st;
    }
    nn_status st = worker_db_outcome(
        db, PQprepare(db->conn, WORKER_STATUS_STATEMENT, worker_status_sql, 0, NULL), error);
    if (st == NN_OK)
        atomic_store(&db->up, true);
    return st;
}

nn_status worker_db_command(worker_db *db, const char *sql, char **error)
{
    if (!db->conn)
        return worker_db_not_connected(error);
    return worker_db_outcome(db, PQexecParams(db->conn, sql, 0, NULL, NULL, NULL, NULL, 0), error);
}

nn_status worker_db_script(worker_db *db, const char *sql, char **error)
{
    if (!db->conn)
        return worker_db_not_connected(error);
    return worker_db_outcome(db, PQexec(db->conn, sql), error);
}

nn_status worker_db_params(worker_db *db, const char *sql, int count, const char *const *values,
                           char **error)
{
    if (!db->conn)
        return worker_db_not_connected(error);
    return worker_db_outcome(db, PQexecParams(db->conn, sql, count, NULL, values, NULL, NULL, 0),
                             error);
}

nn_status worker_db_upsert(worker_db *db, size_t index, int count, const char *const *values,
                           char **error)
{
    if (!db->conn)
        return worker_db_not_connected(error);
    char name[64];
    snprintf(name, sizeof name, "worker_upsert_%zu", index);
    return worker_db_outcome(db, PQexecPrepared(db->conn, name, count, values, NULL, NULL, 0),
                             error);
}

nn_status worker_db_status(worker_db *db, const char *const *values, char **error)
{
    if (!db->conn)
        return worker_db_not_connected(error);
    return worker_db_outcome(db,
                             PQexecPrepared(db->conn, WORKER_STATUS_STATEMENT, WORKER_STATUS_PARAMS,
                                            values, NULL, NULL, 0),
                             error);
}

/* ---- pipeline mode ------------------------------------------------------------ */

/* A send failed: the connection is unusable. */
static nn_status worker_db_send_failed(worker_db *db, char **error)
{
    *error = worker_db_conn_error(db->conn);
    atomic_store(&db->up, false);
    return *error ? NN_ERR_UNAVAILABLE : NN_ERR_NOMEM;
}

nn_status worker_db_pipeline_start(worker_db *db, char **error)
{
    *error = NULL;
    if (!db->conn)
        return worker_db_not_connected(error);
    db->queued = 0;
    db->synced = false;
    if (PQenterPipelineMode(db->conn) != 1)
        return worker_db_send_failed(db, error);
    return NN_OK;
}

nn_status worker_db_send_command(worker_db *db, const char *sql, char **error)
{
    *error = NULL;
    if (PQsendQueryParams(db->conn, sql, 0, NULL, NULL, NULL, NULL, 0) != 1)
        return worker_db_send_failed(db, error);
    db->queued++;
    return NN_OK;
}

nn_status worker_db_send_upsert(worker_db *db, size_t index, int count, const char *const *values,
                                char **error)
{
    *error = NULL;
    char name[64];
    snprintf(name, sizeof name, "worker_upsert_%zu", index);
    if (PQsendQueryPrepared(db->conn, name, count, values, NULL, NULL, 0) != 1)
        return worker_db_send_failed(db, error);
    db->queued++;
    return NN_OK;
}

nn_status worker_db_send_status(worker_db *db, const char *const *values, char **error)
{
    *error = NULL;
    if (PQsendQueryPrepared(db->conn, WORKER_STATUS_STATEMENT, WORKER_STATUS_PARAMS, values, NULL,
                            NULL, 0) != 1)
        return worker_db_send_failed(db, error);
    db->queued++;
    return NN_OK;
}

nn_status worker_db_pipeline_send(worker_db *db, char **error)
{
    *error = NULL;
    /* the sync point, and everything queued goes out now */
    if (PQpipelineSync(db->conn) != 1)
        return worker_db_send_failed(db, error);
    db->synced = true;
    return NN_OK;
}

nn_status worker_db_pipeline_finish(worker_db *db, char **error)
{
    *error = NULL;
    nn_status st = NN_OK;
    if (!db->conn)
        return worker_db_not_connected(error);
    if (!db->synced) {
        st = worker_db_pipeline_send(db, error);
        if (st != NN_OK) {
            worker_db_close(db);
            return st;
        }
    }
    db->synced = false;
    /* each command's result is followed by a NULL; then comes the sync */
    int nulls = 0;
    bool synced = false;
    while (!synced) {
        PGresult *res = PQgetResult(db->conn);
        if (!res) {
            if (++nulls > db->queued + 1 || PQstatus(db->conn) != CONNECTION_OK)
                break;
            continue;
        }
        ExecStatusType status = PQresultStatus(res);
        if (status == PGRES_PIPELINE_SYNC) {
            synced = true;
            PQclear(res);
        } else if (status == PGRES_FATAL_ERROR && st == NN_OK) {
            st = worker_db_outcome(db, res, error);
        } else {
            PQclear(res); /* success, or PGRES_PIPELINE_ABORTED after the failure */
        }
    }
    db->queued = 0;
    if (!synced || PQexitPipelineMode(db->conn) != 1) {
        if (st == NN_OK) {
            free(*error);
            st = worker_db_send_failed(db, error);
        }
        worker_db_close(db);
        return st == NN_ERR_INVALID ? NN_ERR_UNAVAILABLE : st;
    }
    return st;
}
