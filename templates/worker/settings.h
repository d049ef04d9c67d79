/*
 * settings.h - the worker's configuration: its environment variables (see
 * settings.c for names, defaults and ranges) parsed into one structure.
 */
#ifndef WORKER_SETTINGS_H
#define WORKER_SETTINGS_H

#include "common/cli.h"

#include <stdint.h>

typedef struct worker_settings {
    const char *nats_url;
    const char *database_url;
    int64_t metrics_port;
    int64_t batch_size;      /* messages fetched (and written) at a time */
    int64_t max_deliver;     /* deliveries of a message before it goes to the DLQ */
    int64_t ack_wait_ms;     /* redelivery after this long without an ack */
    int64_t max_ack_pending; /* unacknowledged messages allowed per consumer */
    int log_level;           /* nn_log_level */
    int log_format;          /* nn_log_format */
} worker_settings;

/* --help, --version and the environment of the worker. */
extern const nn_cli worker_cli;

/*
 * Checks between variables (each one alone is checked by nn_cli_start):
 * NN_OK, or NN_ERR_INVALID after logging what is wrong.
 */
nn_status worker_settings_check(const worker_settings *settings);

#endif
