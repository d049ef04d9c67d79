/*
 * app.h - what every request handler of the ingestion API shares: the
 * settings, the publisher, the metrics and the OpenAPI document, set up by
 * main.c before the HTTP server starts and torn down after it stopped.
 */
#ifndef INGEST_APP_H
#define INGEST_APP_H

#include "ingest_metrics.h"
#include "publisher.h"
#include "settings.h"

#include <stdatomic.h>
#include <stddef.h>

typedef struct ingest_app {
    const ingest_settings *settings;
    ingest_publisher *publisher;
    ingest_metrics *metrics;
    char *openapi; /* the OpenAPI document (JSON), built once at start-up */
    size_t openapi_len;
    size_t api_token_len; /* strlen(settings->api_token), 0 when unset */
    atomic_bool draining; /* SIGTERM received: new requests get 503 */
} ingest_app;

#endif
