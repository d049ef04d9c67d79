/*
 * status_rows.h - message_status rows gathered as array literals, the
 * parameters of worker_status_sql (sql.h): one statement writes the status
 * of a whole batch.
 */
#ifndef WORKER_STATUS_ROWS_H
#define WORKER_STATUS_ROWS_H

#include "db.h"
#include "sql.h"

#include "common/buf.h"
#include "common/status.h"

#include <stddef.h>
#include <stdint.h>

typedef struct worker_status_rows {
    nn_buf columns[WORKER_STATUS_PARAMS];
    size_t count;
} worker_status_rows;

typedef struct worker_status_row {
    const char *message_id; /* a UUID */
    const char *entity_type;
    const char *status; /* "processed", "failed", "dlq" */
    int64_t attempts;
    const char *received_at; /* RFC 3339 or NULL */
    const char *error;       /* NULL when none */
    const char *source;      /* NULL when unknown */
} worker_status_row;

void worker_status_rows_init(worker_status_rows *s);
void worker_status_rows_free(worker_status_rows *s);
void worker_status_rows_reset(worker_status_rows *s);

/* Add one row. NN_ERR_NOMEM (the set is unusable until reset). */
nn_status worker_status_rows_add(worker_status_rows *s, const worker_status_row *row);

/* Move every row of src to the end of dst (src is left empty). */
nn_status worker_status_rows_move(worker_status_rows *dst, worker_status_rows *src);

/* The parameters of worker_status_sql, the arrays closed (reopened by
 * worker_status_rows_reopen, which must follow once the values are sent). */
nn_status worker_status_rows_close(worker_status_rows *s, const char **values);
void worker_status_rows_reopen(worker_status_rows *s);

/* Write every row (nothing when empty); the rows stay, for the caller to
 * reset once the transaction committed. Failures as in db.h. */
nn_status worker_status_rows_write(worker_status_rows *s, worker_db *db, char **error);

#endif
