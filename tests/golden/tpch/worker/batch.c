/*
 * batch.c - a batch of messages from envelopes to acknowledgements (see batch.h).
 */
#include "batch.h"

#include "dlq.h"
#include "envelope.h"
#include "rows.h"
#include "sql.h"
#include "stats.h"

#include "common/buf.h"
#include "common/entities.h"
#include "common/log.h"
#include "common/streams.h"
#include "common/validate.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WORKER_DLQ_UNKNOWN NN_SUBJECT_DLQ_PREFIX "unknown"

/* Problems listed in the error text of an invalid payload (all are in "details"). */
#define WORKER_PROBLEMS_IN_ERROR 5

typedef enum worker_fate {
    WORKER_PENDING, /* valid: its rows are to be written */
    WORKER_REFUSED, /* permanent failure: to be sent to the DLQ */
    WORKER_STORED,  /* rows written in the open transaction (final once committed) */
    WORKER_DEAD,    /* in the DLQ (PubAck received): terminate */
    WORKER_RETRY,   /* transient failure: redeliver later, or DLQ on the last delivery */
    WORKER_COPY,    /* an earlier copy of a message repeated later in the batch: it
                     * is written once (the last copy), and settled like that one */
} worker_fate;

typedef struct worker_item {
    natsMsg *msg;
    int64_t attempts;  /* deliveries so far, this one included */
    uint64_t sequence; /* in stream MESSAGES */
    worker_envelope env;
    const nn_entity *entity;
    worker_fate fate;
    char *error;                       /* why it failed */
    json_t *details;                   /* validation problems, or NULL */
    const struct worker_item *copy_of; /* WORKER_COPY: the last copy */
} worker_item;

typedef enum worker_batch_state {
    WORKER_BATCH_EMPTY,
    WORKER_BATCH_TAKEN,  /* read, nothing sent */
    WORKER_BATCH_SENT,   /* transaction in the pipeline */
    WORKER_BATCH_FAILED, /* sending failed: error says why */
} worker_batch_state;

struct worker_batch {
    const worker_settings *settings;
    worker_db *db;
    worker_consumer *consumer;
    nn_metrics *metrics;
    worker_status_rows *carry; /* "dlq" rows a failed transaction could not write */

    worker_batch_state state;
    double started; /* when taken, for the duration metric */
    worker_item *items;
    worker_item **by_id; /* the items sorted by message id, to find copies */
    size_t count;
    worker_rows rows;          /* the rows of every pending message */
    const char **values;       /* parameters of one statement */
    worker_status_rows stored; /* "processed" rows */
    worker_status_rows dead;   /* "dlq" rows */
    worker_status_rows failed; /* "failed" rows */
    char *error;               /* why sending failed */
    worker_stats stats;
    uint64_t *written; /* rows by entity slot in the open transaction */
};

static double worker_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

nn_status worker_batch_new(worker_batch **out, const worker_settings *settings, worker_db *db,
                           worker_consumer *consumer, nn_metrics *metrics,
                           worker_status_rows *carry)
{
    worker_batch *b = calloc(1, sizeof *b);
    if (!b)
        return NN_ERR_NOMEM;
    b->settings = settings;
    b->db = db;
    b->consumer = consumer;
    b->metrics = metrics;
    b->carry = carry;
    worker_status_rows_init(&b->stored);
    worker_status_rows_init(&b->dead);
    worker_status_rows_init(&b->failed);
    nn_status st = worker_rows_init(&b->rows);
    if (st == NN_OK)
        st = worker_stats_init(&b->stats);
    if (st == NN_OK) {
        size_t params = worker_rows_max_params(&b->rows);
        b->items = calloc((size_t)settings->batch_size, sizeof *b->items);
        b->by_id = calloc((size_t)settings->batch_size, sizeof(worker_item *));
        b->values = calloc(params > WORKER_STATUS_PARAMS ? params : WORKER_STATUS_PARAMS,
                           sizeof *b->values);
        b->written = calloc(nn_entity_count + 1, sizeof *b->written);
        if (!b->items || !b->by_id || !b->values || !b->written)
            st = NN_ERR_NOMEM;
    }
    if (st != NN_OK) {
        worker_batch_free(b);
        return st;
    }
    *out = b;
    return NN_OK;
}

void worker_batch_free(worker_batch *b)
{
    if (!b)
        return;
    worker_rows_free(&b->rows);
    worker_status_rows_free(&b->stored);
    worker_status_rows_free(&b->dead);
    worker_status_rows_free(&b->failed);
    worker_stats_free(&b->stats);
    free(b->items);
    free(b->by_id);
    free(b->values);
    free(b->written);
    free(b->error);
    free(b);
}

/* ---- failures --------------------------------------------------------------------- */

/* Record why item failed (the first reason is kept when several come). */
static void worker_item_fail(worker_item *item, worker_fate fate, char *error)
{
    item->fate = fate;
    if (!item->error) {
        item->error = error;
        return;
    }
    free(error);
}

/* The same with a formatted reason (fmt has one %s). */
static void worker_item_failf(worker_item *item, worker_fate fate, const char *fmt, const char *arg)
{
    nn_buf b = NN_BUF_INIT;
    nn_buf_printf(&b, fmt, arg ? arg : "");
    worker_item_fail(item, fate, nn_buf_detach(&b));
}

/* "invalid payload: /line_items/0/quantity: expected integer; ..." and the details. */
static void worker_item_invalid(worker_item *item, const nn_problems *problems)
{
    nn_buf b = NN_BUF_INIT;
    nn_buf_puts(&b, "invalid payload: ");
    for (size_t i = 0; i < problems->count && i < WORKER_PROBLEMS_IN_ERROR; i++)
        nn_buf_printf(&b, "%s%s: %s", i ? "; " : "",
                      problems->items[i].path[0] ? problems->items[i].path : "(payload)",
                      problems->items[i].message);
    if (problems->count > WORKER_PROBLEMS_IN_ERROR)
        nn_buf_printf(&b, "; and %zu more", problems->count - WORKER_PROBLEMS_IN_ERROR);
    item->details = nn_problems_to_json(problems);
    worker_item_fail(item, WORKER_REFUSED, nn_buf_detach(&b));
}

/* The entity of the subject messages.ingest.<Entity>, NULL when it is not one. */
static const char *worker_subject_entity(const char *subject)
{
    size_t prefix = strlen(NN_SUBJECT_INGEST_PREFIX);
    if (!subject || strncmp(subject, NN_SUBJECT_INGEST_PREFIX, prefix) != 0)
        return NULL;
    return subject + prefix;
}

/* ---- reading a message -------------------------------------------------------------- */

static void worker_item_read(worker_item *item, natsMsg *msg)
{
    memset(item, 0, sizeof *item);
    item->msg = msg;
    item->fate = WORKER_PENDING;
    item->attempts = 1;
    jsMsgMetaData *meta = NULL;
    if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
        item->attempts = meta->NumDelivered > 0 ? (int64_t)meta->NumDelivered : 1;
        item->sequence = meta->Sequence.Stream;
    }
    jsMsgMetaData_Destroy(meta);

    char *error = NULL;
    nn_status st = worker_envelope_parse(&item->env, natsMsg_GetData(msg),
                                         (size_t)natsMsg_GetDataLength(msg), &error);
    if (st == NN_ERR_NOMEM) {
        worker_item_failf(item, WORKER_RETRY, "out of memory reading the envelope%s", NULL);
        return;
    }
    if (item->env.entity_type) {
        item->entity = nn_entity_find(item->env.entity_type);
        if (item->entity && !item->entity->ingestible)
            item->entity = NULL;
    }
    if (st != NN_OK) {
        worker_item_fail(item, WORKER_REFUSED, error);
        return;
    }
    if (!item->entity) {
        worker_item_failf(item, WORKER_REFUSED, "unknown entity '%s'", item->env.entity_type);
        return;
    }
    const char *from_subject = worker_subject_entity(natsMsg_GetSubject(msg));
    if (!from_subject || strcmp(from_subject, item->entity->name) != 0) {
        worker_item_failf(item, WORKER_REFUSED,
                          "entity_type '%s' does not match the message subject",
                          item->entity->name);
        return;
    }

    nn_problems problems;
    nn_problems_init(&problems);
    st = nn_validate_payload(item->entity, item->env.payload, &problems);
    if (st == NN_ERR_INVALID)
        worker_item_invalid(item, &problems);
    else if (st != NN_OK)
        worker_item_failf(item, WORKER_RETRY, "out of memory validating the payload%s", NULL);
    nn_problems_free(&problems);
}

static void worker_item_release(worker_item *item)
{
    natsMsg_Destroy(item->msg);
    worker_envelope_free(&item->env);
    free(item->error);
    json_decref(item->details);
    memset(item, 0, sizeof *item);
}

/* ---- the DLQ -------------------------------------------------------------------------- */

/* Publish item to the DLQ: WORKER_DEAD (and its "dlq" status row added), or
 * WORKER_RETRY when NATS did not confirm. */
static void worker_item_dead_letter(worker_batch *b, worker_item *item)
{
    const char *data = natsMsg_GetData(item->msg);
    worker_dlq_entry entry = {
        .subject = item->entity ? item->entity->dlq_subject : WORKER_DLQ_UNKNOWN,
        .message_id = item->env.message_id,
        .envelope = item->env.root,
        .raw = data ? data : "",
        .raw_len = data ? (size_t)natsMsg_GetDataLength(item->msg) : 0,
        .origin = natsMsg_GetSubject(item->msg),
        .sequence = item->sequence,
        .error = item->error ? item->error : "unknown error",
        .details = item->details,
        .attempts = item->attempts,
    };
    if (worker_dlq_publish(b->consumer->nats->conn, b->consumer->nats->js, &entry) != NN_OK) {
        item->fate = WORKER_RETRY;
        return;
    }
    item->fate = WORKER_DEAD;
    if (!item->env.message_id)
        return; /* no id: no message_status row */
    worker_status_row row = {
        .message_id = item->env.message_id,
        .entity_type = item->entity ? item->entity->name : item->env.entity_type,
        .status = "dlq",
        .attempts = item->attempts,
        .received_at = item->env.received_at,
        .error = entry.error,
        .source = item->env.source,
    };
    if (worker_status_rows_add(&b->dead, &row) != NN_OK) {
        nn_log_error("out of memory: message_status of DLQ messages lost");
        worker_status_rows_reset(&b->dead);
    }
}

/* ---- take --------------------------------------------------------------------------- */

/* The rows of one message into the row set; a message whose rows cannot be
 * extracted is refused. */
static nn_status worker_batch_extract(worker_batch *b, worker_item *item)
{
    char *error = NULL;
    nn_status st =
        worker_rows_add(&b->rows, item->entity, item->env.payload, item->env.message_id, &error);
    if (st == NN_ERR_INVALID)
        worker_item_fail(item, WORKER_REFUSED, error);
    else
        free(error);
    return st;
}

/* The "processed" row of every message of the given fate. */
static nn_status worker_batch_stored_rows(worker_batch *b, worker_fate fate)
{
    worker_status_rows_reset(&b->stored);
    for (size_t i = 0; i < b->count; i++) {
        const worker_item *item = &b->items[i];
        if (item->fate != fate)
            continue;
        worker_status_row row = {
            .message_id = item->env.message_id,
            .entity_type = item->entity->name,
            .status = "processed",
            .attempts = item->attempts,
            .received_at = item->env.received_at,
            .source = item->env.source,
        };
        if (worker_status_rows_add(&b->stored, &row) != NN_OK)
            return NN_ERR_NOMEM;
    }
    return NN_OK;
}

static void worker_batch_set_error(worker_batch *b, char *error, nn_status st)
{
    free(b->error);
    b->error = error;
    if (!b->error) {
        nn_buf text = NN_BUF_INIT;
        nn_buf_puts(&text, nn_status_str(st));
        b->error = nn_buf_detach(&text);
    }
    b->state = WORKER_BATCH_FAILED;
}

/* By message id, then by position in the batch. */
static int worker_item_compare(const void *a, const void *b)
{
    const worker_item *x = *(const worker_item *const *)a;
    const worker_item *y = *(const worker_item *const *)b;
    int order = strcmp(x->env.message_id, y->env.message_id);
    if (order != 0)
        return order;
    return x < y ? -1 : x > y;
}

/*
 * A message id that comes twice in one batch (a redelivery, or a repeated
 * publish): only the last copy is written, the earlier ones follow its fate.
 * Without this, a table with no unicity fields would get the rows twice.
 */
static void worker_batch_mark_copies(worker_batch *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->count; i++) {
        if (b->items[i].env.message_id &&
            (b->items[i].fate == WORKER_PENDING || b->items[i].fate == WORKER_REFUSED))
            b->by_id[n++] = &b->items[i];
    }
    qsort(b->by_id, n, sizeof(worker_item *), worker_item_compare);
    for (size_t i = 0; i + 1 < n; i++) {
        if (strcmp(b->by_id[i]->env.message_id, b->by_id[i + 1]->env.message_id) != 0)
            continue;
        size_t last = i + 1;
        while (last + 1 < n &&
               strcmp(b->by_id[last]->env.message_id, b->by_id[last + 1]->env.message_id) == 0)
            last++;
        for (size_t k = i; k < last; k++) {
            b->by_id[k]->fate = WORKER_COPY;
            b->by_id[k]->copy_of = b->by_id[last];
        }
        i = last;
    }
}

void worker_batch_take(worker_batch *b, natsMsg **msgs, int count)
{
    b->started = worker_now();
    b->count = 0;
    for (int i = 0; i < count; i++) {
        if (b->count < (size_t)b->settings->batch_size)
            worker_item_read(&b->items[b->count++], msgs[i]);
        else
            natsMsg_Destroy(msgs[i]); /* never happens: fetches ask for at most that; redelivered */
    }
    b->state = WORKER_BATCH_TAKEN;
    worker_batch_mark_copies(b);

    worker_rows_reset(&b->rows);
    worker_status_rows_reset(&b->dead);
    nn_status st = NN_OK;
    for (size_t i = 0; i < b->count && st != NN_ERR_NOMEM; i++) {
        worker_item *item = &b->items[i];
        if (item->fate == WORKER_PENDING)
            st = worker_batch_extract(b, item);
        if (item->fate == WORKER_REFUSED)
            worker_item_dead_letter(b, item);
    }
    if (st != NN_ERR_NOMEM)
        st = worker_rows_finish(&b->rows);
    if (st != NN_ERR_NOMEM)
        st = worker_batch_stored_rows(b, WORKER_PENDING);
    if (st == NN_ERR_NOMEM)
        worker_batch_set_error(b, NULL, st);
}

/* ---- send ----------------------------------------------------------------------------- */

/* Queue a status statement for the rows of s (none when empty). */
static nn_status worker_batch_send_status(worker_batch *b, worker_status_rows *s, char **error)
{
    if (s->count == 0)
        return NN_OK;
    nn_status st = worker_status_rows_close(s, b->values);
    if (st == NN_OK)
        st = worker_db_send_status(b->db, b->values, error);
    worker_status_rows_reopen(s);
    return st;
}

void worker_batch_send(worker_batch *b)
{
    if (b->state != WORKER_BATCH_TAKEN)
        return;
    /* the DLQ rows earlier transactions could not write go with this one */
    if (worker_status_rows_move(&b->dead, b->carry) != NN_OK) {
        nn_log_error("out of memory: message_status of DLQ messages lost");
        worker_status_rows_reset(&b->dead);
    }
    bool pending = false;
    for (size_t i = 0; i < b->count && !pending; i++)
        pending = b->items[i].fate == WORKER_PENDING;
    if (!pending && b->dead.count == 0)
        return;

    char *error = NULL;
    nn_status st = NN_ERR_UNAVAILABLE;
    if (!worker_db_is_up(b->db)) {
        nn_buf text = NN_BUF_INIT;
        nn_buf_puts(&text, "database unavailable");
        error = nn_buf_detach(&text);
    } else {
        st = worker_db_pipeline_start(b->db, &error);
        if (st == NN_OK)
            st = worker_db_send_command(b->db, "BEGIN", &error);
        for (size_t t = 0; t < b->rows.table_count && st == NN_OK; t++) {
            const worker_table_rows *table = &b->rows.tables[t];
            if (table->row_count == 0)
                continue;
            worker_rows_params(&b->rows, t, b->values);
            st = worker_db_send_upsert(b->db, table->upsert_index,
                                       (int)(table->entity->column_count + 1), b->values, &error);
        }
        if (st == NN_OK)
            st = worker_batch_send_status(b, &b->stored, &error);
        if (st == NN_OK)
            st = worker_batch_send_status(b, &b->dead, &error);
        if (st == NN_OK)
            st = worker_db_send_command(b->db, "NOTIFY nomnom_changes", &error);
        if (st == NN_OK)
            st = worker_db_send_command(b->db, "COMMIT", &error);
        if (st == NN_OK)
            st = worker_db_pipeline_send(b->db, &error);
    }
    if (st == NN_OK)
        b->state = WORKER_BATCH_SENT;
    else
        worker_batch_set_error(b, error, st);
}

/* ---- finish: the careful path ------------------------------------------------------------ */

/* A command whose failure matters only to the log (ROLLBACK, after a failure). */
static void worker_batch_quiet(worker_batch *b, const char *sql)
{
    char *error = NULL;
    if (worker_db_command(b->db, sql, &error) != NN_OK)
        nn_log_debug("command failed", NN_LOG_STR("sql", sql), NN_LOG_STR("error", error));
    free(error);
}

/* Write the finished row set, table by table, parents first, waiting for each. */
static nn_status worker_batch_write_rows(worker_batch *b, char **error)
{
    for (size_t t = 0; t < b->rows.table_count; t++) {
        const worker_table_rows *table = &b->rows.tables[t];
        if (table->row_count == 0)
            continue;
        worker_rows_params(&b->rows, t, b->values);
        nn_status st = worker_db_upsert(b->db, table->upsert_index,
                                        (int)(table->entity->column_count + 1), b->values, error);
        if (st != NN_OK)
            return st;
    }
    for (size_t t = 0; t < b->rows.table_count; t++)
        b->written[worker_stats_slot(b->rows.tables[t].entity)] += b->rows.tables[t].row_count;
    return NN_OK;
}

/*
 * One message in its savepoint. NN_OK: stored, or refused (WORKER_REFUSED:
 * PostgreSQL refused its rows) or to be retried (WORKER_RETRY: a transient
 * failure of its own, such as a deadlock), rolled back to the savepoint
 * either way. Another status: the transaction as a whole failed (*error).
 */
static nn_status worker_batch_write_one(worker_batch *b, worker_item *item, char **error)
{
    worker_rows_reset(&b->rows);
    nn_status st = worker_batch_extract(b, item);
    if (st == NN_ERR_INVALID)
        return NN_OK; /* refused */
    if (st == NN_OK)
        st = worker_rows_finish(&b->rows);
    if (st == NN_OK)
        st = worker_db_command(b->db, "SAVEPOINT worker_message", error);
    if (st != NN_OK)
        return st == NN_ERR_INVALID ? NN_ERR_UNAVAILABLE : st;
    char *row_error = NULL;
    st = worker_batch_write_rows(b, &row_error);
    if (st == NN_OK) {
        item->fate = WORKER_STORED;
        st = worker_db_command(b->db, "RELEASE SAVEPOINT worker_message", error);
        return st == NN_ERR_INVALID ? NN_ERR_UNAVAILABLE : st;
    }
    if (st == NN_ERR_NOMEM || !worker_db_connected(b->db)) {
        *error = row_error;
        return st == NN_ERR_NOMEM ? st : NN_ERR_UNAVAILABLE;
    }
    /* this message's own failure: the others go on */
    worker_item_fail(item, st == NN_ERR_INVALID ? WORKER_REFUSED : WORKER_RETRY, row_error);
    st = worker_db_command(b->db, "ROLLBACK TO SAVEPOINT worker_message", error);
    return st == NN_ERR_INVALID ? NN_ERR_UNAVAILABLE : st;
}

/*
 * Each pending message in its own savepoint: a message whose rows PostgreSQL
 * refuses goes to the DLQ, one that meets a transient failure of its own is
 * retried later, the others are stored. NN_ERR_UNAVAILABLE (or NN_ERR_NOMEM)
 * when the transaction as a whole failed.
 */
static nn_status worker_batch_write_each(worker_batch *b, char **error)
{
    nn_status st = worker_db_command(b->db, "BEGIN", error);
    for (size_t i = 0; i < b->count && st == NN_OK; i++) {
        worker_item *item = &b->items[i];
        if (item->fate != WORKER_PENDING)
            continue;
        st = worker_batch_write_one(b, item, error);
        if (item->fate == WORKER_REFUSED)
            worker_item_dead_letter(b, item);
    }
    if (st == NN_OK)
        st = worker_batch_stored_rows(b, WORKER_STORED);
    if (st == NN_OK)
        st = worker_status_rows_write(&b->stored, b->db, error);
    if (st == NN_OK)
        st = worker_status_rows_write(&b->dead, b->db, error);
    if (st == NN_OK)
        st = worker_db_command(b->db, "NOTIFY nomnom_changes", error);
    if (st == NN_OK)
        st = worker_db_command(b->db, "COMMIT", error);
    if (st != NN_OK) {
        worker_batch_quiet(b, "ROLLBACK");
        return st == NN_ERR_NOMEM ? st : NN_ERR_UNAVAILABLE;
    }
    return NN_OK;
}

/* ---- finish: the outcome --------------------------------------------------------------- */

/* The rows written in the open transaction: counted once committed, else forgotten. */
static void worker_batch_count_rows(worker_batch *b, bool committed)
{
    for (size_t i = 0; i <= nn_entity_count; i++) {
        if (committed)
            b->stats.rows[i] += b->written[i];
        b->written[i] = 0;
    }
}

/*
 * Wait for the transaction sent. When it failed but the connection still
 * works - a row refused, or a failure such as a deadlock - write the batch
 * again one savepoint per message, so only the messages at fault are held
 * back. NN_OK, or why the transaction as a whole failed (*error).
 */
static nn_status worker_batch_outcome(worker_batch *b, char **error)
{
    nn_status st = worker_db_pipeline_finish(b->db, error);
    if (st == NN_OK) {
        for (size_t t = 0; t < b->rows.table_count; t++)
            b->written[worker_stats_slot(b->rows.tables[t].entity)] += b->rows.tables[t].row_count;
        for (size_t i = 0; i < b->count; i++) {
            if (b->items[i].fate == WORKER_PENDING)
                b->items[i].fate = WORKER_STORED;
        }
        return NN_OK;
    }
    if (st == NN_ERR_NOMEM || !worker_db_connected(b->db))
        return st;
    nn_log_info("the batch failed: writing it message by message", NN_LOG_STR("error", *error));
    free(*error);
    *error = NULL;
    worker_batch_quiet(b, "ROLLBACK");
    return worker_batch_write_each(b, error);
}

/* The redelivery delay after attempts failures: base, doubled each time, capped. */
static int64_t worker_backoff_ms(const worker_settings *s, int64_t attempts)
{
    int64_t delay = s->retry_base_ms;
    for (int64_t i = 1; i < attempts && delay < s->retry_max_ms; i++)
        delay *= 2;
    return delay < s->retry_max_ms ? delay : s->retry_max_ms;
}

/*
 * Ack, Term or Nak one message by its fate (a copy: by the fate of the last
 * copy). A failure on the last allowed delivery (MAX_DELIVER) goes to the DLQ;
 * when NATS does not confirm that, the message is redelivered like any other
 * failure and its next delivery tries the DLQ again (the consumer has no
 * MaxDeliver of its own, consumer.h).
 */
static void worker_item_settle(worker_batch *b, worker_item *item)
{
    size_t slot = worker_stats_slot(item->entity);
    if (item->fate == WORKER_COPY)
        item->fate = item->copy_of->fate == WORKER_STORED || item->copy_of->fate == WORKER_DEAD
                         ? item->copy_of->fate
                         : WORKER_RETRY;
    else if (item->fate != WORKER_STORED && item->fate != WORKER_DEAD &&
             item->attempts >= b->settings->max_deliver)
        worker_item_dead_letter(b, item);
    natsStatus s = NATS_OK;
    switch (item->fate) {
    case WORKER_STORED:
        s = worker_consumer_ack(b->consumer, item->msg);
        b->stats.processed[slot]++;
        break;
    case WORKER_DEAD:
        s = worker_consumer_term(b->consumer, item->msg);
        b->stats.dlq[slot]++;
        break;
    case WORKER_PENDING:
    case WORKER_REFUSED:
    case WORKER_RETRY:
    case WORKER_COPY:
        b->stats.failed[slot]++;
        s = worker_consumer_nak(b->consumer, item->msg,
                                worker_backoff_ms(b->settings, item->attempts));
        if (item->env.message_id && item->entity && !item->copy_of) {
            worker_status_row row = {
                .message_id = item->env.message_id,
                .entity_type = item->entity->name,
                .status = "failed",
                .attempts = item->attempts,
                .received_at = item->env.received_at,
                .error = item->error,
                .source = item->env.source,
            };
            if (worker_status_rows_add(&b->failed, &row) != NN_OK)
                worker_status_rows_reset(&b->failed);
        }
        break;
    }
    if (s != NATS_OK)
        nn_log_warn("acknowledgement failed: the message will be redelivered",
                    NN_LOG_STR("message_id", item->env.message_id),
                    NN_LOG_STR("error", natsStatus_GetText(s)));
}

/* "failed" rows of retried messages, when the database can still take them. */
static void worker_batch_write_failed(worker_batch *b)
{
    if (b->failed.count == 0 || !worker_db_connected(b->db))
        return;
    char *error = NULL;
    if (worker_status_rows_write(&b->failed, b->db, &error) != NN_OK)
        nn_log_debug("message_status 'failed' not written", NN_LOG_STR("error", error));
    free(error);
}

void worker_batch_finish(worker_batch *b)
{
    if (b->state == WORKER_BATCH_EMPTY)
        return;
    char *error = NULL;
    nn_status st = NN_OK;
    if (b->state == WORKER_BATCH_SENT) {
        st = worker_batch_outcome(b, &error);
    } else if (b->state == WORKER_BATCH_FAILED) {
        st = NN_ERR_UNAVAILABLE;
        error = b->error;
        b->error = NULL;
    }
    if (st == NN_OK) {
        worker_batch_count_rows(b, b->state == WORKER_BATCH_SENT);
    } else {
        size_t retried = 0;
        worker_batch_count_rows(b, false);
        for (size_t i = 0; i < b->count; i++) {
            worker_item *item = &b->items[i];
            if (item->fate != WORKER_PENDING && item->fate != WORKER_STORED)
                continue;
            worker_item_failf(item, WORKER_RETRY, "%s", error ? error : nn_status_str(st));
            retried++;
        }
        nn_log_warn("batch not written: its messages will be redelivered",
                    NN_LOG_STR("error", error ? error : nn_status_str(st)),
                    NN_LOG_INT("messages", (int64_t)retried));
    }
    free(error);
    if (st == NN_OK)
        worker_status_rows_reset(&b->dead); /* committed */

    worker_status_rows_reset(&b->failed);
    for (size_t i = 0; i < b->count; i++) {
        if (b->items[i].fate != WORKER_COPY)
            worker_item_settle(b, &b->items[i]);
    }
    for (size_t i = 0; i < b->count; i++) {
        if (b->items[i].copy_of)
            worker_item_settle(b, &b->items[i]); /* after the copy they follow */
    }
    worker_batch_write_failed(b);
    /* DLQ rows not written yet (the last deliveries just settled, or a failed
     * transaction's): the next transaction takes them */
    if (worker_status_rows_move(b->carry, &b->dead) != NN_OK) {
        nn_log_error("out of memory: message_status of DLQ messages lost");
        worker_status_rows_reset(b->carry);
    }

    size_t count = b->count;
    for (size_t i = 0; i < b->count; i++)
        worker_item_release(&b->items[i]);
    b->count = 0;
    b->state = WORKER_BATCH_EMPTY;
    worker_stats_flush(&b->stats, b->metrics, worker_now() - b->started, count);
}
