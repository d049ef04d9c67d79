/*
 * http.h - the worker's small HTTP server on METRICS_HOST:METRICS_PORT:
 *
 *   GET /health   200 {"status":"ok"} while the process runs
 *   GET /ready    200 {"status":"ready"} when PostgreSQL and NATS are both
 *                 reachable, else 503 with which one is not
 *   GET /metrics  the Prometheus text format (common/metrics.h)
 *
 * It runs on libmicrohttpd's own thread; it reads the metrics registry
 * (which has its own lock) and asks the readiness callback, nothing else.
 */
#ifndef WORKER_HTTP_H
#define WORKER_HTTP_H

#include "common/metrics.h"
#include "common/status.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct worker_http worker_http;

/* Whether each dependency is reachable; called from the HTTP thread. */
typedef void (*worker_ready_fn)(void *ctx, bool *database, bool *nats);

/*
 * Listen on host (an IPv4 address) and port. NN_ERR_INVALID for a bad
 * address, NN_ERR_IO when the port cannot be bound (logged).
 */
nn_status worker_http_start(worker_http **out, const char *host, int64_t port, nn_metrics *metrics,
                            worker_ready_fn ready, void *ready_ctx);

void worker_http_stop(worker_http *http);

#endif
