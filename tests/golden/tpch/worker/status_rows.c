/*
 * status_rows.c - message_status rows as array parameters (see status_rows.h).
 */
#include "status_rows.h"

#include "rows.h"

void worker_status_rows_init(worker_status_rows *s)
{
    for (size_t c = 0; c < WORKER_STATUS_PARAMS; c++) {
        nn_buf_init(&s->columns[c]);
        worker_array_open(&s->columns[c]);
    }
    s->count = 0;
}

void worker_status_rows_free(worker_status_rows *s)
{
    for (size_t c = 0; c < WORKER_STATUS_PARAMS; c++)
        nn_buf_free(&s->columns[c]);
    s->count = 0;
}

void worker_status_rows_reset(worker_status_rows *s)
{
    for (size_t c = 0; c < WORKER_STATUS_PARAMS; c++)
        worker_array_open(&s->columns[c]);
    s->count = 0;
}

nn_status worker_status_rows_add(worker_status_rows *s, const worker_status_row *row)
{
    worker_array_text(&s->columns[0], row->message_id);
    worker_array_text(&s->columns[1], row->entity_type);
    worker_array_text(&s->columns[2], row->status);
    worker_array_int(&s->columns[3], (long long)row->attempts);
    worker_array_text(&s->columns[4], row->received_at);
    worker_array_text(&s->columns[5], row->error);
    worker_array_text(&s->columns[6], row->source);
    s->count++;
    for (size_t c = 0; c < WORKER_STATUS_PARAMS; c++) {
        if (nn_buf_status(&s->columns[c]) != NN_OK)
            return NN_ERR_NOMEM;
    }
    return NN_OK;
}

nn_status worker_status_rows_move(worker_status_rows *dst, worker_status_rows *src)
{
    if (src->count == 0)
        return NN_OK;
    nn_status st = NN_OK;
    for (size_t c = 0; c < WORKER_STATUS_PARAMS; c++) {
        /* src is "{a,b": its elements follow the "{" */
        if (dst->count > 0)
            nn_buf_putc(&dst->columns[c], ',');
        nn_buf_append(&dst->columns[c], src->columns[c].data + 1, src->columns[c].len - 1);
        if (nn_buf_status(&dst->columns[c]) != NN_OK)
            st = NN_ERR_NOMEM;
    }
    dst->count += src->count;
    worker_status_rows_reset(src);
    return st;
}

nn_status worker_status_rows_close(worker_status_rows *s, const char **values)
{
    nn_status st = NN_OK;
    for (size_t c = 0; c < WORKER_STATUS_PARAMS; c++) {
        worker_array_close(&s->columns[c]);
        if (nn_buf_status(&s->columns[c]) != NN_OK)
            st = NN_ERR_NOMEM;
        values[c] = nn_buf_str(&s->columns[c]);
    }
    return st;
}

void worker_status_rows_reopen(worker_status_rows *s)
{
    for (size_t c = 0; c < WORKER_STATUS_PARAMS; c++) {
        if (s->columns[c].len > 1)
            nn_buf_truncate(&s->columns[c], s->columns[c].len - 1);
    }
}

nn_status worker_status_rows_write(worker_status_rows *s, worker_db *db, char **error)
{
    *error = NULL;
    if (s->count == 0)
        return NN_OK;
    const char *values[WORKER_STATUS_PARAMS];
    nn_status st = worker_status_rows_close(s, values);
    if (st == NN_OK)
        st = worker_db_status(db, values, error);
    worker_status_rows_reopen(s); /* the rows stay until the caller resets them */
    return st;
}
