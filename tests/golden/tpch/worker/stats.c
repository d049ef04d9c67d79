/*
 * stats.c - the worker's metrics (see stats.h).
 */
#include "stats.h"

#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

nn_status worker_stats_declare(nn_metrics *m)
{
    static const struct {
        const char *name;
        const char *help;
        int gauge;
    } families[] = {
        {"worker_messages_processed_total", "Messages stored, by entity", 0},
        {"worker_messages_failed_total",
         "Transient failures (message redelivered later), by entity", 0},
        {"worker_messages_dlq_total", "Messages sent to the dead-letter stream, by entity", 0},
        {"worker_rows_written_total", "Rows upserted, by entity", 0},
        {"worker_batches_total", "Batches fetched and handled", 0},
        {"worker_batch_messages_total", "Messages fetched", 0},
        {"worker_consumer_lag", "Messages of the stream not yet delivered to the consumer", 1},
        {"worker_consumer_ack_pending", "Messages delivered but not yet acknowledged", 1},
        {"worker_database_up", "1 while the loop is connected to PostgreSQL", 1},
    };
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
        nn_status st = families[i].gauge
                           ? nn_metrics_gauge(m, families[i].name, families[i].help)
                           : nn_metrics_counter(m, families[i].name, families[i].help);
        if (st != NN_OK)
            return st;
    }
    return nn_metrics_histogram(m, "worker_batch_duration_seconds",
                                "Time to handle one batch, from fetch to acknowledgements",
                                nn_metrics_latency_bounds, nn_metrics_latency_bound_count);
}

nn_status worker_stats_init(worker_stats *s)
{
    size_t n = nn_entity_count + 1;
    s->processed = calloc(n, sizeof *s->processed);
    s->failed = calloc(n, sizeof *s->failed);
    s->dlq = calloc(n, sizeof *s->dlq);
    s->rows = calloc(n, sizeof *s->rows);
    if (!s->processed || !s->failed || !s->dlq || !s->rows) {
        worker_stats_free(s);
        return NN_ERR_NOMEM;
    }
    return NN_OK;
}

void worker_stats_free(worker_stats *s)
{
    free(s->processed);
    free(s->failed);
    free(s->dlq);
    free(s->rows);
    memset(s, 0, sizeof *s);
}

size_t worker_stats_slot(const nn_entity *e)
{
    for (size_t i = 0; e && i < nn_entity_count; i++) {
        if (nn_entities[i] == e)
            return i;
    }
    return nn_entity_count;
}

/* Add counts[slot] to family name, labelled by entity, and zero them. */
static void worker_stats_add(nn_metrics *m, const char *name, uint64_t *counts, nn_buf *label)
{
    for (size_t i = 0; i <= nn_entity_count; i++) {
        if (counts[i] == 0)
            continue;
        nn_buf_reset(label);
        nn_buf_printf(label, "entity=\"%s\"",
                      i < nn_entity_count ? nn_entities[i]->name : "unknown");
        if (nn_buf_status(label) == NN_OK)
            nn_metrics_add(m, name, nn_buf_str(label), (double)counts[i]);
        counts[i] = 0;
    }
}

void worker_stats_flush(worker_stats *s, nn_metrics *m, double seconds, size_t messages)
{
    nn_buf label = NN_BUF_INIT;
    worker_stats_add(m, "worker_messages_processed_total", s->processed, &label);
    worker_stats_add(m, "worker_messages_failed_total", s->failed, &label);
    worker_stats_add(m, "worker_messages_dlq_total", s->dlq, &label);
    worker_stats_add(m, "worker_rows_written_total", s->rows, &label);
    nn_buf_free(&label);
    nn_metrics_add(m, "worker_batches_total", "", 1);
    nn_metrics_add(m, "worker_batch_messages_total", "", (double)messages);
    nn_metrics_observe(m, "worker_batch_duration_seconds", "", seconds);
}
