/*
 * settings.h - the worker's configuration: its environment variables (see
 * settings.c for names, defaults and ranges) and its command-line flags,
 * parsed into one structure.
 */
#ifndef WORKER_SETTINGS_H
#define WORKER_SETTINGS_H

#include "common/cli.h"
#include "common/streams.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct worker_settings {
    const char *nats_url;
    const char *database_url;
    const char *metrics_host; /* address /health, /ready and /metrics listen on */
    int64_t metrics_port;
    const char *schema_file; /* sql/schema.sql, applied at start-up */
    int64_t concurrency;     /* consuming loops, each with its own database connection */
    int64_t batch_size;      /* messages fetched (and written) at a time */
    int64_t max_deliver;     /* deliveries of a message before it goes to the DLQ */
    int64_t ack_wait_ms;     /* redelivery after this long without an ack */
    int64_t max_ack_pending; /* unacknowledged messages allowed per consumer */
    int64_t fetch_wait_ms;   /* longest wait of an idle fetch */
    int64_t retry_base_ms;   /* delay of the first redelivery after a transient failure */
    int64_t retry_max_ms;    /* longest delay between redeliveries */
    int64_t lag_interval_ms; /* how often the consumer lag is read */
    nn_stream_settings streams;
    int log_level;     /* nn_log_level */
    int log_format;    /* nn_log_format */
    bool migrate_only; /* --migrate-only: apply the schema and exit */
} worker_settings;

/* The command line of the worker: --help, --version, --migrate-only, and the
 * environment. The flag writes into the settings it is given. */
void worker_cli_init(nn_cli *cli, nn_cli_flag *migrate_flag, worker_settings *settings);

/*
 * Checks between variables (each one alone is checked by nn_cli_start):
 * NN_OK, or NN_ERR_INVALID after logging what is wrong.
 */
nn_status worker_settings_check(const worker_settings *settings);

#endif
