/*
 * settings.c - the ingestion API's environment variables (see settings.h).
 */
#include "settings.h"

#include <stddef.h>

static const nn_config_var ingest_vars[] = {
    NN_CONFIG_NATS_URL(ingest_settings, nats_url),
    NN_CONFIG_PORT(ingest_settings, port, "8080"),
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
        .name = "API_TOKEN",
        .kind = NN_CONFIG_STRING,
        .secret = true,
        .offset = offsetof(ingest_settings, api_token),
        .help = "when set, requests need 'Authorization: Bearer <token>'",
    },
    NN_CONFIG_LOG_LEVEL(ingest_settings, log_level),
    NN_CONFIG_LOG_FORMAT(ingest_settings, log_format),
};

const nn_cli ingest_cli = {
    .program = "ingestion-api",
    .summary = "Accepts entity payloads on POST /ingest/{Entity}, validates them against the\n"
               "entity definitions and publishes them to NATS JetStream.",
    .vars = ingest_vars,
    .var_count = sizeof ingest_vars / sizeof ingest_vars[0],
    .log_level_offset = offsetof(ingest_settings, log_level),
    .log_format_offset = offsetof(ingest_settings, log_format),
};
