/*
 * endpoints.c - /health, /ready, /metrics and /openapi.json (see endpoints.h).
 */
#include "endpoints.h"

#include <stdatomic.h>
#include <string.h>

static const char ingest_json[] = "application/json";

enum MHD_Result ingest_endpoint_health(ingest_request *req)
{
    static const char body[] = "{\"status\":\"ok\"}";
    return ingest_http_answer_static(req, MHD_HTTP_OK, ingest_json, body, sizeof body - 1);
}

enum MHD_Result ingest_endpoint_ready(ingest_request *req)
{
    static const char ready[] = "{\"status\":\"ready\"}";
    static const char draining[] = "{\"status\":\"not_ready\",\"reason\":\"shutting down\"}";
    static const char no_nats[] = "{\"status\":\"not_ready\",\"reason\":\"NATS not connected\"}";
    static const char no_streams[] =
        "{\"status\":\"not_ready\",\"reason\":\"JetStream streams not set up yet\"}";
    ingest_publisher *publisher = req->app->publisher;
    const char *body = ready;
    if (atomic_load(&req->app->draining))
        body = draining;
    else if (!ingest_publisher_connected(publisher))
        body = no_nats;
    else if (!ingest_publisher_ready(publisher))
        body = no_streams;
    unsigned status = body == ready ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE;
    return ingest_http_answer_static(req, status, ingest_json, body, strlen(body));
}

enum MHD_Result ingest_endpoint_metrics(ingest_request *req)
{
    nn_buf out = NN_BUF_INIT;
    nn_status st = ingest_metrics_render(req->app->metrics, req->app->publisher, &out);
    size_t len = out.len;
    char *text = st == NN_OK ? nn_buf_detach(&out) : NULL;
    nn_buf_free(&out);
    if (!text)
        return ingest_http_error(req, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", "out of memory",
                                 NULL);
    return ingest_http_answer(req, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", text,
                              len);
}

enum MHD_Result ingest_endpoint_openapi(ingest_request *req)
{
    return ingest_http_answer_static(req, MHD_HTTP_OK, ingest_json, req->app->openapi,
                                     req->app->openapi_len);
}
