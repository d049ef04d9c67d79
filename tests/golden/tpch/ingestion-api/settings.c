/*
 * settings.c - the ingestion API's environment variables (see settings.h).
 */
#include "settings.h"

#include <stddef.h>

static const nn_config_var ingest_vars[] = {
    NN_CONFIG_NATS_URL(ingest_settings, nats_url),
    {
        .name = "BIND_ADDRESS",
        .kind = NN_CONFIG_STRING,
        .fallback = "0.0.0.0",
        .offset = offsetof(ingest_settings, bind_address),
        .help = "IP address to listen on (0.0.0.0: all IPv4, '::': all)",
    },
    NN_CONFIG_PORT(ingest_settings, port, "8080"),
    {
        .name = "HTTP_THREADS",
        .kind = NN_CONFIG_INT,
        .fallback = "0",
        .min = 0,
        .max = 256,
        .offset = offsetof(ingest_settings, http_threads),
        .help = "HTTP worker threads (0: one per CPU)",
    },
    {
        .name = "MAX_BODY_BYTES",
        .kind = NN_CONFIG_INT,
        .fallback = "1048576",
        .min = 1,
        .max = 1073741824,
        .offset = offsetof(ingest_settings, max_body_bytes),
        .help = "largest accepted request body in bytes (larger: 413)",
    },
    {
        .name = "REQUEST_TIMEOUT",
        .kind = NN_CONFIG_MS,
        .fallback = "30s",
        .min = 1000,
        .max = 3600000,
        .offset = offsetof(ingest_settings, request_timeout_ms),
        .help = "a connection that sends nothing for this long is closed (whole seconds)",
    },
    {
        .name = "PUBLISH_TIMEOUT",
        .kind = NN_CONFIG_MS,
        .fallback = "5s",
        .min = 10,
        .max = 600000,
        .offset = offsetof(ingest_settings, publish_timeout_ms),
        .help = "how long a request waits for JetStream's acknowledgement (then 503)",
    },
    {
        .name = "MAX_IN_FLIGHT",
        .kind = NN_CONFIG_INT,
        .fallback = "4096",
        .min = 1,
        .max = 1000000,
        .offset = offsetof(ingest_settings, max_in_flight),
        .help = "publishes awaiting acknowledgement at once; beyond: 503",
    },
    {
        .name = "SHUTDOWN_TIMEOUT",
        .kind = NN_CONFIG_MS,
        .fallback = "10s",
        .min = 0,
        .max = 600000,
        .offset = offsetof(ingest_settings, shutdown_timeout_ms),
        .help = "on SIGTERM, how long in-flight publishes may take to finish",
    },
    {
        .name = "RETRY_AFTER",
        .kind = NN_CONFIG_INT,
        .fallback = "1",
        .min = 0,
        .max = 3600,
        .offset = offsetof(ingest_settings, retry_after_s),
        .help = "seconds in the Retry-After header of 503 answers",
    },
    {
        .name = "API_TOKEN",
        .kind = NN_CONFIG_STRING,
        .secret = true,
        .offset = offsetof(ingest_settings, api_token),
        .help =
            "when set, requests need 'Authorization: Bearer <token>' (/health, /ready excepted)",
    },
    {
        .name = "ACCESS_LOG",
        .kind = NN_CONFIG_BOOL,
        .fallback = "true",
        .offset = offsetof(ingest_settings, access_log),
        .help = "log one line per request (method, path, status, bytes, duration, message id)",
    },
    {
        .name = "NATS_SEND_ASAP",
        .kind = NN_CONFIG_BOOL,
        .fallback = "false",
        .offset = offsetof(ingest_settings, nats_send_asap),
        .help = "write each publish at once instead of batching (more system calls)",
    },
    NN_CONFIG_STREAM_VARS(ingest_settings, streams),
    NN_CONFIG_LOG_LEVEL(ingest_settings, log_level),
    NN_CONFIG_LOG_FORMAT(ingest_settings, log_format),
};

const nn_cli ingest_cli = {
    .program = "ingestion-api",
    .summary = "Accepts entity payloads on POST /ingest/{Entity}, validates them against the\n"
               "entity definitions and publishes them to NATS JetStream; answers 202 once\n"
               "JetStream has acknowledged the message.",
    .vars = ingest_vars,
    .var_count = sizeof ingest_vars / sizeof ingest_vars[0],
    .log_level_offset = offsetof(ingest_settings, log_level),
    .log_format_offset = offsetof(ingest_settings, log_format),
};
