/*
 * batch.h - one fetched batch of messages, from envelopes to acknowledgements.
 *
 * A batch goes through three steps, so the worker can read and check the
 * next batch while PostgreSQL writes this one (loop.c):
 *
 * take    for each message: read the envelope, find its entity, validate the
 *         payload (common/validate.h), extract its rows (rows.h); a message
 *         refused here goes to the DLQ (dlq.h) at once.
 * send    one transaction, sent in pipeline mode (one round trip), returning
 *         without waiting for it:
 *             BEGIN
 *             every table's rows of the whole batch, one statement per table,
 *             parents first
 *             message_status of every message (processed, attempts,
 *             processed_at, ...; dlq for those sent to the DLQ)
 *             NOTIFY nomnom_changes (delivered at commit)
 *             COMMIT
 * finish  wait for the outcome. When PostgreSQL refused a row, the batch is
 *         written again message by message, each message in its own SAVEPOINT,
 *         so one bad message never fails the others (it goes to the DLQ).
 *         Then, and only then, the acknowledgements: Ack for stored messages,
 *         Term for those in the DLQ (after its PubAck), NakWithDelay with
 *         exponential backoff for transient failures (RETRY_BASE_MS doubling
 *         up to RETRY_MAX_MS), and the DLQ instead on the last allowed
 *         delivery (MAX_DELIVER).
 *
 * The message_status rows of DLQ'd messages that could not be written (the
 * database was down) are handed over in carry, which the next batch sent
 * writes.
 */
#ifndef WORKER_BATCH_H
#define WORKER_BATCH_H

#include "consumer.h"
#include "db.h"
#include "settings.h"
#include "status_rows.h"

#include "common/metrics.h"
#include "common/status.h"

#include <nats/nats.h>

typedef struct worker_batch worker_batch;

nn_status worker_batch_new(worker_batch **out, const worker_settings *settings, worker_db *db,
                           worker_consumer *consumer, nn_metrics *metrics,
                           worker_status_rows *carry);
void worker_batch_free(worker_batch *b);

/* Take count messages (at most BATCH_SIZE; the batch destroys them). */
void worker_batch_take(worker_batch *b, natsMsg **msgs, int count);

/* Send its transaction without waiting for the outcome. */
void worker_batch_send(worker_batch *b);

/* Wait for the outcome and acknowledge every message; the batch is empty again. */
void worker_batch_finish(worker_batch *b);

#endif
