/*
 * endpoints.h - the ingestion API's service endpoints, answered at once:
 *
 *   GET /health        200 {"status":"ok"} while the process serves requests
 *   GET /ready         200 {"status":"ready"} when NATS is connected and the
 *                      streams exist; 503 {"status":"not_ready","reason":…}
 *                      otherwise, and while shutting down
 *   GET /metrics       Prometheus text (ingest_metrics.h)
 *   GET /openapi.json  the OpenAPI 3.1 document (openapi.h)
 */
#ifndef INGEST_ENDPOINTS_H
#define INGEST_ENDPOINTS_H

#include "http.h"

enum MHD_Result ingest_endpoint_health(ingest_request *req);
enum MHD_Result ingest_endpoint_ready(ingest_request *req);
enum MHD_Result ingest_endpoint_metrics(ingest_request *req);
enum MHD_Result ingest_endpoint_openapi(ingest_request *req);

#endif
