/*
 * settings.c - the worker's environment variables (see settings.h).
 */
#include "settings.h"

#include "common/log.h"

#include <stddef.h>

static const nn_config_var worker_vars[] = {
    NN_CONFIG_NATS_URL(worker_settings, nats_url),
    NN_CONFIG_DATABASE_URL(worker_settings, database_url),
    {
        .name = "METRICS_PORT",
        .kind = NN_CONFIG_INT,
        .fallback = "9090",
        .min = 1,
        .max = 65535,
        .offset = offsetof(worker_settings, metrics_port),
        .help = "TCP port of /health, /ready and /metrics",
    },
    {
        .name = "BATCH_SIZE",
        .kind = NN_CONFIG_INT,
        .fallback = "256",
        .min = 1,
        .max = 4096,
        .offset = offsetof(worker_settings, batch_size),
        .help = "messages fetched and written in one transaction",
    },
    {
        .name = "MAX_DELIVER",
        .kind = NN_CONFIG_INT,
        .fallback = "5",
        .min = 1,
        .max = 1000,
        .offset = offsetof(worker_settings, max_deliver),
        .help = "deliveries of a failing message before it goes to the DLQ",
    },
    {
        .name = "ACK_WAIT_MS",
        .kind = NN_CONFIG_MS,
        .fallback = "30000",
        .min = 1000,
        .max = 3600000,
        .offset = offsetof(worker_settings, ack_wait_ms),
        .help = "redelivery of an unacknowledged message after this long",
    },
    {
        .name = "MAX_ACK_PENDING",
        .kind = NN_CONFIG_INT,
        .fallback = "1024",
        .min = 1,
        .max = 1000000,
        .offset = offsetof(worker_settings, max_ack_pending),
        .help = "unacknowledged messages allowed in flight (>= 2 x BATCH_SIZE)",
    },
    NN_CONFIG_LOG_LEVEL(worker_settings, log_level),
    NN_CONFIG_LOG_FORMAT(worker_settings, log_format),
};

const nn_cli worker_cli = {
    .program = "worker",
    .summary = "Consumes the ingested messages from NATS JetStream and writes their rows to\n"
               "PostgreSQL, sending the messages it cannot store to the dead-letter stream.",
    .vars = worker_vars,
    .var_count = sizeof worker_vars / sizeof worker_vars[0],
    .log_level_offset = offsetof(worker_settings, log_level),
    .log_format_offset = offsetof(worker_settings, log_format),
};

nn_status worker_settings_check(const worker_settings *settings)
{
    /* a fetch larger than MaxAckPending stalls for the whole fetch timeout */
    if (settings->max_ack_pending < settings->batch_size) {
        nn_log_error("MAX_ACK_PENDING must be at least BATCH_SIZE",
                     NN_LOG_INT("MAX_ACK_PENDING", settings->max_ack_pending),
                     NN_LOG_INT("BATCH_SIZE", settings->batch_size));
        return NN_ERR_INVALID;
    }
    if (settings->max_ack_pending < 2 * settings->batch_size)
        nn_log_warn("MAX_ACK_PENDING below 2 x BATCH_SIZE slows fetching down",
                    NN_LOG_INT("MAX_ACK_PENDING", settings->max_ack_pending),
                    NN_LOG_INT("BATCH_SIZE", settings->batch_size));
    return NN_OK;
}
