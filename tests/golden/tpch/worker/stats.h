/*
 * stats.h - the worker's Prometheus metrics (served on /metrics):
 *
 *   worker_messages_processed_total{entity}  messages stored (rows committed)
 *   worker_messages_failed_total{entity}     transient failures, redelivered later
 *   worker_messages_dlq_total{entity}        messages sent to the DLQ
 *   worker_rows_written_total{entity}        rows upserted, per entity (table)
 *   worker_batch_duration_seconds            one batch: from fetch to acks
 *   worker_batch_messages_total              messages fetched (batches: _batches_total)
 *   worker_consumer_lag                      messages in the stream not yet delivered
 *   worker_consumer_ack_pending              delivered, not yet acknowledged
 *   worker_database_up{loop}                 1 while the loop is connected to PostgreSQL
 *
 * entity is the entity name, or "unknown" when a message names none we know.
 * Updates are counted per batch and added once, so the registry's mutex is
 * taken a few times per batch, not per message.
 */
#ifndef WORKER_STATS_H
#define WORKER_STATS_H

#include "common/entities.h"
#include "common/metrics.h"
#include "common/status.h"

#include <stddef.h>
#include <stdint.h>

/* Declare the families above. */
nn_status worker_stats_declare(nn_metrics *m);

/* The counters of one batch, by entity (index nn_entity_count: "unknown"). */
typedef struct worker_stats {
    uint64_t *processed;
    uint64_t *failed;
    uint64_t *dlq;
    uint64_t *rows;
} worker_stats;

nn_status worker_stats_init(worker_stats *s);
void worker_stats_free(worker_stats *s);

/* The slot of e (NULL: unknown). */
size_t worker_stats_slot(const nn_entity *e);

/* Add the batch's counts to m and zero them; record its duration. */
void worker_stats_flush(worker_stats *s, nn_metrics *m, double seconds, size_t messages);

#endif
