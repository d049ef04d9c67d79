/*
 * settings.h - the ingestion API's configuration: its environment variables
 * (see settings.c for names, defaults and ranges) parsed into one structure.
 */
#ifndef INGEST_SETTINGS_H
#define INGEST_SETTINGS_H

#include "common/cli.h"
#include "common/streams.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct ingest_settings {
    const char *nats_url;        /* NATS_URL: one URL or a comma-separated list */
    const char *bind_address;    /* BIND_ADDRESS: numeric IPv4 or IPv6 address */
    int64_t port;                /* PORT */
    int64_t http_threads;        /* HTTP_THREADS: 0 = one per CPU */
    int64_t max_body_bytes;      /* MAX_BODY_BYTES: larger bodies get 413 */
    int64_t request_timeout_ms;  /* REQUEST_TIMEOUT: idle time before a connection is dropped */
    int64_t publish_timeout_ms;  /* PUBLISH_TIMEOUT: wait for a PubAck before answering 503 */
    int64_t max_in_flight;       /* MAX_IN_FLIGHT: publishes awaiting their PubAck */
    int64_t shutdown_timeout_ms; /* SHUTDOWN_TIMEOUT: drain bound on SIGTERM */
    int64_t retry_after_s;       /* RETRY_AFTER: the Retry-After of 503 answers */
    const char *api_token;       /* API_TOKEN; NULL: no authentication */
    bool access_log;             /* ACCESS_LOG: one info line per request */
    bool nats_send_asap;         /* NATS_SEND_ASAP: flush every publish at once */
    nn_stream_settings streams;  /* STREAM_*: limits of MESSAGES and MESSAGES_DLQ */
    int log_level;               /* nn_log_level */
    int log_format;              /* nn_log_format */
} ingest_settings;

/* --help, --version and the environment of the ingestion API. */
extern const nn_cli ingest_cli;

#endif
