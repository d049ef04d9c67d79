/*
 * consumer.h - the JetStream side of the worker: the NATS connection, the
 * streams, the durable pull consumer "workers" and fetching from it.
 *
 * The consumer (DESIGN.md §5): durable "workers" on stream MESSAGES, filter
 * messages.ingest.>, explicit ack, AckWait and MaxAckPending from the
 * settings, and no MaxDeliver: the worker itself sends the last allowed
 * delivery (MAX_DELIVER) to the DLQ, so the server never drops a message. It
 * is created when missing and its limits are brought up to date; several
 * worker processes share it, each fetching in turn.
 *
 * The process has one NATS connection; each of its consuming loops (loop.h)
 * binds its own pull subscription to the consumer. A fetch asks for a whole
 * batch and returns as soon as any message is there: right away when
 * messages wait in the stream (a full batch when busy), on the first
 * arrivals when idle, empty after FETCH_WAIT_MS.
 */
#ifndef WORKER_CONSUMER_H
#define WORKER_CONSUMER_H

#include "settings.h"

#include "common/status.h"

#include <nats/nats.h>
#include <stdbool.h>
#include <stdint.h>

#define WORKER_CONSUMER_NAME "workers"

/* The NATS connection of the process, shared by its consuming loops. */
typedef struct worker_nats {
    natsConnection *conn;
    jsCtx *js;
} worker_nats;

/*
 * Connect to NATS, create or update the streams and the consumer.
 * NN_ERR_UNAVAILABLE (logged) when NATS cannot be reached: call again later.
 * Once open, the connection reconnects by itself.
 */
nn_status worker_nats_open(worker_nats *n, const worker_settings *settings);

/* Flush what is still buffered (acks), then close. Safe on a closed one. */
void worker_nats_close(worker_nats *n);

/* Connected right now (thread-safe: /ready asks). */
bool worker_nats_connected(worker_nats *n);

/* The consumer's lag: messages not yet delivered, and delivered but not acked. */
nn_status worker_nats_lag(worker_nats *n, uint64_t *pending, int64_t *ack_pending);

/*
 * One loop's pull subscription to the durable consumer. The worker makes its
 * own pull requests ($JS.API.CONSUMER.MSG.NEXT.MESSAGES.workers, each with
 * its own reply subject under the loop's inbox) rather than use
 * natsSubscription_Fetch: in libnats 3.4 a fetch that starts with messages
 * already queued (late deliveries of an earlier request, common under load
 * and after a reconnect) miscounts and can write past its array.
 */
typedef struct worker_consumer {
    worker_nats *nats;
    natsSubscription *sub; /* core subscription on "<inbox>.*" */
    char *inbox;
    char *next_subject; /* where pull requests go */
    uint64_t request;   /* number of the last pull request */
} worker_consumer;

/* Subscribe the loop's inbox. NN_ERR_UNAVAILABLE (logged), NN_ERR_NOMEM. */
nn_status worker_consumer_bind(worker_consumer *c, worker_nats *nats);

/* Drop the subscription (the durable consumer stays). */
void worker_consumer_unbind(worker_consumer *c);

/*
 * Fetch up to capacity messages into msgs (the caller destroys each with
 * natsMsg_Destroy), waiting up to wait_ms for the first. NN_OK with *count
 * possibly 0; NN_ERR_UNAVAILABLE when NATS failed (logged).
 */
nn_status worker_consumer_fetch(worker_consumer *c, natsMsg **msgs, int capacity, int64_t wait_ms,
                                int *count);

/* Acknowledge a fetched message: done (Ack), redeliver after delay_ms (Nak),
 * or never again (Term). Sent asynchronously, like natsMsg_Ack. */
natsStatus worker_consumer_ack(worker_consumer *c, natsMsg *msg);
natsStatus worker_consumer_nak(worker_consumer *c, natsMsg *msg, int64_t delay_ms);
natsStatus worker_consumer_term(worker_consumer *c, natsMsg *msg);

#endif
