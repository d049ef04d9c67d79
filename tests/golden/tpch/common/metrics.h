/*
 * metrics.h - Prometheus metrics: counters, gauges and histograms with
 * labels, rendered in the text exposition format for GET /metrics.
 *
 * Declare each family once at start-up, then update series from any thread:
 *
 *     nn_metrics_counter(m, "ingest_requests_total", "Requests by entity and status");
 *     nn_metrics_add(m, "ingest_requests_total", "entity=\"Order\",code=\"202\"", 1);
 *
 * A series is created the first time its label set is seen. Label sets are
 * written by the caller (values must not need escaping: entity names, status
 * codes). Updates take one mutex: cheap next to a network round trip.
 */
#ifndef NN_METRICS_H
#define NN_METRICS_H

#include "buf.h"
#include "status.h"

#include <stddef.h>

typedef struct nn_metrics nn_metrics;

nn_status nn_metrics_new(nn_metrics **out);
void nn_metrics_free(nn_metrics *m);

/* Declare a family. NN_ERR_INVALID when the name is declared already. */
nn_status nn_metrics_counter(nn_metrics *m, const char *name, const char *help);
nn_status nn_metrics_gauge(nn_metrics *m, const char *name, const char *help);
/* bounds: ascending upper bounds of the buckets (+Inf is added). */
nn_status nn_metrics_histogram(nn_metrics *m, const char *name, const char *help,
                               const double *bounds, size_t bound_count);

/* Latency buckets in seconds, 0.5 ms to 10 s, for nn_metrics_histogram. */
extern const double nn_metrics_latency_bounds[];
extern const size_t nn_metrics_latency_bound_count;

/* Counter or gauge: add v (labels "" for none). Unknown names are ignored. */
void nn_metrics_add(nn_metrics *m, const char *name, const char *labels, double v);
/* Gauge: set to v. */
void nn_metrics_set(nn_metrics *m, const char *name, const char *labels, double v);
/* Histogram: record one observation. */
void nn_metrics_observe(nn_metrics *m, const char *name, const char *labels, double v);

/* Append every family in the text exposition format (version 0.0.4). */
nn_status nn_metrics_render(nn_metrics *m, nn_buf *out);

#endif
