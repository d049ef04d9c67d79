/*
 * settings.c - the worker's environment variables and flags (see settings.h).
 */
#include "settings.h"

#include "common/log.h"

#include <stddef.h>

static const nn_config_var worker_vars[] = {
    NN_CONFIG_NATS_URL(worker_settings, nats_url),
    NN_CONFIG_DATABASE_URL(worker_settings, database_url),
    {
        .name = "METRICS_HOST",
        .kind = NN_CONFIG_STRING,
        .fallback = "0.0.0.0",
        .offset = offsetof(worker_settings, metrics_host),
        .help = "IPv4 address /health, /ready and /metrics listen on",
    },
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
        .name = "SCHEMA_FILE",
        .kind = NN_CONFIG_STRING,
        .fallback = "sql/schema.sql",
        .offset = offsetof(worker_settings, schema_file),
        .help = "the schema applied at start-up (relative to the working directory)",
    },
    {
        .name = "CONCURRENCY",
        .kind = NN_CONFIG_INT,
        .fallback = "2",
        .min = 1,
        .max = 64,
        .offset = offsetof(worker_settings, concurrency),
        .help = "consuming loops in this process, each with its own database connection",
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
        .help = "unacknowledged messages allowed in flight (>= 2 x CONCURRENCY x BATCH_SIZE)",
    },
    {
        .name = "FETCH_WAIT_MS",
        .kind = NN_CONFIG_MS,
        .fallback = "500",
        .min = 10,
        .max = 60000,
        .offset = offsetof(worker_settings, fetch_wait_ms),
        .help = "longest wait for a message when the stream is idle",
    },
    {
        .name = "RETRY_BASE_MS",
        .kind = NN_CONFIG_MS,
        .fallback = "1000",
        .min = 1,
        .max = 3600000,
        .offset = offsetof(worker_settings, retry_base_ms),
        .help = "redelivery delay after a first transient failure (doubles each time)",
    },
    {
        .name = "RETRY_MAX_MS",
        .kind = NN_CONFIG_MS,
        .fallback = "60000",
        .min = 1,
        .max = 86400000,
        .offset = offsetof(worker_settings, retry_max_ms),
        .help = "longest redelivery delay after transient failures",
    },
    {
        .name = "LAG_INTERVAL_MS",
        .kind = NN_CONFIG_MS,
        .fallback = "5000",
        .min = 100,
        .max = 3600000,
        .offset = offsetof(worker_settings, lag_interval_ms),
        .help = "how often the consumer lag metric is refreshed",
    },
    NN_CONFIG_STREAM_VARS(worker_settings, streams),
    NN_CONFIG_LOG_LEVEL(worker_settings, log_level),
    NN_CONFIG_LOG_FORMAT(worker_settings, log_format),
};

void worker_cli_init(nn_cli *cli, nn_cli_flag *migrate_flag, worker_settings *settings)
{
    settings->migrate_only = false;
    *migrate_flag = (nn_cli_flag){
        .name = "--migrate-only",
        .help = "apply the schema (SCHEMA_FILE) to DATABASE_URL and exit",
        .set = &settings->migrate_only,
    };
    *cli = (nn_cli){
        .program = "worker",
        .summary = "Consumes the ingested messages from NATS JetStream and writes their rows to\n"
                   "PostgreSQL, sending the messages it cannot store to the dead-letter stream.",
        .vars = worker_vars,
        .var_count = sizeof worker_vars / sizeof worker_vars[0],
        .flags = migrate_flag,
        .flag_count = 1,
        .log_level_offset = offsetof(worker_settings, log_level),
        .log_format_offset = offsetof(worker_settings, log_format),
    };
}

nn_status worker_settings_check(const worker_settings *settings)
{
    /* a fetch larger than MaxAckPending stalls for the whole fetch timeout */
    if (settings->max_ack_pending < settings->batch_size) {
        nn_log_error("MAX_ACK_PENDING must be at least BATCH_SIZE",
                     NN_LOG_INT("MAX_ACK_PENDING", settings->max_ack_pending),
                     NN_LOG_INT("BATCH_SIZE", settings->batch_size));
        return NN_ERR_INVALID;
    }
    /* each loop holds up to two batches: one being written, the next one read */
    if (settings->max_ack_pending < 2 * settings->concurrency * settings->batch_size)
        nn_log_warn("MAX_ACK_PENDING below 2 x CONCURRENCY x BATCH_SIZE slows fetching down",
                    NN_LOG_INT("MAX_ACK_PENDING", settings->max_ack_pending),
                    NN_LOG_INT("CONCURRENCY", settings->concurrency),
                    NN_LOG_INT("BATCH_SIZE", settings->batch_size));
    if (settings->retry_max_ms < settings->retry_base_ms) {
        nn_log_error("RETRY_MAX_MS must be at least RETRY_BASE_MS",
                     NN_LOG_INT("RETRY_MAX_MS", settings->retry_max_ms),
                     NN_LOG_INT("RETRY_BASE_MS", settings->retry_base_ms));
        return NN_ERR_INVALID;
    }
    return NN_OK;
}
