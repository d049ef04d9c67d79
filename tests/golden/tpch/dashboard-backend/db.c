/*
 * db.c - libpq helpers of the poller (see db.h).
 */
#include "db.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

nn_status db_connect(const char *url, const char *application_name, PGconn **out, char **error)
{
    /* Later keywords override what the URL sets; keepalives and a TCP user
     * timeout notice a vanished server instead of waiting for ever. */
    const char *const keys[] = {"dbname",           "application_name", "connect_timeout",
                                "keepalives",       "keepalives_idle",  "keepalives_interval",
                                "keepalives_count", "tcp_user_timeout", NULL};
    const char *const values[] = {url, application_name, "5", "1", "10", "5", "3", "15000", NULL};
    *out = NULL;
    *error = NULL;
    PGconn *conn = PQconnectdbParams(keys, values, 1);
    if (!conn)
        return NN_ERR_NOMEM;
    if (PQstatus(conn) != CONNECTION_OK) {
        nn_buf b = NN_BUF_INIT;
        db_error(conn, &b);
        PQfinish(conn);
        *error = nn_buf_detach(&b);
        return *error ? NN_ERR_UNAVAILABLE : NN_ERR_NOMEM;
    }
    *out = conn;
    return NN_OK;
}

nn_status db_exec(PGconn *conn, const char *sql, int nparams, const char *const *params,
                  ExecStatusType expected, PGresult **out)
{
    if (out)
        *out = NULL;
    PGresult *res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
    if (res && PQresultStatus(res) == expected) {
        if (out)
            *out = res;
        else
            PQclear(res);
        return NN_OK;
    }
    PQclear(res);
    if (!db_alive(conn))
        return NN_ERR_UNAVAILABLE;
    return res ? NN_ERR_INVALID : NN_ERR_NOMEM;
}

void db_error(PGconn *conn, nn_buf *out)
{
    /* libpq's messages end in a newline and may span lines: keep the first */
    const char *msg = conn ? PQerrorMessage(conn) : NULL;
    if (!msg || !*msg) {
        nn_buf_puts(out, "unknown error");
        return;
    }
    nn_buf_append(out, msg, strcspn(msg, "\n"));
}

bool db_alive(PGconn *conn)
{
    return conn && PQstatus(conn) == CONNECTION_OK;
}

bool db_get_int64(const PGresult *res, int row, int col, int64_t *out)
{
    if (PQgetisnull(res, row, col))
        return false;
    const char *text = PQgetvalue(res, row, col);
    errno = 0;
    char *end = NULL;
    long long v = strtoll(text, &end, 10);
    if (errno == ERANGE || end == text || *end != '\0')
        return false;
    *out = (int64_t)v;
    return true;
}
