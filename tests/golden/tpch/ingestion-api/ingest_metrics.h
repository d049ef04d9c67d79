/*
 * ingest_metrics.h - the ingestion API's Prometheus metrics, on top of the
 * registry of common/metrics.h:
 *
 *   ingest_requests_total{entity,code}           requests to /ingest/{Entity}
 *   http_requests_total{endpoint,code}           requests to the other endpoints
 *   ingest_publish_duration_seconds{entity,outcome}  publish to PubAck (or failure)
 *   ingest_duplicates_total{entity}              messages JetStream had already
 *   ingest_in_flight                             publishes awaiting their PubAck
 *   ingest_nats_connected, ingest_ready          0 or 1
 *
 * Label values come from fixed sets only (entity names of the definitions,
 * status codes, endpoint names): a path a client invents never becomes a
 * series.
 */
#ifndef INGEST_METRICS_H
#define INGEST_METRICS_H

#include "publisher.h"

#include "common/buf.h"
#include "common/entities.h"
#include "common/status.h"

typedef struct ingest_metrics ingest_metrics;

nn_status ingest_metrics_new(ingest_metrics **out);
void ingest_metrics_free(ingest_metrics *m);

/* One answered request. entity: the known entity of an /ingest/ path, or
 * NULL; endpoint: for other paths, "/health", ..., or "other". */
void ingest_metrics_ingest_request(ingest_metrics *m, const nn_entity *entity, unsigned code);
void ingest_metrics_http_request(ingest_metrics *m, const char *endpoint, unsigned code);

/* One publish answered (acknowledged or not). */
void ingest_metrics_publish(ingest_metrics *m, const nn_entity *entity, const ingest_publish *pub);

/* Append the exposition text, with the gauges read from the publisher now. */
nn_status ingest_metrics_render(ingest_metrics *m, ingest_publisher *publisher, nn_buf *out);

#endif
