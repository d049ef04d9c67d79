/*
 * rest.h - the bodies of the JSON endpoints:
 *
 *   GET /api/entities  {"project":…,"entities":[{"name","table","primary_key",
 *                      "kind","fields":[{"name","type","nullable"}]}]}
 *                      (fields: the persisted columns in declaration order,
 *                      named like the row keys; the primary key is listed apart)
 *   GET /api/health    {"status":"ok","database":"up"|"down","clients":N}
 *   GET /health        {"status":"ok"}
 *   GET /ready         {"status":"ready"} or {"status":"not ready","reason":…}
 *   errors             {"error":"<code>","message":"…"} (DESIGN.md §5)
 *
 * /api/stats is the poller's (stats.h); /metrics is common/metrics.h's.
 */
#ifndef BACKEND_REST_H
#define BACKEND_REST_H

#include "common/buf.h"
#include "common/status.h"

#include <stdbool.h>
#include <stddef.h>

/* The body of GET /api/entities (built once; free() it). NULL when out of memory. */
char *rest_entities_body(void);

/* {"status":"ok","database":…,"clients":…} */
void rest_put_health(nn_buf *out, bool database_up, size_t clients);

/* The /ready body; ready tells which. */
void rest_put_ready(nn_buf *out, bool ready);

/* {"error":code,"message":message} */
void rest_put_error(nn_buf *out, const char *code, const char *message);

#endif
