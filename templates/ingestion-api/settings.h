/*
 * settings.h - the ingestion API's configuration: its environment variables
 * (see settings.c for names, defaults and ranges) parsed into one structure.
 */
#ifndef INGEST_SETTINGS_H
#define INGEST_SETTINGS_H

#include "common/cli.h"

#include <stdint.h>

typedef struct ingest_settings {
    const char *nats_url;
    int64_t port;
    int64_t max_body_bytes;
    const char *api_token; /* NULL: no authentication */
    int log_level;         /* nn_log_level */
    int log_format;        /* nn_log_format */
} ingest_settings;

/* --help, --version and the environment of the ingestion API. */
extern const nn_cli ingest_cli;

#endif
