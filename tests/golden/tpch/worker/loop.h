/*
 * loop.h - a consuming loop: fetch a batch, handle it, repeat, until SIGTERM
 * or SIGINT. The worker runs CONCURRENCY of them, each on its own thread
 * with its own pull subscription and database connection, sharing the NATS
 * connection and the metrics.
 *
 * In a loop two batches alternate, so it reads and checks the next batch
 * while PostgreSQL writes the one before (batch.h: take, send, finish):
 *
 *     fetch B  ->  take B  ->  finish A  ->  send B  ->  fetch A  -> ...
 *
 * While a batch is in flight the next fetch waits only briefly, so an idle
 * stream never holds a commit's acknowledgements back. Between batches the
 * loop brings a lost database connection back (fetching nothing meanwhile,
 * so messages do not burn their deliveries while PostgreSQL is away) and,
 * when idle, checks it every 2 s (for /ready); loop 0 also refreshes the
 * consumer lag metric. On a stop, the batch in flight is
 * finished (committed and acknowledged) before the loop returns.
 */
#ifndef WORKER_LOOP_H
#define WORKER_LOOP_H

#include "consumer.h"
#include "db.h"
#include "settings.h"

#include "common/metrics.h"
#include "common/status.h"

#include <stddef.h>

typedef struct worker_loop {
    size_t index; /* 0 .. CONCURRENCY-1, in logs and labels */
    const worker_settings *settings;
    worker_db db; /* connected by the loop itself when not yet */
    worker_nats *nats;
    nn_metrics *metrics;
    nn_status result; /* NN_OK, or why the loop ended early */
} worker_loop;

/*
 * Bring the database connection of loop index up: connect and prepare the
 * statements, retrying with backoff until it works or a stop is requested. With schema_file, apply
 * it first (after connecting). NN_OK; NN_ERR_UNAVAILABLE when stopped first; another status when
 * the schema cannot be applied at all.
 */
nn_status worker_loop_database(worker_db *db, nn_metrics *metrics, size_t index,
                               const char *schema_file);

/* Run loop (a worker_loop *) until a stop is requested; a pthread start routine. */
void *worker_loop_run(void *loop);

#endif
