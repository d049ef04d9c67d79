/*
 * loop.c - fetch, handle, repeat (see loop.h).
 */
#include "loop.h"

#include "batch.h"
#include "schema.h"
#include "signals.h"
#include "status_rows.h"

#include "common/log.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define WORKER_RECONNECT_FIRST_MS 100
#define WORKER_RECONNECT_MAX_MS   5000

static int64_t worker_clock_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One attempt: connect, the schema when asked, prepare. */
static nn_status worker_loop_connect(worker_db *db, const char *schema_file)
{
    nn_status st = worker_db_connect(db);
    if (st != NN_OK)
        return st;
    if (schema_file) {
        st = worker_schema_apply(db, schema_file);
        if (st != NN_OK) {
            worker_db_close(db);
            return st;
        }
    }
    char *error = NULL;
    st = worker_db_prepare(db, &error);
    if (st != NN_OK) {
        nn_log_warn("preparing the statements failed", NN_LOG_STR("error", error));
        worker_db_close(db);
        /* a missing table is not data's fault: keep trying */
        if (st == NN_ERR_INVALID)
            st = NN_ERR_UNAVAILABLE;
    }
    free(error);
    return st;
}

nn_status worker_loop_database(worker_db *db, nn_metrics *metrics, size_t index,
                               const char *schema_file)
{
    char label[64]; /* loop="N": a size_t needs at most 20 digits */
    snprintf(label, sizeof label, "loop=\"%zu\"", index);
    int64_t wait = WORKER_RECONNECT_FIRST_MS;
    for (;;) {
        nn_status st = worker_loop_connect(db, schema_file);
        nn_metrics_set(metrics, "worker_database_up", label, st == NN_OK ? 1 : 0);
        if (st == NN_OK) {
            nn_log_info("database connected", NN_LOG_INT("loop", (int64_t)index));
            return NN_OK;
        }
        if (st != NN_ERR_UNAVAILABLE)
            return st;
        if (!worker_sleep_ms(wait))
            return NN_ERR_UNAVAILABLE;
        wait = wait * 2 < WORKER_RECONNECT_MAX_MS ? wait * 2 : WORKER_RECONNECT_MAX_MS;
    }
}

static void worker_loop_lag(worker_loop *loop)
{
    uint64_t pending = 0;
    int64_t ack_pending = 0;
    if (worker_nats_lag(loop->nats, &pending, &ack_pending) != NN_OK)
        return;
    nn_metrics_set(loop->metrics, "worker_consumer_lag", "", (double)pending);
    nn_metrics_set(loop->metrics, "worker_consumer_ack_pending", "", (double)ack_pending);
}

/* Bind the loop's subscription, retrying with backoff; false when stopped first. */
static bool worker_loop_bind(worker_loop *loop, worker_consumer *consumer)
{
    int64_t wait = WORKER_RECONNECT_FIRST_MS;
    while (worker_consumer_bind(consumer, loop->nats) != NN_OK) {
        if (!worker_sleep_ms(wait))
            return false;
        wait = wait * 2 < WORKER_RECONNECT_MAX_MS ? wait * 2 : WORKER_RECONNECT_MAX_MS;
    }
    return true;
}

/* How long a fetch waits while a batch is in flight: what is there, or soon. */
#define WORKER_BUSY_FETCH_MS 50

/* An idle loop checks its database connection this often (for /ready). */
#define WORKER_IDLE_PING_MS 2000

/* A cheap round trip; a failure marks the connection down (db.h). */
static void worker_loop_ping(worker_loop *loop)
{
    char *error = NULL;
    if (worker_db_command(&loop->db, "SELECT 1", &error) != NN_OK)
        nn_log_warn("database check failed", NN_LOG_INT("loop", (int64_t)loop->index),
                    NN_LOG_STR("error", error));
    free(error);
}

/* Fetch, take, finish the batch in flight, send: until a stop. */
static nn_status worker_loop_batches(worker_loop *loop, worker_consumer *consumer,
                                     worker_batch **batches, worker_status_rows *carry,
                                     natsMsg **msgs)
{
    const worker_settings *s = loop->settings;
    worker_batch *in_flight = NULL;
    int next = 0;
    int64_t next_lag = 0;
    int64_t last_used = worker_clock_ms();    /* of the database connection */
    bool was_up = worker_db_is_up(&loop->db); /* loop 0 starts connected (the schema) */
    nn_status result = NN_OK;
    while (!worker_stop_requested()) {
        if (!worker_db_is_up(&loop->db)) {
            /* settle what was fetched, then fetch nothing until PostgreSQL is back */
            if (in_flight) {
                worker_batch_finish(in_flight);
                in_flight = NULL;
            }
            if (was_up)
                nn_log_warn("database connection lost: reconnecting",
                            NN_LOG_INT("loop", (int64_t)loop->index));
            result = worker_loop_database(&loop->db, loop->metrics, loop->index, NULL);
            if (result == NN_ERR_UNAVAILABLE)
                result = NN_OK; /* stop requested */
            if (result != NN_OK || worker_stop_requested())
                break;
            was_up = true;
        }
        int64_t now = worker_clock_ms();
        if (loop->index == 0 && now >= next_lag) {
            worker_loop_lag(loop);
            next_lag = now + s->lag_interval_ms;
        }

        int count = 0;
        int64_t wait = in_flight && WORKER_BUSY_FETCH_MS < s->fetch_wait_ms ? WORKER_BUSY_FETCH_MS
                                                                            : s->fetch_wait_ms;
        int64_t started = worker_clock_ms();
        nn_status st = worker_consumer_fetch(consumer, msgs, (int)s->batch_size, wait, &count);
        worker_batch *batch = batches[next];
        if (count > 0)
            worker_batch_take(batch, msgs, count);
        if (in_flight) {
            worker_batch_finish(in_flight);
            in_flight = NULL;
            last_used = worker_clock_ms();
        }
        if (count == 0 && carry->count > 0 && worker_db_is_up(&loop->db)) {
            /* idle, with DLQ status rows still to write: a batch of none */
            worker_batch_take(batch, NULL, 0);
            count = -1;
        }
        if (count != 0) {
            worker_batch_send(batch);
            in_flight = batch;
            next = 1 - next;
            continue;
        }
        if (worker_clock_ms() - last_used >= WORKER_IDLE_PING_MS) {
            worker_loop_ping(loop);
            last_used = worker_clock_ms();
        }
        /* nothing came: when the fetch came back at once (NATS away, or the
         * server refusing while other requests wait), pause briefly */
        int64_t took = worker_clock_ms() - started;
        if (st != NN_OK || took < wait / 2)
            worker_sleep_ms(st != NN_OK ? 250 : 10);
    }
    if (in_flight)
        worker_batch_finish(in_flight);
    return result;
}

void *worker_loop_run(void *arg)
{
    worker_loop *loop = arg;
    const worker_settings *s = loop->settings;
    worker_consumer consumer = {0};
    worker_status_rows carry;
    worker_status_rows_init(&carry);
    worker_batch *batches[2] = {NULL, NULL};
    natsMsg **msgs = calloc((size_t)s->batch_size, sizeof(natsMsg *));
    nn_status st = msgs ? NN_OK : NN_ERR_NOMEM;
    for (int i = 0; i < 2 && st == NN_OK; i++)
        st = worker_batch_new(&batches[i], s, &loop->db, &consumer, loop->metrics, &carry);
    if (st == NN_OK && worker_loop_bind(loop, &consumer)) {
        nn_log_info("consuming", NN_LOG_INT("loop", (int64_t)loop->index),
                    NN_LOG_STR("consumer", WORKER_CONSUMER_NAME));
        st = worker_loop_batches(loop, &consumer, batches, &carry, msgs);
    }
    for (int i = 0; i < 2; i++)
        worker_batch_free(batches[i]);
    worker_consumer_unbind(&consumer);
    worker_status_rows_free(&carry);
    free(msgs);
    loop->result = st;
    return NULL;
}
