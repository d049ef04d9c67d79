/*
 * db.h - the worker's PostgreSQL connection: connecting, preparing the
 * statements of sql.h, running commands, and sorting failures into
 * transient and permanent ones.
 *
 * Every function that runs SQL returns:
 *   NN_OK
 *   NN_ERR_INVALID      permanent: the data was refused (SQLSTATE classes 21,
 *                       22, 23, 44, 54: data exception, constraint violation,
 *                       a value too large for an index, ...); retrying the
 *                       same data fails again
 *   NN_ERR_UNAVAILABLE  transient: connection lost, serialization failure
 *                       (40001), deadlock (40P01), shutdown, anything else;
 *                       worth retrying later
 *   NN_ERR_NOMEM
 * with *error (free() it) describing the failure: "23514: new row for
 * relation ... violates check constraint ...".
 *
 * Once the connection is lost the worker reconnects with worker_db_connect;
 * worker_db_is_up() may be asked from any thread (/ready).
 */
#ifndef WORKER_DB_H
#define WORKER_DB_H

#include "common/status.h"

#include <libpq-fe.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct worker_db {
    const char *url;
    PGconn *conn;   /* NULL when not connected */
    atomic_bool up; /* connected and statements prepared */
    int queued;     /* commands sent in pipeline mode, outcome not read yet */
    bool synced;    /* ... and sent off with their sync point */
} worker_db;

void worker_db_init(worker_db *db, const char *url);

/* Connect (dropping a broken connection first). NN_ERR_UNAVAILABLE, logged. */
nn_status worker_db_connect(worker_db *db);

/* Prepare the statements of sql.h (the tables must exist); the connection is up then. */
nn_status worker_db_prepare(worker_db *db, char **error);

/* Connected, with the statements prepared. Thread-safe. */
bool worker_db_is_up(worker_db *db);

/* Whether the connection itself still works (false after it broke). */
bool worker_db_connected(const worker_db *db);

void worker_db_close(worker_db *db);

/* A command without parameters ("BEGIN", "COMMIT", ...). */
nn_status worker_db_command(worker_db *db, const char *sql, char **error);

/* A script of several statements, such as the schema (simple query protocol). */
nn_status worker_db_script(worker_db *db, const char *sql, char **error);

/* A parameterised statement; values are text, NULL for SQL NULL. */
nn_status worker_db_params(worker_db *db, const char *sql, int count, const char *const *values,
                           char **error);

/* The statement of sql.h: worker_upserts[index]. */
nn_status worker_db_upsert(worker_db *db, size_t index, int count, const char *const *values,
                           char **error);

/* The message_status statement of sql.h (WORKER_STATUS_PARAMS values). */
nn_status worker_db_status(worker_db *db, const char *const *values, char **error);

/*
 * Pipeline mode: commands are sent without waiting for each other's
 * outcome, so a whole transaction costs one round trip and the worker can
 * prepare its next batch while PostgreSQL executes this one. After
 * worker_db_pipeline_start, the send functions queue commands (they fail
 * only when the connection does); worker_db_pipeline_send sends them all
 * off, and returns at once; worker_db_pipeline_finish waits and returns the
 * first failure (commands after a failure are not run). The connection
 * leaves pipeline mode then, or is closed when it cannot.
 */
nn_status worker_db_pipeline_start(worker_db *db, char **error);
nn_status worker_db_send_command(worker_db *db, const char *sql, char **error);
nn_status worker_db_send_upsert(worker_db *db, size_t index, int count, const char *const *values,
                                char **error);
nn_status worker_db_send_status(worker_db *db, const char *const *values, char **error);
nn_status worker_db_pipeline_send(worker_db *db, char **error);
nn_status worker_db_pipeline_finish(worker_db *db, char **error);

#endif
