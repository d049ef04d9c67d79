/*
 * db.h - the few libpq helpers the poller needs: connecting with sane
 * timeouts, running a parameterised statement and checking its result, and
 * telling a lost connection from an SQL error.
 */
#ifndef BACKEND_DB_H
#define BACKEND_DB_H

#include "common/buf.h"
#include "common/status.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Connect to url (a postgres:// URL or key=value string), naming the
 * session application_name. NN_OK with *out; NN_ERR_UNAVAILABLE with
 * *error (free() it) when the server cannot be reached; NN_ERR_NOMEM.
 */
nn_status db_connect(const char *url, const char *application_name, PGconn **out, char **error);

/*
 * Run sql with text parameters and check the result status is expected
 * (PGRES_COMMAND_OK or PGRES_TUPLES_OK). NN_OK with *out (PQclear() it; out
 * may be NULL to discard the result). Otherwise NN_ERR_UNAVAILABLE when the
 * connection is gone, NN_ERR_INVALID for an SQL error; db_error() says why.
 */
nn_status db_exec(PGconn *conn, const char *sql, int nparams, const char *const *params,
                  ExecStatusType expected, PGresult **out);

/* Append the last error of conn to out: its first line, without the newline. */
void db_error(PGconn *conn, nn_buf *out);

/* Whether conn is still usable. */
bool db_alive(PGconn *conn);

/* The integer in column col of row: false when NULL or not an integer. */
bool db_get_int64(const PGresult *res, int row, int col, int64_t *out);

#endif
