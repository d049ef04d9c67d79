/*
 * rows.h - extraction: the rows a payload becomes, gathered per table as
 * PostgreSQL array literals, ready to be the parameters of the statements of
 * sql.h.
 *
 * A payload of a root or reference entity gives that entity's row, and one
 * row of each derived entity per element of the list it is derived from
 * (OrderLineItem per element of Order.line_items), recursively. Each field
 * is read by its descriptor (common/entities.h): from the entity's own object
 * or, for copy_field, from the parent's. Values are written in the text form
 * PostgreSQL reads for the column type; absent and null values are NULL.
 *
 * The payload must have passed nn_validate_payload (the same typing rules
 * as the ingestion API): a value that does not fit its type all the same is
 * refused with NN_ERR_INVALID, and the rows of that message are taken back
 * whole, so a set never holds half a message.
 *
 * The tables are kept parents first, so writing them in order writes
 * children after their parent.
 */
#ifndef WORKER_ROWS_H
#define WORKER_ROWS_H

#include "common/buf.h"
#include "common/entities.h"
#include "common/status.h"

#include <jansson.h>
#include <stddef.h>

typedef struct worker_table_rows {
    const nn_entity *entity;
    size_t upsert_index; /* its statement in worker_upserts[] */
    /* column_count + 1 array literals (the persisted fields in param order,
     * then "_message_id"), without their closing brace until finished */
    nn_buf *columns;
    size_t row_count;
    size_t *marks;    /* lengths of columns[] before the message being added */
    size_t mark_rows; /* row_count before it */
} worker_table_rows;

typedef struct worker_rows {
    worker_table_rows *tables; /* every persistent entity, parents first */
    size_t table_count;
    size_t row_count; /* of every table */
    nn_buf scratch;   /* JSON text of a Json value being written */
} worker_rows;

/* An empty set for every persistent entity. NN_ERR_NOMEM, or NN_ERR_NOT_FOUND
 * when an entity has no statement in sql.c (a tree generated inconsistently). */
nn_status worker_rows_init(worker_rows *rows);
void worker_rows_free(worker_rows *rows);

/* Forget every row (memory is kept for the next set). */
void worker_rows_reset(worker_rows *rows);

/*
 * Add the rows of one message: entity's row from payload, then the rows
 * derived from it; each carries message_id. NN_OK, NN_ERR_INVALID (*error
 * says which value; the message's rows are taken back) or NN_ERR_NOMEM (the
 * set is unusable until worker_rows_reset).
 */
nn_status worker_rows_add(worker_rows *rows, const nn_entity *entity, const json_t *payload,
                          const char *message_id, char **error);

/* Close the array literals; the set is then read with worker_rows_params()
 * (and takes no more rows until worker_rows_reset). */
nn_status worker_rows_finish(worker_rows *rows);

/* The parameters of table t of a finished set: column_count + 1 values. */
void worker_rows_params(const worker_rows *rows, size_t t, const char **values);

/* The number of parameters of the widest table (to size a values array). */
size_t worker_rows_max_params(const worker_rows *rows);

/*
 * Array literals built one element at a time, for other statements
 * (message_status): begin with worker_array_open, then add elements.
 */
void worker_array_open(nn_buf *array);
void worker_array_text(nn_buf *array, const char *text); /* NULL: NULL */
void worker_array_int(nn_buf *array, long long value);
void worker_array_close(nn_buf *array);

#endif
